//! The symbols a note's tokens are read as, built from every slot the phrases use.
//!
//! Each slot of a phrase is an atom (a set of forms, a token kind, `{name}`, `{word}`, a
//! `/regex/`). A known form's symbol is the set of atoms it fills: forms that fill exactly the
//! same atoms share one, so a lexicon of thousands of words needs far fewer symbols. An unknown
//! token's symbol says its kind, whether it is capitalised, and which regexes it matches. One
//! more symbol is the boundary (a sentence or clause end, a line break), which no atom holds.
//!
//! **Invariant:** every form is in exactly one symbol, every symbol is a CJK ideograph when
//! written (at most [`MAX_SYMBOLS`]), and the boundary is the last symbol.

use super::weight::{known_weight, unknown_weight};
use super::{Atom, KindAtom, PhraseLexicon, NAME_TITLES};
use crate::core::rules::{Origin, RuleError};
use crate::core::token::{self, TokenKind};
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// The form a "there" that may be "their" is looked up by (no note's word is written so).
pub(super) const THERE_OR_THEIR: &str = "there|their";

/// The first symbol's character; every symbol is a CJK ideograph (no case, 3 bytes).
const SYMBOL_BASE: u32 = 0x4E00;
/// How many symbols fit in the block.
const MAX_SYMBOLS: usize = 0x9FFF - 0x4E00;

/// The symbols of a lexicon and its phrases' atoms.
pub(super) struct SymbolTable {
    /// Per symbol, the atoms it fills.
    pub symbols: Vec<Symbol>,
    /// A known form (lower case, spelling applied) → its symbol.
    pub known: HashMap<String, u32>,
    /// Per symbol, how common its tokens are (see [`known_weight`]).
    pub weights: Vec<u32>,
    /// Unknown tokens: symbol by `(kind index, capitalised, regex mask)`.
    pub unknown: Vec<u32>,
    /// The boundary's symbol (the last).
    pub boundary: u32,
    /// The first names read as names: the lexicon's, less the words it knows otherwise.
    pub first_names: BTreeSet<String>,
}

impl SymbolTable {
    /// Per atom (of `atoms` in all), the symbols that fill it, in order.
    pub fn members(&self, atoms: usize) -> Vec<Vec<u32>> {
        let mut members = vec![Vec::new(); atoms];
        for (s, symbol) in self.symbols.iter().enumerate() {
            for &a in &symbol.atoms {
                members[a].push(s as u32);
            }
        }
        members
    }
}

/// The symbols for `atoms` (the phrases' slots, `regexes` their `/regex/` slots), reading the
/// lexicon's spellings and first names. Fails only when they need more symbols than fit.
pub(super) fn build(
    atoms: &[Atom],
    regexes: &[regex::Regex],
    lexicon: &PhraseLexicon,
) -> Result<SymbolTable, RuleError> {
    // Every known form and the atoms it fills.
    let mut fills: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (id, atom) in atoms.iter().enumerate() {
        if let Atom::Forms(forms) = atom {
            for f in forms {
                fills.entry(f.clone()).or_default().push(id);
            }
        }
    }
    // A known form also fills the regex, kind and word atoms that fit it.
    let atom_of = |a: &Atom| atoms.iter().position(|x| x == a);
    let word_atom = atom_of(&Atom::Word);
    // A number said in a word ("fifteen percent") is a word and a `{num}`: each is a form
    // of its own, known or not.
    let number_atom = atom_of(&Atom::Kind(KindAtom::Number));
    if number_atom.is_some() {
        for word in token::NUMBER_WORDS
            .iter()
            .filter(|w| token::is_spelled_number(w))
        {
            fills.entry(word.to_string()).or_default();
        }
    }
    // So is a title before a name, in any case ("Mrs.", "dr"): a form of its own. And a
    // first name the lexicon does not know as a word: "anne to share", "owner greg".
    let spelled: BTreeSet<String> = lexicon.spellings.keys().map(|k| k.to_lowercase()).collect();
    let first_names: BTreeSet<String> = lexicon
        .first_names
        .iter()
        .map(|n| n.to_lowercase())
        .filter(|n| !fills.contains_key(n) && !spelled.contains(n))
        .collect();
    if atom_of(&Atom::Name).is_some() {
        for title in NAME_TITLES {
            fills.entry(title.to_string()).or_default();
        }
        for name in &first_names {
            fills.entry(name.clone()).or_default();
        }
    }
    let mut symbols: Vec<Symbol> = Vec::new();
    let mut by_key: HashMap<Vec<usize>, u32> = HashMap::default();
    let mut known = HashMap::default();
    let mut weights: Vec<u32> = Vec::new();
    for (form, mut ids) in fills {
        let kind = kind_of_form(&form);
        for (i, re) in regexes.iter().enumerate() {
            if re.is_match(&form) {
                ids.extend(atom_of(&Atom::Regex(i)));
            }
        }
        ids.extend(kind_atom(kind).and_then(|k| atom_of(&Atom::Kind(k))));
        if kind == TokenKind::Word {
            ids.extend(word_atom);
            if token::is_spelled_number(&form) {
                ids.extend(number_atom);
            }
            // A title is part of a name whether or not a rule names it too: writing
            // `mrs` in one phrase must not stop "Mrs. Sharma" reading as a name elsewhere.
            if NAME_TITLES.contains(&form.as_str()) || first_names.contains(&form) {
                ids.extend(atom_of(&Atom::Name));
            }
        }
        let symbol = intern(ids, kind, &mut by_key, &mut symbols, &mut weights);
        weights[symbol as usize] += known_weight(&form);
        known.insert(form, symbol);
    }
    // A dictated "there" that may be "their" ("there ops manager"; see
    // `token/homophone.rs`): a form that fills the slots of both. Only when both are known
    // words (rules that name neither need no such form; one that named only "their" would
    // lose the slots an unknown "There" fills).
    if let (Some(&their), Some(&there)) = (known.get("their"), known.get("there")) {
        let mut ids = symbols[their as usize].atoms.clone();
        ids.extend(&symbols[there as usize].atoms);
        let symbol = intern(
            ids,
            TokenKind::Word,
            &mut by_key,
            &mut symbols,
            &mut weights,
        );
        known.insert(THERE_OR_THEIR.to_string(), symbol);
    }
    // Unknown tokens: kind × capitalised × regex mask.
    let masks = 1usize << regexes.len();
    let mut unknown = Vec::with_capacity(KINDS.len() * 2 * masks);
    for kind in KINDS {
        for cap in [false, true] {
            for mask in 0..masks {
                let mut ids = Vec::new();
                if kind == TokenKind::Word {
                    ids.extend(word_atom);
                    if cap {
                        ids.extend(atom_of(&Atom::Name));
                    }
                }
                for i in 0..regexes.len() {
                    if mask & (1 << i) != 0 {
                        ids.extend(atom_of(&Atom::Regex(i)));
                    }
                }
                ids.extend(kind_atom(kind).and_then(|k| atom_of(&Atom::Kind(k))));
                ids.sort_unstable();
                unknown.push(symbols.len() as u32);
                symbols.push(Symbol { atoms: ids });
                weights.push(unknown_weight(kind, cap));
            }
        }
    }
    let boundary = symbols.len() as u32;
    symbols.push(Symbol { atoms: Vec::new() });
    weights.push(u32::MAX >> 8); // in every chunk: never an anchor if anything else is
    if symbols.len() > MAX_SYMBOLS {
        return Err(RuleError::new(
            &Origin {
                file: "rules".into(),
                line: 0,
            },
            format!(
                "the phrases need {} word symbols; at most {MAX_SYMBOLS} fit",
                symbols.len()
            ),
        ));
    }
    Ok(SymbolTable {
        symbols,
        known,
        weights,
        unknown,
        boundary,
        first_names,
    })
}

/// A symbol: the atoms a token with it fills.
pub(super) struct Symbol {
    pub atoms: Vec<usize>,
}

pub(super) const KINDS: [TokenKind; 5] = [
    TokenKind::Word,
    TokenKind::Number,
    TokenKind::Money,
    TokenKind::Percent,
    TokenKind::Punct,
];

pub(super) fn kind_index(kind: TokenKind) -> usize {
    KINDS.iter().position(|&k| k == kind).unwrap_or(KINDS.len())
}

fn kind_atom(kind: TokenKind) -> Option<KindAtom> {
    match kind {
        TokenKind::Number => Some(KindAtom::Number),
        TokenKind::Money => Some(KindAtom::Money),
        TokenKind::Percent => Some(KindAtom::Percent),
        _ => None,
    }
}

/// The symbol of a known form of `kind` that fills the atoms `ids`: the one that fills
/// exactly those already, else a new one (with no weight yet).
fn intern(
    mut ids: Vec<usize>,
    kind: TokenKind,
    by_key: &mut HashMap<Vec<usize>, u32>,
    symbols: &mut Vec<Symbol>,
    weights: &mut Vec<u32>,
) -> u32 {
    ids.sort_unstable();
    ids.dedup();
    let mut key = ids.clone();
    key.push(usize::MAX - kind_index(kind));
    let next = symbols.len() as u32;
    let symbol = *by_key.entry(key).or_insert(next);
    if symbol == next {
        symbols.push(Symbol { atoms: ids });
        weights.push(0);
    }
    symbol
}

fn kind_of_form(form: &str) -> TokenKind {
    if form.chars().all(char::is_alphabetic) {
        return TokenKind::Word;
    }
    match token::tokenize(form).as_slice() {
        [t] => t.kind,
        _ => TokenKind::Word,
    }
}

pub(super) fn symbol_char(symbol: u32) -> char {
    char::from_u32(SYMBOL_BASE + symbol).unwrap_or('\u{4E00}')
}

/// The symbol a character of an encoded note stands for.
pub(crate) fn symbol_of(c: char) -> u32 {
    (c as u32).saturating_sub(SYMBOL_BASE)
}
