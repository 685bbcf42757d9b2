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
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Matcher {
    programs: Vec<Program>,
    /// Per symbol: the phrases it anchors, in order.
    index: Vec<Box<[u32]>>,
    /// Per symbol: the exception phrases it anchors (they are not candidates of a chunk, but
    /// a chunk learns which of them have an anchor in it, once, when a match asks).
    except_index: Vec<Box<[u32]>>,
    /// Phrases with no anchor (every slot may be skipped): searched in every chunk.
    always: Vec<u32>,
    /// Per phrase: more sets of symbols each of which must occur in a chunk for the phrase to
    /// be searched there (its next rarest required slots), as indices into `check_sets`.
    checks: Vec<Box<[u32]>>,
    /// The distinct sets the checks name (many phrases share a lexicon class): each is
    /// looked up at most once per chunk.
    check_sets: Vec<Box<[u32]>>,
    /// Per phrase: its anchor and where in a match it is, so a phrase runs only from the
    /// tokens a match around an anchor of the chunk can start at.
    anchors: Vec<Option<Anchor>>,
}

/// The set of symbols one of which every match of a phrase holds, and how many tokens after
/// the match's start it is (least, most).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Anchor {
    symbols: Box<[u32]>,
    offset: (usize, usize),
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
    /// One bit per symbol: whether it occurs in the chunk (small enough to stay in the
    /// fastest cache: phrases ask about hundreds of symbols per chunk).
    present: Vec<u64>,
    /// Per symbol occurring in the chunk: where it first and last occurs (from its start).
    first_at: Vec<u32>,
    last_at: Vec<u32>,
    /// Per phrase: the chunk (by `stamp`) in which its anchor was last found, and where the
    /// anchor first and last occurs in it (exception phrases only).
    anchored: Vec<(u32, u32, u32)>,
    /// Per check set: the chunk (by `stamp`) it was last looked up in, and whether one of its
    /// symbols occurs there.
    checked: Vec<(u32, bool)>,
    stamp: u32,
    /// What the programs need while they run.
    program: ProgramScratch,
}

impl Scratch {
    /// Takes in a new chunk: its distinct symbols, and which occur.
    fn start(&mut self, chunk: &[Symbol], symbol_count: usize) {
        let words = symbol_count.div_ceil(64);
        if self.present.len() < words {
            self.present.resize(words, 0);
            self.first_at.resize(symbol_count, 0);
            self.last_at.resize(symbol_count, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.anchored.fill((0, 0, 0));
            self.checked.fill((0, false));
            self.stamp = 1;
        }
        // Only the last chunk's bits are set: clear those.
        for &s in &self.symbols {
            self.present[s as usize / 64] = 0;
        }
        self.symbols.clear();
        for (at, &s) in chunk.iter().enumerate() {
            let at = at as u32;
            let Some(word) = self.present.get_mut(s as usize / 64) else {
                continue;
            };
            let bit = 1u64 << (s % 64);
            if *word & bit == 0 {
                *word |= bit;
                self.symbols.push(s);
                self.first_at[s as usize] = at;
            }
            self.last_at[s as usize] = at;
        }
    }

    /// Whether symbol `s` occurs in the chunk.
    #[inline]
    fn has(&self, s: u32) -> bool {
        self.present
            .get(s as usize / 64)
            .is_some_and(|w| w & (1 << (s % 64)) != 0)
    }

    /// Whether one of `set`'s symbols (sorted) occurs in the chunk: by walking the set, or,
    /// when the set is much larger than the chunk (a lexicon class of hundreds of words
    /// against a clause of a dozen), by looking the chunk's symbols up in it.
    fn any(&self, set: &[u32]) -> bool {
        if set.len() > 8 * self.symbols.len() {
            self.symbols.iter().any(|s| set.binary_search(s).is_ok())
        } else {
            set.iter().any(|&s| self.has(s))
        }
    }

    /// Whether check set `id` (its symbols `set`) has a symbol in the chunk, looked up once
    /// per chunk.
    fn any_once(&mut self, id: u32, set: &[u32]) -> bool {
        let stamp = self.stamp;
        let (seen, found) = self.checked[id as usize];
        if seen == stamp {
            return found;
        }
        let found = self.any(set);
        self.checked[id as usize] = (stamp, found);
        found
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

impl Matcher {
    /// Indexes the first `indexed` of `programs` by the anchors of `sources`, the expressions
    /// they were compiled from (the rest, exceptions, are run by name only); `weights` says
    /// how common each symbol is (higher: more common).
    pub fn new(
        sources: &[Hir],
        programs: Vec<Program>,
        indexed: usize,
        weights: &[u32],
    ) -> Matcher {
        let mut index: Vec<Vec<u32>> = vec![Vec::new(); weights.len()];
        let mut except_index: Vec<Vec<u32>> = vec![Vec::new(); weights.len()];
        let mut always = Vec::new();
        let mut checks = Vec::with_capacity(sources.len());
        let mut check_sets: Vec<Box<[u32]>> = Vec::new();
        let mut set_ids: std::collections::HashMap<Vec<u32>, u32> = Default::default();
        let mut anchors = Vec::with_capacity(sources.len());
        for (p, source) in sources.iter().enumerate() {
            let mut needs = Vec::new();
            requirements(source, weights, (0, 0), &mut needs);
            needs.sort_unstable();
            // The same symbols needed at two places: one need, where either is.
            needs.dedup_by(|b, a| {
                let same = a.weight == b.weight && a.symbols == b.symbols;
                if same {
                    a.offset = (a.offset.0.min(b.offset.0), a.offset.1.max(b.offset.1));
                }
                same
            });
            let Some((anchor, rest)) = needs.split_first() else {
                if p < indexed {
                    always.push(p as u32);
                }
                checks.push(Box::default());
                anchors.push(None);
                continue;
            };
            for &s in &anchor.symbols {
                match index.get_mut(s as usize) {
                    Some(list) if p < indexed => list.push(p as u32),
                    _ => {
                        if let Some(list) = except_index.get_mut(s as usize) {
                            list.push(p as u32);
                        }
                    }
                }
            }
            checks.push(
                rest.iter()
                    .filter(|n| n.weight < CHECK_ABOVE)
                    .take(MAX_CHECKS)
                    .map(|n| {
                        *set_ids.entry(n.symbols.clone()).or_insert_with(|| {
                            check_sets.push(n.symbols.clone().into_boxed_slice());
                            check_sets.len() as u32 - 1
                        })
                    })
                    .collect(),
            );
            anchors.push(Some(Anchor {
                symbols: anchor.symbols.clone().into_boxed_slice(),
                offset: anchor.offset,
            }));
        }
        Matcher {
            index: index.into_iter().map(Vec::into_boxed_slice).collect(),
            except_index: except_index
                .into_iter()
                .map(Vec::into_boxed_slice)
                .collect(),
            always,
            checks,
            check_sets,
            anchors,
            programs,
        }
    }

    /// Phrase `pattern`'s program.
    #[cfg(test)]
    pub fn program(&self, pattern: usize) -> &Program {
        &self.programs[pattern]
    }

    /// Runs `f` on `chunk` of `symbols` (token indices), read once: the chunk's symbols and
    /// where each occurs, for every pattern and exception `f` asks about.
    pub fn with_chunk<R>(
        &self,
        symbols: &[Symbol],
        chunk: Range<usize>,
        f: impl FnOnce(&mut Chunk<'_>) -> R,
    ) -> R {
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            if scratch.anchored.len() < self.programs.len() {
                scratch.anchored.resize(self.programs.len(), (0, 0, 0));
            }
            if scratch.checked.len() < self.check_sets.len() {
                scratch.checked.resize(self.check_sets.len(), (0, false));
            }
            scratch.start(&symbols[chunk.clone()], self.index.len());
            f(&mut Chunk {
                exceptions_read: false,
                matcher: self,
                symbols,
                chunk,
                scratch,
            })
        })
    }

    /// Notes, for every phrase of `index` anchored in the chunk, where its anchor first and
    /// last occurs (one pass over the chunk's symbols and the phrases they anchor); calls
    /// `new` with each phrase the first time it is seen in the chunk.
    fn read_anchors(index: &[Box<[u32]>], scratch: &mut Scratch, mut new: impl FnMut(u32)) {
        let stamp = scratch.stamp;
        for &s in &scratch.symbols {
            let (f, l) = (scratch.first_at[s as usize], scratch.last_at[s as usize]);
            for &p in index.get(s as usize).into_iter().flatten() {
                let cell = &mut scratch.anchored[p as usize];
                if cell.0 == stamp {
                    *cell = (stamp, cell.1.min(f), cell.2.max(l));
                } else {
                    *cell = (stamp, f, l);
                    new(p);
                }
            }
        }
    }

    /// Where phrase `p` can start a match in the chunk, once its anchor has been read
    /// ([`Matcher::read_anchors`]): between the first anchor of the chunk, less the most
    /// tokens before it, and the last, less the fewest (`None`: nowhere, or a required slot
    /// is missing).
    fn starts(
        &self,
        p: usize,
        chunk: &Range<usize>,
        scratch: &mut Scratch,
    ) -> Option<Range<usize>> {
        let anchor = self.anchors[p]
            .as_ref()
            .map(|anchor| (anchor, scratch.anchored[p]));
        if anchor.is_some_and(|(_, (stamp, _, _))| stamp != scratch.stamp)
            || !self.checks[p]
                .iter()
                .all(|&id| scratch.any_once(id, &self.check_sets[id as usize]))
        {
            return None;
        }
        let Some((anchor, (_, first, last))) = anchor else {
            return Some(chunk.start..chunk.end + 1);
        };
        let latest = (last as usize).checked_sub(anchor.offset.0)?;
        let earliest = (first as usize).saturating_sub(anchor.offset.1);
        Some(chunk.start + earliest..chunk.start + latest + 1)
    }
}

/// One chunk of a note, read by the matcher (see [`Matcher::with_chunk`]).
pub(crate) struct Chunk<'a> {
    /// Whether the exception phrases' anchors have been read for this chunk.
    exceptions_read: bool,
    matcher: &'a Matcher,
    symbols: &'a [Symbol],
    chunk: Range<usize>,
    scratch: &'a mut Scratch,
}

impl Chunk<'_> {
    /// Appends to `out` every match `(pattern, found)` in the chunk of the indexed patterns
    /// `wanted` accepts: per pattern leftmost-first and non-overlapping, by pattern then
    /// start. The note's start and end are those of the symbols.
    pub fn matches(&mut self, wanted: impl Fn(usize) -> bool, out: &mut Vec<(usize, Found)>) {
        let Chunk {
            matcher,
            symbols,
            chunk,
            scratch,
            ..
        } = self;
        let mut candidates = std::mem::take(&mut scratch.candidates);
        candidates.clear();
        candidates.extend_from_slice(&matcher.always);
        Matcher::read_anchors(&matcher.index, scratch, |p| candidates.push(p));
        candidates.sort_unstable();
        for &p in &candidates {
            let p = p as usize;
            if !wanted(p) {
                continue;
            }
            let Some(starts) = matcher.starts(p, chunk, scratch) else {
                continue;
            };
            matcher.programs[p].find_iter(
                symbols,
                chunk.clone(),
                starts,
                &mut scratch.program,
                |m| out.push((p, m)),
            );
        }
        scratch.candidates = candidates;
    }

    /// Whether one of `phrases` (exceptions, not indexed) matches inside `window`, a part of
    /// the chunk. Each runs only if its anchor and required slots are in the chunk.
    pub fn any_match(&mut self, phrases: &[u32], window: Range<usize>) -> bool {
        if phrases.is_empty() {
            return false;
        }
        if !self.exceptions_read {
            Matcher::read_anchors(&self.matcher.except_index, self.scratch, |_| {});
            self.exceptions_read = true;
        }
        phrases.iter().any(|&p| {
            let p = p as usize;
            let Some(starts) = self.matcher.starts(p, &self.chunk, self.scratch) else {
                return false;
            };
            let starts = starts.start.max(window.start)..starts.end.min(window.end + 1);
            self.matcher.programs[p].matches_in(
                self.symbols,
                window.clone(),
                starts,
                &mut self.scratch.program,
            )
        })
    }
}

/// One thing every match of a phrase needs: a token of `symbols` (`weight`: how common they
/// are, the sum of their weights), `offset` tokens after the match's start, at least and at
/// most.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Need {
    weight: u64,
    symbols: Vec<u32>,
    offset: (usize, usize),
}

/// What every match of `hir` needs, into `out` (a match that may be empty of symbols needs
/// nothing); `at` is where `hir` starts, in tokens after the match's start (least, most).
/// Returns how many tokens `hir` spans (least, most).
fn requirements(
    hir: &Hir,
    weights: &[u32],
    at: (usize, usize),
    out: &mut Vec<Need>,
) -> (usize, usize) {
    let weigh = |mut symbols: Vec<u32>, offset| {
        symbols.sort_unstable();
        symbols.dedup();
        let weight = symbols
            .iter()
            .map(|&s| u64::from(weights.get(s as usize).copied().unwrap_or(u32::MAX)))
            .sum();
        Need {
            weight,
            symbols,
            offset,
        }
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, 0),
        HirKind::Class(Class::Bytes(_)) => (1, 1),
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).unwrap_or_default();
            let mut n = 0;
            for c in text.chars() {
                out.push(weigh(
                    vec![super::phrase::symbol_of(c)],
                    (at.0 + n, at.1 + n),
                ));
                n += 1;
            }
            (n, n)
        }
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class.iter().map(|r| r.len() as u32).sum();
            // `{word}` and the like are in every chunk: not worth listing.
            if size <= WIDE_CLASS {
                let symbols: Vec<u32> = class
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .map(super::phrase::symbol_of)
                    .collect();
                if !symbols.is_empty() {
                    out.push(weigh(symbols, at));
                }
            }
            (1, 1)
        }
        HirKind::Repetition(rep) => {
            // The first copy is there whenever the repetition must be.
            let mut first = Vec::new();
            let (lo, hi) = requirements(&rep.sub, weights, at, &mut first);
            if rep.min > 0 {
                out.extend(first);
            }
            let max = rep.max.unwrap_or(u32::MAX) as usize;
            (lo * rep.min as usize, hi.saturating_mul(max))
        }
        HirKind::Capture(cap) => requirements(&cap.sub, weights, at, out),
        HirKind::Concat(subs) => {
            let mut cur = at;
            let mut len: (usize, usize) = (0, 0);
            for s in subs {
                let (lo, hi) = requirements(s, weights, cur, out);
                cur = (cur.0 + lo, cur.1.saturating_add(hi));
                len = (len.0 + lo, len.1.saturating_add(hi));
            }
            len
        }
        HirKind::Alternation(subs) => {
            // One of the branches matches: what it needs most surely, from each.
            let mut all = Vec::new();
            let mut offset = (usize::MAX, 0);
            let mut len = (usize::MAX, 0);
            let mut every_branch_needs = true;
            for s in subs {
                let mut branch = Vec::new();
                let (lo, hi) = requirements(s, weights, at, &mut branch);
                len = (len.0.min(lo), len.1.max(hi));
                match branch.into_iter().min() {
                    Some(rarest) => {
                        all.extend(rarest.symbols);
                        offset = (offset.0.min(rarest.offset.0), offset.1.max(rarest.offset.1));
                    }
                    None => every_branch_needs = false,
                }
            }
            if every_branch_needs && !all.is_empty() {
                out.push(weigh(all, offset));
            }
            len
        }
    }
}
