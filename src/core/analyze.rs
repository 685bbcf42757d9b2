//! `analyze(&RuleSet, &str) -> Report`: the engine that turns a call note into findings.
//!
//! Pure and total: no I/O, no clock, no panics, for any string. The note is tokenized once and
//! encoded as one symbol per token ([`super::phrase`]); one automaton finds every phrase's
//! matches in each chunk between boundaries ([`super::matcher`]). Each match is then checked
//! in bounded windows: negation ("did not offer a discount"), the rule's exceptions, and
//! ownership ("they will send" is the client's step, "I'll send" the rep's; first person inside
//! the client's words, quoted or pasted, is the client speaking: [`super::voice`]). Conditional
//! rules (`with`, `unless`) are read on the whole note, before overlapping hits are settled.
//! Who owns a step is read in `analyze/owner.rs`, negation in `analyze/negation.rs`.

use super::category::{Category, Level, Polarity};
use super::phrase;
use super::rules::{Owner, PhraseSet, RuleSet};
use super::score::peer_score;
use super::token::{self, TokenKind};
use super::voice::Voices;
use negation::negated;
use owner::{first_person_at, in_question, party_of, Party};
use serde::Serialize;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

mod negation;
mod owner;

/// One thing the engine noticed in a note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Arc<str>,
    pub category: Category,
    pub polarity: Polarity,
    pub level: Level,
    #[serde(skip)]
    pub weight: u8,
    /// Byte offset of the match in the note; `note[start..end] == text`.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Why it matters.
    pub message: Arc<str>,
    /// A move for the next call.
    pub suggestion: Arc<str>,
}

/// The analysis of one note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// 0–100, higher is more peer-like; see [`crate::core::score`].
    pub score: u8,
    /// Sorted by start offset.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn reactive(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.polarity == Polarity::Reactive)
    }

    pub fn peer(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.polarity == Polarity::Peer)
    }

    /// The linters' convention: a reactive finding at level warning makes the note "fail".
    pub fn has_reactive_warning(&self) -> bool {
        self.reactive().any(|f| f.level == Level::Warning)
    }

    pub fn categories(&self) -> Vec<Category> {
        let mut c: Vec<Category> = self.findings.iter().map(|f| f.category).collect();
        c.sort();
        c.dedup();
        c
    }
}

/// Analyses one note. Never fails and never panics; an empty note gives an empty report.
///
/// The note is cut into chunks (sentences and lines) and every pattern's matches are found in
/// each chunk (see [`super::matcher`]); each match is then checked. Look-arounds (`\b`, `^`)
/// still see the whole note, so a chunk boundary never invents a word or line start.
pub fn analyze(rules: &RuleSet, note: &str) -> Report {
    analyze_traced(rules, note, &mut |_| {})
}

/// Why a candidate match was dropped before settling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// A negation before it ("did not offer").
    Negated,
    /// The rule wants another party's step: `client` is whether it was read as the client's,
    /// `known` whether the subject was read at all.
    Owner { client: bool, known: bool },
    /// A step the rule's owner takes, asked about in a question: nobody's step yet.
    Question,
    /// One of the rule's exceptions matches near it (`except`), or anywhere in the note
    /// (`except_in_note`, then `anywhere`): `by`, its number among the phrases (`callnudge
    /// rules explain` says which one, and where it is written).
    Excepted { by: u32, anywhere: bool },
}

/// One candidate match and what became of it (see [`super::explain`]).
#[derive(Clone, Debug)]
pub(crate) struct Trace {
    /// The phrase (an index into the rule set's phrases).
    pub phrase: usize,
    pub rule: usize,
    pub span: Range<usize>,
    pub dropped: Option<Dropped>,
}

/// [`analyze`], telling `trace` about every candidate match and its fate.
pub(crate) fn analyze_traced(rules: &RuleSet, note: &str, trace: &mut dyn FnMut(Trace)) -> Report {
    let mut hits = Vec::new();
    if let Some(phrases) = rules.phrases.as_deref().filter(|_| !note.trim().is_empty()) {
        phrase_hits(rules, phrases, note, &mut hits, trace);
    }
    let findings: Vec<Finding> = settle(rules, hits)
        .into_iter()
        .map(|hit| finding(rules, note, hit))
        .collect();
    let score = peer_score(&findings);
    Report { score, findings }
}

/// A match that passed its checks: the rule (an index into the rule set) and the span. Only the
/// hits [`settle`] keeps become [`Finding`]s, with their text and wording.
#[derive(Clone, Copy, Debug)]
struct Hit {
    rule: usize,
    start: usize,
    end: usize,
}

fn finding(rules: &RuleSet, note: &str, hit: Hit) -> Finding {
    let rule = &rules.rules[hit.rule];
    Finding {
        rule: rule.id.clone(),
        category: rule.category,
        polarity: rule.category.polarity(),
        level: rule.level,
        weight: rule.weight,
        start: hit.start,
        end: hit.end,
        text: note[hit.start..hit.end].to_string(),
        message: rule.message.clone(),
        suggestion: rule.suggestion.clone(),
    }
}

/// How many tokens to each side of a match its rule's exceptions are looked for in (within the
/// match's chunk: a written sentence, clause or line is almost always shorter; a dictated note
/// is one long sentence, where an exception forty words away cancelled a true finding). Set by
/// the eval sets: 25 keeps every true finding of 40 and gains three on the blind rounds, ten
/// adds false ones.
const EXCEPTION_REACH: usize = 25;

/// The rules' hits in `note`: the note is tokenized and encoded once, each chunk between
/// boundaries searched by the phrases its words can start; each match is then checked.
fn phrase_hits(
    rules: &RuleSet,
    phrases: &PhraseSet,
    note: &str,
    hits: &mut Vec<Hit>,
    trace: &mut dyn FnMut(Trace),
) {
    // Where the client's words are (quotes, pasted emails) matters only when a match's subject
    // is the first or second person.
    let voices = &OnceCell::new();
    let tokens = token::tokenize(note);
    let mut symbols = Vec::new();
    phrases.encoder.encode(note, &tokens, &mut symbols);
    let wanted = |p: usize| rules.rules[phrases.patterns[p].rule].enabled;
    // An exception that opens on "our" or "we" speaks of the rep's side: in the client's
    // pasted or quoted words those words are the client's ("From: Priya … Our churn is 3.1%
    // monthly"), and it excepts nothing there.
    let speaks = |phrase: u32, at: usize| {
        !phrases.exception_in_first_person(phrase)
            || !tokens[at..]
                .iter()
                .find(|t| t.kind != TokenKind::Boundary)
                .is_some_and(|t| {
                    voices
                        .get_or_init(|| Voices::of(&rules.words.rep_quote_markers, note))
                        .client_speaks_at(t.span.start)
                })
    };
    let mut matches = Vec::new();
    // Chunks run from one boundary token to the next, both included, so that `^` and `$` see
    // them; no other slot matches a boundary, so no match crosses one.
    let mut chunks = Vec::new();
    let mut from = 0;
    for to in tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TokenKind::Boundary)
        .map(|(i, _)| i)
        .chain([tokens.len()])
    {
        let chunk = from..(to + 1).min(tokens.len());
        from = to;
        // Skip chunks of nothing but boundaries.
        if tokens[chunk.clone()]
            .iter()
            .any(|t| t.kind != TokenKind::Boundary)
        {
            chunks.push(chunk);
        }
    }
    // Hits of rules with `except_in_note`, held until the whole note is read for those.
    let mut held: Vec<(Trace, Hit)> = Vec::new();
    for chunk in &chunks {
        phrases
            .matcher
            .with_chunk(&symbols, chunk.clone(), |found_in| {
                found_in.matches(wanted, &mut matches);
                for (index, found) in matches.drain(..) {
                    let pattern = &phrases.patterns[index];
                    let Some(span) = phrase::note_span(&tokens, found.span.clone()) else {
                        continue;
                    };
                    // The exceptions look at the chunk around the match, at most EXCEPTION_REACH
                    // tokens to each side: a note-long chunk with a match every few words stays
                    // linear.
                    let window = chunk
                        .start
                        .max(found.span.start.saturating_sub(EXCEPTION_REACH))
                        ..chunk.end.min(found.span.end + EXCEPTION_REACH);
                    if let Some(by) =
                        found_in.first_match(phrases.exceptions(pattern.rule), window, speaks)
                    {
                        trace(Trace {
                            phrase: index,
                            rule: pattern.rule,
                            span,
                            dropped: Some(Dropped::Excepted {
                                by,
                                anywhere: false,
                            }),
                        });
                        continue;
                    }
                    let owner = found
                        .who
                        .and_then(|who| phrase::note_span(&tokens, who))
                        .map(|r| (r.start, r.end));
                    let checked = accept(rules, note, voices, pattern.rule, span.clone(), owner);
                    let traced = Trace {
                        phrase: index,
                        rule: pattern.rule,
                        span,
                        dropped: checked.as_ref().err().copied(),
                    };
                    match checked {
                        Ok(hit) if !phrases.note_exceptions(pattern.rule).is_empty() => {
                            held.push((traced, hit));
                        }
                        _ => {
                            trace(traced);
                            hits.extend(checked.ok());
                        }
                    }
                }
            });
    }
    // `except_in_note`: one more pass over the chunks, for the rules with a hit held, each
    // until one of its exceptions is found.
    let mut read: Vec<(usize, Option<u32>)> = Vec::new();
    for (traced, _) in &held {
        if !read.iter().any(|(r, _)| *r == traced.rule) {
            read.push((traced.rule, None));
        }
    }
    for chunk in &chunks {
        if read.iter().all(|(_, by)| by.is_some()) {
            break;
        }
        phrases
            .matcher
            .with_chunk(&symbols, chunk.clone(), |found_in| {
                for (rule, by) in read.iter_mut().filter(|(_, by)| by.is_none()) {
                    *by =
                        found_in.first_match(phrases.note_exceptions(*rule), chunk.clone(), speaks);
                }
            });
    }
    for (mut traced, hit) in held {
        let by = read
            .iter()
            .find(|(r, _)| *r == traced.rule)
            .and_then(|(_, by)| *by);
        traced.dropped = by.map(|by| Dropped::Excepted { by, anywhere: true });
        trace(traced);
        if by.is_none() {
            hits.push(hit);
        }
    }
}

/// A match of a rule's phrase at `span`, whose `{who}` (if any) is at
/// `owner_span`: the hit, unless it is negated, owned by the wrong party, or excepted.
fn accept(
    rules: &RuleSet,
    note: &str,
    voices: &OnceCell<Voices>,
    rule_index: usize,
    span: Range<usize>,
    owner_span: Option<(usize, usize)>,
) -> Result<Hit, Dropped> {
    let rule = &rules.rules[rule_index];
    if rule.negatable && negated(rules, note, span.start, owner_span) {
        return Err(Dropped::Negated);
    }
    if let Some(wanted) = rule.owner {
        // A phrase with no `{who}` that opens on "our" or "my" ("our fleet manager will send
        // you"): that word says who acts, the client in a client's pasted email.
        let owner_span = owner_span.or_else(|| first_person_at(rules, note, span.start));
        let party = party_of(rules, note, span.start, owner_span, voices);
        let accepted = match wanted {
            Owner::Rep => party == Party::Rep,
            Owner::Client => party == Party::Client,
        };
        if !accepted {
            return Err(Dropped::Owner {
                client: party == Party::Client,
                known: party != Party::Unknown,
            });
        }
        // A step asked about is nobody's yet: "Shall I send the quote by Friday?", "Could we
        // get 20 minutes with your CFO next week to confirm scope?".
        if in_question(note, span.end) {
            return Err(Dropped::Question);
        }
    }
    Ok(Hit {
        rule: rule_index,
        start: span.start,
        end: span.end,
    })
}

/// Drops conditional hits whose `unless` categories are present or whose `with` categories are
/// not, then keeps one hit per category where spans overlap (the stronger one), and sorts by
/// position. Conditions come first: a hit its condition drops must not settle away an
/// overlapping hit of its category (settling never changes which categories are present, so
/// the conditions read the same either way).
fn settle(rules: &RuleSet, mut hits: Vec<Hit>) -> Vec<Hit> {
    let rule = |h: &Hit| &rules.rules[h.rule];
    let strength = |h: &Hit| (rule(h).level, rule(h).weight);
    // The categories present, one bit each (sixteen: a huge note stays linear).
    // `with` first: a hit dropped for want of its category must not count for an `unless`.
    let bit = |c: &Category| 1u32 << (*c as u32);
    let present = |hits: &[Hit]| hits.iter().fold(0, |set, h| set | bit(&rule(h).category));
    let before = present(&hits);
    hits.retain(|h| rule(h).with.iter().all(|c| before & bit(c) != 0));
    let after = present(&hits);
    hits.retain(|h| !rule(h).unless.iter().any(|c| after & bit(c) != 0));
    hits.sort_by_key(|h| {
        (
            rule(h).category,
            h.start,
            std::cmp::Reverse((strength(h), h.end)),
        )
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match kept.last_mut() {
            Some(last) if rule(last).category == rule(&h).category && h.start < last.end => {
                if strength(&h) > strength(last) {
                    *last = h;
                }
            }
            _ => kept.push(h),
        }
    }
    kept.sort_by_key(|h| (h.start, h.end, rule(h).category));
    kept
}

#[cfg(test)]
mod tests {
    //! The phrase matcher against the plain way of finding the same matches (each phrase's
    //! program run alone over the whole note): they must agree on every note, or the fast path changed what
    //! callnudge finds.
    use super::*;
    use crate::core::program::Found;
    use crate::prompts::Prompts;
    use proptest::prelude::*;

    /// `(pattern, start, end, who)` per match, sorted.
    type Spans = Vec<(usize, usize, usize, Option<(usize, usize)>)>;

    fn spans(v: &[(usize, Found)]) -> Spans {
        let mut v: Vec<_> = v
            .iter()
            .map(|(p, f)| {
                (
                    *p,
                    f.span.start,
                    f.span.end,
                    f.who.clone().map(|w| (w.start, w.end)),
                )
            })
            .collect();
        v.sort_unstable();
        v
    }

    fn assert_same(rules: &RuleSet, note: &str) {
        let phrases = rules.phrases.as_deref().expect("the rules have phrases");
        let tokens = token::tokenize(note);
        let mut symbols = Vec::new();
        phrases.encoder.encode(note, &tokens, &mut symbols);
        let chunk = 0..tokens.len();
        let mut fast = Vec::new();
        phrases
            .matcher
            .with_chunk(&symbols, chunk.clone(), |c| c.matches(|_| true, &mut fast));
        let mut plain = Vec::new();
        let mut scratch = crate::core::program::Scratch::default();
        for index in 0..phrases.patterns.len() {
            phrases.matcher.program(index).find_iter(
                &symbols,
                chunk.clone(),
                chunk.start..chunk.end + 1,
                &mut scratch,
                |m| plain.push((index, m)),
            );
        }
        assert_eq!(spans(&fast), spans(&plain), "note: {note:?}");
    }

    fn written_notes() -> Vec<String> {
        let mut notes: Vec<String> = [
            include_str!("../../tests/eval/notes.jsonl"),
            include_str!("../../tests/eval/fresh/round-01.jsonl"),
        ]
        .iter()
        .flat_map(|f| f.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["note"].as_str().map(str::to_string))
        .collect();
        // The same notes run together, as long write-ups are.
        let joined: Vec<String> = notes.chunks(7).map(|c| c.join("\n- ")).collect();
        notes.extend(joined);
        notes
    }

    #[test]
    fn the_matcher_agrees_with_searching_each_phrase_alone_on_written_notes() {
        let prompts = Prompts::embedded().unwrap();
        for note in written_notes() {
            assert_same(&prompts.rules, &note);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Notes stitched from words of real notes, with odd punctuation and Unicode between.
        #[test]
        fn the_matcher_agrees_with_searching_each_phrase_alone_on_any_mix(
            picks in prop::collection::vec((0usize..100_000, 0usize..12), 1..60)
        ) {
            thread_local! {
                static SETUP: (Prompts, Vec<String>) = {
                    let words = written_notes()
                        .iter()
                        .flat_map(|n| n.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                        .collect();
                    (Prompts::embedded().unwrap(), words)
                };
            }
            const GLUE: [&str; 12] = [" ", " ", " ", "\n- ", ". ", ", ", " “", "” ", " — ", "’", " 🙂 ", " w/ "];
            SETUP.with(|(prompts, words)| {
                let mut note = String::new();
                for (w, g) in &picks {
                    note.push_str(&words[w % words.len()]);
                    note.push_str(GLUE[*g]);
                }
                assert_same(&prompts.rules, &note);
            });
        }
    }
}

#[cfg(test)]
mod settling {
    //! How conditions and exceptions read the whole note, with rules written for the test
    //! beside the built-in ones.
    use crate::core::explain::{explain, Verdict};
    use crate::core::RuleSet;
    use crate::prompts::embedded_rules_with;

    /// A rule as a rules file writes it: `body` holds its phrases and conditions.
    fn rule(id: &str, level: &str, weight: u8, body: &str) -> String {
        format!("\n[[rule]]\nid = \"{id}\"\nlevel = \"{level}\"\nweight = {weight}\n{body}\n")
    }

    /// Whether rule `id` is among the findings on `note`.
    fn finds(rules: &RuleSet, note: &str, id: &str) -> bool {
        super::analyze(rules, note)
            .findings
            .iter()
            .any(|f| *f.rule == *id)
    }

    /// A stronger hit that its `with` drops does not take an overlapping hit of its category
    /// down with it.
    #[test]
    fn a_hit_its_condition_drops_settles_nothing_away() {
        let strong = r#"with = ["traded-concession"]
phrases = ["zorblat (again | today)"]"#;
        let rules = embedded_rules_with(
            "chasing.toml",
            &(rule("t-strong", "warning", 5, strong)
                + &rule("t-weak", "suggestion", 1, r#"phrases = ["zorblat"]"#)),
        );
        assert!(finds(&rules, "Zorblat again.", "t-weak"));
        assert!(!finds(&rules, "Zorblat again.", "t-strong"));
        // With its condition met, the stronger one wins the overlap.
        let traded = "Zorblat again. Gave 5% off only if they sign for three years.";
        assert!(finds(&rules, traded, "t-strong"));
        assert!(!finds(&rules, traded, "t-weak"));
    }

    /// `except_in_note` drops a match from another sentence or line; `except` does not reach
    /// that far; `rules explain` names the exception and says where it matched.
    #[test]
    fn except_in_note_reads_every_sentence() {
        let noted = r#"phrases = ["quibbix"]
except_in_note = ["blorft (was | is) done"]"#;
        let near = r#"phrases = ["snarvel"]
except = ["blorft (was | is) done"]"#;
        let rules = embedded_rules_with(
            "chasing.toml",
            &(rule("t-noted", "warning", 2, noted) + &rule("t-near", "warning", 2, near)),
        );
        assert!(finds(&rules, "Quibbix today.", "t-noted"));
        for note in [
            "Quibbix today. Later on the blorft was done.",
            "- blorft is done\n- quibbix today",
        ] {
            assert!(!finds(&rules, note, "t-noted"), "{note}");
        }
        assert!(finds(
            &rules,
            "Snarvel today. Later on the blorft was done.",
            "t-near"
        ));
        assert!(!finds(
            &rules,
            "Snarvel today, the blorft was done.",
            "t-near"
        ));

        let e = explain(&rules, "Quibbix today. Later on the blorft was done.");
        let c = e.candidates.iter().find(|c| c.rule == "t-noted").unwrap();
        assert!(matches!(
            c.verdict,
            Verdict::Dropped(super::Dropped::Excepted { anywhere: true, .. })
        ));
        let (written, origin) = c.excepted_by.clone().unwrap();
        assert_eq!(written, "blorft (was | is) done");
        assert!(
            origin.starts_with("prompts/rules/chasing.toml:"),
            "{origin}"
        );
        assert!(e
            .render()
            .contains("dropped: an exception of the rule matches in the note"));
    }
}
