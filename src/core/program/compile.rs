//! Compiling a phrase's expression into a [`Program`]: built back to front as [`Inst`]s over
//! numbered [`SymbolSet`]s, each expression knowing where it goes next; alternations of many
//! branches become [`Switch`]es chosen by the next token; then each instruction's first-token
//! mask and the longest match are worked out, and the instructions are packed into the
//! program's steps beside their masks, each set held in place or placed in the program's
//! ranges.
//!
//! **Invariant:** a program's instructions form a DAG (every repetition is bounded, or the
//! phrase is refused with [`ProgramError::Unbounded`]), and no program has more than
//! [`MAX_INSTS`] instructions.

use super::{bit, Inst, Program, ProgramError, Set, Step, Switch, Symbol, MAX_INSTS};
use crate::core::lists::Lists;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A set of symbols: sorted, disjoint ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SymbolSet {
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

    /// The set folded to 64 bits (see [`bit`]).
    fn mask(&self) -> u64 {
        let mut mask = 0;
        for &(lo, hi) in self.ranges.iter() {
            if hi - lo >= 63 {
                return u64::MAX;
            }
            for s in lo..=hi {
                mask |= bit(s);
            }
        }
        mask
    }
}

/// Alternations of at least this many branches become a [`Switch`].
const SWITCH_BRANCHES: usize = 3;
/// A branch that can start with more symbols than this is tried for every token.
const SWITCH_WIDE: usize = 256;

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
        let mut masks = vec![u64::MAX; insts.len()];
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
                Inst::Match => u64::MAX,
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
        // Packed: each set's ranges into one array (a set of one range into its instruction),
        // each instruction beside its mask.
        let mut ranges: Vec<(Symbol, Symbol)> = Vec::new();
        let mut place = |set: &SymbolSet| {
            let at = ranges.len() as u32;
            ranges.extend(set.ranges.iter());
            (at, set.ranges.len() as u32)
        };
        // A set of one range is held in its instruction: only the others are placed.
        let placed: Vec<(u32, u32)> = sets
            .iter()
            .map(|set| match *set.ranges {
                [_] => (0, 0),
                _ => place(set),
            })
            .collect();
        let first = place(&SymbolSet::new(first));
        let steps = insts
            .iter()
            .zip(masks)
            .map(|(&inst, mask)| {
                let inst = inst.map_set(|set| match *sets[set as usize].ranges {
                    [(lo, hi)] => Set::Range(lo, hi),
                    _ => {
                        let (at, len) = placed[set as usize];
                        Set::Ranges { at, len }
                    }
                });
                Step { mask, inst }
            })
            .collect();
        Ok(Program {
            max_len: longest[start as usize],
            steps,
            ranges: ranges.into_boxed_slice(),
            switches: switches.into_boxed_slice(),
            start,
            first,
            empty,
        })
    }
}

/// Builds a program back to front: each expression is compiled knowing where it goes next.
struct Compiler<'a> {
    insts: Vec<Inst<u32>>,
    sets: Vec<SymbolSet>,
    switches: Vec<Switch>,
    /// Per instruction, the walk of [`Compiler::starts`] that last saw it.
    seen: Vec<u32>,
    stamp: u32,
    symbol_of: &'a dyn Fn(char) -> Symbol,
}

impl Compiler<'_> {
    fn push(&mut self, inst: Inst<u32>) -> Result<u32, ProgramError> {
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
