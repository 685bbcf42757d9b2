//! `Matcher`: finds every phrase's matches in a chunk of an encoded note (one symbol per token,
//! see [`super::phrase`]) by running only the phrases whose required words are all there, and
//! only from where a match around them can start.
//!
//! 1. **Needs.** At compile time each phrase gets the sets of symbols every text it matches
//!    holds a token of (one per required slot), each with how many tokens after a match's
//!    start that token sits (least, most). The rarest set is its *anchor*; the next rarest, if
//!    it is not of common words, is kept too. Sets are shared between phrases (many phrases need
//!    the same lexicon class), and each symbol lists the sets it belongs to.
//! 2. **Marking.** A chunk's distinct symbols mark their sets, with where in the chunk a
//!    symbol of each first and last occurs: one pass over short lists, whatever the number of
//!    phrases.
//! 3. **Candidates.** The phrases of each marked anchor are candidates; one whose other needs
//!    are not all marked cannot match and is never run. Each need narrows where a match can
//!    start (no earlier than the set's first token less the most tokens before it, no later
//!    than its last less the fewest): an empty range is no run either. On the written notes a
//!    note wakes ~50 of the ~1,850 phrases and runs ~9, for ~3.5 matches.
//! 4. **Search.** Each candidate's [`Program`] runs over the chunk alone, from its start range:
//!    leftmost-first and non-overlapping per phrase, the note's start and end seen as such. A
//!    program is compiled with the rules, holds no cache, and never does more than
//!    instructions × tokens steps, so no rule makes another slower and no note makes memory
//!    grow. Exception phrases have sets of their own, marked only in a chunk where a match
//!    asks about them.
//!
//! **Invariant:** the needs only ever leave out a phrase, or a start, that cannot match in the
//! chunk, so the result is exactly that of running every phrase alone over it (a test checks it
//! on real notes and on mixes of their words).

use super::lists::Lists;
use super::packed::Packed;
use super::program::{Found, Program, Scratch as ProgramScratch, Symbol};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::cell::RefCell;
use std::fmt;
use std::ops::Range;

/// The phrases, their index, and their programs.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Matcher {
    /// Each phrase's program, decoded when it first runs (most never run in a one-note command).
    programs: Vec<Packed<Program>>,
    /// Per symbol: the need sets of the indexed phrases it belongs to (set ids).
    member_of: Lists,
    /// Per symbol: the need sets of the exception phrases it belongs to (read in a chunk only
    /// when a match there asks about exceptions).
    except_member_of: Lists,
    /// Per need set: the indexed phrases it anchors, in order, each with its needs.
    anchors: Lists<Anchored>,
    /// Phrases with no anchor (every slot may be skipped): searched in every chunk.
    always: Vec<u32>,
    /// Per exception phrase (phrase `indexed + i` at `i`): what every match of it needs, its
    /// anchor first (empty: nothing). An indexed phrase's needs are held in its anchor's list.
    except_needs: Lists<Need>,
    /// How many phrases are indexed (the rest are exceptions).
    indexed: usize,
}

/// One set of symbols a phrase needs (an index into the matcher's sets), and how many tokens
/// after a match's start a token of it sits (least, most).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct Need {
    set: u32,
    least: u32,
    most: u32,
}

/// A phrase an anchor set wakes, with what it needs (its anchor first): held in the anchor's
/// list, so that checking a candidate reads no other table.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct Anchored {
    phrase: u32,
    needs: [Need; 1 + MAX_CHECKS],
    /// How many of `needs` count.
    count: u8,
}

impl Anchored {
    fn needs(&self) -> &[Need] {
        &self.needs[..usize::from(self.count)]
    }
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.programs.len())
            .field("unanchored", &self.always.len())
            .finish()
    }
}

/// A required slot whose words occur this often in the written notes (about one token in
/// fifteen) is in most chunks: not worth checking.
const CHECK_ABOVE: u64 = 4096;
/// A slot of more symbols than this is not indexed (it is in nearly every chunk).
const WIDE_CLASS: u32 = 2048;
/// The most required slots checked per phrase besides its anchor: each costs every chunk a
/// little and rarely saves a search (one measured best: 3% fewer instructions than eight,
/// half as many as none).
const MAX_CHECKS: usize = 1;

/// Per thread, what the current chunk holds (kept to avoid allocating per chunk).
#[derive(Default)]
struct Scratch {
    /// The chunk's distinct symbols.
    symbols: Vec<u32>,
    /// One bit per symbol: whether it occurs in the chunk.
    present: Vec<u64>,
    /// Per symbol occurring in the chunk: where it first and last occurs (from its start).
    first_at: Vec<u32>,
    last_at: Vec<u32>,
    /// Per need set: the chunk (by `stamp`) in which one of its symbols was last found, and
    /// where its symbols first and last occur there.
    sets: Vec<(u32, u32, u32)>,
    /// The anchoring sets found in the chunk.
    anchors: Vec<u32>,
    /// Phrases to run in the chunk, with where their matches can start.
    candidates: Vec<(u32, Range<usize>)>,
    stamp: u32,
    /// What the programs need while they run.
    program: ProgramScratch,
}

impl Scratch {
    /// Takes in a new chunk: its distinct symbols, and where each occurs.
    fn start(&mut self, chunk: &[Symbol], symbol_count: usize, set_count: usize) {
        let words = symbol_count.div_ceil(64);
        if self.present.len() < words {
            self.present.resize(words, 0);
            self.first_at.resize(symbol_count, 0);
            self.last_at.resize(symbol_count, 0);
        }
        if self.sets.len() < set_count {
            self.sets.resize(set_count, (0, 0, 0));
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.sets.fill((0, 0, 0));
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

    /// Marks every set of `member_of` that one of the chunk's symbols belongs to, with where
    /// its symbols first and last occur; calls `new` with each set the first time it is seen.
    fn mark(&mut self, member_of: &Lists, mut new: impl FnMut(u32)) {
        let stamp = self.stamp;
        for &s in &self.symbols {
            let (f, l) = (self.first_at[s as usize], self.last_at[s as usize]);
            for &id in member_of.get(s as usize) {
                let cell = &mut self.sets[id as usize];
                if cell.0 == stamp {
                    *cell = (stamp, cell.1.min(f), cell.2.max(l));
                } else {
                    *cell = (stamp, f, l);
                    new(id);
                }
            }
        }
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
        let symbols = weights.len();
        let mut member_of: Vec<Vec<u32>> = vec![Vec::new(); symbols];
        let mut except_member_of: Vec<Vec<u32>> = vec![Vec::new(); symbols];
        let mut anchors: Vec<Vec<Anchored>> = Vec::new();
        let mut always = Vec::new();
        let mut except_needs = Vec::with_capacity(sources.len().saturating_sub(indexed));
        // Sets are interned per group (indexed phrases, exceptions): each group's sets are
        // marked from its own membership lists.
        let mut set_ids: std::collections::HashMap<(bool, Vec<u32>), u32> = Default::default();
        for (p, source) in sources.iter().enumerate() {
            let indexed = p < indexed;
            let mut found = Vec::new();
            requirements(source, weights, (0, 0), &mut found);
            found.sort_unstable();
            // The same symbols needed at two places: one need, where either is.
            found.dedup_by(|b, a| {
                let same = a.weight == b.weight && a.symbols == b.symbols;
                if same {
                    a.offset = (a.offset.0.min(b.offset.0), a.offset.1.max(b.offset.1));
                }
                same
            });
            // The anchor (the rarest), then the checks: not of common words.
            let (anchor, rest) = found
                .split_first()
                .map_or((None, &[][..]), |(a, r)| (Some(a), r));
            let checks = rest
                .iter()
                .filter(|n| n.weight < CHECK_ABOVE)
                .take(MAX_CHECKS);
            let mut phrase_needs = Vec::new();
            for need in anchor.into_iter().chain(checks) {
                let members = if indexed {
                    &mut member_of
                } else {
                    &mut except_member_of
                };
                let set = *set_ids
                    .entry((indexed, need.symbols.clone()))
                    .or_insert_with(|| {
                        let id = anchors.len() as u32;
                        anchors.push(Vec::new());
                        for &s in &need.symbols {
                            if let Some(list) = members.get_mut(s as usize) {
                                list.push(id);
                            }
                        }
                        id
                    });
                phrase_needs.push(Need {
                    set,
                    least: u32::try_from(need.offset.0).unwrap_or(u32::MAX),
                    most: u32::try_from(need.offset.1).unwrap_or(u32::MAX),
                });
            }
            match phrase_needs.first() {
                Some(anchor) if indexed => {
                    let mut needs = [*anchor; 1 + MAX_CHECKS];
                    needs[..phrase_needs.len()].copy_from_slice(&phrase_needs);
                    anchors[anchor.set as usize].push(Anchored {
                        phrase: p as u32,
                        needs,
                        count: phrase_needs.len() as u8,
                    })
                }
                None if indexed => always.push(p as u32),
                _ => {}
            }
            if !indexed {
                except_needs.push(phrase_needs);
            }
        }
        Matcher {
            member_of: Lists::new(member_of),
            except_member_of: Lists::new(except_member_of),
            anchors: Lists::new(anchors),
            always,
            except_needs: Lists::new(except_needs),
            indexed,
            programs: programs.into_iter().map(Packed::new).collect(),
        }
    }

    /// Phrase `pattern`'s program.
    #[cfg(test)]
    pub fn program(&self, pattern: usize) -> &Program {
        self.programs[pattern].get()
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
            scratch.start(
                &symbols[chunk.clone()],
                self.member_of.len(),
                self.anchors.len(),
            );
            f(&mut Chunk {
                exceptions_read: false,
                matcher: self,
                symbols,
                chunk,
                scratch,
            })
        })
    }

    /// Where a match of a phrase with `needs` can start in the chunk, once its sets have been
    /// marked ([`Scratch::mark`]): `None` when one of the needs is not in the chunk; else, per
    /// need, no earlier than its first occurrence less the most tokens before it, and no later
    /// than its last less the fewest.
    fn starts(needs: &[Need], chunk: &Range<usize>, scratch: &Scratch) -> Option<Range<usize>> {
        let (mut earliest, mut latest) = (0usize, chunk.len());
        for need in needs {
            let (stamp, first, last) = scratch.sets[need.set as usize];
            if stamp != scratch.stamp {
                return None;
            }
            earliest = earliest.max((first as usize).saturating_sub(need.most as usize));
            latest = latest.min((last as usize).checked_sub(need.least as usize)?);
        }
        (earliest <= latest).then(|| chunk.start + earliest..chunk.start + latest + 1)
    }
}

/// One chunk of a note, read by the matcher (see [`Matcher::with_chunk`]).
pub(crate) struct Chunk<'a> {
    /// Whether the exception phrases' sets have been marked for this chunk.
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
        let mut anchors = std::mem::take(&mut scratch.anchors);
        let mut candidates = std::mem::take(&mut scratch.candidates);
        anchors.clear();
        candidates.clear();
        scratch.mark(&matcher.member_of, |id| {
            if !matcher.anchors.get(id as usize).is_empty() {
                anchors.push(id)
            }
        });
        let phrases = matcher.always.iter().map(|&p| (p, &[][..])).chain(
            anchors
                .iter()
                .flat_map(|&id| matcher.anchors.get(id as usize))
                .map(|a| (a.phrase, a.needs())),
        );
        for (p, needs) in phrases {
            // Whether the rule is on is asked last: most candidates fail their needs first.
            if let Some(starts) = Matcher::starts(needs, chunk, scratch) {
                if wanted(p as usize) {
                    candidates.push((p, starts));
                }
            }
        }
        candidates.sort_unstable_by_key(|c| c.0);
        for (p, starts) in &candidates {
            let p = *p as usize;
            matcher.programs[p].get().find_iter(
                symbols,
                chunk.clone(),
                starts.clone(),
                &mut scratch.program,
                |m| out.push((p, m)),
            );
        }
        scratch.anchors = anchors;
        scratch.candidates = candidates;
    }

    /// The first of `phrases` (exceptions, not indexed) that matches inside `window`, a part of
    /// the chunk, at a start (a token of the chunk) that `starts_ok` accepts for it: its
    /// leftmost match, or one of the matches after it that do not overlap it. Each runs only if
    /// everything it needs is in the chunk.
    pub fn first_match(
        &mut self,
        phrases: &[u32],
        window: Range<usize>,
        mut starts_ok: impl FnMut(u32, usize) -> bool,
    ) -> Option<u32> {
        if phrases.is_empty() {
            return None;
        }
        if !self.exceptions_read {
            self.scratch.mark(&self.matcher.except_member_of, |_| {});
            self.exceptions_read = true;
        }
        phrases.iter().copied().find(|&p| {
            let p = p as usize;
            // Needs only prune: a phrase without any (none is asked here) runs everywhere.
            let needs = match p.checked_sub(self.matcher.indexed) {
                Some(i) => self.matcher.except_needs.get(i),
                None => &[],
            };
            let Some(starts) = Matcher::starts(needs, &self.chunk, self.scratch) else {
                return false;
            };
            let starts = starts.start.max(window.start)..starts.end.min(window.end + 1);
            let program = self.matcher.programs[p].get();
            // The leftmost match first, as most are taken; one turned down, the matches after
            // it (not those inside it), in one pass: not a search from each start, so a long
            // chunk stays linear.
            let scratch = &mut self.scratch.program;
            let Some(first) =
                program.first_in(self.symbols, window.clone(), starts.clone(), scratch)
            else {
                return false;
            };
            if starts_ok(p as u32, first.span.start) {
                return true;
            }
            let mut taken = false;
            let after = first.span.end.max(first.span.start + 1)..starts.end;
            program.find_iter(self.symbols, window.clone(), after, scratch, |m| {
                taken = taken || starts_ok(p as u32, m.span.start);
            });
            taken
        })
    }
}

/// One thing every match of a phrase needs: a token of `symbols` (`weight`: how common they
/// are, the sum of their weights), `offset` tokens after the match's start, at least and at
/// most.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Required {
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
    out: &mut Vec<Required>,
) -> (usize, usize) {
    let weigh = |mut symbols: Vec<u32>, offset| {
        symbols.sort_unstable();
        symbols.dedup();
        let weight = symbols
            .iter()
            .map(|&s| u64::from(weights.get(s as usize).copied().unwrap_or(u32::MAX)))
            .sum();
        Required {
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
