//! Discord round trip under load (issue #5), a bench command: `cargo bench --bench discord_load`.
//!
//! The real bot against the fake Discord of tests/support on loopback: `/note` interactions
//! at 100 per second for 30 s (`CALLNUDGE_LOAD_SECS`, `CALLNUDGE_LOAD_RATE` to change), timing
//! each from the fake's INTERACTION_CREATE to the bot's first callback (the deferral), then
//! checking that every note was stored. Target: p99 < 20 ms, no note lost.

#[path = "../tests/support/fake_discord.rs"]
mod fake_discord;

use callnudge::clock::SystemClock;
use callnudge::discord::{self, DiscordConfig};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::SledStore;
use fake_discord::*;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(run());
}

async fn run() {
    let secs = env("CALLNUDGE_LOAD_SECS", 30);
    let rate = env("CALLNUDGE_LOAD_RATE", 100);
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let service = Arc::new(Service::new(
        Arc::new(SledStore::open(dir.path()).unwrap()),
        Arc::new(Prompts::load(None).unwrap()),
    ));
    let config = DiscordConfig::from_vars(|k| match k {
        "DISCORD_TOKEN" => Some("fake-token".into()),
        "CALLNUDGE_DISCORD_PROXY" => Some(fake.rest.clone()),
        "CALLNUDGE_DISCORD_GUILD" => Some(GUILD.to_string()),
        _ => None,
    })
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let s = service.clone();
    let bot = tokio::spawn(async move {
        discord::run(
            config,
            s,
            Arc::new(SystemClock),
            Arc::new(Metrics::default()),
            async {
                let _ = stopped.await;
            },
        )
        .await
        .unwrap();
    });
    fake.wait_ready().await;

    let total = secs * rate;
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    for i in 0..total {
        tick.tick().await;
        let id = 10_000_000 + i;
        let user = 1_000_000_000_000_000 + (i % 50);
        let text =
            format!("Call {i}: they asked for a quote on {i} seats; I'll send it over by EOD.");
        let path = format!("/api/v10/interactions/{id}/tok-{id}/callback");
        sent.insert(path, Instant::now());
        fake.dispatch(
            "INTERACTION_CREATE",
            slash(
                id,
                user,
                "rep",
                false,
                "note",
                json!([{"name": "text", "type": 3, "value": text}]),
            ),
        );
    }
    // Let the last notes finish.
    let team = format!("discord-{GUILD}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while (service.store().notes(&team, None).unwrap().len() as u64) < total
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let arrivals = fake.arrivals(|c| c.path.ends_with("/callback"));
    let mut lat: Vec<Duration> = arrivals
        .iter()
        .filter_map(|(path, at)| sent.get(path).map(|s| at.saturating_duration_since(*s)))
        .collect();
    lat.sort();
    let stored = service.store().notes(&team, None).unwrap().len();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "discord /note round trip, INTERACTION_CREATE → first callback, {rate}/s for {secs} s:"
    );
    println!(
        "  {} sent, {} answered, {} stored; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < 20 ms)",
        total,
        lat.len(),
        stored,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    assert_eq!(stored as u64, total, "no note lost");
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), bot).await;
}
