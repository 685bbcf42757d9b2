//! The weekly digest task: one step, "send what is due now", and the loop that repeats it.
//! Tests call the step directly with the time they choose.
//!
//! Exactly once: a digest is claimed in the store (compare-and-swap on the team's last week)
//! before it is sent, so two processes or a restart cannot send it twice; if sending fails the
//! claim is not rolled back, and the failure is logged (a lost digest beats a duplicate).

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

/// Sends every digest due at `now`; returns the (team, week) pairs sent.
pub fn send_due(
    service: &Service,
    now: DateTime<Utc>,
    sink: &mut dyn DigestSink,
) -> Result<Vec<(String, Week)>, ServiceError> {
    let mut sent = Vec::new();
    for (team, week) in service.due_digests(now)? {
        if !service.store.mark_digest_sent(&team.team, week)? {
            continue; // another process claimed it
        }
        let (digest, parts) = service.digest(&team.team, Some(week), now)?;
        match sink.send(&team, &digest, &parts) {
            Ok(()) => {
                tracing::info!(week = %week, "digest sent");
                sent.push((team.team.clone(), week));
            }
            Err(e) => tracing::error!(week = %week, error = %e, "digest could not be sent"),
        }
    }
    Ok(sent)
}
