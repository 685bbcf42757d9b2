//! The use cases every adapter calls: submit a note, see a trend, build a digest, change team
//! settings, dispute a finding, forget a rep. Adapters translate a platform's input into these
//! calls and render what they return; the clock is always passed in. A note's way in is in
//! `service/notes.rs`, disputes in `service/disputes.rs`.

use crate::core::demotion::{self, Demotion};
use crate::core::digest::{self, Digest};
use crate::core::settings::{self, SettingChange, SettingError};
use crate::core::snooze::{self, SnoozeError, SnoozeRequest};
use crate::core::trend::{self, WeekStat};
use crate::core::wording::fill;
use crate::core::{
    analyze, nudge, schedule, Category, NoteRecord, Nudge, Report, RuleOverride, TeamSettings, Week,
};
use crate::prompts::Prompts;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

mod disputes;
mod notes;

pub use disputes::DisputeOutcome;

/// The longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// Weeks a trend shows unless asked otherwise, and at most.
pub const DEFAULT_TREND_WEEKS: usize = 8;
pub const MAX_TREND_WEEKS: usize = 52;

/// Why a use case could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the note is empty; write a few lines about the call")]
    EmptyNote,
    #[error("the note has {chars} characters; the limit is {max} — split it into several notes")]
    NoteTooLong { chars: usize, max: usize },
    #[error("only the team's managers can do that")]
    NotManager,
    #[error("rule `{0}` does not exist; rule ids are the `id = …` lines in prompts/rules/*.toml")]
    UnknownRule(String),
    #[error("the {kind} id {id:?} is blank, longer than {max} characters or holds control characters; use a plain name such as acme", max = crate::core::record::MAX_ID_CHARS)]
    BadId { kind: &'static str, id: String },
    #[error("there is no team `{team}` here (no note or setting ever); teams here: {known}. Check --team (a Discord server is discord-GUILD_ID, a Slack team slack-TEAM_ID)")]
    UnknownTeam { team: String, known: String },
    /// The finding is not among the rep's: `yours` says whether the note is theirs at all
    /// (whether another rep has such a note is never said).
    #[error("{}", if *yours {
        format!("your note {note} has no `{rule}` finding; dispute a finding from one of your own nudges")
    } else {
        format!("you have no note {note} in this team; dispute a finding from one of your own nudges (the note's number is printed under it)")
    })]
    NoSuchFinding {
        rule: String,
        note: u64,
        yours: bool,
    },
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Snooze(#[from] SnoozeError),
    #[error("callnudge is shutting down and could not finish this; send it again in a minute")]
    Interrupted,
}

impl ServiceError {
    /// Whether the fault is on this side (the store, a shutdown) rather than the caller's
    /// mistake: a 5xx and the error counter, not a 4xx and "rejected".
    pub fn is_server_fault(&self) -> bool {
        matches!(self, ServiceError::Store(_) | ServiceError::Interrupted)
    }
}

/// What a rep gets back for a note: the stored record, the analysis and the nudge.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub note: NoteRecord,
    pub report: Report,
    /// The nudge; while the rep has nudges snoozed, only an acknowledgement.
    pub nudge: Nudge,
    /// When the rep's snooze ends, if one is on (a notes channel then says nothing at all).
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// The application: prompts and a store. Both are private: every adapter reaches the store
/// through the use cases below, so what an adapter may do is what this file offers.
pub struct Service {
    store: Arc<dyn Store>,
    prompts: Arc<Prompts>,
}

/// Notes up to this many bytes are analysed on the async runtime's own thread by
/// [`Service::submit_note_async`] (p99 under 100 µs); longer ones on a blocking thread.
const INLINE_ANALYSIS_BYTES: usize = 4_096;

/// Runs a blocking part of a use case on tokio's blocking pool (a panic there goes on
/// unwinding; a runtime shutting down is [`ServiceError::Interrupted`]).
pub(crate) async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ServiceError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(ServiceError::Interrupted),
    }
}

/// Checks a team id and, when given, a rep id (see [`crate::core::record::valid_id`]).
fn check_ids(team: &str, rep: Option<&str>) -> Result<(), ServiceError> {
    let bad = |kind, id: &str| ServiceError::BadId {
        kind,
        id: id.chars().take(120).collect(),
    };
    if !crate::core::record::valid_id(team) {
        return Err(bad("team", team));
    }
    match rep {
        Some(rep) if !crate::core::record::valid_id(rep) => Err(bad("rep", rep)),
        _ => Ok(()),
    }
}

/// Sets the rep's display name and the team's title as the platform shows them; false when
/// both are stored already.
fn rename(s: &mut TeamSettings, team_title: Option<&str>, rep: &str, rep_name: &str) -> bool {
    let rep_name: String = rep_name
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let title: Option<String> = team_title.map(|t| t.chars().take(100).collect());
    let same_rep = s.names.get(rep) == Some(&rep_name);
    let same_title = title.is_none() || s.title == title;
    if same_rep && same_title {
        return false;
    }
    s.names.insert(rep.to_string(), rep_name);
    if title.is_some() {
        s.title = title;
    }
    true
}

impl Service {
    pub fn new(store: Arc<dyn Store>, prompts: Arc<Prompts>) -> Service {
        Service { store, prompts }
    }

    /// The team's settings, or the defaults for a team not seen before.
    pub fn settings(&self, team: &str) -> Result<TeamSettings, ServiceError> {
        Ok(self
            .store
            .team(team)?
            .unwrap_or_else(|| TeamSettings::new(team)))
    }

    /// Replaces a team's settings whole (the demo, imports); a manager's changes go through
    /// [`Service::change_settings`], which cannot lose a change made at the same time.
    pub fn save_settings(&self, settings: &TeamSettings) -> Result<(), ServiceError> {
        for id in settings.rule_overrides.keys() {
            if self.prompts.rules.rule(id).is_none() {
                return Err(ServiceError::UnknownRule(id.clone()));
            }
        }
        self.store.update_team(&settings.team, &mut |s| {
            *s = settings.clone();
            true
        })?;
        Ok(())
    }

    /// Applies validated changes to a team's settings and stores them atomically: nothing is
    /// stored unless every change is valid, and no change made at the same time (another
    /// manager, a rep's first note, a demotion, a forget) is lost.
    pub fn change_settings(
        &self,
        team: &str,
        changes: impl IntoIterator<Item = SettingChange>,
    ) -> Result<TeamSettings, ServiceError> {
        check_ids(team, None)?;
        let changes: Vec<SettingChange> = changes.into_iter().collect();
        let known = |id: &str| self.prompts.rules.rule(id).is_some();
        let mut refused = None;
        let stored = self.store.update_team(team, &mut |s| match changes
            .iter()
            .try_for_each(|c| settings::apply(s, c.clone(), &known))
        {
            Ok(()) => true,
            Err(e) => {
                refused = Some(e);
                false
            }
        })?;
        match refused {
            Some(e) => Err(e.into()),
            None => Ok(stored),
        }
    }

    /// Remembers how the platform shows a rep and the team, for digests; writes only on change.
    pub fn remember_names(
        &self,
        team: &str,
        team_title: Option<&str>,
        rep: &str,
        rep_name: &str,
    ) -> Result<(), ServiceError> {
        check_ids(team, Some(rep))?;
        self.store
            .update_team(team, &mut |s| rename(s, team_title, rep, rep_name))?;
        Ok(())
    }

    /// [`Service::remember_names`] for async adapters: the check happens in place (a cached
    /// read), the rare write (a new name) on a blocking thread.
    pub async fn remember_names_async(
        self: &Arc<Self>,
        team: &str,
        team_title: Option<&str>,
        rep: &str,
        rep_name: &str,
    ) -> Result<(), ServiceError> {
        check_ids(team, Some(rep))?;
        if !rename(&mut self.settings(team)?, team_title, rep, rep_name) {
            return Ok(());
        }
        let s = self.clone();
        let (team, title, rep, name) = (
            team.to_string(),
            team_title.map(str::to_string),
            rep.to_string(),
            rep_name.to_string(),
        );
        off_runtime(move || s.remember_names(&team, title.as_deref(), &rep, &name)).await
    }

    /// Whether `user` manages `team`: listed in its settings, or holding the team's manager
    /// role or an admin permission on the platform (`platform_manager`, checked by the adapter).
    pub fn is_manager(
        &self,
        team: &str,
        user: &str,
        platform_manager: bool,
    ) -> Result<bool, ServiceError> {
        Ok(platform_manager || self.settings(team)?.is_manager(user))
    }

    /// The categories, what each means, and which rules are on for this team, as Markdown
    /// parts that fit a chat message.
    pub fn rules_overview(&self, team: &str) -> Result<Vec<String>, ServiceError> {
        let s = self.settings(team)?;
        let rules = &self.prompts.rules;
        let mut lines = Vec::new();
        for polarity in [crate::core::Polarity::Reactive, crate::core::Polarity::Peer] {
            lines.push(format!("**{} signals**", polarity.id()));
            for c in Category::ALL.iter().filter(|c| c.polarity() == polarity) {
                let info = rules.category(*c);
                let ids: Vec<String> = rules
                    .rules()
                    .iter()
                    .filter(|r| r.category == *c)
                    .map(|r| {
                        let id = &*r.id;
                        let (setting, why) = match s.rule_overrides.get(id) {
                            Some(o) => (Some(*o), ""),
                            None => (s.demoted.get(id).map(|d| d.to), ", after disputes"),
                        };
                        match setting {
                            Some(RuleOverride::Off) => format!("~~{id}~~ (off{why})"),
                            Some(RuleOverride::Level(l)) => format!("{id} ({}{why})", l.id()),
                            None => id.to_string(),
                        }
                    })
                    .collect();
                lines.push(format!(
                    "• **{}** (`{}`): {} Rules: {}",
                    info.label,
                    c.id(),
                    info.explanation.trim(),
                    ids.join(", ")
                ));
            }
        }
        Ok(crate::core::digest::split_parts(
            &lines,
            crate::core::nudge::MAX_CHARS,
        ))
    }

    /// A moment as the team reads it: "Tue 1 Dec 14:00 (Europe/Berlin)".
    fn local_time(&self, team: &str, at: DateTime<Utc>) -> Result<String, ServiceError> {
        let tz = self.settings(team)?.schedule.tz;
        Ok(format!(
            "{} ({})",
            at.with_timezone(&tz).format("%a %-d %b %H:%M"),
            tz.name()
        ))
    }

    /// A rep's own weekly trend and its chat rendering (exactly the rows a manager sees).
    pub fn trend(&self, team: &str, rep: &str) -> Result<(Vec<WeekStat>, String), ServiceError> {
        self.trend_weeks(team, rep, DEFAULT_TREND_WEEKS, rep)
    }

    /// [`Service::trend`] over the last `weeks` weeks with data, naming the rep `display`.
    pub fn trend_weeks(
        &self,
        team: &str,
        rep: &str,
        weeks: usize,
        display: &str,
    ) -> Result<(Vec<WeekStat>, String), ServiceError> {
        check_ids(team, Some(rep))?;
        let settings = self.settings(team)?;
        let notes = self.store.notes(team, Some(rep))?;
        let stats = trend::weekly(&notes, settings.schedule.tz);
        let text = trend::render(
            &self.prompts.trend,
            display,
            &stats,
            weeks.clamp(1, MAX_TREND_WEEKS),
        );
        Ok((stats, text))
    }

    /// The team's digest for `week` (default: the week `now` is in), and its Markdown parts.
    pub fn digest(
        &self,
        team: &str,
        week: Option<Week>,
        now: DateTime<Utc>,
    ) -> Result<(Digest, Vec<String>), ServiceError> {
        check_ids(team, None)?;
        let settings = self.settings(team)?;
        let week = week.unwrap_or_else(|| Week::of(now, settings.schedule.tz));
        // Only the sparkline window is read; a day of margin covers any time zone offset.
        let first = (1..digest::SPARK_WEEKS).fold(week, |w, _| w.prev());
        let since = first
            .monday()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            - Duration::days(1);
        let notes = self.store.notes_since(team, since)?;
        let disputes = self.store.dispute_log(team)?;
        let d = digest::build(&settings, week, &notes, &disputes, &self.prompts.digest);
        let parts = digest::render(&d, &self.prompts.digest);
        Ok((d, parts))
    }

    /// The digest for a manager: refused to anyone else, with no team data in the refusal.
    pub fn digest_for(
        &self,
        team: &str,
        user: &str,
        is_platform_manager: bool,
        week: Option<Week>,
        now: DateTime<Utc>,
    ) -> Result<(Digest, Vec<String>), ServiceError> {
        if !self.is_manager(team, user, is_platform_manager)? {
            return Err(ServiceError::NotManager);
        }
        self.digest(team, week, now)
    }

    /// Deletes every record of a rep.
    pub fn forget(&self, team: &str, rep: &str) -> Result<u64, ServiceError> {
        check_ids(team, Some(rep))?;
        let n = self.store.forget_rep(team, rep)?;
        tracing::info!(deleted = n, "rep forgotten");
        Ok(n)
    }

    /// Whether `team` has ever had a note or a setting here; `Err(UnknownTeam)` lists the
    /// teams that have, for a mistyped `--team`.
    pub fn known_team(&self, team: &str) -> Result<(), ServiceError> {
        let with_notes = self.store.teams_with_notes()?;
        if with_notes.iter().any(|t| t == team) || self.store.team(team)?.is_some() {
            return Ok(());
        }
        let mut known: Vec<String> = with_notes;
        known.extend(self.store.teams()?.into_iter().map(|t| t.team));
        known.sort();
        known.dedup();
        Err(ServiceError::UnknownTeam {
            team: team.to_string(),
            known: if known.is_empty() {
                "none yet".into()
            } else {
                known.join(", ")
            },
        })
    }

    /// The rules and wording (read-only).
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    /// The store itself, for tests and benchmarks that check what was written. Adapters use
    /// the use cases of this type instead (ARCHITECTURE.md).
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Makes everything written durable (on shutdown).
    pub fn flush(&self) -> Result<(), ServiceError> {
        Ok(self.store.flush()?)
    }

    /// A team's notes, oldest first (for export).
    pub fn team_notes(&self, team: &str) -> Result<Vec<NoteRecord>, ServiceError> {
        check_ids(team, None)?;
        Ok(self.store.notes(team, None)?)
    }

    /// Stores imported notes, each under an id its content decides: rows stored before are
    /// not stored again. Returns how many were new.
    pub fn import_notes(&self, notes: Vec<NoteRecord>) -> Result<u64, ServiceError> {
        Ok(self.store.add_notes_once(notes)?)
    }

    /// Claims `team`'s digest of `week` (compare-and-swap): `false` when it was claimed
    /// already, by this process or another.
    pub fn claim_digest(&self, team: &str, week: Week) -> Result<bool, ServiceError> {
        Ok(self.store.mark_digest_sent(team, week)?)
    }

    /// Forgets chat event ids older than `before` (retries come within minutes).
    pub fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, ServiceError> {
        Ok(self.store.prune_events(before)?)
    }

    /// Copies the whole store into `to`, a new folder, safely while the bot runs; returns
    /// the notes copied. The copy is read back before this returns.
    pub fn backup(&self, to: &std::path::Path) -> Result<u64, ServiceError> {
        let n = self.store.backup(to)?;
        tracing::info!(notes = n, "backup written");
        Ok(n)
    }

    /// Whether the store can still write: a tiny record written and flushed to disk. After a
    /// failed write (a full disk) sled refuses every later one until the process restarts.
    pub fn probe_store(&self, now: DateTime<Utc>) -> Result<(), ServiceError> {
        self.store.set_meta_time("health_probe", now)?;
        self.store.flush()?;
        Ok(())
    }

    /// Drops note text older than each team's retention.
    pub fn purge_expired_text(&self, now: DateTime<Utc>) -> Result<u64, ServiceError> {
        let mut total = 0;
        for t in self.store.teams()? {
            let before = now - Duration::days(i64::from(t.retention_days));
            total += self.store.purge_text(&t.team, before)?;
        }
        Ok(total)
    }

    /// Runs [`Service::purge_expired_text`] if it has not run in the last day, so note text
    /// past retention goes away however callnudge is used (the console too, not only `serve`).
    /// Returns how many notes lost their text, if it ran.
    pub fn purge_if_due(&self, now: DateTime<Utc>) -> Result<Option<u64>, ServiceError> {
        const KEY: &str = "last_retention_purge";
        if let Some(last) = self.store.meta_time(KEY)? {
            if now - last < Duration::days(1) && last <= now {
                return Ok(None);
            }
        }
        let n = self.purge_expired_text(now)?;
        self.store.set_meta_time(KEY, now)?;
        Ok(Some(n))
    }

    /// The teams whose digest is due at `now`, with the week to send.
    pub fn due_digests(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(TeamSettings, Week)>, ServiceError> {
        let mut out = Vec::new();
        for t in self.store.teams()? {
            let last = self.store.last_digest(&t.team)?;
            if let Some(week) = schedule::due(&t.schedule, last, now) {
                out.push((t, week));
            }
        }
        Ok(out)
    }
}
