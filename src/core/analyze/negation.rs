//! Whether a match is negated: a negator a few words back in its clause ("did not offer a
//! discount", "no discount"), or its own subject ("nobody"). "No" before an idiom ("at no
//! charge") negates nothing after it; a clause ends at a conjunction, a dictated filler, or a
//! subject of its own, unless a verb of thinking or saying carries the negation on.
//!
//! **Invariant:** pure and total; reads at most a few words before the match.

use crate::core::rules::RuleSet;
use crate::core::text;
use crate::core::token;

fn is_negator(rules: &RuleSet, word: &str) -> bool {
    rules.words.negators.contains(word) || (word.ends_with("n't") && word != "n't")
}

/// A negator among the few words before the match in its clause, or as the match's own
/// subject ("not send the quote" after "we did"). A subject of its own between them, the
/// match's first word included ("no interest and I'll bring"), ends the clause, unless a word
/// of thinking or asking comes right before that subject ("not sure if I'll bring").
///
/// "No" before an idiom's noun ("at no charge", "no problem") negates only that idiom.
pub(super) fn negated(
    rules: &RuleSet,
    note: &str,
    at: usize,
    owner: Option<(usize, usize)>,
) -> bool {
    let mut word = String::new();
    // The two words after the one being read (words are read nearest the match first): an
    // idiom may be one or two words ("at no charge", "at no extra charge").
    let (mut next, mut after_next) = (String::new(), String::new());
    let mut negates = |raw: &str| {
        text::normalize_into(raw, &mut word);
        let idiom = || {
            let idioms = &rules.words.no_idioms;
            idioms.contains(&next) || idioms.contains(&format!("{next} {after_next}"))
        };
        // "Instead of sending a quote" negates; "Instead I walked her through" opens a clause.
        let negates = is_negator(rules, &word)
            && !(word == "no" && idiom())
            && !(word == "instead" && next != "of");
        std::mem::swap(&mut after_next, &mut next);
        next.clone_from(&word);
        negates
    };
    // A subject of its own between a negator and the match opens a clause of its own, as a
    // dictated note writes one with no comma ("no real update he said it looks great", "it
    // won't happen again we'll cover the freight"), unless what comes before it thinks or
    // says it ("don't think we'll need to", "not sure they'll send", "no way we give 10%").
    let mut before = text::words_before(note, at).peekable();
    // So does the match's own first word ("no interest and I'll bring the samples").
    let thinks = |w: &&str| THINKING.iter().any(|t| w.eq_ignore_ascii_case(t));
    let own_subject = text::raw_words(&note[at..])
        .next()
        .is_some_and(|w| note[at..].starts_with(w) && is_personal_subject(w));
    if own_subject && !before.peek().is_some_and(thinks) {
        return owner_negated(rules, note, owner);
    }
    while let Some(raw) = before.next() {
        if negates(raw) {
            return true;
        }
        if is_personal_subject(raw) && !before.peek().is_some_and(thinks) {
            break;
        }
    }
    owner_negated(rules, note, owner)
}

/// Words before a subject through which a negation reaches into its clause: thinking,
/// saying, or asking whether ("not sure if I'll bring", "no chance we'll drop the price").
#[rustfmt::skip]
const THINKING: [&str; 28] = [
    "think", "thinks", "thought", "sure", "way", "say", "says", "said", "expect", "believe",
    "guess", "reckon", "suppose", "hope", "mean", "that", "if", "whether", "when", "know",
    "knows", "certain", "confident", "convinced", "clear", "likely", "chance", "guarantee",
];

/// "I", "we", "he", "she", "they", "you", with a contraction or not ("we'll", "theyre").
fn is_personal_subject(raw: &str) -> bool {
    let word = raw.split(['\'', '’']).next().unwrap_or(raw);
    let word = token::bare_contraction(word).map_or(word, |cut| &word[..cut]);
    ["i", "we", "he", "she", "they", "you"]
        .iter()
        .any(|p| word.eq_ignore_ascii_case(p))
}

/// Whether the match's own subject negates it ("not send the quote" after "we did"; "nobody").
fn owner_negated(rules: &RuleSet, note: &str, owner: Option<(usize, usize)>) -> bool {
    let mut word = String::new();
    owner.is_some_and(|(s, e)| {
        text::raw_words(&note[s..e]).any(|raw| {
            text::normalize_into(raw, &mut word);
            is_negator(rules, &word)
        })
    })
}
