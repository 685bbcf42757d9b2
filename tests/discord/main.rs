//! The real serenity/poise bot against a fake Discord on 127.0.0.1 (tests/support), with a
//! real sled store in a temp dir. Here: starting the bot and reading what it sent; the tests
//! by what they exercise: `commands` (commands, modal, buttons, manager checks), `digests`,
//! `notes_channel`, `delivery` (Discord failing).

mod commands;
mod delivery;
mod digests;
mod notes_channel;
#[path = "../support/mod.rs"]
mod support;

use callnudge::clock::{Clock, ManualClock};
use callnudge::core::settings::SettingChange;
use callnudge::discord::shards::Shards;
use callnudge::discord::{self, DiscordConfig};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::SledStore;
use chrono::{DateTime, Duration as Days, TimeZone, Utc};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::fake_discord::*;
use tokio::sync::oneshot;

const REP: u64 = 1_000_000_000_000_111;
const OTHER_REP: u64 = 1_000_000_000_000_222;
const MANAGER: u64 = 1_000_000_000_000_999;
const DIGEST_CHANNEL: u64 = 4_000_000_000_000_555;

const NOTE: &str = "Call with Dana at Acme. They asked for a 15% discount and I said yes. \
                    I'll send the pricing deck by Friday.";

fn team() -> String {
    format!("discord-{GUILD}")
}

fn wednesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

async fn open_service(dir: &Path) -> Arc<Service> {
    let prompts = Arc::new(Prompts::load(None).unwrap());
    // A bot that just stopped may still be dropping its last handle on the store.
    for _ in 0..100 {
        if let Ok(store) = SledStore::open(dir) {
            return Arc::new(Service::new(Arc::new(store), prompts));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the store stayed locked");
}

struct Bot {
    service: Arc<Service>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Bot {
    async fn stop(self, fake: &FakeDiscord) {
        drop(self.service);
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("the bot did not stop")
            .unwrap();
        fake.disconnect();
    }
}

async fn start_bot(fake: &FakeDiscord, dir: &Path, clock: ManualClock) -> Bot {
    start_bot_sharded(fake, dir, clock, None).await
}

/// The bot, running only `shards` (`CALLNUDGE_DISCORD_SHARDS`) when given.
async fn start_bot_sharded(
    fake: &FakeDiscord,
    dir: &Path,
    clock: ManualClock,
    shards: Option<&str>,
) -> Bot {
    let service = open_service(dir).await;
    let config = DiscordConfig {
        digest_every: Duration::from_millis(100),
        ..DiscordConfig::from_vars(|k| match k {
            "DISCORD_TOKEN" => Some("fake-token".into()),
            "CALLNUDGE_DISCORD_PROXY" => Some(fake.rest.clone()),
            "CALLNUDGE_DISCORD_GUILD" => Some(GUILD.to_string()),
            "CALLNUDGE_DISCORD_MESSAGE_CONTENT" => Some("1".into()),
            "CALLNUDGE_DISCORD_SHARDS" => shards.map(str::to_string),
            _ => None,
        })
        .unwrap()
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let s = service.clone();
    let task = tokio::spawn(async move {
        discord::run(
            config,
            s,
            Arc::new(clock),
            Arc::new(Metrics::default()),
            async {
                let _ = stopped.await;
            },
        )
        .await
        .expect("the bot failed");
    });
    fake.wait_ready().await;
    Bot {
        service,
        stop,
        task,
    }
}

/// A fake Discord and the bot on a fresh data directory, its clock on Wednesday of 2026-W48.
async fn start_fresh() -> (FakeDiscord, tempfile::TempDir, Bot) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path(), ManualClock::new(wednesday())).await;
    (fake, dir, bot)
}

fn is_ephemeral(c: &Call) -> bool {
    let flags = c.json["flags"]
        .as_u64()
        .or_else(|| c.json["data"]["flags"].as_u64());
    flags.is_some_and(|f| f & 64 != 0)
}

/// `/note NOTE-TEXT` from the rep.
fn note_command(id: u64, text: &str) -> serde_json::Value {
    slash(
        id,
        REP,
        "ana",
        false,
        "note",
        json!([{"name": "text", "type": 3, "value": text}]),
    )
}

/// The text a call carries: a message's content or an interaction response's.
fn content(c: &Call) -> Option<&str> {
    c.json["content"]
        .as_str()
        .or_else(|| c.json["data"]["content"].as_str())
}

fn follow_up(token: &str) -> impl Fn(&Call) -> bool + '_ {
    move |c: &Call| c.method == "POST" && c.path == format!("/api/v10/webhooks/{APP}/{token}")
}

fn channel_posts(fake: &FakeDiscord) -> Vec<Call> {
    fake.calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path.starts_with("/api/v10/channels/"))
        .collect()
}

fn seed(service: &Service) {
    for (rep, name, text) in [
        (REP, "ana", NOTE),
        (OTHER_REP, "ben", "Met their CFO about cutting churn 10% this year; she owns the pilot plan and will book the review."),
    ] {
        service
            .remember_names(&team(), Some("Acme sales"), &rep.to_string(), name)
            .unwrap();
        service
            .submit_note(&team(), &rep.to_string(), text, wednesday() - Days::hours(1))
            .unwrap();
    }
}

fn digest_posts(fake: &FakeDiscord) -> Vec<Call> {
    channel_posts(fake)
        .into_iter()
        .filter(|c| c.path == format!("/api/v10/channels/{DIGEST_CHANNEL}/messages"))
        .collect()
}

async fn settle() {
    // For checks that nothing more arrives: a moment for stray work to show.
    tokio::time::sleep(Duration::from_millis(800)).await;
}

/// [`start_fresh`], with `CHANNEL` as the team's notes channel.
async fn start_with_notes_channel() -> (FakeDiscord, tempfile::TempDir, Bot) {
    let (fake, dir, bot) = start_fresh().await;
    bot.service
        .change_settings(
            &team(),
            [SettingChange::NotesChannel(Some(CHANNEL.to_string()))],
        )
        .unwrap();
    (fake, dir, bot)
}

/// A message with `NOTE` from `user` in the notes channel.
fn notes_channel_message(id: u64, user: u64, name: &str) -> serde_json::Value {
    json!({
        "id": id.to_string(), "channel_id": CHANNEL.to_string(), "guild_id": GUILD.to_string(),
        "author": {"id": user.to_string(), "username": name, "discriminator": "0", "avatar": null, "global_name": null},
        "member": {"roles": [], "deaf": false, "mute": false, "flags": 0, "joined_at": "2026-01-01T00:00:00.000000+00:00"},
        "content": NOTE, "timestamp": "2026-11-25T10:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0
    })
}

/// The DM path of the fake's one DM channel.
const DM_PATH: &str = "/api/v10/channels/7000000000000001/messages";

fn stored_notes(bot: &Bot) -> usize {
    bot.service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap()
        .len()
}
