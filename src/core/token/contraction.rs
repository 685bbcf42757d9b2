//! Contractions: where a word splits into its base and its ending, the way spaCy splits them
//! ("they'll" → "they", "'ll"; "don't" → "do", "n't"), and the same typed without the
//! apostrophe ("theyll" → "they", "ll"), whose ending is read as the written one.
//! **Invariant:** a cut is inside the word, on a char boundary, never at its start.

use super::{Token, TokenKind};

/// Where `word` splits into a contraction's base and its ending, if it is one: "they'll",
/// "don't", "theyll", "Im".
pub(super) fn cut(word: &str) -> Option<usize> {
    // An apostrophe, straight or curly: 0xE2 starts ’ (and every char from U+2000 to U+2FFF;
    // `contraction_at` decides which it is).
    let written = word.bytes().any(|b| b == b'\'' || b == 0xE2);
    let cut = CONTRACTIONS
        .iter()
        .filter(|_| written)
        .find_map(|ending| contraction_at(word, ending).filter(|&cut| cut > 0));
    cut.or_else(|| bare_contraction(word))
}

/// The contraction endings split off a word, longest first (straight apostrophe; a curly one
/// is read the same).
const CONTRACTIONS: [&str; 7] = ["n't", "'ll", "'re", "'ve", "'d", "'s", "'m"];

/// The endings a bare contraction leaves, each read as the written ending.
const BARE_ENDINGS: [(&str, &str); 7] = [
    ("ll", "'ll"),
    ("re", "'re"),
    ("ve", "'ve"),
    ("d", "'d"),
    ("m", "'m"),
    ("s", "'s"),
    ("nt", "n't"),
];

/// Where the ending of a contraction written without its apostrophe starts in `word`: "youll",
/// "theyre", "Im", "didnt", as notes typed on a phone write them, split as the written
/// contraction does ("you", "ll" read as "'ll"). As written: "Im", "ill" and "ILL" are "I'm"
/// and "I'll" (so "she was ill" reads "I'll": rare in a sales note, "ill send" common); "IM",
/// "id", "well", "were", "wed", "its", "lets" are words of their own; "Id" is "I'd".
pub fn bare_contraction(word: &str) -> Option<usize> {
    if word == "Id" {
        return Some(1);
    }
    // Most words are turned away by their length or their last letter ("ll", "re", "ve",
    // "d", "m", "s", "nt").
    let last = word.as_bytes().last()?.to_ascii_lowercase();
    if !(2..=8).contains(&word.len())
        || !matches!(last, b'l' | b'e' | b'd' | b'm' | b's' | b't')
        || !word.is_ascii()
        || word == "IM"
    {
        return None;
    }
    let mut lower = [0u8; 8];
    let lower = &mut lower[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let cut = match &*lower {
        b"ill" | b"im" | b"ive" => 1,
        b"hes" | b"weve" | b"itll" | b"dont" | b"wont" | b"cant" | b"isnt" => 2,
        b"youll" | b"youre" | b"youve" | b"youd" | b"shes" | b"didnt" | b"wasnt" | b"arent"
        | b"hasnt" | b"hadnt" => 3,
        b"theyll" | b"theyre" | b"theyve" | b"theyd" | b"thatll" | b"thats" | b"whats"
        | b"doesnt" | b"werent" | b"havent" => 4,
        b"theres" | b"wouldnt" | b"couldnt" => 5,
        b"shouldnt" => 6,
        _ => return None,
    };
    Some(cut)
}

/// How the second part of a bare contraction reads ("ll" → "'ll", "nt" → "n't"), when `t`
/// is one: a word written right after the word `before`, with no space or sign between.
pub fn bare_ending(note: &str, before: Option<&Token>, t: &Token) -> Option<&'static str> {
    if !before.is_some_and(|b| b.kind == TokenKind::Word && b.span.end == t.span.start) {
        return None;
    }
    bare_ending_form(t.text(note))
}

/// A bare contraction's ending as written with its apostrophe: "ll" → "'ll", "nt" → "n't".
pub fn bare_ending_form(ending: &str) -> Option<&'static str> {
    BARE_ENDINGS
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ending))
        .map(|&(_, read)| read)
}

/// Where `ending` ("'ll", "n't") starts in `word`, with a straight or curly apostrophe, in
/// any case.
fn contraction_at(word: &str, ending: &str) -> Option<usize> {
    let mut chars = word.char_indices().rev();
    let mut start = word.len();
    for wanted in ending.chars().rev() {
        let (at, c) = chars.next()?;
        let c = if c == '’' {
            '\''
        } else {
            c.to_ascii_lowercase()
        };
        if c != wanted {
            return None;
        }
        start = at;
    }
    Some(start)
}
