//! Phrase rules: patterns written as words, compiled into one automaton over the note's tokens.
//!
//! A phrase is a sequence of slots, one token each unless it says otherwise:
//!
//! | written | matches |
//! |---|---|
//! | `send` | the word and its inflections: send, sends, sent, sending |
//! | `"quote"` | exactly this word (any case) |
//! | `{collateral}` | any entry of the lexicon class `collateral` (entries are phrases too) |
//! | `(asked \| wanted)` | one of the alternatives (each a phrase) |
//! | `slot?` | the slot, or nothing |
//! | `…` or `...` | up to 4 words; `…2` up to 2 (never past a sentence or clause end) |
//! | `{who}` | who does it: a subject like "I", "they", "Dana", "their ops manager" |
//! | `{who:pronoun}` | who does it, one of the class's entries: "they", "she", "he" |
//! | `{act:present}` | the class with its words in the present only: "send", "sends" |
//! | `{num}` `{money}` `{percent}` | a number ("15", "fifteen", "twenty five"), an amount, a percentage |
//! | `{name}` | a name: a capitalised word the lexicon does not know, a title, the word after one, a first name of `names.toml` in any case |
//! | `{word}` | any one word |
//! | `/^re-?quote/` | one token matching the regex (a rare escape hatch; at most six) |
//! | `^` / `$` | the start / end of a sentence, clause, line or bullet (`$` also last in a group: `(again \| $)`; a dollar sign is `"$"`) |
//! | `"."` `";"` `"!"` `"?"` | a clause's end, as `$` (no phrase runs across one); `"."` also a dot that ends none ("Mr. Kulkarni") |
//!
//! Words are compared after the lexicon's spelling table ("tmrw" reads "tomorrow"). An
//! article between two fixed slots may be missing in the note ("she owns decision").
//!
//! **How it runs.** Each token of a note becomes one symbol: a known word's symbol says which
//! slots it can fill (words that fill exactly the same slots share one); an unknown word's
//! says its kind, whether it is capitalised, and which regex slots it fills. A phrase is
//! lowered to a regular expression over symbols (each written as one CJK character, so that
//! the expression prints and parses as a regex of its own), and that expression is compiled
//! to a [`crate::core::program::Program`] the matcher runs over the note's symbols, linear in
//! the note's length. **Invariant:** a match's span maps back to whole tokens of the note; no
//! slot matches a boundary token.

mod encode;
mod lex;
mod lower;
mod symbols;
#[cfg(test)]
mod tests;
mod weight;
mod word_map;

pub use encode::{note_span, Encoder};
use lex::{lex, Item};

use super::inflect;
use super::rules::{Located, Origin, RuleError};
use super::token::{self, Token, TokenKind};
use lower::{class, Lower};
use regex_syntax::hir::Hir;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
pub(crate) use symbols::symbol_of;
use symbols::{kind_index, symbol_char};

/// The most regex slots over all rules (each doubles the symbols of unknown words).
const MAX_REGEX_SLOTS: usize = 6;
/// The gap `…` without a number.
const DEFAULT_GAP: u32 = 4;
/// The widest gap.
const MAX_GAP: u32 = 12;
/// How deep classes may refer to classes.
const MAX_DEPTH: usize = 8;
/// The capture group a `{who}` slot becomes.
pub const WHO_GROUP: &str = "owner";

/// What one slot can match, before the symbols exist.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Atom {
    /// One of these forms (lower case, spelling applied).
    Forms(BTreeSet<String>),
    /// A token of this kind.
    Kind(KindAtom),
    /// A capitalised word the lexicon does not know.
    Name,
    /// Any word.
    Word,
    /// A word matching the regex with this index.
    Regex(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KindAtom {
    Number,
    Money,
    Percent,
}

/// A parsed phrase.
#[derive(Clone, Debug)]
enum Node {
    Atom(usize),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Optional(Box<Node>),
    /// Up to this many tokens that are not boundaries.
    Gap(u32),
    /// `{who}`: a determiner atom and the any-word atom.
    Who {
        det: usize,
        word: usize,
    },
    /// `{who:class}`: the class's entries, captured as who acts.
    WhoOf(Box<Node>),
    /// `^`: the note's start or a boundary token; `$`: the note's end or a boundary token.
    Edge {
        start: bool,
    },
    /// A lexicon class, shared by every phrase that uses it (and lowered once).
    Class(Rc<Node>),
}

/// The lexicon's part for phrases: word classes and the spelling table.
#[derive(Clone, Debug, Default)]
pub struct PhraseLexicon {
    /// Class name → its entries (each a phrase).
    pub classes: BTreeMap<String, Located<Vec<String>>>,
    /// A spelling or shorthand → the word it stands for ("tmrw" → "tomorrow").
    pub spellings: BTreeMap<String, String>,
    /// Determiners before a subject noun, for `{who}`.
    pub determiners: Vec<String>,
    /// First names read as `{name}` in any case ("anne to share the list"), unless a phrase or
    /// a class uses the word in any form, or a spelling maps it ("lois", a class's plural of
    /// "loi").
    pub first_names: Vec<String>,
}

/// Parses and compiles phrases against one lexicon. Collect every phrase first, then
/// [`PhraseCompiler::finish`] builds the symbols and turns each into a regex over them.
pub struct PhraseCompiler<'a> {
    lexicon: &'a PhraseLexicon,
    atoms: Vec<Atom>,
    atom_ids: HashMap<Atom, usize>,
    regexes: Vec<regex::Regex>,
    phrases: Vec<Node>,
    /// Parsed classes, by name (a class is parsed once, on first use).
    classes: HashMap<String, Node>,
    /// Each class and the single words it holds, inflected (for explanations).
    class_forms: BTreeMap<String, BTreeSet<String>>,
    /// While a `{class:present}` is parsed: words take their present forms only.
    present: bool,
    /// A written word's node, by word, exactness and whether only present forms are wanted.
    words: HashMap<(String, bool, bool), Node>,
}

/// Compiled phrases and what encodes a note for them.
#[derive(Debug)]
pub struct Compiled {
    pub encoder: Encoder,
    /// One regex per phrase, in the order they were added.
    pub sources: Vec<Hir>,
    /// Per phrase: whether it has a `{who}` (its capture group, [`WHO_GROUP`], is group 1).
    pub has_who: Vec<bool>,
    /// Each class and the single words it holds, inflected.
    pub class_forms: BTreeMap<String, BTreeSet<String>>,
    /// Per symbol, how common its tokens are (see [`known_weight`]).
    pub weights: Vec<u32>,
    /// The first names read as names: the lexicon's, less the words it knows otherwise.
    pub first_names: BTreeSet<String>,
}

impl<'a> PhraseCompiler<'a> {
    pub fn new(lexicon: &'a PhraseLexicon) -> PhraseCompiler<'a> {
        PhraseCompiler {
            lexicon,
            atoms: Vec::new(),
            atom_ids: HashMap::default(),
            regexes: Vec::new(),
            phrases: Vec::new(),
            classes: HashMap::default(),
            class_forms: BTreeMap::new(),
            present: false,
            words: HashMap::default(),
        }
    }

    /// Parses one phrase; returns its index.
    pub fn add(&mut self, phrase: &Located<String>) -> Result<usize, RuleError> {
        let node = self.parse(&phrase.value, &phrase.origin, 0)?;
        let mut whos = 0;
        count_who(&node, &mut whos);
        if whos > 1 {
            return Err(RuleError::new(
                &phrase.origin,
                "a phrase may have one {who} at most",
            ));
        }
        if min_len(&node) == 0 {
            return Err(RuleError::new(
                &phrase.origin,
                format!(
                    "`{}` can match nothing at all; give it a word that must be there",
                    phrase.value
                ),
            ));
        }
        self.phrases.push(node);
        Ok(self.phrases.len() - 1)
    }

    fn atom(&mut self, atom: Atom) -> Node {
        if let Some(&id) = self.atom_ids.get(&atom) {
            return Node::Atom(id);
        }
        let id = self.atoms.len();
        self.atom_ids.insert(atom.clone(), id);
        self.atoms.push(atom);
        Node::Atom(id)
    }

    /// The word as the encoder will look it up.
    fn spelled(&self, form: &str) -> String {
        let mut lower = String::new();
        token::normalize_into(form, &mut lower);
        self.lexicon.spellings.get(&lower).cloned().unwrap_or(lower)
    }

    fn parse(&mut self, text: &str, origin: &Origin, depth: usize) -> Result<Node, RuleError> {
        let items = lex(text).map_err(|e| RuleError::new(origin, format!("`{text}`: {e}")))?;
        let mut pos = 0;
        let node = self.parse_alt(&items, &mut pos, origin, depth, text)?;
        if pos != items.len() {
            return Err(RuleError::new(
                origin,
                format!("`{text}`: a `)` or `|` with no `(` before it"),
            ));
        }
        Ok(node)
    }

    fn parse_alt(
        &mut self,
        items: &[Item],
        pos: &mut usize,
        origin: &Origin,
        depth: usize,
        text: &str,
    ) -> Result<Node, RuleError> {
        let mut alts = vec![self.parse_seq(items, pos, origin, depth, text)?];
        while items.get(*pos) == Some(&Item::Bar) {
            *pos += 1;
            alts.push(self.parse_seq(items, pos, origin, depth, text)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Alt(alts)
        })
    }

    fn parse_seq(
        &mut self,
        items: &[Item],
        pos: &mut usize,
        origin: &Origin,
        depth: usize,
        text: &str,
    ) -> Result<Node, RuleError> {
        let mut seq = Vec::new();
        // Where an article stands in the sequence (see below).
        let mut articles = Vec::new();
        while let Some(item) = items.get(*pos) {
            if matches!(item, Item::Word { text, exact: false } if is_article(text))
                && items.get(*pos + 1) != Some(&Item::Optional)
            {
                articles.push(seq.len());
            }
            let node = match item {
                Item::Bar | Item::Close => break,
                Item::Open => {
                    *pos += 1;
                    let inner = self.parse_alt(items, pos, origin, depth, text)?;
                    if items.get(*pos) != Some(&Item::Close) {
                        return Err(RuleError::new(
                            origin,
                            format!("`{text}`: a `(` is never closed"),
                        ));
                    }
                    inner
                }
                Item::Optional => {
                    return Err(RuleError::new(
                        origin,
                        format!("`{text}`: `?` must follow a word, a class or a group"),
                    ))
                }
                Item::Gap(n) => Node::Gap(*n),
                Item::Start => Node::Edge { start: true },
                Item::End => Node::Edge { start: false },
                Item::Word { text: w, exact } => {
                    // Words a note reads as one number ("twenty five") are one token there:
                    // written apart in a phrase, they would never match.
                    if let Some(Item::Word { text: prev, .. }) =
                        pos.checked_sub(1).and_then(|p| items.get(p))
                    {
                        let both = format!("{prev} {w}");
                        if token::tokenize(&both).len() == 1 {
                            return Err(RuleError::new(
                                origin,
                                format!("`{text}`: a note reads \"{both}\" as one number: write {{num}}, or quote the words (\"{both}\")"),
                            ));
                        }
                    }
                    self.word(w, *exact)
                }
                Item::Class(name) => self.class(name, origin, depth)?,
                Item::Regex(re) => {
                    let index = match self.regexes.iter().position(|r| r.as_str() == re) {
                        Some(i) => i,
                        None => {
                            if self.regexes.len() == MAX_REGEX_SLOTS {
                                return Err(RuleError::new(origin, format!("more than {MAX_REGEX_SLOTS} regex slots in all the rules; use words or a lexicon class")));
                            }
                            let built = token_regex(re).map_err(|e| {
                                RuleError::new(origin, format!("`/{re}/` does not compile: {e}"))
                            })?;
                            self.regexes.push(built);
                            self.regexes.len() - 1
                        }
                    };
                    self.atom(Atom::Regex(index))
                }
            };
            *pos += 1;
            let node = if items.get(*pos) == Some(&Item::Optional) {
                *pos += 1;
                Node::Optional(Box::new(node))
            } else {
                node
            };
            seq.push(node);
        }
        // Reps writing in a second language drop articles ("went through new capper", "she
        // owns decision"): an article between two fixed slots of a phrase may be left out. Not
        // one that opens or closes it, where it is the phrase's only hold on its neighbour
        // ("the board", "provided the"), nor one next to a slot that may take any word or
        // none (in `met {word} ,? the {leader}` it keeps "met the owner" out).
        for i in articles {
            let before = i.checked_sub(1).and_then(|j| seq.get(j));
            let after = seq.get(i + 1);
            if before.is_some_and(|n| self.fixed_edge(n, false))
                && after.is_some_and(|n| self.fixed_edge(n, true))
            {
                let article = std::mem::replace(&mut seq[i], Node::Seq(Vec::new()));
                seq[i] = Node::Optional(Box::new(article));
            }
        }
        Ok(if seq.len() == 1 {
            seq.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Seq(seq)
        })
    }

    /// Whether the token of `node` next to an article (its first when `first`, else its last)
    /// is always a given word or a name: not `{word}`, `{who}`, a gap, an edge or an optional
    /// slot, in any branch of a group or entry of a class (`(it | our {word}?) the best` keeps
    /// its article: "calls our best rep" is no praise; `give (her | {name}) a shout` does not).
    fn fixed_edge(&self, node: &Node, first: bool) -> bool {
        match node {
            Node::Atom(a) => !matches!(self.atoms[*a], Atom::Word),
            Node::Seq(items) => {
                let edge = if first { items.first() } else { items.last() };
                edge.is_some_and(|n| self.fixed_edge(n, first))
            }
            Node::Alt(branches) => branches.iter().all(|n| self.fixed_edge(n, first)),
            Node::Class(inner) => self.fixed_edge(inner, first),
            Node::Optional(_)
            | Node::Gap(_)
            | Node::Who { .. }
            | Node::WhoOf(_)
            | Node::Edge { .. } => false,
        }
    }

    /// A written word: the tokens it is made of ("they'll" is two), each with its
    /// inflections unless it is quoted.
    fn word(&mut self, word: &str, exact: bool) -> Node {
        // The same word comes back in many phrases and classes: read it once.
        let key = (word.to_string(), exact, self.present);
        if let Some(node) = self.words.get(&key) {
            return node.clone();
        }
        let node = self.read_word(word, exact);
        self.words.insert(key, node.clone());
        node
    }

    fn read_word(&mut self, word: &str, exact: bool) -> Node {
        // A contraction's ending written alone ("'ll", "n't") is one word, as in a note.
        if word.starts_with(['\'', '’']) || word.eq_ignore_ascii_case("n't") {
            let form = self.spelled(word);
            return self.atom(Atom::Forms([form].into()));
        }
        // A contraction written without its apostrophe ("theyre", "didnt") reads as a note's
        // does: the word, then the ending as written with one ("they", "'re").
        if let Some(cut) = token::bare_contraction(word) {
            if let Some(ending) = token::bare_ending_form(&word[cut..]) {
                let base = self.word(&word[..cut], true);
                let ending = self.spelled(ending);
                let ending = self.atom(Atom::Forms([ending].into()));
                return Node::Seq(vec![base, ending]);
            }
        }
        let mut seq = Vec::new();
        // Most words are letters only: one token, no tokenizer needed.
        let tokens = if word.chars().all(char::is_alphabetic) {
            vec![Token {
                kind: TokenKind::Word,
                span: 0..word.len(),
            }]
        } else {
            token::tokenize(word)
        };
        // Punctuation that ends a sentence or clause (".", ";", "!") is a boundary in a note,
        // and no phrase runs across one: written in a phrase, it stands where a clause ends,
        // as `$` does (read as nothing, `("," | ";")` would match no comma at all).
        if !tokens.is_empty() && tokens.iter().all(|t| t.kind == TokenKind::Boundary) {
            let end = Node::Edge { start: false };
            // A dot that ends no sentence (a title's, "incl.", "Sept.") is a token of its own:
            // `"."` stands for it too, so `{name} "."? {name}` reads "Mr. Kulkarni".
            if word == "." {
                let dot = self.atom(Atom::Forms([".".to_string()].into()));
                return Node::Alt(vec![end, dot]);
            }
            return end;
        }
        for t in tokens {
            if t.kind == TokenKind::Boundary {
                continue;
            }
            let form = self.spelled(t.text(word));
            let forms: BTreeSet<String> = if exact || t.kind != TokenKind::Word {
                [form].into()
            } else if self.present {
                inflect::present(&form)
                    .into_iter()
                    .map(|f| self.spelled(&f))
                    .collect()
            } else {
                inflect::forms(&form)
                    .into_iter()
                    .map(|f| self.spelled(&f))
                    .collect()
            };
            seq.push(self.atom(Atom::Forms(forms)));
        }
        if seq.len() == 1 {
            seq.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Seq(seq)
        }
    }

    fn class(&mut self, name: &str, origin: &Origin, depth: usize) -> Result<Node, RuleError> {
        if let Some((first, modifier)) = name.split_once(':') {
            return match (first, modifier) {
                ("who", class) if !class.is_empty() => {
                    let inner = self.class(class, origin, depth)?;
                    Ok(Node::WhoOf(Box::new(inner)))
                }
                (class, "present") => {
                    let outer = std::mem::replace(&mut self.present, true);
                    // Parsed afresh: the cached class has every form.
                    let parsed = self.class_entries(class, origin, depth);
                    self.present = outer;
                    parsed
                }
                _ => Err(RuleError::new(
                    origin,
                    format!("`{{{name}}}`: write {{who:CLASS}} or {{CLASS:present}}"),
                )),
            };
        }
        match name {
            "who" => {
                let det = self
                    .lexicon
                    .determiners
                    .iter()
                    .map(|d| self.spelled(d))
                    .collect();
                let Node::Atom(det) = self.atom(Atom::Forms(det)) else {
                    unreachable!("atom() makes an atom")
                };
                let Node::Atom(word) = self.atom(Atom::Word) else {
                    unreachable!("atom() makes an atom")
                };
                return Ok(Node::Who { det, word });
            }
            "num" => return Ok(self.atom(Atom::Kind(KindAtom::Number))),
            "money" => return Ok(self.atom(Atom::Kind(KindAtom::Money))),
            "percent" => return Ok(self.atom(Atom::Kind(KindAtom::Percent))),
            "name" => return Ok(self.atom(Atom::Name)),
            "word" => return Ok(self.atom(Atom::Word)),
            _ => {}
        }
        if let Some(node) = self.classes.get(name) {
            return Ok(node.clone());
        }
        let node = self.class_entries(name, origin, depth)?;
        let mut words = BTreeSet::new();
        self.single_words(&node, &mut words);
        self.class_forms.insert(name.to_string(), words);
        let node = Node::Class(Rc::new(node));
        self.classes.insert(name.to_string(), node.clone());
        Ok(node)
    }

    /// A lexicon class parsed: an alternation of its entries.
    fn class_entries(
        &mut self,
        name: &str,
        origin: &Origin,
        depth: usize,
    ) -> Result<Node, RuleError> {
        let Some(class) = self.lexicon.classes.get(name) else {
            let known: Vec<&str> = self.lexicon.classes.keys().map(String::as_str).collect();
            return Err(RuleError::new(
                origin,
                format!(
                    "unknown class `{{{name}}}`; the lexicon's classes are: {}, and the built-in who, num, money, percent, name, word",
                    known.join(", ")
                ),
            ));
        };
        if depth >= MAX_DEPTH {
            return Err(RuleError::new(
                &class.origin,
                format!(
                    "class `{name}` nests more than {MAX_DEPTH} deep (does it refer to itself?)"
                ),
            ));
        }
        let entries = class.value.clone();
        let class_origin = class.origin.clone();
        let mut alts = Vec::new();
        for entry in &entries {
            alts.push(self.parse(entry, &class_origin, depth + 1)?);
        }
        Ok(Node::Alt(alts))
    }

    /// The words a node matches as one token (entries of a class and of classes in it).
    fn single_words(&self, node: &Node, out: &mut BTreeSet<String>) {
        match node {
            Node::Atom(a) => {
                if let Atom::Forms(forms) = &self.atoms[*a] {
                    out.extend(forms.iter().cloned());
                }
            }
            Node::Alt(v) => v.iter().for_each(|n| self.single_words(n, out)),
            Node::Class(inner) => self.single_words(inner, out),
            _ => {}
        }
    }

    /// Builds the symbols and every phrase's regex over them. Every class of the lexicon is
    /// checked, used or not, so a broken one is reported with its line.
    pub fn finish(mut self) -> Result<Compiled, RuleError> {
        let names: Vec<(String, Origin)> = self
            .lexicon
            .classes
            .iter()
            .map(|(name, class)| (name.clone(), class.origin.clone()))
            .collect();
        for (name, origin) in names {
            self.class(&name, &origin, 0)?;
        }
        let PhraseCompiler {
            lexicon,
            atoms,
            regexes,
            phrases,
            class_forms,
            ..
        } = self;
        let table = symbols::build(&atoms, &regexes, lexicon)?;
        // Each atom's symbols, then each phrase's regex.
        let members = table.members(atoms.len());
        let boundary = table.boundary;
        let any: Vec<u32> = (0..boundary).collect();
        let lower = Lower {
            members: &members,
            any: class(&any),
            boundary,
            classes: Default::default(),
            lowered: Default::default(),
        };
        let sources = phrases.iter().map(|p| lower.hir(p)).collect();
        let has_who = phrases
            .iter()
            .map(|p| {
                let mut n = 0;
                count_who(p, &mut n);
                n > 0
            })
            .collect();
        Ok(Compiled {
            encoder: Encoder::new(
                table.known,
                lexicon
                    .spellings
                    .iter()
                    .map(|(k, v)| (k.to_lowercase(), v.to_lowercase()))
                    .collect(),
                regexes,
                table.unknown,
                boundary,
            ),
            sources,
            has_who,
            class_forms,
            weights: table.weights,
            first_names: table.first_names,
        })
    }
}

/// Titles before a name, read as `{name}` in any case, as an unknown capitalised word is.
pub(crate) const NAME_TITLES: [&str; 6] = ["mr", "mrs", "ms", "dr", "prof", "mx"];

/// "the", "a", "an", as written in a phrase.
fn is_article(word: &str) -> bool {
    ["the", "a", "an"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(word))
}

/// Whether `word` is a title before a name, in any case, with its dot or not ("Dr", "mrs.").
pub(crate) fn is_title(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    NAME_TITLES.iter().any(|t| word.eq_ignore_ascii_case(t))
}

/// A `/regex/` slot's regex, matched against one token's form (any case).
pub(crate) fn token_regex(re: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(re)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
}

fn count_who(node: &Node, n: &mut usize) {
    match node {
        Node::Who { .. } | Node::WhoOf(_) => *n += 1,
        Node::Seq(v) | Node::Alt(v) => v.iter().for_each(|x| count_who(x, n)),
        Node::Optional(x) => count_who(x, n),
        Node::Class(x) => count_who(x, n),
        Node::Atom(_) | Node::Gap(_) | Node::Edge { .. } => {}
    }
}

/// The fewest tokens a node matches.
fn min_len(node: &Node) -> usize {
    match node {
        Node::Atom(_) | Node::Who { .. } => 1,
        Node::WhoOf(inner) => min_len(inner),
        Node::Class(inner) => min_len(inner),
        Node::Seq(v) => v.iter().map(min_len).sum(),
        Node::Alt(v) => v.iter().map(min_len).min().unwrap_or(0),
        Node::Optional(_) | Node::Gap(_) | Node::Edge { .. } => 0,
    }
}
