//! `Matcher`: finds every phrase's matches in a chunk of an encoded note (one symbol per token,
//! see [`super::phrase`]) with lazy DFAs, so a note costs one scan plus a short search per
//! match.
//!
//! 1. One forward scan with every pattern (`MatchKind::All`, overlapping) reports each
//!    `(pattern, end)` pair where some match of that pattern ends.
//! 2. From those ends, a reverse search anchored there, with that pattern's own reverse DFA,
//!    finds the leftmost start (`MatchKind::All` in reverse stops at the leftmost one). One
//!    small DFA per pattern keeps these short searches in cache; one shared reverse DFA for
//!    all patterns was slower.
//! 3. Only when several ends share that start: a forward search anchored on the pattern
//!    (`MatchKind::LeftmostFirst`, all patterns, per-pattern start states) finds the end the
//!    pattern prefers.
//!
//! The result is exactly what searching the chunk for each pattern alone would give (leftmost-
//! first, non-overlapping), without scanning the chunk once per pattern. Time stays linear in
//! the chunk: the lazy DFAs never backtrack. The matcher gives up on a chunk when one pattern
//! ends too often in it (see [`MAX_ENDS`]): then [`Matcher::matches`] says so and the caller
//! searches pattern by pattern instead. The cache is filled lazily; the states today's phrases
//! need on the written notes take ~90 MB of the 256 MB (a test fails if it is ever cleared: a
//! cleared cache is rebuilt note after note, an order of magnitude slower). Building those
//! states is most of the cost of analysing a note: phrases that can start at any word and then
//! skip many words (`{who} …8`) make the most.

use regex_automata::hybrid::dfa::{Cache, OverlappingState, DFA};
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchError, MatchKind, PatternID};
use regex_syntax::hir::Hir;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// Lazy DFA cache budget per automaton; states beyond it are rebuilt, never an error.
pub(crate) const CACHE_CAPACITY: usize = 256 << 20;

/// Most ends of one pattern in one chunk that are located here. Locating compares every end
/// for every match, so a long chunk full of one phrase (a megabyte without a full stop) would
/// cost quadratic time; past this, [`Matcher::matches`] gives up on the chunk and the caller
/// searches pattern by pattern, which stays linear.
const MAX_ENDS: usize = 64;

type CacheFn =
    Box<dyn Fn() -> Caches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// The automata (see the module docs) and a pool of their caches, one set per thread.
pub(crate) struct Matcher {
    scan: DFA,
    /// Per pattern, its reverse DFA: built the first time that pattern matches, so that
    /// start-up compiles one automaton, not one per pattern (`None`: it could not be built,
    /// and the caller searches that pattern alone).
    start: Vec<OnceLock<Option<DFA>>>,
    /// What the reverse DFAs are built from.
    sources: Vec<Hir>,
    nfa_config: thompson::Config,
    end: DFA,
    caches: Pool<Caches, CacheFn>,
}

/// Mutable search state for one thread.
pub(crate) struct Caches {
    scan: Cache,
    /// Per pattern, once its reverse DFA is used.
    start: Vec<Option<Cache>>,
    end: Cache,
    /// `(pattern, end)` pairs of the current chunk.
    ends: Vec<(usize, usize)>,
    /// Per end of the pattern being located: the leftmost start of a match ending there, once
    /// searched for.
    starts: Vec<Option<Option<usize>>>,
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.scan.pattern_len())
            .finish()
    }
}

impl Matcher {
    /// Compiles `sources` (already checked one by one) into the three automata.
    pub fn new(sources: &[Hir], size_limit: usize) -> Result<Matcher, String> {
        // The DFAs never report groups, so the NFAs need none.
        let nfa_config = thompson::Config::new()
            .nfa_size_limit(Some(size_limit))
            .which_captures(thompson::WhichCaptures::None);
        let forward: NFA = thompson::Compiler::new()
            .configure(nfa_config.clone())
            .build_many_from_hir(sources)
            .map_err(|e| e.to_string())?;
        let config = || {
            DFA::config()
                .cache_capacity(CACHE_CAPACITY)
                .skip_cache_capacity_check(true)
        };
        let scan = DFA::builder()
            .configure(config().match_kind(MatchKind::All))
            .build_from_nfa(forward.clone())
            .map_err(|e| e.to_string())?;
        let end = DFA::builder()
            .configure(
                config()
                    .match_kind(MatchKind::LeftmostFirst)
                    .starts_for_each_pattern(true),
            )
            .build_from_nfa(forward)
            .map_err(|e| e.to_string())?;
        let (s, e, n) = (scan.clone(), end.clone(), sources.len());
        let create: CacheFn = Box::new(move || Caches {
            scan: s.create_cache(),
            start: (0..n).map(|_| None).collect(),
            end: e.create_cache(),
            ends: Vec::new(),
            starts: Vec::new(),
        });
        Ok(Matcher {
            scan,
            start: (0..n).map(|_| OnceLock::new()).collect(),
            sources: sources.to_vec(),
            nfa_config,
            end,
            caches: Pool::new(create),
        })
    }

    /// Pattern `pattern`'s reverse DFA, built on first use.
    fn reverse(&self, pattern: usize) -> Option<&DFA> {
        self.start[pattern]
            .get_or_init(|| {
                let nfa: NFA = thompson::Compiler::new()
                    .configure(self.nfa_config.clone().reverse(true))
                    .build_from_hir(&self.sources[pattern])
                    .ok()?;
                DFA::builder()
                    .configure(
                        DFA::config()
                            .cache_capacity(CACHE_CAPACITY)
                            .skip_cache_capacity_check(true)
                            .match_kind(MatchKind::All),
                    )
                    .build_from_nfa(nfa)
                    .ok()
            })
            .as_ref()
    }

    /// Appends to `out` every match `(pattern, span)` of the patterns `wanted` accepts inside
    /// `chunk` of `note`: per pattern leftmost-first and non-overlapping, by pattern then start.
    /// Look-arounds see the whole note. An error means the matcher gave up on this chunk.
    pub fn matches(
        &self,
        note: &str,
        chunk: Range<usize>,
        wanted: impl Fn(usize) -> bool,
        out: &mut Vec<(usize, Range<usize>)>,
    ) -> Result<(), MatchError> {
        let mut guard = self.caches.get();
        let caches = &mut *guard;
        caches.ends.clear();
        let input = Input::new(note).range(chunk.clone());
        let mut state = OverlappingState::start();
        loop {
            self.scan
                .try_search_overlapping_fwd(&mut caches.scan, &input, &mut state)?;
            let Some(m) = state.get_match() else { break };
            if wanted(m.pattern().as_usize()) {
                caches.ends.push((m.pattern().as_usize(), m.offset()));
            }
        }
        if caches.ends.is_empty() {
            return Ok(());
        }
        // Group the ends by pattern, each group in order of position.
        caches.ends.sort_unstable();
        let ends = std::mem::take(&mut caches.ends);
        let result = self.locate_all(note, chunk, &ends, caches, out);
        caches.ends = ends;
        result
    }

    /// How often this thread's lazy DFA caches were cleared (full), and the bytes the scan's
    /// cache holds. A clear means the rules need more states than [`CACHE_CAPACITY`]: every
    /// note then rebuilds states, an order of magnitude slower.
    #[cfg(test)]
    pub fn cache_clears(&self) -> (usize, usize) {
        let caches = self.caches.get();
        let clears = caches.scan.clear_count()
            + caches.end.clear_count()
            + caches
                .start
                .iter()
                .flatten()
                .map(Cache::clear_count)
                .sum::<usize>();
        (clears, caches.scan.memory_usage())
    }

    fn locate_all(
        &self,
        note: &str,
        chunk: Range<usize>,
        ends: &[(usize, usize)],
        caches: &mut Caches,
        out: &mut Vec<(usize, Range<usize>)>,
    ) -> Result<(), MatchError> {
        for group in ends.chunk_by(|a, b| a.0 == b.0) {
            if group.len() > MAX_ENDS {
                return Err(MatchError::gave_up(group[MAX_ENDS].1));
            }
            let pattern = group[0].0;
            let pid = PatternID::new_unchecked(pattern);
            let Some(reverse) = self.reverse(pattern) else {
                return Err(MatchError::gave_up(group[0].1));
            };
            let reverse_cache = caches.start[pattern].get_or_insert_with(|| reverse.create_cache());
            let starts = &mut caches.starts;
            starts.clear();
            starts.resize(group.len(), None);
            let mut lower = chunk.start;
            loop {
                let mut leftmost: Option<usize> = None;
                let mut candidates = 0;
                for (&(_, end), known) in group.iter().zip(starts.iter_mut()) {
                    if end <= lower {
                        continue; // inside a match already taken, or empty
                    }
                    // A start found earlier still holds unless it lies before `lower` (then
                    // there may be another between `lower` and the end).
                    if known.is_none_or(|s| s.is_some_and(|s| s < lower)) {
                        let input = Input::new(note).range(lower..end).anchored(Anchored::Yes);
                        let found = reverse.try_search_rev(reverse_cache, &input)?;
                        *known = Some(found.map(|m| m.offset()));
                    }
                    let Some(Some(s)) = *known else { continue };
                    match leftmost {
                        Some(l) if l < s => {}
                        Some(l) if l == s => candidates += 1,
                        _ => {
                            leftmost = Some(s);
                            candidates = 1;
                        }
                    }
                }
                let Some(start) = leftmost else { break };
                // One end for that start: it is the match. Several: the pattern's preference
                // (leftmost-first) picks, as searching for the pattern alone would.
                let end = if candidates == 1 {
                    group
                        .iter()
                        .zip(starts.iter())
                        .find(|(&(_, e), known)| e > lower && **known == Some(Some(start)))
                        .map(|(&(_, e), _)| e)
                } else {
                    let input = Input::new(note)
                        .range(start..chunk.end)
                        .anchored(Anchored::Pattern(pid));
                    self.end
                        .try_search_fwd(&mut caches.end, &input)?
                        .map(|m| m.offset())
                };
                let Some(end) = end else { break };
                if end > start {
                    out.push((pattern, start..end));
                    lower = end;
                } else {
                    lower = super::text::ceil_boundary(note, start + 1);
                }
                if lower >= chunk.end {
                    break;
                }
            }
        }
        Ok(())
    }
}
