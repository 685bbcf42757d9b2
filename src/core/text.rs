//! Small, bounded text helpers for the checks after a match: char boundaries, the sentence
//! around a match (for the subject of a step joined by "and"), the words before it (for
//! negation), and quoted passages.
//!
//! Every helper looks at most a fixed number of bytes around a match, so that the analysis stays
//! linear in the note's length however many matches a note has.

use std::ops::Range;

/// How far the engine looks around a match for its sentence (exceptions) and for negation.
pub const SENTENCE_REACH: usize = 240;
const NEGATION_REACH: usize = 48;
/// Negation reaches at most this many words back.
pub const NEGATION_WORDS: usize = 4;

/// The largest char boundary `<= i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary `>= i`.
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | '\n' | '\r' | '•' | '·' | '|' | '。' | '！' | '？'
    )
}

fn ends_clause(c: char) -> bool {
    ends_sentence(c) || matches!(c, ',' | ':' | '(' | ')' | '–' | '—' | '"' | '“' | '”')
}

/// The sentence around `span`, at most [`SENTENCE_REACH`] bytes to each side.
pub fn sentence_around(text: &str, span: Range<usize>) -> Range<usize> {
    let lo = floor_boundary(text, span.start.saturating_sub(SENTENCE_REACH));
    let hi = ceil_boundary(text, span.end.saturating_add(SENTENCE_REACH));
    let start = text[lo..span.start]
        .char_indices()
        .rev()
        .find(|&(_, c)| ends_sentence(c))
        .map(|(i, c)| lo + i + c.len_utf8())
        .unwrap_or(lo);
    let end = text[span.end..hi]
        .char_indices()
        .find(|&(_, c)| ends_sentence(c))
        .map(|(i, _)| span.end + i)
        .unwrap_or(hi);
    start..end
}

/// The words of `text` as written (letters, digits and apostrophes).
pub fn raw_words(text: &str) -> impl DoubleEndedIterator<Item = &str> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
}

/// Writes `word` lower-cased, curly apostrophes made straight, into `out` (cleared first):
/// the form the lexicon's word lists use, without allocating when `out` is reused.
pub fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '’' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The last few words before `at`, within the same clause, as written (see [`normalize_into`]),
/// nearest first. A dictated note has no commas: a word that opens a clause ("so", "then",
/// "but", "also") ends it too, so the "didn't" of "which they didn't know and then their ops
/// manager will map it" does not negate the step after it.
pub fn words_before(text: &str, at: usize) -> impl Iterator<Item = &str> + '_ {
    let lo = floor_boundary(text, at.saturating_sub(NEGATION_REACH));
    let window = &text[lo..at];
    let clause = match window.char_indices().rev().find(|&(_, c)| ends_clause(c)) {
        Some((i, c)) => &window[i + c.len_utf8()..],
        None => window,
    };
    // The window may have cut the first word in half; it is not a word of its own.
    let clause = if lo > 0 && window.len() == clause.len() {
        match clause_words(clause).next() {
            Some(first) => {
                &clause[first.as_ptr() as usize - clause.as_ptr() as usize + first.len()..]
            }
            None => "",
        }
    } else {
        clause
    };
    // A sentence begun with no full stop ("… instead of reefers He agreed to send") ends
    // the clause before it as one would.
    let opens = text.as_bytes().get(at).is_some_and(u8::is_ascii_uppercase)
        && text[..at].ends_with(char::is_whitespace)
        && raw_words(&text[at..])
            .next()
            .is_some_and(is_sentence_opener);
    let clause = if opens { "" } else { clause };
    // A capitalised opener met going back belongs to its sentence: nothing before it counts.
    let mut opened = false;
    clause_words(clause)
        .rev()
        .take_while(move |w| {
            let go_on = !opened && !opens_clause(w);
            opened |= is_sentence_opener(w);
            go_on
        })
        .take(NEGATION_WORDS)
}

/// Words that open a sentence, and in the middle of one are written in lower case. Not "the",
/// "this": "met with The Hartford buyer", "quote to The Home Depot".
#[rustfmt::skip]
const SENTENCE_OPENERS: [&str; 22] = [
    "he", "she", "they", "we", "it", "their", "our", "my", "his", "these", "those", "tomorrow",
    "today", "yesterday", "tonight", "next", "then", "also", "so", "but", "however", "anyway",
];

/// A capitalised word that opens a sentence ("Their", "Tomorrow"; not "THEIR"): after a
/// lower-case word it begins one even with no full stop before it (see
/// [`crate::core::token`]).
pub fn is_sentence_opener(word: &str) -> bool {
    // Most words are not capitalised: turned away before any contraction is cut.
    if !word.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    // "He'll", "They're", "Theyll" open one as "He" and "They" do.
    let word = word.split(['\'', '’']).next().unwrap_or(word);
    let word = match super::token::bare_contraction(word) {
        Some(cut) => &word[..cut],
        None => word,
    };
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_lowercase())
        && SENTENCE_OPENERS
            .iter()
            .any(|o| o.eq_ignore_ascii_case(word))
}

/// Words that open a new clause in a run-on sentence: conjunctions, and the fillers a
/// dictated note leaves where a writer would end the sentence ("he wouldn't say budget um I'm
/// gonna send the brochure").
fn opens_clause(word: &str) -> bool {
    [
        "so", "then", "but", "also", "because", "cause", "though", "although", "um", "umm", "uh",
        "uhm", "erm", "anyway", "anyways",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

/// Like [`raw_words`], but a hyphenated compound is one word: the "no" of "a go/no-go
/// decision" negates nothing.
fn clause_words(text: &str) -> impl DoubleEndedIterator<Item = &str> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

/// The byte ranges inside double quotes (straight or curly), quote marks excluded.
/// An unclosed quote runs to the end of its line; a straight quote after a digit is inches
/// ("6\" valves") and opens none.
pub fn quoted_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    // Only a few bytes can start a quote mark or a line break: '"', '\n', and the lead bytes of
    // “ ” (E2) and « » (C2). Everything else is skipped without decoding.
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !matches!(b, b'"' | b'\n' | 0xC2 | 0xE2) {
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            continue;
        };
        match (open, c) {
            // A straight quote after a digit is inches ("6\" gate valves", "5/8\" meters").
            (None, '"') if text[..i].ends_with(|p: char| p.is_ascii_digit()) => {}
            (None, '"') | (None, '“') | (None, '«') => open = Some((i + c.len_utf8(), c)),
            (Some((start, '"')), '"') | (Some((start, '“')), '”') | (Some((start, '«')), '»') =>
            {
                out.push(start..i);
                open = None;
            }
            (Some((start, _)), '\n') => {
                out.push(start..i);
                open = None;
            }
            _ => {}
        }
    }
    if let Some((start, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// The words that lead in to a quote whose text starts at `at`, lower-cased: the quote's line
/// before it, or the line before that when the quote opens its line (at most
/// [`SENTENCE_REACH`] bytes).
pub fn lead_in(text: &str, at: usize) -> String {
    let lo = floor_boundary(text, at.saturating_sub(SENTENCE_REACH));
    let before = &text[lo..floor_boundary(text, at)];
    let mut lines = before.rsplit('\n');
    let own = lines.next().unwrap_or("");
    let own = own.trim_end_matches(['"', '“', '«', '>', ' ']);
    let lead = if own.trim().is_empty() {
        lines.find(|l| !l.trim().is_empty()).unwrap_or("")
    } else {
        own
    };
    lead.to_lowercase().replace('’', "'")
}

/// Whether `text` holds `phrase` as whole words.
pub fn holds_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, m)| {
        let before = text[..i].chars().next_back();
        let after = text[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(word: &str) -> String {
        let mut out = String::new();
        normalize_into(word, &mut out);
        out
    }

    /// In reading order, as a person would list them.
    fn words_before(t: &str, at: usize) -> Vec<String> {
        let mut v: Vec<String> = super::words_before(t, at).map(normalize).collect();
        v.reverse();
        v
    }

    #[test]
    fn words_before_stop_at_the_clause() {
        let t = "we did not offer a discount";
        assert_eq!(
            words_before(t, t.find("a discount").unwrap()),
            vec!["we", "did", "not", "offer"]
        );
        assert_eq!(words_before("no, gave a discount", 4), Vec::<String>::new());
        // A dictated run-on: "then" and "but" open a clause as a comma would.
        let t = "which they didnt know and then their ops manager is going to map it";
        assert_eq!(
            words_before(t, t.find("their ops").unwrap()),
            Vec::<String>::new()
        );
        let t = "she did not have budget but asked for the quote";
        assert_eq!(
            words_before(t, t.find("asked").unwrap()),
            Vec::<String>::new()
        );
        // A dictated filler ends the clause too.
        let t = "he wouldn't say budget um I'm gonna send the brochure";
        assert_eq!(
            words_before(t, t.find("send").unwrap()),
            vec!["i'm", "gonna"]
        );
        let t = "so we did not send the deck";
        assert_eq!(
            words_before(t, t.find("the deck").unwrap()),
            vec!["we", "did", "not", "send"]
        );
        let t = "a go/no-go decision";
        assert_eq!(
            words_before(t, t.find("decision").unwrap()),
            ["a", "go", "no-go"]
        );
        let t = "did not - offer";
        assert_eq!(words_before(t, t.find("offer").unwrap()), ["did", "not"]);
        assert_eq!(
            words_before("They didn’t agree", "They didn’t ".len()),
            vec!["they", "didn't"]
        );
        // A sentence opened without a full stop: nothing before "They" or "He" counts.
        let t = "not bad at all They will send";
        assert_eq!(words_before(t, t.find("will").unwrap()), ["they"]);
        let t = "instead of reefers He agreed";
        assert!(words_before(t, t.find("He").unwrap()).is_empty());
        let t = "instead of reefers He'll send";
        assert!(words_before(t, t.find("He").unwrap()).is_empty());
        // At most the last four words; a word the reach cuts in half is not one.
        let t = "one two three four five six";
        assert_eq!(words_before(t, t.len()), ["three", "four", "five", "six"]);
        // The reach starts inside the long word; its tail "…nothing" is not a word.
        let t = format!("{}nothing y", "x".repeat(NEGATION_REACH));
        assert_eq!(words_before(&t, t.len()), ["y"]);
    }

    #[test]
    fn sentences_are_bounded_by_punctuation_and_lines() {
        let t = "First one. Then we sent the quote; done\nnext";
        let at = t.find("sent").unwrap();
        let s = sentence_around(t, at..at + 4);
        assert_eq!(&t[s], " Then we sent the quote");
    }

    #[test]
    fn a_quote_is_led_in_by_its_line_or_the_line_before() {
        let t = "Client email: \"Can you send a price?\" My reply: \"Happy to\"";
        let q = quoted_ranges(t);
        assert_eq!(lead_in(t, q[0].start), "client email:");
        assert!(holds_phrase(&lead_in(t, q[1].start), "my reply"));
        let t = "My email to Dana:\n\n\"Thanks for today\"";
        let q = quoted_ranges(t);
        assert_eq!(lead_in(t, q[0].start), "my email to dana:");
        // Whole words only.
        assert!(!holds_phrase("semail to", "email to"));
        assert!(holds_phrase("(email to)", "email to"));
    }

    #[test]
    fn quotes_are_found_and_checked() {
        let t = "she said \"we'll send the data\" and “ok”";
        let q = quoted_ranges(t);
        assert_eq!(q.len(), 2);
        assert_eq!(&t[q[0].clone()], "we'll send the data");
        let (send, and) = (t.find("send").unwrap(), t.find("and").unwrap());
        assert!(q[0].contains(&send) && !q.iter().any(|r| r.contains(&and)));
        // Guillemets; other characters that share a lead byte (— ’ é) are not quote marks;
        // an unclosed quote runs to the end of its line.
        let t = "— it’s «on me» café \"unclosed\nnext";
        let q: Vec<&str> = quoted_ranges(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(q, ["on me", "unclosed"]);
        // A straight quote after a digit is inches, and opens nothing.
        let t = "rev'd qte on 6\" gate vlvs, 5/8\" meters, she said \"fine\"";
        let q: Vec<&str> = quoted_ranges(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(q, ["fine"]);
    }

    #[test]
    fn boundaries_on_multibyte_text() {
        let t = "é😀x";
        assert_eq!(floor_boundary(t, 3), 2);
        assert_eq!(ceil_boundary(t, 3), 6);
    }
}
