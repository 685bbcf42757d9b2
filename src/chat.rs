//! The chat flows every chat adapter shares, written once: a note posted in a team's notes
//! channel, a "not reactive here" press, the digest step, and what a service error tells the
//! person it happened to. An adapter translates its platform's input into these calls and
//! renders what they return (Discord components and DMs, Block Kit, Mattermost text); a new
//! platform needs only that translation.
//!
//! **Invariant:** an adapter decides nothing these functions decide — which channel counts,
//! whether a retry is new, what a client's mistake is told, which counter moves.

use crate::core::wording::fill;
use crate::core::TeamSettings;
use crate::digest_task::{claim_due, DueDigest};
use crate::metrics::Metrics;
use crate::service::Service;
use crate::service::{ServiceError, Submitted};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::Arc;

/// A rep's message in a channel, as a platform delivered it.
#[derive(Clone, Copy, Debug)]
pub struct ChannelNote<'a> {
    pub team: &'a str,
    pub rep: &'a str,
    /// The rep's display name and the team's title, where the platform gives them.
    pub rep_name: Option<&'a str>,
    pub team_title: Option<&'a str>,
    pub channel: &'a str,
    pub text: &'a str,
    /// The platform's id of the delivery, when it may deliver the same message again (a
    /// Slack retry): the note is then stored once however often it comes.
    pub event: Option<&'a str>,
    pub posted: DateTime<Utc>,
}

/// What became of a channel message.
#[derive(Debug)]
pub enum ChannelOutcome {
    /// Not the team's notes channel: not a note.
    NotANote,
    /// A delivery of a message stored before: nothing to say again.
    AlreadyStored,
    /// Stored and counted; the rep has nudges snoozed, so nothing is said.
    Snoozed,
    /// Stored: the nudge to give the rep privately.
    Nudge(Box<Submitted>),
    /// The rep's own mistake (an empty or too long note): what to tell them privately;
    /// nothing stored.
    Refused(String),
}

/// A message in a channel: stored and answered if it is in the team's notes channel.
/// `Err` only when the store failed (nothing acknowledged; the platform may retry).
pub async fn channel_note(
    service: &Arc<Service>,
    metrics: &Metrics,
    note: ChannelNote<'_>,
) -> Result<ChannelOutcome, ServiceError> {
    let settings = service.settings(note.team)?; // a read from the store's cache
    if settings.notes_channel.as_deref() != Some(note.channel) {
        return Ok(ChannelOutcome::NotANote);
    }
    if let Some(name) = note.rep_name {
        service
            .remember_names_async(note.team, note.team_title, note.rep, name)
            .await?;
    }
    let submitted = match note.event {
        Some(event) => {
            service
                .submit_event_note_async(event, note.team, note.rep, note.text, note.posted)
                .await
        }
        None => service
            .submit_note_async(note.team, note.rep, note.text, note.posted)
            .await
            .map(Some),
    };
    let submitted = match submitted {
        Ok(Some(s)) => s,
        Ok(None) => {
            tracing::info!("a delivery of a stored message ignored");
            return Ok(ChannelOutcome::AlreadyStored);
        }
        Err(e) if !e.is_server_fault() => {
            Metrics::inc(&metrics.requests_rejected);
            return Ok(ChannelOutcome::Refused(error_text(&e)));
        }
        Err(e) => return Err(e),
    };
    Metrics::inc(&metrics.notes_analysed);
    Ok(if submitted.snoozed_until.is_some() {
        ChannelOutcome::Snoozed
    } else {
        ChannelOutcome::Nudge(Box::new(submitted))
    })
}

/// A dispute button's value: `NOTE:RULE` (platforms add their own prefix around it).
pub fn dispute_value(note: u64, rule: &str) -> String {
    format!("{note}:{rule}")
}

/// The note and rule of a dispute button's value; `None` for anything the bot did not write.
pub fn parse_dispute_value(value: &str) -> Option<(u64, String)> {
    let (note, rule) = value.split_once(':')?;
    let note = note.parse().ok()?;
    (!rule.is_empty()).then(|| (note, rule.to_string()))
}

/// The label of a dispute button (`prompts/nudge.toml`), cut to `max` characters (the
/// platform's limit).
pub fn dispute_label(service: &Service, rule: &str, max: usize) -> String {
    fill(&service.prompts().nudge.dispute_button, &[("rule", rule)])
        .chars()
        .take(max)
        .collect()
}

/// What a "not reactive here" press answers, and whether a dispute was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeAnswer {
    pub text: String,
    pub stored: bool,
}

/// A rep pressed "not reactive here" on a finding of `rule` in note `note`. Stored only if the
/// finding is the presser's own; a client's mistake (someone else's note, an unknown rule) is
/// said as it is and counted as rejected; a store failure asks to try again.
pub async fn press_dispute(
    service: &Arc<Service>,
    metrics: &Metrics,
    team: String,
    user: String,
    note: u64,
    rule: String,
    now: DateTime<Utc>,
) -> DisputeAnswer {
    let s = service.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        s.dispute(&team, &user, &rule, note, now)
            .map(|o| s.dispute_answer(&rule, &o))
    })
    .await;
    match outcome {
        Ok(Ok(text)) => {
            Metrics::inc(&metrics.disputes);
            tracing::info!(note, "dispute stored");
            DisputeAnswer { text, stored: true }
        }
        Ok(Err(e)) if !e.is_server_fault() => {
            Metrics::inc(&metrics.requests_rejected);
            DisputeAnswer {
                text: error_text(&e),
                stored: false,
            }
        }
        Ok(Err(e)) => {
            Metrics::inc(&metrics.errors);
            tracing::error!(error = %e, "dispute not stored");
            DisputeAnswer {
                text: error_text(&e),
                stored: false,
            }
        }
        Err(e) => {
            Metrics::inc(&metrics.errors);
            tracing::error!(error = %e, "dispute task failed");
            DisputeAnswer {
                text: "That could not be stored; please try again.".into(),
                stored: false,
            }
        }
    }
}

/// What a service error tells the person it happened to: their own mistake as it is (the
/// error says what to do), a store failure as "nothing was stored, try again".
pub fn error_text(e: &ServiceError) -> String {
    if e.is_server_fault() {
        format!("Nothing was stored: {e}. Please try again later.")
    } else {
        e.to_string()
    }
}

/// One digest step for one adapter: claims the due digests of the teams `mine` accepts
/// (exactly once, see [`crate::digest_task`]) and posts each with `post`, counting and
/// logging the outcome. Returns how many were posted.
pub async fn digest_step<P, Fut, E>(
    service: &Arc<Service>,
    metrics: &Metrics,
    now: DateTime<Utc>,
    mine: impl Fn(&TeamSettings) -> bool + Send + 'static,
    mut post: P,
) -> Result<usize, ServiceError>
where
    P: FnMut(DueDigest) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let s = service.clone();
    let due = tokio::task::spawn_blocking(move || claim_due(&s, now, &mine))
        .await
        .map_err(|_| ServiceError::Interrupted)??;
    let mut posted = 0;
    for d in due {
        let (team, week) = (d.team.team.clone(), d.week);
        match post(d).await {
            Ok(()) => {
                posted += 1;
                Metrics::inc(&metrics.digests_sent);
                tracing::info!(team = %team, week = %week, "digest posted");
            }
            Err(e) => {
                Metrics::inc(&metrics.errors);
                tracing::error!(team = %team, week = %week, error = %e, "digest could not be posted");
            }
        }
    }
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispute_value_reads_back_and_nothing_else_does() {
        assert_eq!(
            parse_dispute_value(&dispute_value(12, "checking-in")),
            Some((12, "checking-in".to_string()))
        );
        for odd in ["", "12", "x:rule", "12:", ":rule", "-1:rule"] {
            assert_eq!(parse_dispute_value(odd), None, "{odd:?}");
        }
    }
}
