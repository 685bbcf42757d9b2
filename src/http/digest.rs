//! The digest task of the HTTP adapter: every tick, claim the due digests of its teams that
//! have a digest channel (exactly once, see [`crate::digest_task`]) and post them — Slack teams
//! with `chat.postMessage` and the bot token, then the PNG chart (external upload flow);
//! Mattermost teams with `POST /api/v4/posts` when `MATTERMOST_URL` and `MATTERMOST_BOT_TOKEN`
//! are set. Also forgets old event ids.

use super::commands::mrkdwn;
use super::{SlackState, EVENT_MEMORY};
use crate::chat;
use crate::digest_task::DueDigest;
use crate::metrics::Metrics;
use std::sync::Arc;

/// Whether this adapter posts `team`'s digests.
fn mine(state: &SlackState, team: &crate::core::TeamSettings) -> bool {
    let platform = (state.config.slack() && team.team.starts_with("slack-"))
        || (state.config.mattermost_api.is_some() && team.team.starts_with("mattermost-"));
    platform && team.digest_channel.is_some()
}

/// One step at the clock's now; returns how many digests were posted.
pub async fn step(state: &Arc<SlackState>) -> usize {
    let now = state.clock.now();
    let s = state.clone();
    let _ = tokio::task::spawn_blocking(move || s.service.prune_events(now - EVENT_MEMORY)).await;
    let s = state.clone();
    let step = chat::digest_step(
        &state.service,
        &state.metrics,
        now,
        move |t| mine(&s, t),
        |d| async move {
            if d.team.team.starts_with("mattermost-") {
                post_mattermost(state, &d).await
            } else {
                post_slack(state, &d).await
            }
        },
    )
    .await;
    step.unwrap_or_else(|e| {
        Metrics::inc(&state.metrics.errors);
        tracing::error!(error = %e, "digest step failed");
        0
    })
}

async fn post_slack(state: &SlackState, d: &DueDigest) -> Result<(), super::api::ApiError> {
    let channel = d.team.digest_channel.clone().unwrap_or_default();
    for part in &d.parts {
        state.api.post_message(&channel, &mrkdwn(part)).await?;
    }
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
    Ok(())
}

async fn post_mattermost(state: &SlackState, d: &DueDigest) -> Result<(), super::api::ApiError> {
    let Some((server, token)) = &state.config.mattermost_api else {
        return Ok(()); // not claimed without it (see `mine`)
    };
    let channel = d.team.digest_channel.clone().unwrap_or_default();
    for part in &d.parts {
        // Mattermost renders Markdown as written.
        state
            .api
            .mattermost_post(server, token.expose(), &channel, part)
            .await?;
    }
    Ok(())
}

/// Repeats [`step`] until aborted.
pub async fn run_loop(state: Arc<SlackState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(state.config.digest_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // Stops between steps, never in the middle of one (a digest half sent).
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        step(&state).await;
    }
}
