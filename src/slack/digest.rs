//! The Slack digest task: every tick, claim the due digests of Slack teams with a digest
//! channel (exactly once, see [`crate::digest_task`]) and post each part with
//! `chat.postMessage` and the bot token, then the PNG chart (external upload flow). Also
//! forgets old event ids.

use super::commands::mrkdwn;
use super::{SlackState, EVENT_MEMORY};
use crate::digest_task::claim_due;
use crate::metrics::Metrics;
use std::sync::Arc;

/// One step at the clock's now; returns how many digests were posted.
pub async fn step(state: &Arc<SlackState>) -> usize {
    let now = state.clock.now();
    let s = state.clone();
    let due = tokio::task::spawn_blocking(move || {
        let _ = s.service.store.prune_events(now - EVENT_MEMORY);
        claim_due(&s.service, now, &|t| {
            t.team.starts_with("slack-") && t.digest_channel.is_some()
        })
    })
    .await;
    let due = match due {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "digest step failed");
            return 0;
        }
        Err(e) => {
            tracing::error!(error = %e, "digest step panicked");
            return 0;
        }
    };
    let mut posted = 0;
    for d in due {
        let channel = d.team.digest_channel.clone().unwrap_or_default();
        let mut ok = true;
        for part in &d.parts {
            if let Err(e) = state.api.post_message(&channel, &mrkdwn(part)).await {
                tracing::error!(team = %d.team.team, week = %d.week, error = %e, "digest could not be posted");
                Metrics::inc(&state.metrics.errors);
                ok = false;
                break;
            }
        }
        if ok {
            match crate::chart::weekly_scores_png(&d.digest) {
                Ok(png) => {
                    let title = format!("{} — weekly peer score", d.digest.team);
                    if let Err(e) = state
                        .api
                        .upload_png(&channel, "digest.png", &title, png)
                        .await
                    {
                        tracing::warn!(team = %d.team.team, error = %e, "digest chart not uploaded");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "digest chart not drawn"),
            }
            posted += 1;
            Metrics::inc(&state.metrics.digests_sent);
            tracing::info!(team = %d.team.team, week = %d.week, "digest posted");
        }
    }
    posted
}

/// Repeats [`step`] until aborted.
pub async fn run_loop(state: Arc<SlackState>) {
    let mut tick = tokio::time::interval(state.config.digest_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        step(&state).await;
    }
}
