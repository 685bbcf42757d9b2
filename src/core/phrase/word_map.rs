//! `WordMap`: the encoder's table from a word, as written in lower case, to its symbol (~25,000
//! words with their inflections and spellings).
//!
//! Every token of every note is looked up here, and a one-note command loads the table from
//! the compiled-rules cache before reading its note. A hash map of strings costs one
//! allocation and one insertion per word when it is loaded (a quarter of such a command's
//! time); this table is all its words in one string and an open-addressing array of slots
//! over it, so loading it is reading two arrays, and a lookup is one hash and, almost always,
//! one comparison.
//!
//! **Invariant:** the slots are a power of two in number, at most half of them used, and each
//! word sits in the first free slot at or after its hash (wrapping): a lookup that meets a
//! free slot has passed every place the word could be.

use rustc_hash::FxHasher;
use std::hash::Hasher;

/// A map from words to symbols, built once, read by lookup.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct WordMap {
    /// Every word, one after another.
    text: Box<str>,
    /// Per slot: where its word starts and ends in `text`, and its symbol (`end == 0`: free).
    slots: Box<[Slot]>,
}

#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Slot {
    start: u32,
    end: u32,
    symbol: u32,
}

/// Where `word` is first looked for in `slots` slots (a power of two).
#[inline]
fn home(word: &str, slots: usize) -> usize {
    let mut h = FxHasher::default();
    h.write(word.as_bytes());
    // `finish` has already brought Fx's best-mixed high bits down to the low ones.
    (h.finish() as usize) & (slots - 1)
}

impl WordMap {
    /// The map of `words` (no word twice; empty words are left out).
    pub fn new<'a>(words: impl IntoIterator<Item = (&'a str, u32)>) -> WordMap {
        let words: Vec<(&str, u32)> = words.into_iter().filter(|(w, _)| !w.is_empty()).collect();
        let slots = (words.len() * 2).next_power_of_two().max(2);
        let mut table = vec![Slot::default(); slots];
        let mut text = String::with_capacity(words.iter().map(|(w, _)| w.len()).sum());
        for (word, symbol) in words {
            let start = text.len() as u32;
            text.push_str(word);
            let slot = Slot {
                start,
                end: text.len() as u32,
                symbol,
            };
            let mut i = home(word, slots);
            while table[i].end != 0 {
                i = (i + 1) & (slots - 1);
            }
            table[i] = slot;
        }
        WordMap {
            text: text.into_boxed_str(),
            slots: table.into_boxed_slice(),
        }
    }

    /// The symbol of `word`, if it is in the map.
    #[inline]
    pub fn get(&self, word: &str) -> Option<u32> {
        let n = self.slots.len();
        if !n.is_power_of_two() || word.is_empty() {
            return None;
        }
        let mut i = home(word, n);
        // At most every slot once, so that even a table read back damaged cannot loop.
        for _ in 0..n {
            let slot = self.slots[i];
            if slot.end == 0 {
                return None;
            }
            let held = self
                .text
                .as_bytes()
                .get(slot.start as usize..slot.end as usize);
            if held == Some(word.as_bytes()) {
                return Some(slot.symbol);
            }
            i = (i + 1) & (n - 1);
        }
        None
    }

    /// Whether `word` is in the map.
    pub fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// How many words the map holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.end != 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::WordMap;
    use proptest::prelude::*;

    proptest! {
        /// The map finds each word it was built of, with its symbol, and no other word.
        #[test]
        fn finds_what_it_holds_and_nothing_else(
            words in proptest::collection::hash_map("[a-z'é]{1,9}", any::<u32>(), 0..300),
            others in proptest::collection::vec("[a-z'é]{0,9}", 0..50),
        ) {
            let map = WordMap::new(words.iter().map(|(w, &s)| (w.as_str(), s)));
            prop_assert_eq!(map.len(), words.len());
            for (w, &s) in &words {
                prop_assert_eq!(map.get(w), Some(s));
            }
            for w in others.iter().filter(|w| !words.contains_key(*w)) {
                prop_assert_eq!(map.get(w), None);
            }
            let read: WordMap = postcard::from_bytes(&postcard::to_stdvec(&map).unwrap()).unwrap();
            for (w, &s) in &words {
                prop_assert_eq!(read.get(w), Some(s));
            }
        }
    }
}
