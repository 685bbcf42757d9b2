//! `analyze(&RuleSet, &str) -> Report`: the engine that turns a call note into findings.
//!
//! Pure and total: no I/O, no clock, no panics, for any string. One automaton holding every
//! pattern tells which patterns match in each chunk of the note; only those are located. Each match is then checked, in bounded windows, for
//! negation ("did not offer a discount"), the rule's exceptions, and ownership ("they will send"
//! is the client's step, "I'll send" the rep's; first person inside quotes is the client
//! speaking). Conditional rules (`unless`) are settled last, on the whole note.

use super::category::{Category, Level, Polarity};
use super::rules::{Owner, RuleSet};
use super::score::peer_score;
use super::text;
use regex_automata::{Input, PatternSet};
use serde::Serialize;
use std::sync::Arc;

/// Capture groups a pattern may use (checked when rules compile).
pub(crate) const MAX_GROUPS: usize = 32;

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
/// The note is cut into chunks (sentences and lines); the pattern set says which patterns match
/// in each chunk, and only those are located there. Look-arounds (`\b`, `^`) still see the
/// whole note, so a chunk boundary never invents a word or line start.
pub fn analyze(rules: &RuleSet, note: &str) -> Report {
    let mut findings = Vec::new();
    if !note.trim().is_empty() {
        let quotes = text::quoted_ranges(note);
        let mut which = PatternSet::new(rules.set.pattern_len());
        for chunk in text::chunks(note) {
            which.clear();
            let input = Input::new(note).range(chunk.clone());
            rules.set.which_overlapping_matches(&input, &mut which);
            if which.is_empty() {
                continue;
            }
            for id in which.iter() {
                locate(
                    rules,
                    note,
                    &quotes,
                    chunk.clone(),
                    id.as_usize(),
                    &mut findings,
                );
            }
        }
    }
    let findings = settle(rules, findings);
    let score = peer_score(&findings);
    Report { score, findings }
}

/// Every accepted match of one pattern inside one chunk.
fn locate(
    rules: &RuleSet,
    note: &str,
    quotes: &[std::ops::Range<usize>],
    chunk: std::ops::Range<usize>,
    index: usize,
    findings: &mut Vec<Finding>,
) {
    let pattern = &rules.patterns[index];
    let rule = &rules.rules[pattern.rule];
    if !rule.enabled {
        return;
    }
    let mut input = Input::new(note).range(chunk);
    loop {
        // Only patterns with an `{owner}` need their groups (and the slower engine for them).
        let (span, owner_span) = match pattern.owner_group {
            None => match pattern.regex.search(&input) {
                Some(m) => (m.range(), None),
                None => break,
            },
            Some(group) => {
                let mut slots = [None; 2 * MAX_GROUPS];
                let used = (2 * (group + 1)).min(slots.len());
                if pattern
                    .regex
                    .search_slots(&input, &mut slots[..used])
                    .is_none()
                {
                    break;
                }
                let slot = |i: usize| slots.get(i).copied().flatten().map(|v| v.get());
                let (Some(start), Some(end)) = (slot(0), slot(1)) else {
                    break;
                };
                let owner = slot(2 * group).zip(slot(2 * group + 1));
                (start..end, owner)
            }
        };
        if span.is_empty() {
            // No rule should match nothing; step over it on a char boundary.
            let next = text::ceil_boundary(note, span.end + 1);
            if next > input.end() {
                break;
            }
            input.set_start(next);
            continue;
        }
        input.set_start(span.end);
        if rule.negatable && negated(rules, note, span.start, owner_span) {
            continue;
        }
        if let Some(exceptions) = &rule.exceptions {
            let sentence = text::sentence_around(note, span.clone());
            if exceptions.is_match(&note[sentence]) {
                continue;
            }
        }
        if let Some(wanted) = rule.owner {
            let party = party_of(rules, note, owner_span, quotes);
            let accepted = match wanted {
                Owner::Rep => party == Party::Rep,
                Owner::Client => party == Party::Client,
            };
            if !accepted {
                continue;
            }
        }
        findings.push(Finding {
            rule: rule.id.clone(),
            category: rule.category,
            polarity: rule.category.polarity(),
            level: rule.level,
            weight: rule.weight,
            start: span.start,
            end: span.end,
            text: note[span].to_string(),
            message: rule.message.clone(),
            suggestion: rule.suggestion.clone(),
        });
    }
}

/// Who a match's `{owner}` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Party {
    Rep,
    Client,
    /// A word that is neither a known subject nor a name: read as the rep's own to-do.
    Unknown,
}

use text::words;

/// A word without its contraction: "they'll" → "they".
fn base(word: &str) -> &str {
    word.split('\'').next().unwrap_or(word)
}

/// Whose step a match describes. No subject, or a word that is not a subject ("then"), is the
/// rep's own to-do list; a capitalised word is a name (the client); after a determiner the
/// noun decides ("their ops manager" is the client, "their plan" nobody); after "and" the
/// subject of the step before decides; first person inside quotes is the client speaking.
fn party_of(
    rules: &RuleSet,
    note: &str,
    span: Option<(usize, usize)>,
    quotes: &[std::ops::Range<usize>],
) -> Party {
    let Some((start, end)) = span else {
        return Party::Rep;
    };
    let owner = &note[start..end];
    let owner = owner.split('(').next().unwrap_or(owner);
    let mut after_determiner = false;
    let owner_words: Vec<(usize, String)> = words(owner).collect();
    for (offset, word) in &owner_words {
        let base = base(word);
        if rules.words.rep_subjects.contains(base)
            || rules.words.rep_subjects.contains(word.as_str())
        {
            return if text::inside(quotes, start) {
                Party::Client
            } else {
                Party::Rep
            };
        }
        if after_determiner {
            // The noun phrase's head is its last word.
            let head = owner_words.last().map(|(_, w)| w.as_str()).unwrap_or(base);
            return if rules.words.client_subjects.contains(head) {
                Party::Client
            } else {
                Party::Unknown
            };
        }
        if rules.words.determiners.contains(base) {
            after_determiner = true;
            continue;
        }
        if rules.words.coordinators.contains(base) {
            return earlier_subject(rules, note, start);
        }
        if rules.words.client_subjects.contains(base) {
            return Party::Client;
        }
        if rules.words.non_subjects.contains(base) {
            return Party::Rep;
        }
        let capital = owner[*offset..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        return if capital {
            Party::Client
        } else {
            Party::Unknown
        };
    }
    Party::Unknown
}

/// The nearest known subject before `at` in the same sentence; none means the rep's to-do.
fn earlier_subject(rules: &RuleSet, note: &str, at: usize) -> Party {
    let sentence = text::sentence_around(note, at..at);
    let before: Vec<(usize, String)> = words(&note[sentence.start..at]).collect();
    for (_, word) in before.iter().rev() {
        let base = base(word);
        if rules.words.rep_subjects.contains(base) {
            return Party::Rep;
        }
        if rules.words.client_subjects.contains(base) {
            return Party::Client;
        }
    }
    Party::Rep
}

fn is_negator(rules: &RuleSet, word: &str) -> bool {
    rules.words.negators.contains(word) || (word.ends_with("n't") && word != "n't")
}

/// A negator among the few words before the match, or as the match's own subject
/// ("not send the quote" after "we did").
fn negated(rules: &RuleSet, note: &str, at: usize, owner: Option<(usize, usize)>) -> bool {
    text::words_before(note, at)
        .iter()
        .any(|w| is_negator(rules, w))
        || owner.is_some_and(|(s, e)| words(&note[s..e]).any(|(_, w)| is_negator(rules, &w)))
}

/// Keeps one finding per category where spans overlap (the stronger one), then drops
/// conditional findings whose `unless` categories are present, and sorts by position.
fn settle(rules: &RuleSet, mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (
            a.category,
            a.start,
            std::cmp::Reverse((a.level, a.weight, a.end)),
        )
            .cmp(&(
                b.category,
                b.start,
                std::cmp::Reverse((b.level, b.weight, b.end)),
            ))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match kept.last_mut() {
            Some(last) if last.category == f.category && f.start < last.end => {
                if (f.level, f.weight) > (last.level, last.weight) {
                    *last = f;
                }
            }
            _ => kept.push(f),
        }
    }
    let present: Vec<Category> = kept.iter().map(|f| f.category).collect();
    kept.retain(|f| {
        rules
            .rule(&f.rule)
            .is_none_or(|r| !r.unless.iter().any(|c| present.contains(c)))
    });
    kept.sort_by_key(|f| (f.start, f.end, f.category));
    kept
}
