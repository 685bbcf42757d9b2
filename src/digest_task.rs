//! The weekly digest task: one step, "claim and send what is due now", and the loops that
//! repeat it. Tests call the step directly with the time they choose.
//!
//! Exactly once: a digest is claimed in the store (compare-and-swap on the team's last week)
//! before it is sent, so two processes or a restart cannot send it twice; if sending fails the
//! claim is not rolled back, and the failure is logged (a lost digest beats a duplicate).
//!
//! Synchronous sinks (the console) use [`send_due`]; the chat adapters call [`claim_due`] on a
//! blocking thread and send what it returns with their own async client.

use crate::core::digest::Digest;
use crate::core::{TeamSettings, Week};
use crate::service::{Service, ServiceError};
use chrono::{DateTime, Utc};

/// Where digests go: a chat channel, a Web API, a terminal.
pub trait DigestSink {
    fn send(
        &mut self,
        team: &TeamSettings,
        digest: &Digest,
        parts: &[String],
    ) -> anyhow::Result<()>;
}

/// A digest claimed for sending.
#[derive(Debug, Clone)]
pub struct DueDigest {
    pub team: TeamSettings,
    pub week: Week,
    pub digest: Digest,
    /// The Markdown parts, each within a chat message's limit.
    pub parts: Vec<String>,
}

/// Claims every digest due at `now` among the teams `mine` accepts (an adapter takes only its
/// own platform's teams), and builds them. A claimed digest is never returned again.
pub fn claim_due(
    service: &Service,
    now: DateTime<Utc>,
    mine: &dyn Fn(&TeamSettings) -> bool,
) -> Result<Vec<DueDigest>, ServiceError> {
    let mut out = Vec::new();
    for (team, week) in service.due_digests(now)? {
        if !mine(&team) {
            continue;
        }
        if !service.claim_digest(&team.team, week)? {
            continue; // another process claimed it
        }
        let (digest, parts) = service.digest(&team.team, Some(week), now)?;
        out.push(DueDigest {
            team,
            week,
            digest,
            parts,
        });
    }
    Ok(out)
}

/// Sends every digest due at `now`; returns the (team, week) pairs sent.
pub fn send_due(
    service: &Service,
    now: DateTime<Utc>,
    sink: &mut dyn DigestSink,
) -> Result<Vec<(String, Week)>, ServiceError> {
    let mut sent = Vec::new();
    for due in claim_due(service, now, &|_| true)? {
        match sink.send(&due.team, &due.digest, &due.parts) {
            Ok(()) => {
                tracing::info!(week = %due.week, "digest sent");
                sent.push((due.team.team.clone(), due.week));
            }
            Err(e) => tracing::error!(week = %due.week, error = %e, "digest could not be sent"),
        }
    }
    Ok(sent)
}
