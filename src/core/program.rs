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
//!   program's first set), so most tokens of a chunk cost one set lookup.
//!
//! **Invariant:** a program only ever reads the symbols it is given and never allocates
//! per attempt once its [`Scratch`] has grown to the largest program.

use super::lists::Lists;
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use std::ops::Range;

/// A token's symbol (see [`super::phrase`]).
pub(crate) type Symbol = u32;

/// The most instructions one program may have (a phrase this large is a mistake).
pub(crate) const MAX_INSTS: usize = 1 << 16;

/// A set of symbols: sorted, disjoint ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct SymbolSet {
    ranges: Box<[(Symbol, Symbol)]>,
}

impl SymbolSet {
    fn new(mut ranges: Vec<(Symbol, Symbol)>) -> SymbolSet {
        ranges.sort_unstable();
        let mut merged: Vec<(Symbol, Symbol)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        SymbolSet {
            ranges: merged.into_boxed_slice(),
        }
    }

    /// The set folded to 128 bits (see [`bit`]).
    fn mask(&self) -> u128 {
        let mut mask = 0;
        for &(lo, hi) in self.ranges.iter() {
            if hi - lo >= 127 {
                return u128::MAX;
            }
            for s in lo..=hi {
                mask |= bit(s);
            }
        }
        mask
    }

    #[inline]
    pub(crate) fn contains(&self, s: Symbol) -> bool {
        let r = &self.ranges;
        if r.len() <= 8 {
            return r.iter().any(|&(lo, hi)| lo <= s && s <= hi);
        }
        let i = r.partition_point(|&(_, hi)| hi < s);
        r.get(i).is_some_and(|&(lo, _)| lo <= s)
    }
}

/// A symbol's bit in a folded set.
#[inline]
fn bit(s: Symbol) -> u128 {
    1 << (s % 128)
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
enum Inst {
    /// Take one token whose symbol is in `sets[set]`.
    Take {
        set: u32,
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

/// Alternations of at least this many branches become a [`Switch`].
const SWITCH_BRANCHES: usize = 3;
/// A branch that can start with more symbols than this is tried for every token.
const SWITCH_WIDE: usize = 256;

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

/// One phrase, compiled.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Program {
    insts: Box<[Inst]>,
    /// Per instruction: the symbols (folded to 128 bits) a match from there can take first;
    /// all bits when it may take none. An attempt that reaches an instruction whose bit for
    /// the next token is clear fails there, without trying the alternatives one by one.
    masks: Box<[u128]>,
    sets: Box<[SymbolSet]>,
    switches: Box<[Switch]>,
    start: u32,
    /// The symbols a match can begin with.
    first: SymbolSet,
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
    /// Compiles `hir`, a regex over symbol characters as [`super::phrase`] lowers phrases to;
    /// `symbol_of` maps such a character to its symbol.
    pub(crate) fn compile(
        hir: &Hir,
        symbol_of: impl Fn(char) -> Symbol,
    ) -> Result<Program, ProgramError> {
        let mut c = Compiler {
            insts: vec![Inst::Match],
            sets: Vec::new(),
            switches: Vec::new(),
            seen: Vec::new(),
            stamp: 0,
            symbol_of: &symbol_of,
        };
        let start = c.compile(hir, 0)?;
        let Compiler {
            insts,
            sets,
            switches,
            ..
        } = c;
        // Built back to front: every `next` is lower than its instruction, so one pass in
        // index order sees each instruction's successors first.
        let mut longest = vec![0usize; insts.len()];
        let mut masks = vec![u128::MAX; insts.len()];
        for (i, inst) in insts.iter().enumerate() {
            masks[i] = match *inst {
                Inst::Take { set, .. } => sets[set as usize].mask(),
                Inst::Split { first, second } => masks[first as usize] | masks[second as usize],
                Inst::Switch { switch } => switches[switch as usize]
                    .all
                    .iter()
                    .fold(0, |m, &b| m | masks[b as usize]),
                Inst::Save { next, .. } | Inst::NoteStart { next } | Inst::NoteEnd { next } => {
                    masks[next as usize]
                }
                Inst::Match => u128::MAX,
            };
            longest[i] = match *inst {
                Inst::Take { next, .. } => 1 + longest[next as usize],
                Inst::Split { first, second } => {
                    longest[first as usize].max(longest[second as usize])
                }
                Inst::Switch { switch } => switches[switch as usize]
                    .all
                    .iter()
                    .map(|&b| longest[b as usize])
                    .max()
                    .unwrap_or(0),
                Inst::Save { next, .. } | Inst::NoteStart { next } | Inst::NoteEnd { next } => {
                    longest[next as usize]
                }
                Inst::Match => 0,
            };
        }
        let mut first = Vec::new();
        let mut empty = false;
        let mut seen = vec![false; insts.len()];
        let mut todo = vec![start];
        while let Some(i) = todo.pop() {
            if std::mem::replace(&mut seen[i as usize], true) {
                continue;
            }
            match insts[i as usize] {
                Inst::Take { set, .. } => first.extend(sets[set as usize].ranges.iter()),
                Inst::Split { first, second } => todo.extend([first, second]),
                Inst::Switch { switch } => todo.extend(switches[switch as usize].all.iter()),
                Inst::Save { next, .. } | Inst::NoteStart { next } | Inst::NoteEnd { next } => {
                    todo.push(next)
                }
                Inst::Match => empty = true,
            }
        }
        Ok(Program {
            max_len: longest[start as usize],
            insts: insts.into_boxed_slice(),
            masks: masks.into_boxed_slice(),
            sets: sets.into_boxed_slice(),
            switches: switches.into_boxed_slice(),
            start,
            first: SymbolSet::new(first),
            empty,
        })
    }

    /// Every match inside `range` of `symbols` that starts inside `starts` (the caller knows
    /// no match starts elsewhere; `range.end` itself is a start only an empty match has), leftmost-first and non-overlapping, in order.
    /// `NoteStart`/`NoteEnd` look at the whole of `symbols`.
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

    /// Whether the program matches inside `range` of `symbols`, starting inside `starts`.
    pub(crate) fn matches_in(
        &self,
        symbols: &[Symbol],
        range: Range<usize>,
        starts: Range<usize>,
        scratch: &mut Scratch,
    ) -> bool {
        let end = range.end.min(symbols.len());
        let from = range.start.max(starts.start);
        if starts.is_empty() || from > end {
            return false;
        }
        let last_start = end.min(starts.end - 1);
        from <= last_start
            && self
                .find_from(symbols, from, end, last_start, scratch)
                .is_some()
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
            scratch.begin(self.insts.len() * (end - from + 1));
        }
        for start in from..=last_start.min(end) {
            let can_start = if start < end {
                let s = symbols[start];
                self.empty
                    || (self.masks[self.start as usize] & bit(s) != 0 && self.first.contains(s))
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
                scratch.begin(self.insts.len() * width);
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
                    _ => u128::MAX, // nothing left to take: only a path that takes none goes on
                };
                if self.masks[inst as usize] & next_bit == 0 {
                    break;
                }
                let cell = (pos - origin) * self.insts.len() + inst as usize;
                if scratch.visited[cell] == mark {
                    break;
                }
                scratch.visited[cell] = mark;
                match self.insts[inst as usize] {
                    Inst::Take { set, next } => {
                        if pos < end && self.sets[set as usize].contains(symbols[pos]) {
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

/// Builds a program back to front: each expression is compiled knowing where it goes next.
struct Compiler<'a> {
    insts: Vec<Inst>,
    sets: Vec<SymbolSet>,
    switches: Vec<Switch>,
    /// Per instruction, the walk of [`Compiler::starts`] that last saw it.
    seen: Vec<u32>,
    stamp: u32,
    symbol_of: &'a dyn Fn(char) -> Symbol,
}

impl Compiler<'_> {
    fn push(&mut self, inst: Inst) -> Result<u32, ProgramError> {
        if self.insts.len() >= MAX_INSTS {
            return Err(ProgramError::TooLarge);
        }
        self.insts.push(inst);
        Ok((self.insts.len() - 1) as u32)
    }

    fn take(&mut self, set: SymbolSet, next: u32) -> Result<u32, ProgramError> {
        // Sets repeat within a phrase (a class used twice, a gap's `any`): stored once.
        let index = match self.sets.iter().position(|s| *s == set) {
            Some(i) => i,
            None => {
                self.sets.push(set);
                self.sets.len() - 1
            }
        };
        self.push(Inst::Take {
            set: index as u32,
            next,
        })
    }

    /// A [`Switch`] among `entries` (compiled branches, in order).
    fn switch(&mut self, entries: Vec<u32>) -> Result<u32, ProgramError> {
        // (symbol, branch) for every symbol a narrow branch can start with; the others, by
        // branch number, go on with any symbol.
        let mut pairs: Vec<(Symbol, u32)> = Vec::new();
        let (mut otherwise, mut at_end) = (Vec::new(), Vec::new());
        let mut ranges = Vec::new();
        for (branch, &entry) in entries.iter().enumerate() {
            let branch = branch as u32;
            ranges.clear();
            let empty = self.starts(entry, &mut ranges);
            let size: usize = ranges.iter().map(|&(lo, hi)| (hi - lo) as usize + 1).sum();
            if empty {
                at_end.push(branch);
            }
            if empty || size > SWITCH_WIDE {
                otherwise.push(branch);
            } else {
                for &(lo, hi) in &ranges {
                    pairs.extend((lo..=hi).map(|s| (s, branch)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let entry = |branches: &mut dyn Iterator<Item = u32>| -> Box<[u32]> {
            branches.map(|b| entries[b as usize]).collect()
        };
        let (mut symbols, mut by_symbol) = (Vec::new(), Vec::new());
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            // This symbol's branches and the ones that take anything, merged in order.
            let mut list: Vec<u32> = group.iter().map(|&(_, b)| b).collect();
            list.extend(&otherwise);
            list.sort_unstable();
            list.dedup();
            symbols.push(group[0].0);
            by_symbol.push(entry(&mut list.into_iter()));
        }
        self.switches.push(Switch {
            symbols: symbols.into_boxed_slice(),
            by_symbol: Lists::new(by_symbol),
            otherwise: entry(&mut otherwise.into_iter()),
            at_end: entry(&mut at_end.into_iter()),
            all: entries.into_boxed_slice(),
        });
        self.push(Inst::Switch {
            switch: (self.switches.len() - 1) as u32,
        })
    }

    /// Adds to `ranges` the symbols a match from instruction `entry` can take first; returns
    /// whether it can get to the end taking none (looks are assumed to pass: a superset).
    fn starts(&mut self, entry: u32, ranges: &mut Vec<(Symbol, Symbol)>) -> bool {
        self.stamp += 1;
        if self.seen.len() < self.insts.len() {
            self.seen.resize(self.insts.len(), 0);
        }
        let mut empty = false;
        let mut todo = vec![entry];
        while let Some(i) = todo.pop() {
            if std::mem::replace(&mut self.seen[i as usize], self.stamp) == self.stamp {
                continue;
            }
            match self.insts[i as usize] {
                Inst::Take { set, .. } => ranges.extend(self.sets[set as usize].ranges.iter()),
                Inst::Split { first, second } => todo.extend([first, second]),
                Inst::Switch { switch } => todo.extend(self.switches[switch as usize].all.iter()),
                Inst::Save { next, .. } | Inst::NoteStart { next } | Inst::NoteEnd { next } => {
                    todo.push(next)
                }
                Inst::Match => empty = true,
            }
        }
        empty
    }

    /// The symbols `hir` matches when it is exactly one token of a set.
    fn one_token(&self, hir: &Hir) -> Option<Vec<(Symbol, Symbol)>> {
        match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => Some(
                class
                    .iter()
                    .map(|r| ((self.symbol_of)(r.start()), (self.symbol_of)(r.end())))
                    .collect(),
            ),
            HirKind::Literal(lit) => {
                let text = std::str::from_utf8(&lit.0).ok()?;
                let mut chars = text.chars();
                let s = (self.symbol_of)(chars.next()?);
                chars.next().is_none().then(|| vec![(s, s)])
            }
            _ => None,
        }
    }

    /// Compiles `hir` so that it continues at `next`; returns its entry.
    fn compile(&mut self, hir: &Hir, next: u32) -> Result<u32, ProgramError> {
        match hir.kind() {
            HirKind::Empty => Ok(next),
            HirKind::Literal(lit) => {
                let text = std::str::from_utf8(&lit.0)
                    .map_err(|_| ProgramError::Unsupported("bytes that are not symbols"))?;
                let symbols: Vec<Symbol> = text.chars().map(self.symbol_of).collect();
                let mut at = next;
                for &s in symbols.iter().rev() {
                    at = self.take(SymbolSet::new(vec![(s, s)]), at)?;
                }
                Ok(at)
            }
            HirKind::Class(Class::Unicode(class)) => {
                let ranges = class
                    .iter()
                    .map(|r| ((self.symbol_of)(r.start()), (self.symbol_of)(r.end())))
                    .collect();
                self.take(SymbolSet::new(ranges), next)
            }
            HirKind::Class(Class::Bytes(_)) => Err(ProgramError::Unsupported("a byte class")),
            HirKind::Look(Look::Start) => self.push(Inst::NoteStart { next }),
            HirKind::Look(Look::End) => self.push(Inst::NoteEnd { next }),
            HirKind::Look(_) => Err(ProgramError::Unsupported("a look-around")),
            HirKind::Capture(cap) => {
                if cap.index != 1 {
                    return Err(ProgramError::Unsupported("a second capture group"));
                }
                let close = self.push(Inst::Save { slot: 1, next })?;
                let body = self.compile(&cap.sub, close)?;
                self.push(Inst::Save {
                    slot: 0,
                    next: body,
                })
            }
            HirKind::Concat(subs) => {
                let mut at = next;
                for sub in subs.iter().rev() {
                    at = self.compile(sub, at)?;
                }
                Ok(at)
            }
            HirKind::Alternation(subs) => {
                // Neighbouring branches of one token each continue alike, so which of them
                // matches makes no difference: one set for the run of them is the same
                // expression, tried in one step (a lexicon class lists dozens).
                let mut entries = Vec::with_capacity(subs.len());
                let mut run: Vec<(Symbol, Symbol)> = Vec::new();
                for sub in subs {
                    if let Some(ranges) = self.one_token(sub) {
                        run.extend(ranges);
                        continue;
                    }
                    if !run.is_empty() {
                        let set = SymbolSet::new(std::mem::take(&mut run));
                        entries.push(self.take(set, next)?);
                    }
                    entries.push(self.compile(sub, next)?);
                }
                if !run.is_empty() {
                    entries.push(self.take(SymbolSet::new(run), next)?);
                }
                if entries.len() >= SWITCH_BRANCHES {
                    return self.switch(entries);
                }
                let mut at = entries.pop().unwrap_or(next);
                while let Some(first) = entries.pop() {
                    at = self.push(Inst::Split { first, second: at })?;
                }
                Ok(at)
            }
            HirKind::Repetition(rep) => {
                let Some(max) = rep.max else {
                    return Err(ProgramError::Unbounded);
                };
                // The optional copies, innermost first: x{0,3} is (x(x(x)?)?)?.
                let mut at = next;
                for _ in rep.min..max {
                    let body = self.compile(&rep.sub, at)?;
                    at = if rep.greedy {
                        self.push(Inst::Split {
                            first: body,
                            second: next,
                        })?
                    } else {
                        self.push(Inst::Split {
                            first: next,
                            second: body,
                        })?
                    };
                }
                for _ in 0..rep.min {
                    at = self.compile(&rep.sub, at)?;
                }
                Ok(at)
            }
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

    /// The expression for a pattern written over the letters a–e (one symbol each).
    fn hir(pattern: &str) -> Hir {
        let mapped: String = pattern
            .chars()
            .map(|c| match c {
                'a'..='e' => char::from_u32(BASE + (c as u32 - 'a' as u32)).unwrap(),
                other => other,
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

    /// Random bounded expressions over a–e.
    fn pattern() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-e]".prop_map(|s| s),
            Just("[abc]".to_string()),
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
            note in prop::collection::vec(0u32..6, 0..24),
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
