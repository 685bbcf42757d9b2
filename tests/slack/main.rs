//! The real HTTP server (axum) on a random loopback port against a fake Slack Web API, with a
//! real sled store in a temp dir. Here: the app each test spawns (`spawn_app`) and how it is
//! called; the tests by what they exercise: `signatures`, `commands` (slash commands and
//! buttons), `events` (the Events API), `digests`.

mod commands;
mod digests;
mod events;
mod signatures;
#[path = "../support/mod.rs"]
mod support;

use callnudge::clock::ManualClock;
use callnudge::core::settings::SettingChange;
use callnudge::http::verify::sign;
use callnudge::http::{self, SlackConfig, SlackState};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::{SledStore, Store};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::failing_store::FailingNotes;
use support::fake_slack::FakeSlack;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const BOT_TOKEN: &str = "xoxb-test-token";
const MM_TOKEN: &str = "mm-command-token";
const MM_BOT_TOKEN: &str = "mm-bot-token";
const NOTE: &str = "They asked for a 15% discount and I said yes. I'll send the pricing deck.";

struct App {
    url: String,
    state: Arc<SlackState>,
    service: Arc<Service>,
    clock: ManualClock,
    slack: FakeSlack,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn wednesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

/// The app on port 0 with a fresh store (zero2prod's spawn_app).
async fn spawn_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    spawn_app_on(Arc::new(store), dir).await
}

/// The app on port 0 with `store` (kept in `dir`).
async fn spawn_app_on(store: Arc<dyn Store>, dir: tempfile::TempDir) -> App {
    let service = Arc::new(Service::new(store, Arc::new(Prompts::load(None).unwrap())));
    let slack = FakeSlack::start().await;
    let config = SlackConfig::from_vars(|k| match k {
        "SLACK_SIGNING_SECRET" => Some(SECRET.into()),
        "SLACK_BOT_TOKEN" => Some(BOT_TOKEN.into()),
        "SLACK_API_URL" => Some(slack.api.clone()),
        "MATTERMOST_TOKEN" => Some(MM_TOKEN.into()),
        "MATTERMOST_URL" => Some(slack.api.trim_end_matches("/api").to_string()),
        "MATTERMOST_BOT_TOKEN" => Some(MM_BOT_TOKEN.into()),
        _ => None,
    })
    .unwrap();
    let clock = ManualClock::new(wednesday());
    let state = SlackState::new(
        SlackConfig {
            digest_every: Duration::from_secs(3600),
            ..config
        },
        service.clone(),
        Arc::new(clock.clone()),
        Arc::new(Metrics::default()),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(http::run(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    App {
        url,
        state,
        service,
        clock,
        slack,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        _dir: dir,
        _stop: stop,
    }
}

impl App {
    /// Waits (at most 10 s) until the work requests left behind (nudges to post, late
    /// answers) is done: a positive signal, so "nothing more was sent" is checked after it.
    async fn idle(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.state.tasks.is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "work still running");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn now(&self) -> i64 {
        use callnudge::clock::Clock;
        self.clock.now().timestamp()
    }

    async fn post_signed(
        &self,
        path: &str,
        ts: i64,
        body: &str,
        content_type: &str,
    ) -> reqwest::Response {
        let ts = ts.to_string();
        self.http
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", &ts)
            .header(
                "x-slack-signature",
                sign(SECRET.as_bytes(), &ts, body.as_bytes()),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn command(&self, user: &str, command: &str, text: &str) -> (u16, Value) {
        let body = serde_urlencoded::to_string([
            ("token", "ignored"),
            ("team_id", "T1"),
            ("team_domain", "acme"),
            ("channel_id", "C1"),
            ("user_id", user),
            ("user_name", user),
            ("command", command),
            ("text", text),
            ("response_url", &self.slack.response_url),
        ])
        .unwrap();
        let r = self
            .post_signed(
                "/slack/commands",
                self.now(),
                &body,
                "application/x-www-form-urlencoded",
            )
            .await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn metric(&self, name: &str) -> u64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
            .parse()
            .unwrap()
    }
}

const TEAM: &str = "slack-T1";
