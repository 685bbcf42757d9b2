//! Rule fixtures, as in Vale's style tests: per category, notes that must fire it and
//! look-alikes that must not. [`check`] runs them against a rule set and returns each failure
//! with what was found instead, for `callnudge rules test` and the test suite alike.

use super::analyze::analyze;
use super::category::Category;
use super::rules::{Origin, RuleError, RuleSet};
use serde::Deserialize;

/// One category's fixtures, as written in `fixtures/<category>.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Notes that must show the category.
    pub fire: Vec<String>,
    /// Look-alikes that must not.
    pub quiet: Vec<String>,
}

/// A fixture that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub category: Category,
    pub note: String,
    /// Whether the note should have fired the category.
    pub should_fire: bool,
    /// What was found in the note instead: `rule "matched text"` per finding.
    pub found: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let expected = if self.should_fire {
            "should fire"
        } else {
            "should stay quiet"
        };
        let found = if self.found.is_empty() {
            "nothing".to_string()
        } else {
            self.found.join(", ")
        };
        write!(
            f,
            "{}: {expected} on {:?}; found {found}",
            self.category, self.note
        )
    }
}

/// Parses one fixtures file; its name says the category (`chasing.toml`).
pub fn parse(file: &str, text: &str) -> Result<(Category, Fixtures), RuleError> {
    let origin = |line| Origin {
        file: file.to_string(),
        line,
    };
    let stem = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .trim_end_matches(".toml");
    let category = Category::from_id(stem).ok_or_else(|| {
        RuleError::new(
            &origin(1),
            format!("`{stem}` is not a category; name a fixtures file after its category"),
        )
    })?;
    let fixtures = toml::from_str(text).map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        RuleError::new(&origin(line), e.message().to_string())
    })?;
    Ok((category, fixtures))
}

/// The fixtures that do not hold on `rules`, in order.
pub fn check(rules: &RuleSet, category: Category, fixtures: &Fixtures) -> Vec<Failure> {
    let cases = fixtures
        .fire
        .iter()
        .map(|n| (n, true))
        .chain(fixtures.quiet.iter().map(|n| (n, false)));
    let mut failures = Vec::new();
    for (note, should_fire) in cases {
        let report = analyze(rules, note);
        let fired = report.findings.iter().any(|f| f.category == category);
        if fired != should_fire {
            failures.push(Failure {
                category,
                note: note.clone(),
                should_fire,
                found: report
                    .findings
                    .iter()
                    .map(|f| format!("{} {:?}", f.rule, f.text))
                    .collect(),
            });
        }
    }
    failures
}
