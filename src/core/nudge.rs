//! `nudge(&RuleSet, &NudgeWording, &Report) -> Nudge`: the short private message a rep gets.
//!
//! Pure function of the report: the score, at most two reactive findings ranked by level, weight
//! and position (distinct categories first), each quoted with why it matters, the other reactive
//! findings quoted on one "also flagged" line (every finding that counts in trend and digest can
//! be seen, and disputed: [`Nudge::disputable`]), one move for the next call (with nothing reactive: get the client a step, or if they own one already, build on
//! the note's first peer move), and the peer signals named. Never longer than [`MAX_CHARS`].

use super::analyze::{Finding, Report};
use super::category::Category;
use super::rules::RuleSet;
use super::wording::{clip, clip_words, fill, NudgeWording};
use std::sync::Arc;

/// Hard limit of a nudge (Discord's message limit).
pub const MAX_CHARS: usize = 2000;
/// At most this many reactive findings are shown.
pub const MAX_FINDINGS: usize = 2;
const MAX_QUOTE: usize = 80;
const MAX_SIGNALS: usize = 4;

/// What a nudge shows, as data (adapters add buttons per finding) and as text (Markdown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nudge {
    pub score: u8,
    /// The reactive findings explained, most important first.
    pub shown: Vec<Finding>,
    /// The other reactive findings, ranked: quoted on the "also flagged" line.
    pub more: Vec<Finding>,
    /// Peer categories found, in order of first appearance.
    pub peer_signals: Vec<Category>,
    pub next_move: Arc<str>,
    pub text: String,
}

impl Nudge {
    /// What a rep can say "not reactive here" to: one finding per rule (a dispute covers the
    /// rule's findings in the note), explained ones first, then the "also flagged" ones.
    pub fn disputable(&self) -> Vec<&Finding> {
        let mut out: Vec<&Finding> = Vec::new();
        for f in self.shown.iter().chain(&self.more) {
            if !out.iter().any(|g| g.rule == f.rule) {
                out.push(f);
            }
        }
        out
    }
}

/// Ranks reactive findings: warnings first, then heavier, then earlier; one per category
/// before a second of the same category.
fn ranked(report: &Report) -> Vec<&Finding> {
    let mut reactive: Vec<&Finding> = report.reactive().collect();
    reactive.sort_by_key(|f| (std::cmp::Reverse((f.level, f.weight)), f.start));
    let (mut first, mut again): (Vec<&Finding>, Vec<&Finding>) = (Vec::new(), Vec::new());
    for f in reactive {
        if first.iter().any(|g| g.category == f.category) {
            again.push(f);
        } else {
            first.push(f);
        }
    }
    first.extend(again);
    first
}

/// What a snoozed rep gets instead of a nudge: `text` (the acknowledgement) and nothing to
/// press.
pub fn snoozed(score: u8, text: &str) -> Nudge {
    Nudge {
        score,
        shown: Vec::new(),
        more: Vec::new(),
        peer_signals: Vec::new(),
        next_move: Arc::from(""),
        text: clip(text, MAX_CHARS),
    }
}

/// What a nudge quotes of a finding: its match, or, when that is a fragment of a few words
/// ("Send", "will send"), the clause around it, so the rep recognises their own sentence.
/// At most [`MAX_QUOTE`] characters, cut at a word; `…` in front when the clause starts
/// earlier than the quote.
fn quote(note: &str, f: &Finding) -> String {
    const FRAGMENT_WORDS: usize = 4;
    let matched = f.text.trim();
    let Some(exact) = note.get(f.start..f.end).filter(|t| *t == f.text) else {
        return clip_words(matched, MAX_QUOTE);
    };
    if exact.split_whitespace().count() >= FRAGMENT_WORDS {
        return clip_words(matched, MAX_QUOTE);
    }
    let ends = |c: char| matches!(c, '.' | '!' | '?' | ';' | '\n' | '\r' | '•');
    let start = note[..f.start]
        .char_indices()
        .rfind(|&(_, c)| ends(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = note[f.end..].find(ends).map_or(note.len(), |i| f.end + i);
    let before = note[start..f.start].trim_start();
    let clause = format!("{before}{}", &note[f.start..end]);
    let clause = clause.trim();
    if clause.chars().count() <= MAX_QUOTE {
        return clause.to_string();
    }
    // A long clause: from the match on, and an ellipsis for what came before it.
    let from_match = clip_words(note[f.start..end].trim(), MAX_QUOTE - 1);
    if before.is_empty() {
        from_match
    } else {
        format!("…{from_match}")
    }
}

/// Builds the nudge for a report of `note`.
pub fn nudge(rules: &RuleSet, wording: &NudgeWording, report: &Report, note: &str) -> Nudge {
    let mut shown: Vec<Finding> = ranked(report).into_iter().cloned().collect();
    let more = shown.split_off(shown.len().min(MAX_FINDINGS));
    let mut peer_signals: Vec<Category> = Vec::new();
    let mut signal_texts: Vec<String> = Vec::new();
    for f in report.peer() {
        if !peer_signals.contains(&f.category) {
            peer_signals.push(f.category);
            if signal_texts.len() < MAX_SIGNALS {
                signal_texts.push(fill(
                    &wording.peer_signal,
                    &[
                        ("label", &rules.category(f.category).label),
                        ("text", &quote(note, f)),
                    ],
                ));
            }
        }
    }
    let score = report.score.to_string();
    let mut lines = vec![fill(&wording.header, &[("score", &score)])];
    // Nothing reactive: if the client owns a step already (a commitment, a mutual plan), build
    // on what the note did well (the first peer category's move); otherwise get them a step.
    let next_move: Arc<str> = match shown.first() {
        Some(top) => top.suggestion.clone(),
        None if peer_signals
            .iter()
            .any(|c| matches!(c, Category::ClientCommitment | Category::MutualPlan)) =>
        {
            rules
                .category(peer_signals[0])
                .moves
                .first()
                .map_or(wording.keep_going_move.as_str(), String::as_str)
                .into()
        }
        None => wording.keep_going_move.as_str().into(),
    };
    if shown.is_empty() {
        lines.push(if peer_signals.is_empty() {
            wording.nothing_found.clone()
        } else {
            wording.all_peer.clone()
        });
    } else {
        lines.push(wording.reactive_intro.clone());
        for (i, f) in shown.iter().enumerate() {
            // One explanation per category: a second finding of it is only quoted.
            let again = shown[..i].iter().any(|g| g.category == f.category);
            lines.push(fill(
                if again {
                    &wording.finding_again
                } else {
                    &wording.finding
                },
                &[
                    ("text", &quote(note, f)),
                    ("label", &rules.category(f.category).label),
                    ("message", &f.message),
                    ("level", f.level.id()),
                ],
            ));
        }
    }
    if !more.is_empty() {
        let quoted: Vec<String> = more
            .iter()
            .map(|f| {
                fill(
                    &wording.more_finding,
                    &[
                        ("text", &quote(note, f)),
                        ("label", &rules.category(f.category).label),
                    ],
                )
            })
            .collect();
        lines.push(fill(
            &wording.more_findings,
            &[("findings", &quoted.join("; "))],
        ));
    }
    if !signal_texts.is_empty() {
        lines.push(fill(
            &wording.peer_signals,
            &[("signals", &signal_texts.join(", "))],
        ));
    }
    lines.push(fill(&wording.next_move, &[("move", &next_move)]));
    let text = clip(&lines.join("\n"), MAX_CHARS);
    Nudge {
        score: report.score,
        shown,
        more,
        peer_signals,
        next_move,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analyze::analyze;
    use crate::prompts::Prompts;

    /// Two findings of one category: explained once, the second only quoted; quotes end at a
    /// word, never mid-word.
    #[test]
    fn a_category_is_explained_once_and_quotes_end_at_a_word() {
        let prompts = Prompts::embedded().unwrap();
        let note = "Gave them 10% off the renewal. Also waived the setup fee.";
        let report = analyze(&prompts.rules, note);
        let n = nudge(&prompts.rules, &prompts.nudge, &report, note);
        assert_eq!(n.shown.len(), 2, "{:?}", n.shown);
        assert_eq!(n.shown[0].category, n.shown[1].category);
        let message = &n.shown[0].message;
        assert_eq!(n.text.matches(&**message).count(), 1, "{}", n.text);
        assert!(n.text.contains("again"), "{}", n.text);
        assert_eq!(
            clip_words("Next step: I will send the revised proposal", 24),
            "Next step: I will send…"
        );
    }

    /// Past the two explained findings, every other one is quoted, and each rule can be
    /// disputed once.
    #[test]
    fn every_counted_finding_is_seen_and_can_be_disputed() {
        let prompts = Prompts::embedded().unwrap();
        let note = "They asked for the price sheet, sent it. Gave them 10% off to keep them \
                    happy. Just checking in on the PO. I'll follow up Friday.";
        let report = analyze(&prompts.rules, note);
        let n = nudge(&prompts.rules, &prompts.nudge, &report, note);
        let reactive: Vec<&Finding> = report.reactive().collect();
        assert!(reactive.len() > MAX_FINDINGS, "{reactive:?}");
        assert_eq!(n.shown.len() + n.more.len(), reactive.len());
        assert!(n.text.contains("Also flagged"), "{}", n.text);
        for f in &n.more {
            assert!(
                n.text.contains(f.text.trim()),
                "{} not in {}",
                f.text,
                n.text
            );
        }
        let mut rules: Vec<&str> = reactive.iter().map(|f| &*f.rule).collect();
        rules.sort();
        rules.dedup();
        let mut disputable: Vec<&str> = n.disputable().iter().map(|f| &*f.rule).collect();
        disputable.sort();
        assert_eq!(disputable, rules);
    }

    /// A fragment ("Send") is quoted with its clause; a long clause from the match on.
    #[test]
    fn a_fragment_is_quoted_with_its_clause() {
        let finding = |note: &str, text: &str| {
            let start = note.find(text).unwrap();
            let mut f =
                analyze(&Prompts::embedded().unwrap().rules, "I'll send it.").findings[0].clone();
            (f.start, f.end, f.text) = (start, start + text.len(), text.to_string());
            f
        };
        let note = "Call went ok • Send revised quote to Dana by Friday. Then lunch.";
        assert_eq!(
            quote(note, &finding(note, "Send")),
            "Send revised quote to Dana by Friday"
        );
        let long = format!("Well {} I will send it over", "and so on ".repeat(12));
        let q = quote(&long, &finding(&long, "I will send"));
        assert!(q.starts_with("…I will send it over"), "{q}");
        assert!(q.chars().count() <= MAX_QUOTE);
    }
}
