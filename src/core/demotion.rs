//! Demotion: a rule the team keeps disputing ("not reactive here") drops one level — a warning
//! becomes a suggestion, a suggestion goes off — so a heuristic that misreads a team's way of
//! writing stops nagging it before the team stops reading nudges.
//!
//! Pure: the rule's recent hits and disputes come in, a decision comes out. "Keeps disputing"
//! means, over the last [`WINDOW_DAYS`] (and only since the rule's last demotion): at least
//! [`MIN_DISPUTES`] disputes, from at least [`MIN_REPS`] different reps (one rep alone cannot
//! switch a rule off for the whole team), on at least [`MIN_SHARE`] of the rule's findings.
//! A manager's own setting for a rule always wins: such a rule is never demoted, and setting it
//! clears an earlier demotion.

use super::record::NoteRecord;
use super::rules::RuleOverride;
use super::Level;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// How far back hits and disputes count.
pub const WINDOW_DAYS: i64 = 56;
/// Fewest disputes that can demote a rule.
pub const MIN_DISPUTES: u32 = 5;
/// Fewest different reps among those disputes.
pub const MIN_REPS: u32 = 2;
/// Smallest share of the rule's findings that must be disputed.
pub const MIN_SHARE: f64 = 0.4;

/// A rule's recent record in one team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Findings of the rule in the window.
    pub hits: u32,
    /// Disputes of those findings.
    pub disputes: u32,
    /// Different reps among the disputers.
    pub reps: u32,
}

/// A demotion as remembered in the team's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demotion {
    /// The level the rule had.
    pub from: Level,
    /// What it has now.
    pub to: RuleOverride,
    pub at: DateTime<Utc>,
    /// The record that decided it.
    pub tally: Tally,
}

/// Where a rule's window starts (exclusive): [`WINDOW_DAYS`] before `now`, or its last
/// demotion if later — the disputes that demoted it never count again.
pub fn window_start(now: DateTime<Utc>, last: Option<&Demotion>) -> DateTime<Utc> {
    let start = now - Duration::days(WINDOW_DAYS);
    last.map_or(start, |d| d.at.max(start))
}

/// Counts `rule`'s findings in `notes` after `since`, and the disputes `(rep, note id)` that
/// fall on those findings (a dispute of a note without the rule does not count).
pub fn tally<'a>(
    rule: &str,
    since: DateTime<Utc>,
    notes: impl IntoIterator<Item = &'a NoteRecord>,
    disputes: &[(String, u64)],
) -> Tally {
    let mut hits = 0u32;
    let mut hit_notes = HashSet::new();
    for n in notes.into_iter().filter(|n| n.at > since) {
        let k = n.findings.iter().filter(|f| f.rule == rule).count() as u32;
        if k > 0 {
            hits = hits.saturating_add(k);
            hit_notes.insert(n.id);
        }
    }
    let mut reps = BTreeSet::new();
    let mut counted = 0u32;
    for (rep, note) in disputes {
        if hit_notes.contains(note) {
            counted = counted.saturating_add(1);
            reps.insert(rep.as_str());
        }
    }
    Tally {
        hits: hits.max(counted),
        disputes: counted,
        reps: reps.len() as u32,
    }
}

/// What a rule at `level` becomes after a record like `tally`, if the team keeps disputing it.
pub fn decide(level: Option<Level>, tally: Tally) -> Option<RuleOverride> {
    let level = level?; // already off
    let kept_disputing = tally.disputes >= MIN_DISPUTES
        && tally.reps >= MIN_REPS
        && f64::from(tally.disputes) >= MIN_SHARE * f64::from(tally.hits.max(1));
    if !kept_disputing {
        return None;
    }
    Some(match level {
        Level::Warning => RuleOverride::Level(Level::Suggestion),
        Level::Suggestion => RuleOverride::Off,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::StoredFinding;
    use crate::core::Category;
    use chrono::TimeZone;

    fn note(id: u64, day: u32, rules: &[&str]) -> NoteRecord {
        NoteRecord {
            id,
            team: "t".into(),
            rep: "r".into(),
            at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
            score: 50,
            findings: rules
                .iter()
                .map(|r| StoredFinding {
                    rule: r.to_string(),
                    category: Category::Chasing,
                    start: 0,
                    end: 1,
                })
                .collect(),
            text: None,
        }
    }

    fn tally_of(disputes: &[(&str, u64)]) -> Tally {
        let notes: Vec<NoteRecord> = (1..=10).map(|i| note(i, i as u32, &["x"])).collect();
        let d: Vec<(String, u64)> = disputes.iter().map(|(r, n)| (r.to_string(), *n)).collect();
        let since = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        tally("x", since, &notes, &d)
    }

    #[test]
    fn a_rule_disputed_by_several_reps_on_many_findings_drops_one_level() {
        let t = tally_of(&[("a", 1), ("a", 2), ("b", 3), ("b", 4), ("c", 5)]);
        assert_eq!(
            t,
            Tally {
                hits: 10,
                disputes: 5,
                reps: 3
            }
        );
        assert_eq!(
            decide(Some(Level::Warning), t),
            Some(RuleOverride::Level(Level::Suggestion))
        );
        assert_eq!(decide(Some(Level::Suggestion), t), Some(RuleOverride::Off));
        assert_eq!(decide(None, t), None, "an off rule stays off");
    }

    #[test]
    fn one_rep_few_disputes_or_a_small_share_do_not_demote() {
        let one_rep = tally_of(&[("a", 1), ("a", 2), ("a", 3), ("a", 4), ("a", 5), ("a", 6)]);
        assert_eq!(one_rep.reps, 1);
        assert_eq!(decide(Some(Level::Warning), one_rep), None);
        let few = tally_of(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        assert_eq!(decide(Some(Level::Warning), few), None);
        let small_share = Tally {
            hits: 20,
            disputes: 7,
            reps: 3,
        };
        assert_eq!(decide(Some(Level::Warning), small_share), None);
    }

    #[test]
    fn only_disputes_of_the_rules_findings_in_the_window_count() {
        let mut notes = vec![note(1, 2, &["x"]), note(2, 20, &["x", "x"])];
        notes.push(note(3, 21, &["y"]));
        let d = vec![
            ("a".to_string(), 1), // before the window
            ("b".to_string(), 2),
            ("c".to_string(), 3), // a note without the rule
            ("d".to_string(), 99),
        ];
        let since = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
        assert_eq!(
            tally("x", since, &notes, &d),
            Tally {
                hits: 2,
                disputes: 1,
                reps: 1
            }
        );
    }

    #[test]
    fn the_window_restarts_at_the_last_demotion() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        assert_eq!(window_start(now, None), now - Duration::days(WINDOW_DAYS));
        let d = Demotion {
            from: Level::Warning,
            to: RuleOverride::Level(Level::Suggestion),
            at: now - Duration::days(3),
            tally: Tally::default(),
        };
        assert_eq!(window_start(now, Some(&d)), d.at);
    }
}
