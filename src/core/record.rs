//! What is remembered about a note and a team: the stored note (analysis, and the text only
//! while retention allows) and a team's settings. Plain data, shared by the store and the
//! pure trend, digest and schedule code.

use super::category::Category;
use super::demotion::Demotion;
use super::rules::RuleOverride;
use super::Report;
use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest team or rep id accepted, in characters.
pub const MAX_ID_CHARS: usize = 100;

/// Whether `id` can name a team or a rep: not blank, at most [`MAX_ID_CHARS`] characters, and
/// no control characters (the store separates the parts of its keys with a NUL byte, so an id
/// holding one could read into another team's records).
pub fn valid_id(id: &str) -> bool {
    !id.trim().is_empty() && id.chars().count() <= MAX_ID_CHARS && !id.chars().any(char::is_control)
}

/// One finding as stored: enough for trends, digests, exports and disputes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub rule: String,
    pub category: Category,
    pub start: usize,
    pub end: usize,
}

/// A rep's "not reactive here" on the findings of one rule in one of their notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub rule: String,
    pub rep: String,
    pub note: u64,
    /// When it was made; `None` for disputes stored before their time was kept.
    pub at: Option<DateTime<Utc>>,
}

/// One analysed note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRecord {
    /// Unique within the store, increasing.
    pub id: u64,
    pub team: String,
    pub rep: String,
    pub at: DateTime<Utc>,
    pub score: u8,
    pub findings: Vec<StoredFinding>,
    /// The note's text, kept only while the team's retention allows.
    pub text: Option<String>,
}

impl NoteRecord {
    pub fn new(team: &str, rep: &str, at: DateTime<Utc>, text: &str, report: &Report) -> Self {
        NoteRecord {
            id: 0,
            team: team.to_string(),
            rep: rep.to_string(),
            at,
            score: report.score,
            findings: report
                .findings
                .iter()
                .map(|f| StoredFinding {
                    rule: f.rule.to_string(),
                    category: f.category,
                    start: f.start,
                    end: f.end,
                })
                .collect(),
            text: Some(text.to_string()),
        }
    }
}

/// When a team's weekly digest goes out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub weekday: Weekday,
    /// Hour of the day, 0–23, in the team's time zone.
    pub hour: u8,
    pub tz: Tz,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            weekday: Weekday::Fri,
            hour: 16,
            tz: Tz::UTC,
        }
    }
}

/// A team's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSettings {
    pub team: String,
    pub schedule: Schedule,
    /// Reps (user ids) who are managers, besides any platform role.
    #[serde(default)]
    pub managers: Vec<String>,
    /// Days the note text is kept; the analysis is kept regardless.
    pub retention_days: u32,
    /// Rule id → off or another level, as a manager set it.
    #[serde(default)]
    pub rule_overrides: BTreeMap<String, RuleOverride>,
    /// Rule id → its demotion after the team kept disputing it (see [`super::demotion`]).
    /// A manager's override of the same rule wins.
    #[serde(default)]
    pub demoted: BTreeMap<String, Demotion>,
    /// Whether digests may quote note text.
    #[serde(default)]
    pub digest_includes_text: bool,
    /// Where digests are posted (a platform channel id), if anywhere.
    #[serde(default)]
    pub digest_channel: Option<String>,
    /// Where notes are read from (a platform channel id), if anywhere.
    #[serde(default)]
    pub notes_channel: Option<String>,
    /// Platform role that makes a member a manager.
    #[serde(default)]
    pub manager_role: Option<String>,
    /// How the team is called in digests (a platform id is not a name).
    #[serde(default)]
    pub title: Option<String>,
    /// Rep id → display name, as the platform last showed it; digests use it.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

/// Default retention of note text.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

impl TeamSettings {
    pub fn new(team: &str) -> Self {
        TeamSettings {
            team: team.to_string(),
            schedule: Schedule::default(),
            managers: Vec::new(),
            retention_days: DEFAULT_RETENTION_DAYS,
            rule_overrides: BTreeMap::new(),
            demoted: BTreeMap::new(),
            digest_includes_text: false,
            digest_channel: None,
            notes_channel: None,
            manager_role: None,
            title: None,
            names: BTreeMap::new(),
        }
    }

    /// What the team changed about its rules: the managers' overrides, and demotions of rules
    /// the managers did not set.
    pub fn effective_overrides(&self) -> impl Iterator<Item = (&str, RuleOverride)> {
        self.rule_overrides
            .iter()
            .map(|(id, o)| (id.as_str(), *o))
            .chain(self.active_demotions().map(|(id, d)| (id, d.to)))
    }

    /// The demotions in force: those of rules no manager has set since.
    pub fn active_demotions(&self) -> impl Iterator<Item = (&str, &Demotion)> {
        self.demoted
            .iter()
            .filter(|(id, _)| !self.rule_overrides.contains_key(*id))
            .map(|(id, d)| (id.as_str(), d))
    }

    /// The rep's display name, or their id when none is known.
    pub fn name_of<'a>(&'a self, rep: &'a str) -> &'a str {
        self.names.get(rep).map_or(rep, String::as_str)
    }

    /// The team's display name, or its id.
    pub fn display_title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.team)
    }

    pub fn is_manager(&self, user: &str) -> bool {
        self.managers.iter().any(|m| m == user)
    }
}
