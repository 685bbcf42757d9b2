//! A dictated note's "there" where "their" is meant ("there ops manager is pulling the logs",
//! "there CFO joined"): which "there" may be read as either word, from the words around it.
//!
//! **Invariant:** only ever widens a reading: a "there" that may be "their" still fills every
//! slot "there" fills (the encoder gives it a symbol of both), so no match of "there is",
//! "over there" or "there going to" (for "they're") is lost.

use super::{Token, TokenKind};

/// Words after "there" that make it the adverb or "there is": verbs and helpers, articles and
/// quantities, pronouns, prepositions, conjunctions and adverbs ("there are three bids",
/// "there a lot of", "there we go", "there at 9", "there too").
#[rustfmt::skip]
const NOT_A_NOUN_AFTER: [&str; 96] = [
    "is", "are", "was", "were", "'s", "'re", "'ll", "'d", "will", "would", "could", "should", "might",
    "may", "must", "can", "has", "have", "had", "seems", "seem", "seemed", "appears", "used", "be",
    "been", "being", "no", "not", "a", "an", "the", "some", "any", "many", "much", "more", "lots",
    "lot", "too", "also", "again", "yet", "already", "now", "today", "tomorrow", "yesterday",
    "tonight", "before", "after", "by", "at", "on", "in", "for", "with", "and", "or", "but", "so",
    "if", "then", "as", "to", "from", "of", "we", "i", "you", "they", "he", "she", "it", "this",
    "that", "just", "until", "since", "because", "when", "where", "which", "who", "what", "how",
    "all", "soon", "later", "around", "about", "though", "like", "um", "uh", "ever",
];

/// Words before "there" that make it a place: "over there", "get there", "been there" (not
/// "in" or "from": "in there budget", "from there CFO").
#[rustfmt::skip]
const PLACE_BEFORE: [&str; 24] = [
    "over", "out", "up", "down", "back", "get", "gets", "got", "getting", "go", "goes", "went",
    "gone", "going", "be", "been", "being", "here", "hi", "hey", "stay", "stayed", "live", "there",
];

/// Whether the `i`th of `tokens` is a "there" that may be "their": a word follows it at once,
/// in lower case or in capitals ("there ops guy", "there CFO"; not a name, "there Dana said"),
/// that is no verb, article, pronoun or small word, nor a word in "-ing" ("there doing now" is
/// "they're"), and no word before it makes it a place.
pub fn there_may_be_their(note: &str, tokens: &[Token], i: usize) -> bool {
    let word = |t: &Token| (t.kind == TokenKind::Word).then(|| t.text(note));
    let Some(this) = tokens.get(i).and_then(word) else {
        return false;
    };
    if !this.eq_ignore_ascii_case("there") {
        return false;
    }
    let Some(next) = tokens.get(i + 1).and_then(word) else {
        return false;
    };
    let title_case = next.chars().next().is_some_and(char::is_uppercase)
        && next.chars().skip(1).any(char::is_lowercase);
    let is_in = |list: &[&str], w: &str| list.iter().any(|l| l.eq_ignore_ascii_case(w));
    // "there doing", "there going to": "they're", far more often than "their pricing".
    let gerund = next.len() > 4 && next.to_ascii_lowercase().ends_with("ing");
    if title_case || gerund || is_in(&NOT_A_NOUN_AFTER, next) {
        return false;
    }
    let before = i.checked_sub(1).and_then(|b| tokens.get(b)).and_then(word);
    !before.is_some_and(|b| is_in(&PLACE_BEFORE, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::token::tokenize;

    fn reads(note: &str) -> bool {
        let tokens = tokenize(note);
        let i = tokens
            .iter()
            .position(|t| t.text(note).eq_ignore_ascii_case("there"))
            .unwrap();
        there_may_be_their(note, &tokens, i)
    }

    #[test]
    fn there_before_a_noun_may_be_their() {
        assert!(reads("so there ops manager is pulling the logs"));
        assert!(reads("um there CFO joined for the last ten minutes"));
        assert!(reads("there scrap rate doubled"));
        assert!(reads("it is not in there budget"));
    }

    #[test]
    fn there_as_an_adverb_or_there_is_stays() {
        assert!(!reads("there are three bids in"));
        assert!(!reads("there's no budget"));
        assert!(!reads("we got there at nine"));
        assert!(!reads("drove over there yesterday"));
        assert!(!reads("there Dana said no"));
        assert!(!reads("it was there."));
        assert!(!reads("there a lot of scrap"));
        assert!(!reads("way better then what there doing now"));
    }
}
