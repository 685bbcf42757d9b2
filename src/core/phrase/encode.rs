//! The encoder: a note's tokens as the symbols the phrase programs read, one a token, and a
//! match over those symbols mapped back to bytes of the note.

use super::kind_index;
use super::symbols::THERE_OR_THEIR;
use super::word_map::WordMap;
use crate::core::token::{self, Token, TokenKind};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// Turns a note's tokens into the symbol string the phrase automaton reads.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Encoder {
    pub(super) spellings: HashMap<String, String>,
    /// A lower-cased token's symbol, its spelling applied: the known forms looked up through
    /// `spellings` ahead of time, so a known word costs one lookup. A word whose spelling is
    /// not a known form is not here (it is read as unknown, by its spelled form).
    pub(super) written: WordMap,
    /// The rules' one-token regexes (kept as written in the compiled form, built on load).
    #[serde(with = "regexes")]
    pub(super) regexes: Vec<regex::Regex>,
    /// Unknown tokens: symbol by `(kind index, capitalised, regex mask)`.
    pub(super) unknown: Vec<u32>,
    pub(super) boundary: u32,
}

impl Encoder {
    /// The encoder of `known` forms, read through `spellings` (both lower case).
    pub(super) fn new(
        known: HashMap<String, u32>,
        spellings: HashMap<String, String>,
        regexes: Vec<regex::Regex>,
        unknown: Vec<u32>,
        boundary: u32,
    ) -> Encoder {
        let mut written = known.clone();
        for (variant, form) in &spellings {
            match known.get(form) {
                Some(&s) => written.insert(variant.clone(), s),
                None => written.remove(variant),
            };
        }
        Encoder {
            written: WordMap::new(written.iter().map(|(w, &s)| (w.as_str(), s))),
            spellings,
            regexes,
            unknown,
            boundary,
        }
    }

    /// The symbols of `tokens`, one a token, in order.
    pub fn encode(&self, note: &str, tokens: &[Token], out: &mut Vec<u32>) {
        out.clear();
        out.reserve(tokens.len());
        let mut word = String::new();
        // A word after a title is a name in any case ("dr alvi", "mr. patel"): the title and
        // its dot leave `after_title` set for the next word.
        let mut after_title = false;
        out.extend(tokens.iter().enumerate().map(|(i, t)| {
            let before = i.checked_sub(1).map(|b| &tokens[b]);
            let symbol = match token::bare_ending(note, before, t) {
                // The ending of "youll", "didnt": read as "'ll", "n't".
                Some(ending) => self.symbol_of_form(ending),
                // "there ops manager": "there" or "their".
                None if token::there_may_be_their(note, tokens, i) => self
                    .written
                    .get(THERE_OR_THEIR)
                    .unwrap_or_else(|| self.symbol(note, t, &mut word, after_title)),
                None => self.symbol(note, t, &mut word, after_title),
            };
            after_title = match t.kind {
                TokenKind::Word => super::is_title(t.text(note)),
                TokenKind::Punct => after_title && t.text(note) == ".",
                _ => false,
            };
            symbol
        }));
    }

    /// The symbol of a word known by its form (the ending of a contraction), else of an
    /// unknown lower-case word.
    fn symbol_of_form(&self, form: &str) -> u32 {
        if let Some(s) = self.written.get(form) {
            return s;
        }
        let form = self.spellings.get(form).map_or(form, String::as_str);
        let mask = self.regex_mask(form);
        let index = kind_index(TokenKind::Word) * 2 * (1 << self.regexes.len()) + mask;
        self.unknown.get(index).copied().unwrap_or(self.boundary)
    }

    /// Which of the one-token regexes `form` matches, as bits.
    fn regex_mask(&self, form: &str) -> usize {
        self.regexes
            .iter()
            .enumerate()
            .filter(|(_, re)| re.is_match(form))
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    /// The forms the `i`th of `tokens` is looked up by, as [`Encoder::encode`] reads it: the
    /// ending of a bare contraction ("youll") as written with its apostrophe, "there" and
    /// "their" for a dictated "there" that may be either, else [`Encoder::form`].
    pub fn forms_at(&self, note: &str, tokens: &[Token], i: usize) -> Vec<String> {
        let before = i.checked_sub(1).map(|b| &tokens[b]);
        match token::bare_ending(note, before, &tokens[i]) {
            Some(ending) => vec![self
                .spellings
                .get(ending)
                .map_or(ending, String::as_str)
                .to_string()],
            None if token::there_may_be_their(note, tokens, i)
                && self.written.get(THERE_OR_THEIR).is_some() =>
            {
                vec!["there".to_string(), "their".to_string()]
            }
            None => vec![self.form(note, &tokens[i])],
        }
    }

    /// The form a token is looked up by: lower case, spelling applied ("Tmrw" → "tomorrow"), a
    /// held letter cut when that makes a known word ("loooved" → "loved").
    pub fn form(&self, note: &str, t: &Token) -> String {
        let mut word = String::new();
        let text = t.text(note);
        let spelled = self.spelled(text, &mut word).to_string();
        if self.written.contains(&word) {
            return spelled;
        }
        match self.stretched(text, &word) {
            Some((cut, _)) => self.spellings.get(&cut).cloned().unwrap_or(cut),
            None => spelled,
        }
    }

    /// `text` lower-cased into `word`, then through the spelling table.
    fn spelled<'a>(&'a self, text: &str, word: &'a mut String) -> &'a str {
        token::normalize_into(text, word);
        self.spellings.get(word.as_str()).unwrap_or(word)
    }

    fn symbol(&self, note: &str, t: &Token, word: &mut String, after_title: bool) -> u32 {
        if t.kind == TokenKind::Boundary {
            return self.boundary;
        }
        let text = t.text(note);
        token::normalize_into(text, word);
        if let Some(s) = self.written.get(word) {
            return s;
        }
        if let Some((_, s)) = self.stretched(text, word) {
            return s;
        }
        let form = self.spellings.get(word.as_str()).unwrap_or(word);
        let mask = self.regex_mask(form);
        let cap =
            t.kind == TokenKind::Word && (after_title || text.starts_with(char::is_uppercase));
        let masks = 1 << self.regexes.len();
        let index = (kind_index(t.kind) * 2 + usize::from(cap)) * masks + mask;
        self.unknown.get(index).copied().unwrap_or(self.boundary)
    }

    /// A word written with a letter held ("loooved", "soooo excited", "cooool"): the known
    /// word, and its symbol, with each run of three or more of a letter cut to two, else to
    /// one. `word` is `text` lower-cased; callers try it only when it is not known as written.
    /// A word all in capitals ("AAA", "III") is a name or a numeral, never a word held.
    fn stretched(&self, text: &str, word: &str) -> Option<(String, u32)> {
        let b = word.as_bytes();
        if !b
            .windows(3)
            .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic())
            || !text.chars().any(char::is_lowercase)
        {
            return None;
        }
        // The word as runs of one char: a letter held is a run of three or more; a double
        // letter ("sheet", "happy") is the word's own and is never cut.
        let mut runs: Vec<(char, usize)> = Vec::new();
        for c in word.chars() {
            match runs.last_mut() {
                Some((last, n)) if *last == c => *n += 1,
                _ => runs.push((c, 1)),
            }
        }
        [2, 1].into_iter().find_map(|keep| {
            let mut cut = String::with_capacity(word.len());
            for &(c, n) in &runs {
                let held = n >= 3 && c.is_ascii_alphabetic();
                cut.extend(std::iter::repeat_n(c, if held { keep } else { n }));
            }
            let symbol = self.written.get(&cut)?;
            Some((cut, symbol))
        })
    }
}

/// The bytes of the note that a match over tokens `matched` covers: its tokens, without the
/// boundaries `^` and `$` matched at its ends. `None` when only boundaries are left.
pub fn note_span(tokens: &[Token], matched: Range<usize>) -> Option<Range<usize>> {
    let matched = tokens.get(matched)?;
    let first = matched.iter().position(|t| t.kind != TokenKind::Boundary)?;
    let last = matched
        .iter()
        .rposition(|t| t.kind != TokenKind::Boundary)?;
    Some(matched[first].span.start..matched[last].span.end)
}

/// The one-token regexes in the compiled form: as written, built again on load.
mod regexes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[regex::Regex], s: S) -> Result<S::Ok, S::Error> {
        let written: Vec<&str> = v.iter().map(regex::Regex::as_str).collect();
        written.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<regex::Regex>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|re| super::super::token_regex(re).map_err(serde::de::Error::custom))
            .collect()
    }
}
