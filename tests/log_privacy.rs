//! Logs carry ids only: the Discord bot and the Slack server handle notes with every log level
//! on (through the binary's filter), and the captured logs contain neither the note text nor a
//! token or secret.

mod support;

use callnudge::clock::ManualClock;
use callnudge::discord::{self, DiscordConfig};
use callnudge::http::verify::sign;
use callnudge::http::{self, SlackConfig, SlackState};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::SledStore;
use chrono::{TimeZone, Utc};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::fake_discord::{self as fd, FakeDiscord};
use support::fake_slack::FakeSlack;

const MARKER: &str = "zebra-umbrella-quarterly";
const DISCORD_TOKEN: &str = "MTIzNDU2.discord-token-SECRET";
const SLACK_TOKEN: &str = "xoxb-slack-token-SECRET";
const SIGNING: &str = "signing-secret-SECRET";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn service() -> (tempfile::TempDir, Arc<Service>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let s = Service::new(Arc::new(store), Arc::new(Prompts::load(None).unwrap()));
    (dir, Arc::new(s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_note_text_and_no_secret_reach_the_logs_at_trace_level() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter(callnudge::logging::filter(Some("trace")))
        .with_writer(move || writer.clone())
        .init();
    let note = format!(
        "They asked for a 15% discount on the {MARKER} plan and I said yes. I'll send the deck."
    );
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();

    // Discord: /note through the real client and the fake Discord.
    let fake = FakeDiscord::start().await;
    let (_d1, svc) = service();
    let config = DiscordConfig::from_vars(|k| match k {
        "DISCORD_TOKEN" => Some(DISCORD_TOKEN.into()),
        "CALLNUDGE_DISCORD_PROXY" => Some(fake.rest.clone()),
        "CALLNUDGE_DISCORD_GUILD" => Some(fd::GUILD.to_string()),
        _ => None,
    })
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let s = svc.clone();
    let bot = tokio::spawn(async move {
        discord::run(
            config,
            s,
            Arc::new(ManualClock::new(now)),
            Arc::new(Metrics::default()),
            async {
                let _ = stopped.await;
            },
        )
        .await
        .unwrap();
    });
    fake.wait_ready().await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fd::slash(
            77,
            1_000_000_000_000_111,
            "ana",
            false,
            "note",
            json!([{"name": "text", "type": 3, "value": note}]),
        ),
    );
    fake.wait_for("the nudge", |c| {
        c.path.ends_with("/tok-77") && c.method == "POST"
    })
    .await;
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(15), bot)
        .await
        .unwrap()
        .unwrap();

    // Slack: a signed /note through the real server.
    let fake_slack = FakeSlack::start().await;
    let (_d2, svc) = service();
    let config = SlackConfig::from_vars(|k| match k {
        "SLACK_SIGNING_SECRET" => Some(SIGNING.into()),
        "SLACK_BOT_TOKEN" => Some(SLACK_TOKEN.into()),
        "SLACK_API_URL" => Some(fake_slack.api.clone()),
        _ => None,
    })
    .unwrap();
    let state = SlackState::new(
        config,
        svc.clone(),
        Arc::new(ManualClock::new(now)),
        Arc::new(Metrics::default()),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slack/commands", listener.local_addr().unwrap());
    tokio::spawn(http::run(listener, state, std::future::pending()));
    let body = serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("user_id", "U1"),
        ("user_name", "ana"),
        ("command", "/note"),
        ("text", &note),
    ])
    .unwrap();
    let ts = now.timestamp().to_string();
    let r = reqwest::Client::new()
        .post(&url)
        .header("x-slack-request-timestamp", &ts)
        .header(
            "x-slack-signature",
            sign(SIGNING.as_bytes(), &ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(svc.store().notes("slack-T1", None).unwrap().len(), 1);

    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(
        text.contains("note analysed"),
        "the logs were captured:\n{text}"
    );
    for secret in [MARKER, "15% discount", DISCORD_TOKEN, SLACK_TOKEN, SIGNING] {
        assert!(!text.contains(secret), "{secret:?} leaked into the logs");
    }
}
