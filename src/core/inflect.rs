//! English inflections of a base form, so that a rule names a word once: `send` also matches
//! "sends", "sent", "sending"; `quote` also "quotes", "quoted", "quoting".
//!
//! Regular forms come from a few spelling rules (-s/-es/-ies, -ed/-d/-ied, -ing with a final
//! e dropped or a consonant doubled); irregular verbs from a table. Over-generation is
//! harmless ("lists" of "list" as a verb): a form nobody writes never matches anything.
//! Short function words are left as they are.

/// Irregular verbs: base, then its other forms.
const IRREGULAR: &[(&str, &[&str])] = &[
    (
        "be",
        &[
            "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m",
        ],
    ),
    ("have", &["has", "had", "having", "'ve", "'d"]),
    ("do", &["does", "did", "done", "doing"]),
    ("go", &["goes", "went", "gone", "going"]),
    ("send", &["sent"]),
    ("resend", &["resent"]),
    ("give", &["gave", "given"]),
    ("take", &["took", "taken"]),
    ("get", &["got", "gotten"]),
    ("bring", &["brought"]),
    ("buy", &["bought"]),
    ("think", &["thought"]),
    ("tell", &["told"]),
    ("say", &["said"]),
    ("pay", &["paid"]),
    ("make", &["made"]),
    ("meet", &["met"]),
    ("lead", &["led"]),
    ("run", &["ran"]),
    ("come", &["came"]),
    ("see", &["saw", "seen"]),
    ("write", &["wrote", "written"]),
    ("speak", &["spoke", "spoken"]),
    ("throw", &["threw", "thrown"]),
    ("shoot", &["shot"]),
    ("leave", &["left"]),
    ("lose", &["lost"]),
    ("win", &["won"]),
    ("sell", &["sold"]),
    ("hold", &["held"]),
    ("keep", &["kept"]),
    ("feel", &["felt"]),
    ("find", &["found"]),
    ("know", &["knew", "known"]),
    ("show", &["shown"]),
    ("choose", &["chose", "chosen"]),
    ("begin", &["began", "begun"]),
    ("eat", &["ate", "eaten"]),
    ("fall", &["fell", "fallen"]),
    ("forget", &["forgot", "forgotten"]),
    ("hear", &["heard"]),
    ("put", &["put"]),
    ("cut", &["cut"]),
    ("set", &["set"]),
    ("let", &["let"]),
    ("shut", &["shut"]),
    ("hit", &["hit"]),
    ("quit", &["quit"]),
    ("spend", &["spent"]),
    ("lend", &["lent"]),
    ("build", &["built"]),
    ("understand", &["understood"]),
    ("stand", &["stood"]),
    ("undercut", &["undercut"]),
    ("fight", &["fought"]),
    ("teach", &["taught"]),
    ("catch", &["caught"]),
    ("seek", &["sought"]),
    ("ring", &["rang", "rung"]),
    // Regular, but with a doubled last letter the spelling rules cannot tell.
    ("commit", &["committed", "committing"]),
    ("submit", &["submitted", "submitting"]),
    ("admit", &["admitted", "admitting"]),
    ("refer", &["referred", "referring"]),
    ("prefer", &["preferred", "preferring"]),
    ("transfer", &["transferred", "transferring"]),
    ("control", &["controlled", "controlling"]),
    (
        "cancel",
        &["cancelled", "cancelling", "canceled", "canceling"],
    ),
    (
        "travel",
        &["travelled", "travelling", "traveled", "traveling"],
    ),
    ("label", &["labelled", "labelling", "labeled", "labeling"]),
    ("equip", &["equipped", "equipping"]),
];

/// Words that are not inflected (their "forms" would be other words or nonsense).
const FIXED: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "and", "or", "our", "their", "my",
    "your", "his", "her", "its", "it", "this", "that", "by", "at", "from", "up", "off", "out",
    "over", "back", "as", "so", "us", "me", "we", "i", "they", "she", "he", "them", "him", "you",
    "not", "no", "if", "but", "all", "any", "some", "more", "very", "just", "too", "also", "via",
    "per", "vs", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "n't",
    "'ll", "'d", "'s", "'re", "'ve", "'m", "next", "then", "than", "again", "still", "asap", "eod",
    "eow", "w/", "w/o", "f/u", "fu", "pls", "thx", "ok", "okay", "yes", "yet", "there", "here",
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
];

/// The base form and every inflection of it, lower case.
pub fn forms(base: &str) -> Vec<String> {
    let base = base.to_lowercase();
    let mut out = vec![base.clone()];
    if let Some((_, other)) = IRREGULAR.iter().find(|(b, _)| *b == base) {
        if base.len() < 3 {
            // "go", "be", "do": only their own table.
            out.extend(other.iter().map(|s| s.to_string()));
            return out;
        }
    }
    // "follow-up": "following-up", "followed-up" and "follow-ups".
    if let Some((first, rest)) = base.split_once('-') {
        if !first.is_empty() && !rest.is_empty() {
            out.extend(forms(first).into_iter().map(|f| format!("{f}-{rest}")));
            let (head, last) = base.rsplit_once('-').unwrap_or(("", &base));
            out.extend(forms(last).into_iter().map(|l| format!("{head}-{l}")));
            out.push(format!("{head}-{}", plural(last)));
            out.sort();
            out.dedup();
            return out;
        }
    }
    if FIXED.contains(&base.as_str())
        || base.chars().count() < 3
        || !base.chars().all(|c| c.is_alphabetic() || c == '-')
    {
        return out;
    }
    if let Some((_, other)) = IRREGULAR.iter().find(|(b, _)| *b == base) {
        out.extend(other.iter().map(|s| s.to_string()));
    }
    // Forms that are themselves listed as irregular ("sent") are not inflected further.
    if IRREGULAR
        .iter()
        .any(|(b, other)| *b != base && other.contains(&base.as_str()))
    {
        return out;
    }
    out.push(plural(&base));
    out.push(past(&base));
    out.push(gerund(&base));
    out.sort();
    out.dedup();
    out
}

/// The base form and its third person present: send, sends; have, has; go, goes.
pub fn present(base: &str) -> Vec<String> {
    let base = base.to_lowercase();
    let third = match base.as_str() {
        "be" => return vec!["be".into(), "is".into(), "are".into(), "am".into()],
        "have" => "has".to_string(),
        "do" => "does".to_string(),
        "go" => "goes".to_string(),
        b if FIXED.contains(&b) || b.chars().count() < 3 => return vec![base],
        b if !b.chars().all(|c| c.is_alphabetic() || c == '-') => return vec![base],
        b => plural(b),
    };
    vec![base, third]
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The last three letters: consonant, vowel, consonant (not w, x, y) in a one-syllable word
/// doubles its last letter: ship → shipped, shipping; but quote → quoted, open → opened.
fn doubles(word: &str) -> bool {
    let letters: Vec<char> = word.chars().collect();
    let n = letters.len();
    if !(3..=5).contains(&n) {
        return false;
    }
    let (a, b, c) = (letters[n - 3], letters[n - 2], letters[n - 1]);
    let vowels = letters.iter().filter(|&&c| is_vowel(c)).count();
    !is_vowel(a) && is_vowel(b) && !is_vowel(c) && !matches!(c, 'w' | 'x' | 'y') && vowels == 1
}

/// A noun's plural by the regular spelling rules: manager, managers; company, companies.
pub(crate) fn plural(w: &str) -> String {
    if let Some(stem) = w.strip_suffix('y') {
        if !stem.ends_with(is_vowel) {
            return format!("{stem}ies");
        }
    }
    if w.ends_with(['s', 'x', 'z']) || w.ends_with("ch") || w.ends_with("sh") {
        return format!("{w}es");
    }
    format!("{w}s")
}

fn past(w: &str) -> String {
    if w.ends_with('e') {
        return format!("{w}d");
    }
    if let Some(stem) = w.strip_suffix('y') {
        if !stem.ends_with(is_vowel) {
            return format!("{stem}ied");
        }
    }
    if doubles(w) {
        let last = w.chars().last().unwrap_or_default();
        return format!("{w}{last}ed");
    }
    format!("{w}ed")
}

fn gerund(w: &str) -> String {
    if let Some(stem) = w.strip_suffix("ie") {
        return format!("{stem}ying");
    }
    if let Some(stem) = w.strip_suffix('e').filter(|_| !w.ends_with("ee")) {
        return format!("{stem}ing");
    }
    if doubles(w) {
        let last = w.chars().last().unwrap_or_default();
        return format!("{w}{last}ing");
    }
    format!("{w}ing")
}

#[cfg(test)]
mod tests {
    use super::forms;

    fn has(base: &str, form: &str) -> bool {
        forms(base).iter().any(|f| f == form)
    }

    #[test]
    fn regular_and_irregular_forms() {
        for (base, form) in [
            ("send", "sent"),
            ("send", "sending"),
            ("send", "sends"),
            ("quote", "quoted"),
            ("quote", "quoting"),
            ("ship", "shipped"),
            ("ship", "shipping"),
            ("reply", "replied"),
            ("reply", "replies"),
            ("discount", "discounts"),
            ("discount", "discounted"),
            ("waive", "waived"),
            ("give", "given"),
            ("throw", "threw"),
            ("box", "boxes"),
            ("open", "opened"),
        ] {
            assert!(has(base, form), "{base} → {form}: {:?}", forms(base));
        }
        assert!(has("follow-up", "following-up") && has("follow-up", "follow-ups"));
        assert!(has("cut", "cutting") && has("put", "puts") && has("set", "setting"));
        assert!(!forms("sent").iter().any(|f| f == "sents"));
        assert!(has("go", "gone") && has("go", "went") && has("be", "was"));
        assert_eq!(forms("the"), vec!["the"]);
        assert_eq!(forms("w/"), vec!["w/"]);
        assert!(!has("open", "openned"));
    }
}
