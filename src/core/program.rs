//! `Program`: one phrase compiled to instructions over a note's token symbols, and the search
//! that runs it.
//!
//! A phrase is lowered to a regular expression over symbols ([`super::phrase`]); here that
//! expression becomes a small program (take a token of this set, try this then that, mark
//! where `{who}` starts and ends, match), run by a backtracker over the note's symbols:
//!
//! - **Meaning.** Alternatives are tried in the order written, greedy slots take before they
//!   skip, gaps skip before they take: a match is the one the regex crate's leftmost-first
//!   semantics reports for the same expression (a property test compares the two), and the
//!   `{who}` span comes with it, so no second pass finds it.
//! - **Bounded.** Every repetition in a phrase is bounded, so a program's instructions form a
//!   DAG and a match spans at most [`Program::max_len`] tokens. An attempt marks each
//!   `(instruction, token)` it tries and never tries one twice: at most instructions ×
//!   `max_len` steps, whatever the note.
//! - **Cheap to skip.** An attempt starts only where the token can begin a match (the
//!   program's first set), so most tokens of a chunk cost one mask test.
//!
//! **Invariant:** a program only ever reads the symbols it is given and never allocates
//! per attempt once its [`Scratch`] has grown to the largest program. The compiler is in
//! `program/compile.rs`.

use super::lists::Lists;
use std::ops::Range;

mod compile;

/// A token's symbol (see [`super::phrase`]).
pub(crate) type Symbol = u32;

/// The most instructions one program may have (a phrase this large is a mistake).
pub(crate) const MAX_INSTS: usize = 1 << 16;

/// Whether `s` is in the sorted, disjoint `ranges`.
#[inline]
fn in_ranges(ranges: &[(Symbol, Symbol)], s: Symbol) -> bool {
    if ranges.len() <= 8 {
        return ranges.iter().any(|&(lo, hi)| lo <= s && s <= hi);
    }
    let i = ranges.partition_point(|&(_, hi)| hi < s);
    ranges.get(i).is_some_and(|&(lo, _)| lo <= s)
}

/// A symbol's bit in a folded set.
#[inline]
fn bit(s: Symbol) -> u64 {
    1 << (s % 64)
}

/// One instruction. `S` names the set of symbols a `Take` takes: while compiling, a number
/// into the compiler's sets; in a compiled program, a [`Set`].
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
enum Inst<S> {
    /// Take one token whose symbol is in `set`.
    Take {
        set: S,
        next: u32,
    },
    /// Try `first`; if that fails, `second`.
    Split {
        first: u32,
        second: u32,
    },
    /// Try the branches of `switches[switch]` that can go on with the next token, in order.
    Switch {
        switch: u32,
    },
    /// Remember the position in capture slot `slot` (0: `{who}` starts, 1: it ends).
    Save {
        slot: u8,
        next: u32,
    },
    /// Only at the note's first token.
    NoteStart {
        next: u32,
    },
    /// Only after the note's last token.
    NoteEnd {
        next: u32,
    },
    Match,
}

impl<S> Inst<S> {
    /// The same instruction, its set named by `f(set)`.
    fn map_set<T>(self, f: impl FnOnce(S) -> T) -> Inst<T> {
        match self {
            Inst::Take { set, next } => Inst::Take { set: f(set), next },
            Inst::Split { first, second } => Inst::Split { first, second },
            Inst::Switch { switch } => Inst::Switch { switch },
            Inst::Save { slot, next } => Inst::Save { slot, next },
            Inst::NoteStart { next } => Inst::NoteStart { next },
            Inst::NoteEnd { next } => Inst::NoteEnd { next },
            Inst::Match => Inst::Match,
        }
    }
}

/// A compiled program's set of symbols: one range held in place, or a place in the program's
/// ranges (an instruction stays 16 bytes either way).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
enum Set {
    /// `lo..=hi`.
    Range(Symbol, Symbol),
    /// The program's `ranges[at..at + len]`.
    Ranges { at: u32, len: u32 },
}

/// A choice among many branches (a lexicon class of many entries), made by the next token:
/// the same as trying each branch in turn, without trying those that cannot take it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Switch {
    /// Every branch, in order.
    all: Box<[u32]>,
    /// The symbols some branch can start with, sorted; per such symbol (by its place here),
    /// the branches that can go on with it, in order, in `by_symbol`.
    symbols: Box<[Symbol]>,
    by_symbol: Lists,
    /// For any other symbol: the branches that can start with almost anything, or take none.
    otherwise: Box<[u32]>,
    /// With no token left: the branches that may take none.
    at_end: Box<[u32]>,
}

impl Switch {
    #[inline]
    fn branches(&self, next: Option<Symbol>) -> &[u32] {
        let Some(s) = next else {
            return &self.at_end;
        };
        match self.symbols.binary_search(&s) {
            Ok(i) => self.by_symbol.get(i),
            Err(_) => &self.otherwise,
        }
    }
}

/// Why an expression does not make a program.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ProgramError {
    #[error("it needs more than {MAX_INSTS} steps; split it or use a lexicon class")]
    TooLarge,
    #[error("it repeats without a bound")]
    Unbounded,
    #[error("it uses a construct phrases do not have ({0})")]
    Unsupported(&'static str),
}

/// One instruction and the symbols (folded to 64 bits) a match from there can take first;
/// all bits when it may take none. An attempt that reaches an instruction whose bit for the
/// next token is clear fails there, without trying the alternatives one by one. The two sit
/// together, so a step reads one place.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct Step {
    mask: u64,
    inst: Inst<Set>,
}

// A step is three words: the mask, and an instruction whose `Set` shares its tag's spare values.
const _: () = assert!(std::mem::size_of::<Step>() == 24);

/// One phrase, compiled. Its sets of symbols are ranges in one array (a set of one range is
/// held in its instruction), so that a search touches few places in memory: most runs find
/// nothing, and what a run costs is mostly reading its program for the first time.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Program {
    steps: Box<[Step]>,
    /// The ranges of every set of more than one range, one set after another (see
    /// [`Set::Ranges`]).
    ranges: Box<[(Symbol, Symbol)]>,
    switches: Box<[Switch]>,
    start: u32,
    /// The symbols a match can begin with: `ranges[first.0..first.0 + first.1]`.
    first: (u32, u32),
    /// A match may take no token at all (then every position is a start).
    empty: bool,
    /// The most tokens a match spans.
    max_len: usize,
}

/// A match: the tokens it covers, and the tokens `{who}` covers if the phrase has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub span: Range<usize>,
    pub who: Option<Range<usize>>,
}

/// What a search needs besides the program, kept per thread so searching never allocates.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    stack: Vec<Frame>,
    /// Per `(instruction, position)`: the table of marks that last tried it.
    visited: Vec<u32>,
    mark: u32,
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    Step { inst: u32, pos: usize },
    Restore { slot: u8, old: Option<usize> },
}

impl Program {
    /// Every match inside `range` of `symbols` that starts inside `starts` (the caller knows
    /// no match starts elsewhere; `range.end` itself is a start only an empty match has),
    /// leftmost-first and non-overlapping, in order. `NoteStart`/`NoteEnd` look at the whole
    /// of `symbols`.
    pub(crate) fn find_iter(
        &self,
        symbols: &[Symbol],
        range: Range<usize>,
        starts: Range<usize>,
        scratch: &mut Scratch,
        mut found: impl FnMut(Found),
    ) {
        let end = range.end.min(symbols.len());
        let last_start = end.min(starts.end.saturating_sub(1));
        if starts.is_empty() {
            return;
        }
        let mut at = range.start.max(starts.start);
        while at <= last_start && (at < end || (self.empty && at == end)) {
            match self.find_from(symbols, at, end, last_start, scratch) {
                Some(m) => {
                    at = if m.span.end > m.span.start {
                        m.span.end
                    } else {
                        m.span.end + 1
                    };
                    found(m);
                }
                None => return,
            }
        }
    }

    /// The leftmost-first match inside `range` of `symbols` that starts inside `starts`.
    pub(crate) fn first_in(
        &self,
        symbols: &[Symbol],
        range: Range<usize>,
        starts: Range<usize>,
        scratch: &mut Scratch,
    ) -> Option<Found> {
        let end = range.end.min(symbols.len());
        let from = range.start.max(starts.start);
        if starts.is_empty() || from > end {
            return None;
        }
        let last_start = end.min(starts.end - 1);
        if from > last_start {
            return None;
        }
        self.find_from(symbols, from, end, last_start, scratch)
    }

    /// Whether the program matches anywhere inside `range` of `symbols`.
    #[cfg(test)]
    pub(crate) fn is_match(
        &self,
        symbols: &[Symbol],
        range: Range<usize>,
        scratch: &mut Scratch,
    ) -> bool {
        let end = range.end.min(symbols.len());
        self.find_from(symbols, range.start, end, end, scratch)
            .is_some()
    }

    /// The leftmost match starting at or after `from` and at or before `last_start`, ending at
    /// or before `end`.
    ///
    /// Every attempt before the one that matches failed, so what they tried fails again from
    /// a later start: the attempts share their marks, and the whole search takes at most
    /// instructions × tokens steps. (When that table would be large, each attempt keeps its
    /// own, `max_len` tokens wide.)
    fn find_from(
        &self,
        symbols: &[Symbol],
        from: usize,
        end: usize,
        last_start: usize,
        scratch: &mut Scratch,
    ) -> Option<Found> {
        let shared = end - from < SHARED_TOKENS;
        if shared {
            scratch.begin(self.steps.len() * (end - from + 1));
        }
        let first_mask = self.steps[self.start as usize].mask;
        let first = self.set(self.first.0, self.first.1);
        for start in from..=last_start.min(end) {
            let can_start = if start < end {
                let s = symbols[start];
                self.empty || (first_mask & bit(s) != 0 && in_ranges(first, s))
            } else {
                self.empty
            };
            if !can_start {
                continue;
            }
            let found = if shared {
                self.attempt(symbols, start, end, from, scratch)
            } else {
                let width = self.max_len + 1;
                scratch.begin(self.steps.len() * width);
                self.attempt(symbols, start, end, start, scratch)
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The preferred match that starts exactly at `start`; marks `(instruction, position)`
    /// at `(position - origin) × instructions + instruction` (an attempt tries many
    /// instructions at one position before it moves on: they sit together).
    fn attempt(
        &self,
        symbols: &[Symbol],
        start: usize,
        end: usize,
        origin: usize,
        scratch: &mut Scratch,
    ) -> Option<Found> {
        let mark = scratch.mark;
        let mut who: [Option<usize>; 2] = [None, None];
        scratch.stack.clear();
        scratch.stack.push(Frame::Step {
            inst: self.start,
            pos: start,
        });
        while let Some(frame) = scratch.stack.pop() {
            let (mut inst, mut pos) = match frame {
                Frame::Restore { slot, old } => {
                    who[slot as usize] = old;
                    continue;
                }
                Frame::Step { inst, pos } => (inst, pos),
            };
            loop {
                let next_bit = match symbols.get(pos) {
                    Some(&s) if pos < end => bit(s),
                    _ => u64::MAX, // nothing left to take: only a path that takes none goes on
                };
                let step = &self.steps[inst as usize];
                if step.mask & next_bit == 0 {
                    break;
                }
                let cell = (pos - origin) * self.steps.len() + inst as usize;
                if scratch.visited[cell] == mark {
                    break;
                }
                scratch.visited[cell] = mark;
                match step.inst {
                    Inst::Take { set, next } => {
                        let takes = pos < end
                            && match set {
                                Set::Range(lo, hi) => (lo..=hi).contains(&symbols[pos]),
                                Set::Ranges { at, len } => {
                                    in_ranges(self.set(at, len), symbols[pos])
                                }
                            };
                        if takes {
                            inst = next;
                            pos += 1;
                        } else {
                            break;
                        }
                    }
                    Inst::Split { first, second } => {
                        scratch.stack.push(Frame::Step { inst: second, pos });
                        inst = first;
                    }
                    Inst::Switch { switch } => {
                        let next = symbols[..end].get(pos).copied();
                        let branches = self.switches[switch as usize].branches(next);
                        let Some((&first, rest)) = branches.split_first() else {
                            break;
                        };
                        for &b in rest.iter().rev() {
                            scratch.stack.push(Frame::Step { inst: b, pos });
                        }
                        inst = first;
                    }
                    Inst::Save { slot, next } => {
                        scratch.stack.push(Frame::Restore {
                            slot,
                            old: who[slot as usize],
                        });
                        who[slot as usize] = Some(pos);
                        inst = next;
                    }
                    Inst::NoteStart { next } if pos == 0 => inst = next,
                    Inst::NoteEnd { next } if pos == symbols.len() => inst = next,
                    Inst::NoteStart { .. } | Inst::NoteEnd { .. } => break,
                    Inst::Match => {
                        return Some(Found {
                            span: start..pos,
                            who: who[0].zip(who[1]).map(|(s, e)| s..e),
                        })
                    }
                }
            }
        }
        None
    }
}

impl Program {
    /// The ranges of a set held at `at`, `len` long (none if that is past the end, which a
    /// compiled program never asks).
    #[inline]
    fn set(&self, at: u32, len: u32) -> &[(Symbol, Symbol)] {
        self.ranges
            .get(at as usize..)
            .and_then(|r| r.get(..len as usize))
            .unwrap_or_default()
    }
}

/// Searches over fewer tokens than this share one table of marks for all their attempts.
const SHARED_TOKENS: usize = 512;

impl Scratch {
    /// Starts a new table of `cells` marks (old marks are left, and no longer count).
    fn begin(&mut self, cells: usize) {
        if self.visited.len() < cells {
            self.visited.resize(cells, 0);
        }
        self.mark = self.mark.wrapping_add(1);
        if self.mark == 0 {
            self.visited.fill(0);
            self.mark = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    //! Programs against the regex crate on the same expressions: over random symbol strings
    //! they must report the same leftmost-first matches and the same `{who}` spans.
    use super::*;
    use proptest::prelude::*;
    use regex_automata::meta;
    use regex_automata::Input;
    use regex_syntax::hir::Hir;

    const BASE: u32 = 0x4E00;

    fn symbol_of(c: char) -> Symbol {
        (c as u32).saturating_sub(BASE)
    }

    fn text(symbols: &[Symbol]) -> String {
        symbols
            .iter()
            .map(|&s| char::from_u32(BASE + s).unwrap())
            .collect()
    }

    /// The symbol each letter of a test pattern stands for: a–e are 0–4; the others lie 64
    /// apart or further, so that they share a mask bit with a–e (a mask only lets through what
    /// the set decides), make classes of many ranges (searched, not scanned) and ranges wider
    /// than a mask ("[a-g]").
    const LETTERS: [(char, Symbol); 13] = [
        ('a', 0),
        ('b', 1),
        ('c', 2),
        ('d', 3),
        ('e', 4),
        ('f', 64),
        ('g', 129),
        ('h', 66),
        ('i', 68),
        ('j', 131),
        ('k', 133),
        ('l', 200),
        ('m', 202),
    ];

    /// The symbols a generated note is made of.
    const NOTE_SYMBOLS: [Symbol; 15] = [0, 1, 2, 3, 4, 5, 64, 65, 66, 68, 129, 131, 133, 200, 202];

    /// The expression for a pattern written over the letters of [`LETTERS`] (one symbol each).
    fn hir(pattern: &str) -> Hir {
        let mapped: String = pattern
            .chars()
            .map(|c| match LETTERS.iter().find(|(l, _)| *l == c) {
                Some(&(_, s)) => char::from_u32(BASE + s).unwrap(),
                None => c,
            })
            .collect();
        regex_syntax::Parser::new().parse(&mapped).unwrap()
    }

    fn both(pattern: &str, symbols: &[Symbol]) -> (Vec<Found>, Vec<Found>) {
        let hir = hir(pattern);
        let program = Program::compile(&hir, symbol_of).unwrap();
        let mut mine = Vec::new();
        program.find_iter(
            symbols,
            0..symbols.len(),
            0..symbols.len() + 1,
            &mut Scratch::default(),
            |m| mine.push(m),
        );
        let re = meta::Builder::new().build_from_hir(&hir).unwrap();
        let haystack = text(symbols);
        let mut caps = re.create_captures();
        let mut theirs = Vec::new();
        let mut at = 0;
        while at <= haystack.len() {
            re.search_captures(&Input::new(&haystack).range(at..), &mut caps);
            let Some(m) = caps.get_match() else { break };
            let to_tokens = |r: Range<usize>| r.start / 3..r.end / 3;
            theirs.push(Found {
                span: to_tokens(m.range()),
                who: caps.get_group(1).map(|g| to_tokens(g.range())),
            });
            at = if m.is_empty() { m.end() + 3 } else { m.end() };
        }
        (mine, theirs)
    }

    #[test]
    fn examples_match_as_the_regex_crate_does() {
        let s = |t: &str| -> Vec<Symbol> { t.bytes().map(|b| (b - b'a') as u32).collect() };
        for (pattern, note) in [
            ("ab", "cabab"),
            ("a[bc]?d", "adabdacd"),
            ("a(?:b|bc)d", "abcd"),
            ("a.{0,3}?d", "abbbdd"),
            ("a.{0,3}d", "abbbdd"),
            ("(b|c)+?a", "ccca"),
            ("^a", "aa"),
            ("a$", "aa"),
            ("(?:^|e)a(b)?", "aeab"),
            ("a(?:b|$)", "ca"),
            ("a(?:b|$|c)", "ca"),
            ("a(?:b|(?:$|c))", "ca"),
            ("(a.{0,2}?)c", "abcc"),
        ] {
            let pattern = pattern.replace("+?", "{1,4}?");
            let (mine, theirs) = both(&pattern, &s(note));
            assert_eq!(mine, theirs, "{pattern} on {note}");
            assert!(!mine.is_empty(), "{pattern} finds something in {note}");
        }
    }

    #[test]
    fn an_unbounded_repetition_is_refused() {
        assert_eq!(
            Program::compile(&hir("ab*"), symbol_of).unwrap_err(),
            ProgramError::Unbounded
        );
    }

    /// Random bounded expressions over the letters of [`LETTERS`].
    fn pattern() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-m]".prop_map(|s| s),
            Just("[abc]".to_string()),
            // Sets of several ranges, one sharing bits with a–e, one searched by halves, and a
            // range wider than a mask.
            Just("[acf]".to_string()),
            Just("[acfhijklm]".to_string()),
            Just("[a-g]".to_string()),
            Just("[^\\x00-\\x{4E00}]".to_string()),
            Just("(?:^|e)".to_string()),
            Just("(?:$|e)".to_string()),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                prop::collection::vec(inner.clone(), 2..7)
                    .prop_map(|v| format!("(?:{})", v.join("|"))),
                (inner.clone(), 0u32..2, 1u32..4, any::<bool>()).prop_map(|(x, lo, n, lazy)| {
                    format!("(?:{x}){{{lo},{}}}{}", lo + n, if lazy { "?" } else { "" })
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn programs_find_what_the_regex_crate_finds(
            body in pattern(),
            capture_at in 0usize..3,
            note in prop::collection::vec(prop::sample::select(NOTE_SYMBOLS.to_vec()), 0..24),
        ) {
            // One group, as `{who}` is: around the whole, or none.
            let pattern = match capture_at {
                0 => format!("({body})"),
                1 => format!("a?({body})b?"),
                _ => body,
            };
            let (mine, theirs) = both(&pattern, &note);
            prop_assert_eq!(mine, theirs, "pattern {}", pattern);
        }
    }
}
