//! `Matcher`: finds every phrase's matches in a chunk of an encoded note (one symbol per token,
//! see [`super::phrase`]) by running only the phrases the chunk's words can start.
//!
//! 1. **Index.** At compile time each phrase gets the set of symbols of which at least one
//!    must occur in any text it matches (its *anchor*: of the slots every match fills, the one
//!    whose words are rarest, judged by [`super::phrase::Compiled::weights`]). The index maps
//!    each symbol to the phrases it anchors.
//! 2. **Candidates.** A chunk's distinct symbols are looked up in the index: a phrase none of
//!    whose anchor symbols occurs cannot match and is never run. On the written notes a
//!    chunk of a sentence wakes a handful of the ~1,000 phrases.
//! 3. **Search.** Each candidate's [`Program`] runs over the chunk alone: leftmost-first and
//!    non-overlapping per phrase, the note's start and end seen as such. A program is compiled
//!    with the rules, holds no cache, and never does more than instructions × tokens steps, so
//!    no rule makes another slower and no note makes memory grow.
//!
//! **Invariant:** the index only ever leaves out a phrase that cannot match in the chunk, so
//! the result is exactly that of running every phrase alone (a test checks it on real notes
//! and on mixes of their words).

use super::program::{Found, Program, Scratch as ProgramScratch, Symbol};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::cell::RefCell;
use std::fmt;
use std::ops::Range;

/// The phrases, their index, and their programs.
pub(crate) struct Matcher {
    programs: Vec<Program>,
    /// Per symbol: the phrases it anchors, in order.
    index: Vec<Box<[u32]>>,
    /// Phrases with no anchor (every slot may be skipped): searched in every chunk.
    always: Vec<u32>,
    /// Per phrase: more sets of symbols each of which must occur in a chunk for the phrase to
    /// be searched there (its next rarest required slots).
    checks: Vec<Box<[Box<[u32]>]>>,
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.programs.len())
            .field("unanchored", &self.always.len())
            .finish()
    }
}

/// A required slot whose symbols weigh this much occurs in most chunks: not worth checking.
const CHECK_ABOVE: u64 = 1024;
/// A slot of more symbols than this is not indexed (it is in nearly every chunk).
const WIDE_CLASS: u32 = 2048;
/// The most required slots checked per phrase besides its anchor.
const MAX_CHECKS: usize = 4;

/// Per thread, what the current chunk holds (kept to avoid allocating per chunk).
#[derive(Default)]
struct Scratch {
    /// The chunk's distinct symbols.
    symbols: Vec<u32>,
    /// Phrases whose anchor occurs in the chunk.
    candidates: Vec<u32>,
    /// Per symbol, the chunk it last occurred in (`seen[s] == chunk`: it occurs in this one).
    seen: Vec<u32>,
    chunk: u32,
    /// What the programs need while they run.
    program: ProgramScratch,
}

impl Scratch {
    /// Takes in a new chunk: its distinct symbols, and which occur.
    fn start(&mut self, chunk: &[Symbol], symbol_count: usize) {
        if self.seen.len() < symbol_count {
            self.seen.resize(symbol_count, 0);
        }
        self.chunk = self.chunk.wrapping_add(1);
        if self.chunk == 0 {
            self.seen.fill(0);
            self.chunk = 1;
        }
        self.symbols.clear();
        for &s in chunk {
            if let Some(seen) = self.seen.get_mut(s as usize) {
                if *seen != self.chunk {
                    *seen = self.chunk;
                    self.symbols.push(s);
                }
            }
        }
    }

    /// Whether one of `set`'s symbols occurs in the chunk.
    fn any(&self, set: &[u32]) -> bool {
        if set.len() <= self.symbols.len() * 4 {
            set.iter().any(|&s| self.seen[s as usize] == self.chunk)
        } else {
            self.symbols.iter().any(|s| set.binary_search(s).is_ok())
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

impl Matcher {
    /// Indexes `programs` by the anchors of `sources`, the expressions they were compiled
    /// from; `weights` says how common each symbol is (higher: more common).
    pub fn new(sources: &[Hir], programs: Vec<Program>, weights: &[u32]) -> Matcher {
        let mut index: Vec<Vec<u32>> = vec![Vec::new(); weights.len()];
        let mut always = Vec::new();
        let mut checks = Vec::with_capacity(sources.len());
        for (p, source) in sources.iter().enumerate() {
            let mut needs = Vec::new();
            requirements(source, weights, &mut needs);
            needs.sort_unstable();
            needs.dedup();
            let Some(((_, anchor), rest)) = needs.split_first() else {
                always.push(p as u32);
                checks.push(Box::default());
                continue;
            };
            for &s in anchor {
                if let Some(list) = index.get_mut(s as usize) {
                    list.push(p as u32);
                }
            }
            checks.push(
                rest.iter()
                    .filter(|(w, _)| *w < CHECK_ABOVE)
                    .take(MAX_CHECKS)
                    .map(|(_, set)| set.clone().into_boxed_slice())
                    .collect(),
            );
        }
        Matcher {
            index: index.into_iter().map(Vec::into_boxed_slice).collect(),
            always,
            checks,
            programs,
        }
    }

    /// How many phrases there are.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.programs.len()
    }

    /// Phrase `pattern`'s program.
    #[cfg(test)]
    pub fn program(&self, pattern: usize) -> &Program {
        &self.programs[pattern]
    }

    /// Appends to `out` every match `(pattern, found)` of the patterns `wanted` accepts
    /// inside `chunk` of `symbols` (token indices): per pattern leftmost-first and
    /// non-overlapping, by pattern then start. The note's start and end are those of `symbols`.
    pub fn matches(
        &self,
        symbols: &[Symbol],
        chunk: Range<usize>,
        wanted: impl Fn(usize) -> bool,
        out: &mut Vec<(usize, Found)>,
    ) {
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            scratch.start(&symbols[chunk.clone()], self.index.len());
            let mut candidates = std::mem::take(&mut scratch.candidates);
            candidates.clear();
            candidates.extend_from_slice(&self.always);
            for &s in &scratch.symbols {
                candidates.extend(self.index.get(s as usize).into_iter().flatten());
            }
            candidates.sort_unstable();
            candidates.dedup();
            for &p in &candidates {
                let p = p as usize;
                if !wanted(p) || !self.checks[p].iter().all(|set| scratch.any(set)) {
                    continue;
                }
                self.programs[p].find_iter(symbols, chunk.clone(), &mut scratch.program, |m| {
                    out.push((p, m))
                });
            }
            scratch.candidates = candidates;
        });
    }

    /// Whether `program` matches inside `range` of `symbols` (with this thread's scratch).
    pub fn is_match(program: &Program, symbols: &[Symbol], range: Range<usize>) -> bool {
        SCRATCH.with(|scratch| program.is_match(symbols, range, &mut scratch.borrow_mut().program))
    }
}

/// What every match of `hir` needs: sets of symbols of which at least one must occur, each
/// with its weight (the sum of its symbols'). Empty when a match may be empty of symbols.
fn requirements(hir: &Hir, weights: &[u32], out: &mut Vec<(u64, Vec<u32>)>) {
    let weigh = |mut symbols: Vec<u32>| {
        symbols.sort_unstable();
        symbols.dedup();
        let w = symbols
            .iter()
            .map(|&s| u64::from(weights.get(s as usize).copied().unwrap_or(u32::MAX)))
            .sum();
        (w, symbols)
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(Class::Bytes(_)) => {}
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).unwrap_or_default();
            out.extend(
                text.chars()
                    .map(|c| weigh(vec![super::phrase::symbol_of(c)])),
            );
        }
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class.iter().map(|r| r.len() as u32).sum();
            if size > WIDE_CLASS {
                return; // `{word}` and the like: in every chunk, not worth listing
            }
            let symbols: Vec<u32> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(super::phrase::symbol_of)
                .collect();
            if !symbols.is_empty() {
                out.push(weigh(symbols));
            }
        }
        HirKind::Repetition(rep) if rep.min == 0 => {}
        HirKind::Repetition(rep) => requirements(&rep.sub, weights, out),
        HirKind::Capture(cap) => requirements(&cap.sub, weights, out),
        HirKind::Concat(subs) => {
            for s in subs {
                requirements(s, weights, out);
            }
        }
        HirKind::Alternation(subs) => {
            // One of the branches matches: what it needs most surely, from each.
            let mut all = Vec::new();
            for s in subs {
                let mut branch = Vec::new();
                requirements(s, weights, &mut branch);
                let Some((_, rarest)) = branch.into_iter().min() else {
                    return;
                };
                all.extend(rarest);
            }
            out.push(weigh(all));
        }
    }
}
