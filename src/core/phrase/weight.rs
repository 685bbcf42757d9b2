//! How common each symbol's tokens are, for the matcher's index: a phrase is searched only
//! when its rarest required slot occurs in a chunk, so that slot must be judged by how often
//! its words turn up in notes, not by how many words it lists.

use crate::core::token::TokenKind;

/// How common a symbol's tokens are in notes, roughly: the matcher searches a phrase only
/// when its rarest required slot occurs (see [`crate::core::matcher`]), so a slot of common words
/// must weigh more than one of rare ones. A known word weighs 1, or [`COMMON_WEIGHT`] when it
/// is one of English's most frequent words; unknown tokens weigh by kind.
pub(super) fn known_weight(form: &str) -> u32 {
    if COMMON_WORDS.contains(&form) {
        COMMON_WEIGHT
    } else {
        1
    }
}

const COMMON_WEIGHT: u32 = 64;

/// English's most frequent words, and the ones sales notes are full of.
const COMMON_WORDS: &[&str] = &[
    "the", "be", "to", "of", "and", "a", "in", "that", "have", "i", "it", "for", "not", "on",
    "with", "he", "as", "you", "do", "at", "this", "but", "his", "by", "from", "they", "we", "say",
    "her", "she", "or", "an", "will", "my", "one", "all", "would", "there", "their", "what", "so",
    "up", "out", "if", "about", "who", "get", "which", "go", "me", "when", "make", "can", "like",
    "time", "no", "just", "him", "know", "take", "into", "year", "your", "good", "some", "could",
    "them", "see", "other", "than", "then", "now", "look", "only", "come", "its", "over", "think",
    "also", "back", "after", "use", "two", "how", "our", "work", "first", "well", "way", "even",
    "new", "want", "because", "any", "these", "give", "day", "most", "us", "is", "are", "was",
    "were", "been", "has", "had", "did", "does", "need", "next", "week", "call", "client",
    "customer", "team", "said", "'s", "n't", "'ll", "'re", "'m", "'ve", "'d", "let", "send",
    "meeting", "today", "tomorrow", "asked", "ask",
];

/// The weight of an unknown token's symbol, by kind (a lower-case word of no class is the
/// most common token of all).
pub(super) fn unknown_weight(kind: TokenKind, capitalised: bool) -> u32 {
    match kind {
        TokenKind::Word if capitalised => 256,
        TokenKind::Word => 1024,
        TokenKind::Number => 64,
        TokenKind::Money | TokenKind::Percent => 16,
        _ => 1024,
    }
}
