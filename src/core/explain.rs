//! `explain`: what the engine saw in a note, for whoever writes rules — its tokens and the
//! lexicon classes each word is in, every candidate match (which rule, which phrase or pattern
//! and where it is written, which words) and why a candidate was dropped (negation, owner,
//! exception) or settled away (a stronger finding of its category, or an `unless`).

use super::analyze::{analyze_traced, Dropped, Report, Trace};
use super::category::Category;
use super::rules::RuleSet;
use super::token::{self, TokenKind};
use std::fmt::Write as _;

/// The engine's reading of one note.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub tokens: Vec<TokenInfo>,
    pub candidates: Vec<Candidate>,
    pub report: Report,
}

/// One token as the phrases see it.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    pub text: String,
    pub kind: TokenKind,
    /// The form it is looked up by (lower case, spelling applied).
    pub form: String,
    /// The lexicon classes it is a word of.
    pub classes: Vec<String>,
}

/// A match of a pattern or phrase, and what became of it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub rule: String,
    pub category: Category,
    /// The phrase as written.
    pub written: String,
    /// `file:line` of the phrase.
    pub origin: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub verdict: Verdict,
    /// For a candidate an exception dropped: the exception as written, and `file:line`.
    pub excepted_by: Option<(String, String)>,
}

/// What became of a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A finding of the report.
    Found,
    /// Passed its checks, then gave way to a stronger finding of its category where they
    /// overlap, or to a category its rule's `unless` names.
    Settled,
    Dropped(Dropped),
}

/// Analyses `note` and says how.
pub fn explain(rules: &RuleSet, note: &str) -> Explanation {
    let mut traces: Vec<Trace> = Vec::new();
    let report = analyze_traced(rules, note, &mut |t| traces.push(t));
    let tokens = match &rules.phrases {
        Some(p) => {
            let tokens = token::tokenize(note);
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let forms = if t.kind == TokenKind::Boundary {
                        vec![String::new()]
                    } else {
                        p.encoder.forms_at(note, &tokens, i)
                    };
                    let classes = p
                        .class_forms
                        .get()
                        .iter()
                        .filter(|(_, words)| forms.iter().any(|f| words.binary_search(f).is_ok()))
                        .map(|(name, _)| name.clone())
                        .collect();
                    let form = forms.join(" | ");
                    TokenInfo {
                        text: t.text(note).to_string(),
                        kind: t.kind,
                        form,
                        classes,
                    }
                })
                .collect()
        }
        None => Vec::new(),
    };
    let candidates = traces
        .into_iter()
        .map(|t| {
            let rule = &rules.rules[t.rule];
            let (written, origin) = rules
                .phrases
                .as_ref()
                .map(|p| &p.patterns[t.phrase].written)
                .map(|w| (w.value.clone(), w.origin.to_string()))
                .unwrap_or_default();
            let found = report
                .findings
                .iter()
                .any(|f| *f.rule == *rule.id && f.start == t.span.start && f.end == t.span.end);
            let verdict = match t.dropped {
                Some(d) => Verdict::Dropped(d),
                None if found => Verdict::Found,
                None => Verdict::Settled,
            };
            let excepted_by = match t.dropped {
                Some(Dropped::Excepted { by, .. }) => rules
                    .phrases
                    .as_ref()
                    .and_then(|p| p.exception_written(by))
                    .map(|w| (w.value.clone(), w.origin.to_string())),
                _ => None,
            };
            Candidate {
                rule: rule.id.to_string(),
                excepted_by,
                category: rule.category,
                written,
                origin,
                start: t.span.start,
                end: t.span.end,
                text: note[t.span].to_string(),
                verdict,
            }
        })
        .collect();
    Explanation {
        tokens,
        candidates,
        report,
    }
}

impl Explanation {
    /// The explanation as plain text, one line per token and per candidate.
    pub fn render(&self) -> String {
        let mut out = String::from("tokens:\n");
        for t in &self.tokens {
            let kind = format!("{:?}", t.kind).to_lowercase();
            let _ = write!(out, "  {:<18} {kind:<8}", format!("{:?}", t.text));
            if t.form != t.text.to_lowercase() && !t.form.is_empty() {
                let _ = write!(out, " read as {:?}", t.form);
            }
            if !t.classes.is_empty() {
                let _ = write!(out, " {{{}}}", t.classes.join("} {"));
            }
            out.push('\n');
        }
        out.push_str("candidates:\n");
        if self.candidates.is_empty() {
            out.push_str("  none: no phrase or pattern matched\n");
        }
        for c in &self.candidates {
            let verdict = match c.verdict {
                Verdict::Found => "FOUND".to_string(),
                Verdict::Settled => {
                    "settled away (a stronger finding of its category overlaps it, or its `unless` category is in the note)".to_string()
                }
                Verdict::Dropped(Dropped::Negated) => "dropped: negated by a word before it".into(),
                Verdict::Dropped(Dropped::Question) => {
                    "dropped: its sentence is a question, so the step is nobody's yet".into()
                }
                Verdict::Dropped(Dropped::Excepted { anywhere, .. }) => {
                    let place = if anywhere { "in the note" } else { "near it" };
                    match &c.excepted_by {
                        Some((written, origin)) => format!(
                            "dropped: an exception of the rule matches {place}\n      {origin} `{written}`"
                        ),
                        None => format!("dropped: an exception of the rule matches {place}"),
                    }
                }
                Verdict::Dropped(Dropped::Owner { client, known }) => format!(
                    "dropped: the rule wants another party's step; the subject reads as {}",
                    match (client, known) {
                        (true, _) => "the client",
                        (false, true) => "the rep",
                        (false, false) => "nobody",
                    }
                ),
            };
            let _ = writeln!(
                out,
                "  {} ({}) {:?} at {}..{}\n    {} `{}`\n    {verdict}",
                c.rule, c.category, c.text, c.start, c.end, c.origin, c.written
            );
        }
        let _ = writeln!(out, "score: {}", self.report.score);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompts::Prompts;

    #[test]
    fn says_what_matched_and_why_a_candidate_was_dropped() {
        let p = Prompts::embedded().unwrap();
        let e = explain(
            &p.rules,
            "Circling back tmrw. They'll circle back internally.",
        );
        let tmrw = e.tokens.iter().find(|t| t.text == "tmrw").unwrap();
        assert_eq!(tmrw.form, "tomorrow");
        let found: Vec<_> = e
            .candidates
            .iter()
            .filter(|c| c.verdict == Verdict::Found && c.category == Category::Chasing)
            .collect();
        assert_eq!(found.len(), 1, "{}", e.render());
        assert_eq!(found[0].text, "Circling back");
        // It points at the phrase's own line.
        let line: usize = found[0]
            .origin
            .strip_prefix("prompts/rules/chasing.toml:")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}", found[0].origin));
        let written = include_str!("../../prompts/rules/chasing.toml")
            .lines()
            .nth(line - 1)
            .unwrap_or_default();
        assert!(written.contains("circl"), "line {line}: {written}");
        // It names the exception that dropped a candidate, at its own line.
        let excepted = e
            .candidates
            .iter()
            .find(|c| {
                c.text == "circle back"
                    && matches!(c.verdict, Verdict::Dropped(Dropped::Excepted { .. }))
            })
            .unwrap_or_else(|| panic!("{}", e.render()));
        let (written, origin) = excepted.excepted_by.clone().unwrap();
        let line: usize = origin
            .strip_prefix("prompts/rules/chasing.toml:")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{origin}"));
        let source = include_str!("../../prompts/rules/chasing.toml");
        let at = source.lines().nth(line - 1).unwrap_or_default();
        assert!(
            at.contains(
                written
                    .lines()
                    .next()
                    .unwrap()
                    .trim_start_matches(['"', '\''])
            ),
            "line {line}: {at} / {written}"
        );
        assert!(written.contains("circle back"), "{written}");
        assert!(
            e.render().contains(&format!("{origin} `{written}`")),
            "{}",
            e.render()
        );
    }
}
