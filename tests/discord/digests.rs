//! The weekly digest: shards, once per week across restarts and once after a gap, and the
//! running bot posting a due digest.

use super::*;

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
