//! The real serenity/poise bot against a fake Discord on 127.0.0.1 (tests/support): commands,
//! modal, buttons, manager checks and the digest task, with a real sled store in a temp dir.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn note_with_text_answers_privately_and_stores_the_note() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch("INTERACTION_CREATE", note_command(9001, NOTE));
    let reply = fake.wait_for("the nudge", follow_up("tok-9001")).await;
    let content = reply.json["content"].as_str().unwrap();
    assert!(
        is_ephemeral(&reply),
        "the nudge must be ephemeral: {:?}",
        reply.json
    );
    assert!(
        content.contains("15% discount"),
        "the nudge quotes the flagged phrase: {content}"
    );
    // Deferred first, privately.
    let ack = fake
        .wait_for("the deferral", |c| {
            c.path.ends_with("/interactions/9001/tok-9001/callback")
        })
        .await;
    assert_eq!(ack.json["type"], 5);
    assert!(is_ephemeral(&ack));
    // A "not reactive here" button per finding shown.
    let buttons = reply.json["components"][0]["components"]
        .as_array()
        .unwrap();
    assert!(!buttons.is_empty());

    let notes = bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text.as_deref(), Some(NOTE));
    assert!(
        channel_posts(&fake).is_empty(),
        "nothing may be posted to a channel"
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn note_without_text_opens_a_modal_whose_submit_gives_the_nudge() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9101, REP, "ana", false, "note", json!([])),
    );
    let modal = fake
        .wait_for("the modal", |c| {
            c.path.ends_with("/interactions/9101/tok-9101/callback") && c.json["type"] == 9
        })
        .await;
    let custom_id = modal.json["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let field = modal.json["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    // poise listens for the submit only once the callback returned, and a submit before that
    // is lost: submit until the nudge comes (a person would press Submit again).
    let mut submits = 0;
    let reply = loop {
        submits += 1;
        assert!(submits <= 20, "the modal submit was never answered");
        fake.dispatch(
            "INTERACTION_CREATE",
            modal_submit(9200 + submits, REP, "ana", &custom_id, &field, NOTE),
        );
        let answered = tokio::time::timeout(
            Duration::from_millis(250),
            fake.wait_for("the nudge", follow_up("tok-9101")),
        )
        .await;
        if let Ok(reply) = answered {
            break reply;
        }
    };
    assert!(is_ephemeral(&reply));
    assert!(reply.json["content"]
        .as_str()
        .unwrap()
        .contains("15% discount"));
    let notes = bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap();
    assert_eq!(notes.len(), 1);
    bot.stop(&fake).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_and_setup_are_refused_to_reps_and_shown_to_managers() {
    let (fake, _dir, bot) = start_fresh().await;
    seed(&bot.service);

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9201, REP, "ana", false, "digest", json!([])),
    );
    let refused = fake.wait_for("the refusal", follow_up("tok-9201")).await;
    let text = refused.json["content"].as_str().unwrap();
    assert!(
        text.contains("Only this server's callnudge managers"),
        "{text}"
    );
    assert!(
        !text.contains(&OTHER_REP.to_string()) && !text.contains("W48"),
        "{text}"
    );
    assert!(is_ephemeral(&refused));

    let schedule = json!([{"name": "schedule", "type": 1, "options": [
        {"name": "weekday", "type": 3, "value": "mon"},
        {"name": "hour", "type": 4, "value": 9}
    ]}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9202, REP, "ana", false, "setup", schedule.clone()),
    );
    let refused = fake
        .wait_for("the setup refusal", |c| {
            c.path.contains("tok-9202") && content(c).is_some()
        })
        .await;
    assert!(content(&refused)
        .unwrap()
        .contains("Only this server's callnudge managers"));
    assert!(is_ephemeral(&refused));
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Fri
    );

    // A manager (Manage Server) sees the digest of the seeded notes.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9203, MANAGER, "mo", true, "digest", json!([])),
    );
    let shown = fake.wait_for("the digest", follow_up("tok-9203")).await;
    let text = shown.json["content"].as_str().unwrap();
    let (_, expected) = bot.service.digest(&team(), None, wednesday()).unwrap();
    assert_eq!(text, expected[0]);
    assert!(
        text.contains("2026-W48") && text.contains("ana"),
        "names, not ids: {text}"
    );
    assert!(is_ephemeral(&shown));

    // And can change the schedule; a bad time zone is refused with a clear message.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9204, MANAGER, "mo", true, "setup", schedule),
    );
    fake.wait_for("the setup answer", |c| {
        c.path.contains("tok-9204") && content(c).is_some()
    })
    .await;
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Mon
    );
    let bad = json!([{"name": "schedule", "type": 1, "options": [
        {"name": "weekday", "type": 3, "value": "fri"},
        {"name": "hour", "type": 4, "value": 9},
        {"name": "timezone", "type": 3, "value": "Mars/Olympus"}
    ]}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9205, MANAGER, "mo", true, "setup", bad),
    );
    let answer = fake
        .wait_for("the tz error", |c| {
            c.path.contains("tok-9205") && content(c).is_some()
        })
        .await;
    assert!(content(&answer).unwrap().contains("IANA time zone"));
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Mon
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dispute_button_stores_a_dispute_for_that_rule() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch("INTERACTION_CREATE", note_command(9301, NOTE));
    let reply = fake.wait_for("the nudge", follow_up("tok-9301")).await;
    let custom_id = reply.json["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = custom_id.rsplit(':').next().unwrap().to_string();
    fake.dispatch("INTERACTION_CREATE", button(9302, REP, "ana", &custom_id));
    let ack = fake
        .wait_for("the dispute answer", |c| {
            c.path.ends_with("/interactions/9302/tok-9302/callback")
        })
        .await;
    assert!(is_ephemeral(&ack));
    let disputes = bot.service.store().disputes(&team()).unwrap();
    assert_eq!(disputes.get(&rule), Some(&1), "{disputes:?}");
    bot.stop(&fake).await;
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

/// A process given `CALLNUDGE_DISCORD_SHARDS=1/2` connects as shard 1 of 2, so Discord sends
/// it only that shard's guilds (another process runs shard 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_runs_only_the_shards_it_is_given() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(wednesday());
    let bot = start_bot_sharded(&fake, dir.path(), clock, Some("1/2")).await;
    assert_eq!(fake.identified_shards(), vec![json!([1, 2])]);
    bot.stop(&fake).await;
    // Without shards, one connection for everything (serenity sends [0, 1]).
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, dir.path(), ManualClock::new(wednesday())).await;
    assert_eq!(fake.identified_shards(), vec![json!([0, 1])]);
    bot.stop(&fake).await;
}

/// The digest step, called directly (as the loop does every tick) with serenity's real HTTP
/// client against the fake, on a store opened for each "process".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_step_posts_once_per_week_across_restarts_and_once_after_a_gap() {
    use poise::serenity_prelude as serenity;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(wednesday());
    let http = serenity::HttpBuilder::new("fake-token")
        .proxy(fake.rest.clone())
        .ratelimiter_disabled(true)
        .build();
    let metrics = Metrics::default();
    let service = open_service(dir.path()).await;
    seed(&service);
    service
        .change_settings(
            &team(),
            [SettingChange::DigestChannel(Some(
                DIGEST_CHANNEL.to_string(),
            ))],
        )
        .unwrap();
    let step_on = |service: Arc<Service>, shards: Option<Shards>| {
        let (http, clock, metrics) = (&http, &clock, &metrics);
        async move {
            discord::digest::step(http, &service, clock, metrics, shards)
                .await
                .unwrap()
        }
    };
    let step = |service: Arc<Service>| step_on(service, None);
    assert_eq!(
        step(service.clone()).await,
        0,
        "not due before Friday 16:00"
    );
    assert!(digest_posts(&fake).is_empty());

    // Friday 16:01 UTC (the default schedule): due. A process whose shards do not hold the
    // guild leaves it to the process that does; that one posts it once, chart attached.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 27, 16, 1, 0).unwrap());
    let guild_shard = Shards::of_guild(GUILD, 2);
    let other = Shards::parse(&format!("{}/2", 1 - guild_shard)).unwrap();
    assert_eq!(step_on(service.clone(), Some(other)).await, 0);
    assert!(digest_posts(&fake).is_empty());
    let owner = Shards::parse(&format!("{guild_shard}/2")).unwrap();
    assert_eq!(step_on(service.clone(), Some(owner)).await, 1);
    let first = digest_posts(&fake);
    let parts = service
        .digest(&team(), Some("2026-W48".parse().unwrap()), clock.now())
        .unwrap()
        .1;
    assert_eq!(first.len(), parts.len(), "one message per part");
    assert!(first[0].json["content"]
        .as_str()
        .unwrap()
        .contains("2026-W48"));
    assert_eq!(first.last().unwrap().files, vec!["digest.png".to_string()]);
    assert_eq!(step(service.clone()).await, 0, "claimed once");

    // A restart (the store closed and opened again): nothing new.
    drop(service);
    let service = open_service(dir.path()).await;
    assert_eq!(step(service.clone()).await, 0, "not again after a restart");
    assert_eq!(digest_posts(&fake).len(), first.len());

    // Three weeks of downtime later: the latest missed week, once.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 19, 9, 0, 0).unwrap());
    assert_eq!(step(service.clone()).await, 1);
    assert_eq!(step(service.clone()).await, 0);
    let all = digest_posts(&fake);
    let titles: Vec<&str> = all[first.len()..]
        .iter()
        .filter_map(|c| c.json["content"].as_str())
        .filter(|t| t.contains("weekly digest"))
        .collect();
    assert_eq!(titles.len(), 1, "one digest after the gap: {titles:?}");
    assert!(titles[0].contains("2026-W51"), "{}", titles[0]);
}

/// The bot runs the digest loop: a due digest reaches the channel without anyone calling the
/// step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_bot_posts_a_due_digest() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 16, 1, 0).unwrap());
    let bot = start_bot(&fake, dir.path(), clock.clone()).await;
    seed(&bot.service);
    bot.service
        .change_settings(
            &team(),
            [SettingChange::DigestChannel(Some(
                DIGEST_CHANNEL.to_string(),
            ))],
        )
        .unwrap();
    fake.wait_for("the digest post", |c| {
        c.path == format!("/api/v10/channels/{DIGEST_CHANNEL}/messages")
    })
    .await;
    bot.stop(&fake).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_in_the_notes_channel_gets_a_dm_not_a_channel_post() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000001, REP, "ana"),
    );
    let opened = fake
        .wait_for("the DM channel", |c| {
            c.path == "/api/v10/users/@me/channels"
        })
        .await;
    assert_eq!(opened.json["recipient_id"], REP.to_string());
    let dm = fake
        .wait_for("the DM", |c| {
            c.path == "/api/v10/channels/7000000000000001/messages"
        })
        .await;
    assert!(content(&dm).unwrap().contains("15% discount"));
    let in_channel: Vec<Call> = channel_posts(&fake)
        .into_iter()
        .filter(|c| c.path == format!("/api/v10/channels/{CHANNEL}/messages"))
        .collect();
    assert!(in_channel.is_empty(), "never into the notes channel");
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_asks_first_and_only_the_rep_can_confirm() {
    let (fake, _dir, bot) = start_fresh().await;
    seed(&bot.service);

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9401, REP, "ana", false, "forget-me", json!([])),
    );
    let ask = fake
        .wait_for("the confirmation", |c| {
            c.path.ends_with("/interactions/9401/tok-9401/callback")
        })
        .await;
    assert!(is_ephemeral(&ask));
    let confirm = ask.json["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1,
        "nothing deleted before the confirmation"
    );

    // Someone else's press deletes nothing.
    fake.dispatch(
        "INTERACTION_CREATE",
        button(9402, OTHER_REP, "ben", &confirm),
    );
    fake.wait_for("the refusal", |c| {
        c.path.ends_with("/interactions/9402/tok-9402/callback")
    })
    .await;
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1
    );

    fake.dispatch("INTERACTION_CREATE", button(9403, REP, "ana", &confirm));
    let done = fake
        .wait_for("the deletion", |c| {
            c.path.ends_with("/interactions/9403/tok-9403/callback")
        })
        .await;
    assert!(content(&done).unwrap().contains("deleted"));
    assert!(bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap()
        .is_empty());
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&OTHER_REP.to_string()))
            .unwrap()
            .len(),
        1
    );
    assert!(!bot
        .service
        .settings(&team())
        .unwrap()
        .names
        .contains_key(&REP.to_string()));

    // /rules lists the categories, privately.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9404, REP, "ana", false, "rules", json!([])),
    );
    let rules = fake
        .wait_for("the rules", |c| {
            c.path.contains("tok-9404") && content(c).is_some()
        })
        .await;
    assert!(content(&rules).unwrap().contains("unearned-concession"));
    assert!(is_ephemeral(&rules));
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snoozed_rep_gets_no_nudge_and_no_dm_but_the_note_is_stored() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    let snooze = json!([{"name": "length", "type": 3, "value": "2d"}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9401, REP, "ana", false, "snooze", snooze),
    );
    let ack = fake
        .wait_for("the snooze answer", |c| {
            c.path.ends_with("/interactions/9401/tok-9401/callback")
        })
        .await;
    assert!(is_ephemeral(&ack));
    assert!(content(&ack).unwrap().contains("snoozed until"), "{ack:?}");
    assert!(content(&ack).unwrap().contains("`/snooze off`"), "{ack:?}");

    // /note: stored, answered with the acknowledgement only, nothing to press.
    fake.dispatch("INTERACTION_CREATE", note_command(9402, NOTE));
    let reply = fake.wait_for("the answer", follow_up("tok-9402")).await;
    let text = content(&reply).unwrap();
    assert!(
        text.contains("snoozed until") && !text.contains("15% discount"),
        "{text}"
    );
    assert!(reply.json["components"]
        .as_array()
        .is_none_or(|c| c.is_empty()));

    // The notes channel: the snoozed rep's note is stored and gets no DM; another rep's does.
    let (rep, other) = (REP.to_string(), OTHER_REP.to_string());
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5300000000000001, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while bot
        .service
        .store()
        .notes(&team(), Some(&rep))
        .unwrap()
        .len()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "the note is stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5300000000000002, OTHER_REP, "ben"),
    );
    fake.wait_for("the other rep's DM", |c| {
        c.path == "/api/v10/users/@me/channels" && c.json["recipient_id"] == other.as_str()
    })
    .await;
    let dms_to_rep = fake
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v10/users/@me/channels" && c.json["recipient_id"] == rep)
        .count();
    assert_eq!(dms_to_rep, 0, "no DM to the snoozed rep");
    bot.stop(&fake).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_who_accepts_no_dms_is_told_in_the_channel_without_a_word_of_the_note() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.fail(
        axum::http::Method::POST,
        "/channels/7000000000000001/messages",
        403,
        50007,
        1,
    );
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000002, REP, "ana"),
    );
    let told = fake
        .wait_for("the notice in the channel", |c| {
            c.path == format!("/api/v10/channels/{CHANNEL}/messages")
        })
        .await;
    let text = content(&told).unwrap();
    assert!(text.contains(&format!("<@{REP}>")), "{text}");
    assert!(text.contains("direct messages"), "{text}");
    for private in ["Dana", "15%", "discount", "Peer score"] {
        assert!(
            !text.contains(private),
            "the notice leaks {private:?}: {text}"
        );
    }
    assert_eq!(
        told.json["allowed_mentions"]["users"],
        json!([REP.to_string()]),
        "only the rep is pinged"
    );
    assert_eq!(
        fake.calls().iter().filter(|c| c.path == DM_PATH).count(),
        1,
        "not retried"
    );
    assert_eq!(stored_notes(&bot), 1, "the note is kept");
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nudge_discord_refuses_for_now_429_then_502_is_sent_again_and_arrives_once() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.fail(axum::http::Method::POST, DM_PATH, 429, 0, 1);
    fake.fail(axum::http::Method::POST, DM_PATH, 502, 0, 1);
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000003, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while fake.calls().iter().filter(|c| c.path == DM_PATH).count() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the nudge was not sent again: {:?}",
            fake.calls().iter().map(|c| &c.path).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    let attempts: Vec<Call> = fake
        .calls()
        .into_iter()
        .filter(|c| c.path == DM_PATH)
        .collect();
    assert_eq!(attempts.len(), 3, "two refusals, then one delivery");
    assert!(content(&attempts[2]).unwrap().contains("15% discount"));
    assert!(
        attempts[1].at - attempts[0].at >= Duration::from_millis(400),
        "the retry waits"
    );
    assert_eq!(stored_notes(&bot), 1);
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_is_resumed_and_a_note_posted_meanwhile_is_not_lost() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.drop_gateway();
    // Posted while the bot is away: Discord replays it to the resumed session.
    fake.dispatch_or_keep(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000004, REP, "ana"),
    );
    fake.wait_connected().await;
    let dm = fake.wait_for("the DM", |c| c.path == DM_PATH).await;
    assert!(content(&dm).unwrap().contains("15% discount"));
    assert_eq!(fake.sessions(), (1, 1), "resumed, not identified anew");
    // And the session goes on: a note after the resume is answered too.
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000005, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while fake.calls().iter().filter(|c| c.path == DM_PATH).count() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no nudge after the resume"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    assert_eq!(fake.calls().iter().filter(|c| c.path == DM_PATH).count(), 2);
    assert_eq!(stored_notes(&bot), 2, "each note stored once");
    bot.stop(&fake).await;
}
