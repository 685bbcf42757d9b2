//! A rep's trend: per ISO week (in the team's time zone) the number of notes, the mean score,
//! how many of every ten notes show each category (a note with three happy-ears phrases is one
//! note, not three), and the change to the week before. A week with no notes
//! is no data, not a zero.

use super::category::Category;
use super::record::NoteRecord;
use super::week::Week;
use super::wording::{fill, TrendWording};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// One week of one rep (or of a team).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekStat {
    pub week: Week,
    pub notes: u32,
    pub mean_score: f64,
    /// Per category, how many of every ten notes show it (0–10).
    pub per_ten: BTreeMap<Category, f64>,
    /// Mean score minus the previous calendar week's; `None` when that week had no notes.
    pub change: Option<f64>,
}

/// Accumulates notes into weekly statistics in one pass.
#[derive(Default, Clone, Debug)]
pub struct WeekAcc {
    notes: u32,
    score_sum: u64,
    counts: BTreeMap<Category, u32>,
}

impl WeekAcc {
    pub fn add(&mut self, note: &NoteRecord) {
        self.notes += 1;
        self.score_sum += u64::from(note.score);
        // Notes, not findings: one note counts once per category it shows.
        let mut shown: Vec<Category> = note.findings.iter().map(|f| f.category).collect();
        shown.sort_unstable();
        shown.dedup();
        for c in shown {
            *self.counts.entry(c).or_default() += 1;
        }
    }

    pub fn notes(&self) -> u32 {
        self.notes
    }

    pub fn mean(&self) -> Option<f64> {
        (self.notes > 0).then(|| self.score_sum as f64 / f64::from(self.notes))
    }

    pub fn counts(&self) -> &BTreeMap<Category, u32> {
        &self.counts
    }
}

/// Weekly statistics from accumulated weeks, with changes to the previous calendar week.
pub fn stats(weeks: &BTreeMap<Week, WeekAcc>) -> Vec<WeekStat> {
    weeks
        .iter()
        .filter(|(_, acc)| acc.notes > 0)
        .map(|(&week, acc)| {
            let mean = acc.mean().unwrap_or_default();
            let change = weeks
                .get(&week.prev())
                .and_then(WeekAcc::mean)
                .map(|prev| mean - prev);
            WeekStat {
                week,
                notes: acc.notes,
                mean_score: mean,
                per_ten: acc
                    .counts
                    .iter()
                    .map(|(&c, &n)| (c, f64::from(n) * 10.0 / f64::from(acc.notes)))
                    .collect(),
                change,
            }
        })
        .collect()
}

/// The weekly trend of a set of notes (usually one rep's), oldest week first.
pub fn weekly<'a>(notes: impl IntoIterator<Item = &'a NoteRecord>, tz: Tz) -> Vec<WeekStat> {
    let mut weeks: BTreeMap<Week, WeekAcc> = BTreeMap::new();
    for n in notes {
        weeks.entry(Week::of(n.at, tz)).or_default().add(n);
    }
    stats(&weeks)
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of scores (0–100), one char per week; `·` for a week with no data.
pub fn sparkline(scores: &[Option<f64>]) -> String {
    scores
        .iter()
        .map(|s| match s {
            None => '·',
            Some(v) => SPARKS[((v.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize],
        })
        .collect()
}

/// `+4.0`, `−2.5`, or `n/a`.
pub fn signed(change: Option<f64>) -> String {
    match change {
        None => "n/a".to_string(),
        Some(c) if c >= 0.05 => format!("+{c:.1}"),
        Some(c) if c <= -0.05 => format!("−{:.1}", -c),
        Some(_) => "±0.0".to_string(),
    }
}

/// The trend as chat text (`prompts/trend.toml`): one line per week, newest last.
pub fn render(wording: &TrendWording, rep: &str, weeks: &[WeekStat], last: usize) -> String {
    if weeks.is_empty() {
        return fill(&wording.none, &[("rep", rep)]);
    }
    let shown = &weeks[weeks.len().saturating_sub(last)..];
    let mut out = fill(&wording.title, &[("rep", rep)]);
    out.push('\n');
    let spark: Vec<Option<f64>> = shown.iter().map(|w| Some(w.mean_score)).collect();
    out.push_str(&fill(&wording.spark, &[("spark", &sparkline(&spark))]));
    out.push('\n');
    for w in shown {
        let top: Vec<String> = {
            let mut v: Vec<(&Category, &f64)> = w
                .per_ten
                .iter()
                .filter(|(c, _)| c.polarity() == super::Polarity::Reactive)
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(a.1));
            v.iter()
                .take(2)
                .map(|(c, n)| {
                    fill(
                        &wording.category_share,
                        &[("category", c.id()), ("share", &format!("{n:.1}"))],
                    )
                })
                .collect()
        };
        let top = if top.is_empty() {
            String::new()
        } else {
            format!(" · {}", top.join(", "))
        };
        out.push_str(&fill(
            &wording.week,
            &[
                ("week", &w.week.to_string()),
                ("notes", &w.notes.to_string()),
                ("score", &format!("{:.0}", w.mean_score)),
                ("change", &signed(w.change)),
                ("top", &top),
            ],
        ));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::StoredFinding;
    use chrono::{TimeZone, Utc};

    fn note(day: u32, score: u8, cats: &[Category]) -> NoteRecord {
        NoteRecord {
            id: 0,
            team: "t".into(),
            rep: "r".into(),
            at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
            score,
            findings: cats
                .iter()
                .map(|&c| StoredFinding {
                    rule: "x".into(),
                    category: c,
                    start: 0,
                    end: 1,
                })
                .collect(),
            text: None,
        }
    }

    #[test]
    fn weeks_with_no_notes_are_no_data() {
        // Weeks 45 (Nov 2–8) and 47 (Nov 16–22); nothing in week 46.
        let notes = [
            note(3, 40, &[Category::Chasing]),
            note(4, 60, &[]),
            note(17, 70, &[]),
        ];
        let w = weekly(&notes, Tz::UTC);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].mean_score, 50.0);
        assert_eq!(w[0].per_ten[&Category::Chasing], 5.0);
        assert_eq!(w[0].change, None);
        assert_eq!(w[1].change, None, "the week before had no notes");
        let notes = [note(10, 40, &[]), note(17, 70, &[])];
        assert_eq!(weekly(&notes, Tz::UTC)[1].change, Some(30.0));
    }

    /// A note with three happy-ears phrases is one note showing it, not "30 per 10 notes".
    #[test]
    fn a_category_counts_notes_that_show_it_not_findings() {
        let notes = [
            note(
                3,
                40,
                &[
                    Category::HappyEars,
                    Category::HappyEars,
                    Category::HappyEars,
                ],
            ),
            note(4, 60, &[]),
        ];
        let w = weekly(&notes, Tz::UTC);
        assert_eq!(w[0].per_ten[&Category::HappyEars], 5.0);
        let text = render(
            &crate::prompts::Prompts::embedded().unwrap().trend,
            "r",
            &w,
            4,
        );
        assert!(text.contains("happy-ears in 5.0 of 10 notes"), "{text}");
        assert!(text.contains("2 notes"), "{text}");
        let one = render(
            &crate::prompts::Prompts::embedded().unwrap().trend,
            "r",
            &weekly(&notes[1..], Tz::UTC),
            4,
        );
        assert!(one.contains("1 note ·"), "{one}");
    }

    #[test]
    fn sparkline_marks_missing_weeks() {
        assert_eq!(sparkline(&[Some(0.0), None, Some(100.0)]), "▁·█");
    }
}
