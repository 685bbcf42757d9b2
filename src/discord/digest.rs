//! The Discord digest task: every tick, claim the due digests of Discord teams that have a
//! digest channel (exactly once, see [`crate::digest_task`]) and post each one there, split to
//! Discord's 2,000-character limit, with the weekly-score chart attached to the last part.

use super::shards::Shards;
use super::{deliver, is_discord_team, Error};
use crate::chat;
use crate::clock::Clock;
use crate::digest_task::DueDigest;
use crate::metrics::Metrics;
use crate::service::Service;
use poise::serenity_prelude as serenity;
use std::sync::Arc;
use std::time::Duration;

/// One step: claims what is due at the clock's now and posts it. Returns how many were posted.
/// Only the guilds of this process's shards (all, without shards): a digest is claimed once
/// in any case, this spreads the posting over the processes.
pub async fn step(
    http: &serenity::Http,
    service: &Arc<Service>,
    clock: &dyn Clock,
    metrics: &Metrics,
    shards: Option<Shards>,
) -> Result<usize, Error> {
    let mine = move |t: &crate::core::TeamSettings| {
        let guild = t.team.strip_prefix("discord-").and_then(|g| g.parse().ok());
        let ours = match (shards, guild) {
            (Some(s), Some(guild)) => s.owns(guild),
            _ => true,
        };
        is_discord_team(&t.team) && t.digest_channel.is_some() && ours
    };
    let posted = chat::digest_step(service, metrics, clock.now(), mine, |d| async move {
        post(http, &d).await
    })
    .await?;
    Ok(posted)
}

async fn post(http: &serenity::Http, d: &DueDigest) -> Result<(), Error> {
    let channel: u64 = d
        .team
        .digest_channel
        .as_deref()
        .and_then(|c| c.parse().ok())
        .filter(|c| *c != 0)
        .ok_or(Error::NotAChannel)?;
    let channel = serenity::ChannelId::new(channel);
    let last = d.parts.len().saturating_sub(1);
    for (i, part) in d.parts.iter().enumerate() {
        let mut msg = serenity::CreateMessage::new()
            .content(part)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if i == last {
            match crate::chart::weekly_scores_png(&d.digest) {
                Ok(png) => msg = msg.add_file(serenity::CreateAttachment::bytes(png, "digest.png")),
                Err(e) => tracing::warn!(error = %e, "digest posted without its chart"),
            }
        }
        // A part that fails for now is retried alone: the parts before it are not sent twice.
        deliver::with_retry("digest", || channel.send_message(http, msg.clone())).await?;
    }
    Ok(())
}

/// Repeats [`step`] every `every` until `stop` turns true (between steps, never in one).
pub async fn run_loop(
    http: Arc<serenity::Http>,
    service: Arc<Service>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    every: Duration,
    shards: Option<Shards>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        if let Err(e) = step(&http, &service, clock.as_ref(), &metrics, shards).await {
            Metrics::inc(&metrics.errors);
            tracing::error!(error = %e, "digest step failed");
        }
    }
}
