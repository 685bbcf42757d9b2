//! `callnudge calibrate FILE`: a dry run of the rules over a file of notes — per rule, how many
//! notes it fires on and a few examples — so a team can see what would be flagged before
//! turning callnudge on. Nothing is stored.
//!
//! Input: a CSV with a `text` column (like `import`), or otherwise one note per non-blank line.

use crate::core::wording::clip;
use crate::core::{analyze, RuleSet};
use std::collections::BTreeMap;
use std::io::Write;

/// Examples kept per rule.
const EXAMPLES: usize = 2;

/// What one rule did over the notes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RuleHits {
    pub notes: u64,
    pub examples: Vec<String>,
}

/// The dry run's result.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Calibration {
    pub notes: u64,
    pub by_rule: BTreeMap<String, RuleHits>,
}

/// Splits the input into notes: a CSV's `text` column, or non-blank lines.
pub fn notes_of(input: &str) -> Vec<String> {
    let first = input.lines().next().unwrap_or("");
    let is_csv = first
        .split(',')
        .any(|h| h.trim().eq_ignore_ascii_case("text"));
    if is_csv {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(input.as_bytes());
        let col = r
            .headers()
            .ok()
            .and_then(|h| h.iter().position(|c| c.trim().eq_ignore_ascii_case("text")));
        if let Some(col) = col {
            return r
                .records()
                .filter_map(Result::ok)
                .filter_map(|row| row.get(col).map(str::to_string))
                .filter(|t| !t.trim().is_empty())
                .collect();
        }
    }
    input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs every rule over every note.
pub fn calibrate(rules: &RuleSet, notes: &[String]) -> Calibration {
    let mut c = Calibration::default();
    for note in notes {
        c.notes += 1;
        let report = analyze(rules, note);
        let mut seen = Vec::new();
        for f in &report.findings {
            if seen.contains(&f.rule) {
                continue;
            }
            seen.push(f.rule.clone());
            let hits = c.by_rule.entry(f.rule.to_string()).or_default();
            hits.notes += 1;
            if hits.examples.len() < EXAMPLES {
                hits.examples.push(clip(f.text.trim(), 70));
            }
        }
    }
    c
}

/// Prints the table: rules that fired, most frequent first, then the rules that never fired.
pub fn print(rules: &RuleSet, c: &Calibration, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} notes analysed (dry run, nothing stored)\n",
        c.notes
    )?;
    let mut fired: Vec<(&String, &RuleHits)> = c.by_rule.iter().collect();
    fired.sort_by(|a, b| b.1.notes.cmp(&a.1.notes).then(a.0.cmp(b.0)));
    writeln!(
        out,
        "{:<34} {:<22} {:>6} {:>6}  examples",
        "rule", "category", "notes", "%"
    )?;
    for (id, h) in &fired {
        let category = rules.rule(id).map_or("?", |r| r.category.id());
        let pct = 100.0 * h.notes as f64 / c.notes.max(1) as f64;
        let examples: Vec<String> = h.examples.iter().map(|e| format!("“{e}”")).collect();
        writeln!(
            out,
            "{id:<34} {category:<22} {:>6} {pct:>5.1}%  {}",
            h.notes,
            examples.join("  ")
        )?;
    }
    let silent: Vec<&str> = rules
        .rules()
        .iter()
        .filter(|r| !c.by_rule.contains_key(&*r.id))
        .map(|r| &*r.id)
        .collect();
    if !silent.is_empty() {
        writeln!(out, "\nnever fired: {}", silent.join(", "))?;
    }
    Ok(())
}
