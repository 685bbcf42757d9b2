//! Slack `/note` under load (issue #4), a bench command: `cargo bench --bench slack_load`.
//!
//! The real HTTP server on loopback with a fake Web API; signed `/note` requests at 200 per
//! second for 30 s (`CALLNUDGE_LOAD_SECS`, `CALLNUDGE_LOAD_RATE` to change), each timed to its
//! HTTP answer; then every note must be in the store. Target: p99 < 20 ms, no note lost.

#[path = "../tests/support/fake_slack.rs"]
mod fake_slack;

use callnudge::clock::{Clock, SystemClock};
use callnudge::http::verify::sign;
use callnudge::http::{self, SlackConfig, SlackState};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::SledStore;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-signing-secret";

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
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let secs = env("CALLNUDGE_LOAD_SECS", 30);
    let rate = env("CALLNUDGE_LOAD_RATE", 200);
    let fake = fake_slack::FakeSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let service = Arc::new(Service::new(
        Arc::new(SledStore::open(dir.path()).unwrap()),
        Arc::new(Prompts::load(None).unwrap()),
    ));
    let config = SlackConfig::from_vars(|k| match k {
        "SLACK_SIGNING_SECRET" => Some(SECRET.into()),
        "SLACK_BOT_TOKEN" => Some("xoxb-bench".into()),
        "SLACK_API_URL" => Some(fake.api.clone()),
        _ => None,
    })
    .unwrap();
    let state = SlackState::new(
        config,
        service.clone(),
        Arc::new(SystemClock),
        Arc::new(Metrics::default()),
    )
    .unwrap();
    // The server runs on its own runtime and threads, as a separate process would.
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let url = format!(
        "http://{}/slack/commands",
        std_listener.local_addr().unwrap()
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                http::run(listener, state, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            })
    });

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let total = secs * rate;
    let mut tasks = Vec::with_capacity(total as usize);
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    for i in 0..total {
        tick.tick().await;
        let body = serde_urlencoded::to_string([
            ("team_id", "TBENCH"),
            ("user_id", &format!("U{}", i % 50)),
            ("user_name", "rep"),
            ("command", "/note"),
            (
                "text",
                &format!(
                    "Call {i}: they asked for a quote on {i} seats; I'll send it over by EOD."
                ),
            ),
        ])
        .unwrap();
        let ts = SystemClock.now().timestamp().to_string();
        let sig = sign(SECRET.as_bytes(), &ts, body.as_bytes());
        let req = client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", sig)
            .body(body);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let ok = req
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            (ok, t.elapsed())
        }));
    }
    let mut lat = Vec::new();
    let mut ok = 0u64;
    for t in tasks {
        let (good, d) = t.await.unwrap();
        ok += u64::from(good);
        lat.push(d);
    }
    lat.sort();
    let stored = service.store().notes("slack-TBENCH", None).unwrap().len();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!("slack signed /note, {rate}/s for {secs} s:");
    println!(
        "  {total} sent, {ok} answered 200, {stored} stored; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < 20 ms)",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    assert_eq!(stored as u64, total, "no note lost");
    let _ = stop.send(());
    let _ = server.join();
}
