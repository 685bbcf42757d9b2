//! Crash safety: a child process stores notes and acknowledges each only after it is durable;
//! it is killed with SIGKILL at random moments. After each reopen every acknowledged note is
//! there, once, and the store passes its integrity check. Two children: `callnudge console`
//! (a nudge printed per note, 50 kills) and `callnudge serve` under a stream of signed Slack
//! events from the notes channel, each retried after the kill as Slack would (30 kills).

#[path = "support/bin.rs"]
mod bin;

use callnudge::store::{SledStore, Store};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 50;

#[test]
fn acknowledged_notes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut acked_total = 0usize;
    let mut seed: u64 = 0x5eed;
    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
            .args(["console", "--team", "t", "--rep", "r", "--data-dir"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let event = if line.starts_with("callnudge console") {
                    Some(false) // ready: prompts loaded, store open
                } else if line.starts_with("Peer score") {
                    Some(true) // a note acknowledged
                } else {
                    None
                };
                if let Some(ack) = event {
                    if tx.send(ack).is_err() {
                        break;
                    }
                }
            }
        });
        let writer = std::thread::spawn(move || {
            for i in 0..10_000 {
                let note =
                    format!("round {round} note {i}: they asked for a quote, I'll send it\n\n");
                if stdin.write_all(note.as_bytes()).is_err() {
                    break;
                }
            }
        });
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let ready = rx.recv_timeout(Duration::from_secs(30));
        assert_eq!(ready, Ok(false), "the console starts");
        let wait = Duration::from_millis(20 + (seed >> 33) % 300);
        let start = Instant::now();
        let mut acked = 0;
        while start.elapsed() < wait {
            if rx.recv_timeout(Duration::from_millis(2)) == Ok(true) {
                acked += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        while rx.try_recv() == Ok(true) {
            acked += 1;
        }
        let _ = reader.join();
        let _ = writer.join();
        let store = SledStore::open(dir.path()).expect("reopens after SIGKILL");
        assert!(store.check().is_ok(), "integrity check after round {round}");
        let texts: Vec<String> = store
            .notes("t", Some("r"))
            .unwrap()
            .into_iter()
            .filter_map(|n| n.text)
            .filter(|t| t.starts_with(&format!("round {round} ")))
            .collect();
        for i in 0..acked {
            let prefix = format!("round {round} note {i}:");
            assert!(
                texts.iter().any(|t| t.starts_with(&prefix)),
                "round {round}: acknowledged note {i} is missing ({} stored, {acked} acked)",
                texts.len()
            );
        }
        acked_total += acked;
    }
    assert!(
        acked_total > ROUNDS,
        "the child acknowledged notes ({acked_total})"
    );
}

const SERVE_ROUNDS: usize = 30;
const SIGNING: &str = "crash-test-signing-secret";

/// A notes-channel message event as Slack sends it, signed.
/// Event `i` of `round`; its `event_time` (the same in every delivery) counts from `t0`.
fn slack_event(t0: i64, round: usize, i: usize) -> (String, String) {
    let sent = t0 + (round * 1000 + i) as i64;
    let body = serde_json::json!({
        "type": "event_callback", "team_id": "T1", "event_id": format!("Ev{round}x{i}"),
        "event_time": sent,
        "event": {"type": "message", "user": "U1", "channel": "CNOTES",
                  "text": format!("round {round} event {i}: they asked for a quote, I'll send it"),
                  "ts": "1.1"}
    })
    .to_string();
    (format!("round {round} event {i}:"), body)
}

/// Posts a signed event; `Some(status)` when the server answered.
async fn post_event(http: &reqwest::Client, url: &str, body: &str) -> Option<u16> {
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = callnudge::http::verify::sign(SIGNING.as_bytes(), &ts, body.as_bytes());
    let r = http
        .post(url)
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", &ts)
        .header("x-slack-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    Some(r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_slack_events_survive_sigkill_once_each() {
    use callnudge::core::settings::SettingChange;
    use callnudge::prompts::Prompts;
    use callnudge::service::Service;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        let s = Service::new(Arc::new(store), Arc::new(Prompts::embedded().unwrap()));
        s.change_settings(
            "slack-T1",
            [SettingChange::NotesChannel(Some("CNOTES".into()))],
        )
        .unwrap();
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let t0 = chrono::Utc::now().timestamp() - 3600;
    let mut acked_total = 0usize;
    let mut seed: u64 = 0xc0ffee;
    // Events sent but not acknowledged before a kill: Slack retries them.
    let mut unanswered: Vec<(usize, usize)> = Vec::new();
    for round in 0..SERVE_ROUNDS {
        let port = bin::free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
            .args(["serve", "--data-dir"])
            .arg(dir.path())
            .env_remove("DISCORD_TOKEN")
            .env_remove("CALLNUDGE_RULES")
            .env("SLACK_SIGNING_SECRET", SIGNING)
            .env("SLACK_BOT_TOKEN", "xoxb-crash-test")
            // Nudges go nowhere (a closed port): only storage is under test.
            .env("SLACK_API_URL", "http://127.0.0.1:9/api")
            .env("CALLNUDGE_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let up = http.get(format!("{base}/healthz")).send().await;
            if up.is_ok_and(|r| r.status() == 200) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "serve did not start (round {round})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let url = format!("{base}/slack/events");
        // Slack's retries of what the last process left unanswered come first.
        let mut acked: Vec<(usize, usize)> = Vec::new();
        for (r, i) in std::mem::take(&mut unanswered) {
            match post_event(&http, &url, &slack_event(t0, r, i).1).await {
                Some(200) => acked.push((r, i)),
                _ => unanswered.push((r, i)),
            }
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let kill_at = Instant::now() + Duration::from_millis(30 + (seed >> 33) % 400);
        let sender = {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let mut answered = Vec::new();
                for i in 0.. {
                    let status = post_event(&http, &url, &slack_event(t0, round, i).1).await;
                    answered.push((i, status));
                    if status != Some(200) && Instant::now() > kill_at {
                        break;
                    }
                }
                answered
            })
        };
        tokio::time::sleep_until(kill_at.into()).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for (i, status) in sender.await.unwrap() {
            match status {
                Some(200) => acked.push((round, i)),
                _ => unanswered.push((round, i)),
            }
        }
        // A retry of an acknowledged event, as Slack sends when an answer is lost.
        if let Some(&again) = acked.last() {
            unanswered.push(again);
        }
        let store = SledStore::open(dir.path()).expect("reopens after SIGKILL");
        assert!(store.check().is_ok(), "integrity check after round {round}");
        let texts: Vec<String> = store
            .notes("slack-T1", Some("U1"))
            .unwrap()
            .into_iter()
            .filter_map(|n| n.text)
            .collect();
        for &(r, i) in &acked {
            let prefix = slack_event(t0, r, i).0;
            let copies = texts.iter().filter(|t| t.starts_with(&prefix)).count();
            assert_eq!(
                copies, 1,
                "round {round}: acknowledged event {r}/{i} stored {copies} times"
            );
        }
        let mut distinct = texts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), texts.len(), "no event is stored twice");
        acked_total += acked.len();
    }
    assert!(
        acked_total > SERVE_ROUNDS,
        "the server acknowledged events ({acked_total})"
    );
}
