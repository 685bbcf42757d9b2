//! Two real `callnudge serve` processes on one PostgreSQL database, the test standing in for
//! the load balancer: Slack traffic to both (slash commands, a chat event delivered to each
//! at once), a digest due, console commands while they run, and one process killed with
//! SIGKILL under load. Needs `CALLNUDGE_TEST_DATABASE_URL` (see `support/postgres.rs`).

#![cfg(unix)]

#[path = "support/bin.rs"]
mod bin;
#[path = "support/postgres.rs"]
mod pg;
mod support;

use callnudge::http::verify::sign;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::fake_slack::FakeSlack;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TEAM: &str = "slack-T1";

/// A `serve` child on `db` with its own admin folder, HTTP on a free loopback port.
struct Serve {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Serve {
    async fn start(db: &str, slack: &FakeSlack) -> Serve {
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", bin::free_port());
        let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
            .args(["serve", "--data-dir"])
            .arg(dir.path())
            .env("CALLNUDGE_DATABASE_URL", db)
            .env("CALLNUDGE_HTTP_ADDR", &addr)
            .env("SLACK_SIGNING_SECRET", SECRET)
            .env("SLACK_BOT_TOKEN", "xoxb-test")
            .env("SLACK_API_URL", &slack.api)
            .env("CALLNUDGE_DIGEST_EVERY", "1")
            .env_remove("DISCORD_TOKEN")
            .env_remove("MATTERMOST_TOKEN")
            .env_remove("CALLNUDGE_RULES")
            .env("CALLNUDGE_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("serve.log")).unwrap())
            .spawn()
            .unwrap();
        let url = format!("http://{addr}");
        let http = client();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // A child that exited (its port taken, say) must not pass for one that answers.
            if let Some(status) = child.try_wait().unwrap() {
                panic!("serve exited before it answered /healthz: {status}");
            }
            let up = http.get(format!("{url}/healthz")).send().await;
            if up.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(Instant::now() < deadline, "serve never answered /healthz");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Serve {
            child,
            url,
            _dir: dir,
        }
    }

    fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// SIGTERM, then waits for a clean exit.
    fn stop(mut self) {
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "serve exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self._dir.path().join("serve.log"));
            eprintln!("--- {} log:\n{}", self.url, log.unwrap_or_default());
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn now() -> String {
    chrono::Utc::now().timestamp().to_string()
}

/// A signed slash command from `user`; the HTTP status and the JSON answer, or `None` when
/// the process did not answer.
async fn command(url: &str, user: &str, command: &str, text: &str) -> Option<(u16, Value)> {
    let body = serde_urlencoded::to_string([
        ("team_id", "T1"),
        ("channel_id", "CNOTES"),
        ("user_id", user),
        ("user_name", user),
        ("command", command),
        ("text", text),
    ])
    .unwrap();
    let ts = now();
    let sent = client()
        .post(format!("{url}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header(
            "x-slack-signature",
            sign(SECRET.as_bytes(), &ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .ok()?;
    let status = sent.status().as_u16();
    Some((status, sent.json().await.unwrap_or(Value::Null)))
}

/// A chat message in the notes channel, as Slack delivers the event.
async fn event(url: &str, id: &str, user: &str, text: &str) -> u16 {
    let body = json!({
        "type": "event_callback", "team_id": "T1", "event_id": id,
        "event": {"type": "message", "user": user, "channel": "CNOTES", "text": text, "ts": "1.1"}
    })
    .to_string();
    let ts = now();
    client()
        .post(format!("{url}/slack/events"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", &ts)
        .header(
            "x-slack-signature",
            sign(SECRET.as_bytes(), &ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `callnudge ARGS --database-url DB`, which must succeed; its standard output.
fn console(db: &str, args: &[&str]) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--database-url", db]);
    let out = bin::callnudge(&all, b"");
    assert!(out.status.success(), "{args:?}: {}", bin::stderr(&out));
    bin::stdout(&out)
}

/// The team's stored note texts and how often each is stored, read by `callnudge export`.
fn stored_texts(db: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let json = console(db, &["export", "--team", TEAM, "--format", "json"]);
    let notes: Vec<Value> = serde_json::from_str(&json).unwrap();
    for note in notes {
        let text = note["text"].as_str().unwrap_or_default().to_string();
        *out.entry(text).or_default() += 1;
    }
    out
}

fn setup_team(db: &str) {
    // The digest is due from Monday 00:00 UTC on: at any moment of the week.
    console(
        db,
        &[
            "team",
            "--team",
            TEAM,
            "--manager",
            "M1",
            "--weekday",
            "mon",
            "--hour",
            "0",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_database_every_note_once_and_one_digest() {
    let Some(db) = pg::fresh("two_processes_share_one_database") else {
        return;
    };
    let slack = FakeSlack::start().await;
    setup_team(&db.url);
    let (a, b) = (
        Serve::start(&db.url, &slack).await,
        Serve::start(&db.url, &slack).await,
    );
    let urls = [a.url.clone(), b.url.clone()];

    // Slash commands spread over both, all at once.
    let notes: Vec<_> = (0..24)
        .map(|i| {
            let url = urls[i % 2].clone();
            tokio::spawn(async move {
                let text = format!("note {i}: sent the price sheet they asked for");
                command(&url, &format!("U{}", i % 3), "/note", &text).await
            })
        })
        .collect();
    for n in notes {
        let (status, answer) = n.await.unwrap().expect("both processes answer");
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["response_type"], "ephemeral");
    }

    // A manager sets the notes channel on one process; the other reads it from the database.
    let (_, saved) = command(&urls[0], "M1", "/setup", "notes-channel here")
        .await
        .unwrap();
    assert!(
        saved["text"].as_str().unwrap().starts_with("Saved"),
        "{saved}"
    );
    // Each chat event reaches both processes at the same moment (a retry to another node).
    for i in 0..6 {
        let id = format!("Ev{i}");
        let text = format!("event {i}: they want a 10% discount, I said ok");
        let (x, y) = tokio::join!(
            event(&urls[0], &id, "U1", &text),
            event(&urls[1], &id, "U1", &text)
        );
        assert_eq!((x, y), (200, 200));
    }

    // Console commands work against the database while both bots run.
    let trend = console(&db.url, &["trend", "--team", TEAM, "--rep", "U1"]);
    assert!(trend.contains("Trend for U1"), "{trend}");

    // The digest channel, set through the other process; both look every second.
    let (_, saved) = command(&urls[1], "M1", "/setup", "digest-channel here")
        .await
        .unwrap();
    assert!(
        saved["text"].as_str().unwrap().starts_with("Saved"),
        "{saved}"
    );
    let is_digest = |c: &support::fake_slack::SlackCall| {
        c.json["text"]
            .as_str()
            .is_some_and(|t| t.contains("weekly digest"))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !slack.calls("chat.postMessage").iter().any(is_digest) {
        assert!(Instant::now() < deadline, "no digest was posted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Several more ticks of both processes: still one digest.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let digests = slack
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| is_digest(c))
        .count();
    assert_eq!(digests, 1, "one digest per team and week across processes");

    // Every event note arrived once (wait for the ones still being stored after the answer).
    let deadline = Instant::now() + Duration::from_secs(30);
    let stored = loop {
        let stored = stored_texts(&db.url);
        if stored.len() >= 30 || Instant::now() > deadline {
            break stored;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(stored.len(), 30, "{stored:#?}");
    assert!(
        stored.values().all(|&n| n == 1),
        "every note once: {stored:#?}"
    );
    a.stop();
    b.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_under_load_loses_no_acknowledged_note_and_the_other_answers() {
    let Some(db) = pg::fresh("a_process_killed_under_load") else {
        return;
    };
    let slack = FakeSlack::start().await;
    setup_team(&db.url);
    let (a, b) = (
        Serve::start(&db.url, &slack).await,
        Serve::start(&db.url, &slack).await,
    );
    let urls = [a.url.clone(), b.url.clone()];
    let sends: Vec<_> = (0..80)
        .map(|i| {
            let url = urls[i % 2].clone();
            tokio::spawn(async move {
                // Spread over a second or so, so that the kill lands mid-stream.
                tokio::time::sleep(Duration::from_millis(15 * i as u64)).await;
                let text = format!("load {i}: will follow up friday with the quote");
                let answer = command(&url, "U1", "/note", &text).await;
                (text, answer.is_some_and(|(status, _)| status == 200))
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    b.signal("-KILL");
    let mut acknowledged = Vec::new();
    for s in sends {
        let (text, acked) = s.await.unwrap();
        if acked {
            acknowledged.push(text);
        }
    }
    assert!(
        acknowledged.len() >= 40,
        "process A answered all of its share"
    );
    assert!(
        acknowledged.len() < 80,
        "the kill cut some of B's requests off"
    );
    // The survivor keeps answering.
    let (status, _) = command(&urls[0], "U1", "/note", "after the kill: sent the deck")
        .await
        .expect("A still answers");
    assert_eq!(status, 200);
    let stored = stored_texts(&db.url);
    for text in &acknowledged {
        assert_eq!(
            stored.get(text),
            Some(&1),
            "acknowledged but not stored once: {text}"
        );
    }
    assert!(stored.contains_key("after the kill: sent the deck"));
    a.stop();
    drop(b);
}
