//! A note's way in: validated, analysed with the team's rules, stored durably, then answered
//! with the nudge (or, while the rep has nudges snoozed, an acknowledgement); the blocking
//! `submit_note` for the console, the async ones for chat adapters (a chat event's retries store
//! it once); and a rep's own snooze.

use super::*;

impl Service {
    /// Checks and analyses a note with the team's rule overrides, without storing it.
    pub fn prepare_note(
        &self,
        team: &str,
        rep: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(NoteRecord, Report), ServiceError> {
        check_ids(team, Some(rep))?;
        if text.trim().is_empty() {
            return Err(ServiceError::EmptyNote);
        }
        let chars = text.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(ServiceError::NoteTooLong {
                chars,
                max: MAX_NOTE_CHARS,
            });
        }
        let settings = self.store.team(team)?;
        let report = match &settings {
            Some(s) if !s.rule_overrides.is_empty() || !s.demoted.is_empty() => {
                let rules = self.prompts.rules.with_overrides(s.effective_overrides());
                analyze(&rules, text)
            }
            _ => analyze(&self.prompts.rules, text),
        };
        let mut record = NoteRecord::new(team, rep, now, text, &report);
        if settings.as_ref().is_some_and(|s| s.retention_days == 0) {
            record.text = None;
        }
        Ok((record, report))
    }

    /// Analyses a note with the team's rule overrides, stores it durably, and returns the
    /// nudge. Nothing is acknowledged that was not stored.
    pub fn submit_note(
        &self,
        team: &str,
        rep: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Submitted, ServiceError> {
        let (record, report) = self.prepare_note(team, rep, text, now)?;
        let note = self.store.add_note(record)?;
        self.answer(note, text, report, now)
    }

    /// [`Service::submit_note`] for async adapters, with the same checks, analysis, storage
    /// and answer; but the wait for the disk holds no thread ([`Store::add_note_then`]), so
    /// concurrent notes share flushes without a blocked thread each. A short note is analysed
    /// in place (tens of microseconds); a long one on a blocking thread.
    pub async fn submit_note_async(
        self: &Arc<Self>,
        team: &str,
        rep: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Submitted, ServiceError> {
        let (record, report) = self.prepare_note_async(team, rep, text, now).await?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.store.add_note_then(
            record,
            Box::new(move |stored| {
                let _ = tx.send(stored);
            }),
        );
        let note = rx.await.map_err(|_| ServiceError::Interrupted)??;
        self.answer(note, text, report, now)
    }

    /// [`Service::submit_note_async`] for a note that came as a chat event which the platform
    /// may deliver again (a Slack retry carries the same `event` id): stored once however often
    /// it comes, and a retry after a crash or a failed write stores it then. `posted` is the
    /// event's own time (the same in every delivery); it is the note's time. `None`: the event
    /// was stored before.
    pub async fn submit_event_note_async(
        self: &Arc<Self>,
        event: &str,
        team: &str,
        rep: &str,
        text: &str,
        posted: DateTime<Utc>,
    ) -> Result<Option<Submitted>, ServiceError> {
        let (record, report) = self.prepare_note_async(team, rep, text, posted).await?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.store.add_event_note_then(
            event,
            record,
            Box::new(move |stored| {
                let _ = tx.send(stored);
            }),
        );
        match rx.await.map_err(|_| ServiceError::Interrupted)?? {
            Some(note) => self.answer(note, text, report, posted).map(Some),
            None => Ok(None),
        }
    }

    /// [`Service::prepare_note`] on the runtime for a short note, off it for a long one.
    async fn prepare_note_async(
        self: &Arc<Self>,
        team: &str,
        rep: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(NoteRecord, Report), ServiceError> {
        if text.len() <= INLINE_ANALYSIS_BYTES {
            return self.prepare_note(team, rep, text, now);
        }
        let s = self.clone();
        let (team, rep, text) = (team.to_string(), rep.to_string(), text.to_string());
        off_runtime(move || s.prepare_note(&team, &rep, &text, now)).await
    }

    /// What the rep is told about a stored note: the nudge, or while snoozed a one-line
    /// acknowledgement.
    fn answer(
        &self,
        note: NoteRecord,
        text: &str,
        report: Report,
        now: DateTime<Utc>,
    ) -> Result<Submitted, ServiceError> {
        let snoozed_until = self.store.rep_prefs(&note.team, &note.rep)?.snoozed_at(now);
        let nudge = match snoozed_until {
            None => nudge(&self.prompts.rules, &self.prompts.nudge, &report, text),
            Some(until) => {
                let until = self.local_time(&note.team, until)?;
                let text = fill(&self.prompts.nudge.snoozed, &[("until", &until)]);
                crate::core::nudge::snoozed(report.score, &text)
            }
        };
        tracing::info!(
            note = note.id,
            score = report.score,
            findings = report.findings.len(),
            "note analysed"
        );
        Ok(Submitted {
            note,
            report,
            nudge,
            snoozed_until,
        })
    }

    /// A rep's `snooze` command (`4h`, `2d`, `1w`, `off`, or nothing for the state): stores it
    /// and returns what to tell the rep.
    pub fn snooze(
        &self,
        team: &str,
        rep: &str,
        arg: &str,
        now: DateTime<Utc>,
    ) -> Result<String, ServiceError> {
        check_ids(team, Some(rep))?;
        let mut prefs = self.store.rep_prefs(team, rep)?;
        match snooze::parse(arg)? {
            SnoozeRequest::Status => {}
            SnoozeRequest::Off => {
                prefs.snoozed_until = None;
                self.store.put_rep_prefs(team, rep, &prefs)?;
            }
            SnoozeRequest::For(length) => {
                prefs.snoozed_until = Some(now + length);
                self.store.put_rep_prefs(team, rep, &prefs)?;
            }
        }
        let w = &self.prompts.nudge;
        Ok(match prefs.snoozed_at(now) {
            None => w.snooze_off.clone(),
            Some(until) => fill(&w.snooze_set, &[("until", &self.local_time(team, until)?)]),
        })
    }
}
