//! The weekly digest for managers: a team's notes in, `Digest` (data) out, then rendered as
//! Markdown parts that fit a chat message. Coaches, does not rank: rows are in name order.
//! No note text unless the team turned that on.

use super::category::{Category, Level, Polarity};
use super::demotion::Tally;
use super::record::{Dispute, NoteRecord, TeamSettings};
use super::rules::RuleOverride;
use super::trend::{signed, sparkline, WeekAcc};
use super::week::Week;
use super::wording::{clip, fill, DigestWording};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Weeks shown in each sparkline and in the chart.
pub const SPARK_WEEKS: usize = 8;
/// Largest message part (Discord's limit).
pub const PART_CHARS: usize = 2000;

/// One rep's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RepRow {
    pub rep: String,
    pub notes: u32,
    pub score: Option<f64>,
    pub change: Option<f64>,
    /// Mean score per week, oldest first, `None` for weeks without notes.
    pub recent: Vec<Option<f64>>,
    pub top_reactive: Option<Category>,
    pub tip: String,
}

/// A rule's dispute rate ("not reactive here").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleDisputes {
    pub rule: String,
    pub disputes: u32,
    pub hits: u32,
    /// 1 − disputes / hits.
    pub precision: f64,
}

/// A rule the team's disputes turned down (see [`super::demotion`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemotedRule {
    pub rule: String,
    pub from: Level,
    pub to: RuleOverride,
    /// When, in the team's time zone.
    pub date: NaiveDate,
    pub tally: Tally,
}

/// The digest of one team for one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest {
    pub team: String,
    pub week: Week,
    pub notes: u32,
    pub active_reps: u32,
    pub score: Option<f64>,
    pub change: Option<f64>,
    pub rows: Vec<RepRow>,
    pub most_improved: Option<(String, f64)>,
    /// Reps seen in recent weeks who posted nothing this week.
    pub silent: Vec<String>,
    pub disputes: Vec<RuleDisputes>,
    /// Rules demoted after disputes that no manager has set since.
    pub demoted: Vec<DemotedRule>,
    /// The team's mean score per week, oldest first (for the chart).
    pub team_weeks: Vec<(Week, Option<f64>)>,
    /// Quoted notes, only when the team allows it.
    pub quotes: Vec<(String, String)>,
}

/// Builds the digest of `week` from the team's notes (any order; notes outside the sparkline
/// window are ignored) and its disputes.
///
/// A rule's dispute line counts one window: its flags are the notes of the sparkline weeks
/// up to `week` that it fired on (one per note), its disputes those of these flags that reps
/// disputed by the end of `week` (a past week's digest reads as it did that week).
pub fn build<'a>(
    team: &TeamSettings,
    week: Week,
    notes: impl IntoIterator<Item = &'a NoteRecord>,
    disputes: &[Dispute],
    wording: &DigestWording,
) -> Digest {
    let tz = team.schedule.tz;
    let mut window = vec![week];
    for _ in 1..SPARK_WEEKS {
        window.push(window.last().copied().unwrap_or(week).prev());
    }
    window.reverse();
    let first = window[0];
    let mut per_rep: HashMap<&str, BTreeMap<Week, WeekAcc>> = HashMap::new();
    let mut team_acc: BTreeMap<Week, WeekAcc> = BTreeMap::new();
    let mut hits: HashMap<&str, u32> = HashMap::new();
    // (note, rule) of every flag in the window.
    let mut flags: HashSet<(u64, &str)> = HashSet::new();
    let mut quotes = Vec::new();
    for n in notes {
        let w = Week::of(n.at, tz);
        if w < first || w > week {
            continue;
        }
        per_rep
            .entry(&n.rep)
            .or_default()
            .entry(w)
            .or_default()
            .add(n);
        team_acc.entry(w).or_default().add(n);
        for f in &n.findings {
            if flags.insert((n.id, &f.rule)) {
                *hits.entry(&f.rule).or_default() += 1;
            }
        }
        if team.digest_includes_text && w == week && quotes.len() < 3 {
            if let Some(t) = &n.text {
                quotes.push((team.name_of(&n.rep).to_string(), clip(t, 200)));
            }
        }
    }
    let default_tip = wording.tips.get("default").cloned().unwrap_or_default();
    let mut rows: Vec<RepRow> = per_rep
        .iter()
        .filter(|(_, weeks)| weeks.contains_key(&week))
        .map(|(rep, weeks)| {
            let this = &weeks[&week];
            let top = this
                .counts()
                .iter()
                .filter(|(c, _)| c.polarity() == Polarity::Reactive)
                .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
                .map(|(c, _)| *c);
            let score = this.mean();
            RepRow {
                rep: team.name_of(rep).to_string(),
                notes: this.notes(),
                score,
                change: weeks
                    .get(&week.prev())
                    .and_then(WeekAcc::mean)
                    .zip(score)
                    .map(|(p, s)| s - p),
                recent: window
                    .iter()
                    .map(|w| weeks.get(w).and_then(WeekAcc::mean))
                    .collect(),
                top_reactive: top,
                tip: top
                    .and_then(|c| wording.tips.get(c.id()).cloned())
                    .unwrap_or_else(|| default_tip.clone()),
            }
        })
        .collect();
    rows.sort_by(|a, b| natural_order(&a.rep, &b.rep));
    let silent: Vec<String> = per_rep
        .iter()
        .filter(|(_, weeks)| !weeks.contains_key(&week))
        .map(|(rep, _)| team.name_of(rep).to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let most_improved = rows
        .iter()
        .filter_map(|r| r.change.filter(|c| *c > 0.0).map(|c| (r.rep.clone(), c)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    let this = team_acc.get(&week);
    let score = this.and_then(WeekAcc::mean);
    let mut disputed: BTreeMap<&str, u32> = BTreeMap::new();
    for d in disputes {
        let by_then = d.at.is_none_or(|at| Week::of(at, tz) <= week);
        if by_then && flags.contains(&(d.note, d.rule.as_str())) {
            *disputed.entry(&d.rule).or_default() += 1;
        }
    }
    let mut dispute_rows: Vec<RuleDisputes> = disputed
        .into_iter()
        .map(|(rule, d)| {
            let h = hits.get(rule).copied().unwrap_or(0).max(d);
            RuleDisputes {
                rule: rule.to_string(),
                disputes: d,
                hits: h,
                precision: 1.0 - f64::from(d) / f64::from(h),
            }
        })
        .collect();
    dispute_rows.sort_by(|a, b| {
        a.precision
            .total_cmp(&b.precision)
            .then(a.rule.cmp(&b.rule))
    });
    Digest {
        team: team.display_title().to_string(),
        week,
        notes: this.map_or(0, WeekAcc::notes),
        active_reps: rows.len() as u32,
        score,
        change: team_acc
            .get(&week.prev())
            .and_then(WeekAcc::mean)
            .zip(score)
            .map(|(p, s)| s - p),
        rows,
        most_improved,
        silent,
        disputes: dispute_rows,
        demoted: team
            .active_demotions()
            .map(|(rule, d)| DemotedRule {
                rule: rule.to_string(),
                from: d.from,
                to: d.to,
                date: d.at.with_timezone(&tz).date_naive(),
                tally: d.tally,
            })
            .collect(),
        team_weeks: window
            .iter()
            .map(|w| (*w, team_acc.get(w).and_then(WeekAcc::mean)))
            .collect(),
        quotes,
    }
}

fn pad(s: &str, width: usize) -> String {
    let s = clip(s, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The digest as Markdown, split into parts of at most [`PART_CHARS`] characters at line ends.
pub fn render(d: &Digest, wording: &DigestWording) -> Vec<String> {
    let fmt_score = |s: Option<f64>| s.map_or("n/a".to_string(), |v| format!("{v:.0}"));
    let mut lines = vec![fill(
        &wording.title,
        &[("team", &d.team), ("week", &d.week.to_string())],
    )];
    if d.notes == 0 {
        lines.push(wording.no_notes.clone());
    } else {
        lines.push(fill(
            &wording.totals,
            &[
                ("notes", &d.notes.to_string()),
                ("reps", &d.active_reps.to_string()),
                ("score", &fmt_score(d.score)),
                ("change", &signed(d.change)),
            ],
        ));
        lines.push(String::new());
        lines.push(wording.table_header.clone());
        for r in &d.rows {
            lines.push(fill(
                &wording.row,
                &[
                    ("rep", &pad(&r.rep, 14)),
                    ("notes", &format!("{:>5}", r.notes)),
                    ("score", &format!("{:>5}", fmt_score(r.score))),
                    ("change", &format!("{:>6}", signed(r.change))),
                    ("spark", &pad(&sparkline(&r.recent), 8)),
                    ("category", r.top_reactive.map_or("—", Category::id)),
                    ("tip", &r.tip),
                ],
            ));
        }
    }
    if let Some((rep, change)) = &d.most_improved {
        lines.push(fill(
            &wording.most_improved,
            &[("rep", rep), ("change", &signed(Some(*change)))],
        ));
    }
    if !d.silent.is_empty() {
        lines.push(fill(&wording.silent, &[("reps", &d.silent.join(", "))]));
    }
    if !d.disputes.is_empty() {
        lines.push(wording.disputes_header.clone());
        for r in &d.disputes {
            lines.push(fill(
                &wording.dispute_row,
                &[
                    ("rule", &r.rule),
                    ("disputes", &r.disputes.to_string()),
                    ("hits", &r.hits.to_string()),
                    ("precision", &format!("{:.0}%", r.precision * 100.0)),
                ],
            ));
        }
    }
    for r in &d.demoted {
        lines.push(fill(
            &wording.demoted_row,
            &[
                ("rule", &r.rule),
                ("from", r.from.id()),
                ("to", r.to.id()),
                ("date", &r.date.to_string()),
                ("disputes", &r.tally.disputes.to_string()),
                ("hits", &r.tally.hits.to_string()),
                ("reps", &r.tally.reps.to_string()),
            ],
        ));
    }
    for (rep, text) in &d.quotes {
        lines.push(format!("> {rep}: {}", text.replace('\n', " ")));
    }
    split_parts(&lines, PART_CHARS)
}

/// Joins lines into parts of at most `max` chars, breaking only between lines (a single
/// over-long line is clipped).
pub fn split_parts(lines: &[String], max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for line in lines {
        let line = clip(line, max);
        let n = line.chars().count();
        if len > 0 && len + 1 + n > max {
            parts.push(std::mem::take(&mut current));
            len = 0;
        }
        if len > 0 {
            current.push('\n');
            len += 1;
        }
        current.push_str(&line);
        len += n;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Names in the order people expect: "rep2" before "rep10" (runs of digits compare as
/// numbers), letters without regard to case.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn pieces(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, piece)) if *d == digit => piece.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (pa, pb) = (pieces(a), pieces(b));
    for ((da, xa), (db, xb)) in pa.iter().zip(pb.iter()) {
        let order = match (da, db) {
            (true, true) => {
                let (ta, tb) = (xa.trim_start_matches('0'), xb.trim_start_matches('0'));
                ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
            }
            _ => xa.to_lowercase().cmp(&xb.to_lowercase()),
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::StoredFinding;
    use chrono::{TimeZone, Utc};

    fn note(rep: &str, rule: &str, category: Category) -> NoteRecord {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        NoteRecord {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            team: "t".into(),
            rep: rep.into(),
            at: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
            score: 40,
            findings: vec![StoredFinding {
                rule: rule.into(),
                category,
                start: 0,
                end: 1,
            }],
            text: None,
        }
    }

    /// Counts take the right word ("1 note from 1 rep"), the dispute line says what it means
    /// instead of "precision", and reps sort as people count (rep2 before rep10).
    #[test]
    fn the_digest_reads_right_for_one_and_for_many() {
        let wording = crate::prompts::Prompts::embedded().unwrap().digest;
        let team = TeamSettings::new("t");
        let week = Week::of(
            Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
            team.schedule.tz,
        );
        let one = [note("rep1", "checking-in", Category::Chasing)];
        let disputes = [dispute(&one[0], "checking-in", 2026, 11, 25)];
        let text = render(&build(&team, week, &one, &disputes, &wording), &wording).join("\n");
        assert!(text.contains("1 note from 1 rep "), "{text}");
        assert!(text.contains("reps disputed 1 of its 1 flag"), "{text}");
        assert!(!text.contains("precision"), "{text}");
        let many = [
            note("rep10", "checking-in", Category::Chasing),
            note("rep2", "checking-in", Category::Chasing),
            note("Rep3", "checking-in", Category::Chasing),
        ];
        let d = build(&team, week, &many, &[], &wording);
        let reps: Vec<&str> = d.rows.iter().map(|r| r.rep.as_str()).collect();
        assert_eq!(reps, ["rep2", "Rep3", "rep10"]);
        let text = render(&d, &wording).join("\n");
        assert!(text.contains("3 notes from 3 reps"), "{text}");
    }

    fn dispute(n: &NoteRecord, rule: &str, y: i32, m: u32, d: u32) -> Dispute {
        Dispute {
            rule: rule.into(),
            rep: n.rep.clone(),
            note: n.id,
            at: Some(Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()),
        }
    }

    /// A past week's digest reads as it did that week: disputes made later, or of flags
    /// outside its eight weeks, do not count; flags and disputes count the same notes.
    #[test]
    fn the_dispute_line_counts_one_window() {
        let wording = crate::prompts::Prompts::embedded().unwrap().digest;
        let team = TeamSettings::new("t");
        let at = |m, d| Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0).unwrap();
        let week = Week::of(at(11, 25), team.schedule.tz);
        let mut this_week = note("ana", "checking-in", Category::Chasing);
        this_week.at = at(11, 25);
        let mut long_ago = note("ana", "checking-in", Category::Chasing);
        long_ago.at = at(6, 3);
        let notes = [this_week.clone(), long_ago.clone()];
        let disputes = [
            dispute(&this_week, "checking-in", 2026, 11, 26), // that week: counts
            dispute(&long_ago, "checking-in", 2026, 6, 4),    // a flag outside the window
        ];
        let d = build(&team, week, &notes, &disputes, &wording);
        assert_eq!(d.disputes.len(), 1);
        assert_eq!((d.disputes[0].disputes, d.disputes[0].hits), (1, 1));
        // The same dispute made two weeks later is not in that week's digest.
        let later = [dispute(&this_week, "checking-in", 2026, 12, 9)];
        assert!(build(&team, week, &notes, &later, &wording)
            .disputes
            .is_empty());
        // A dispute stored before times were kept counts where its flag is.
        let mut undated = later[0].clone();
        undated.at = None;
        assert_eq!(
            build(&team, week, &notes, &[undated], &wording)
                .disputes
                .len(),
            1
        );
    }
}
