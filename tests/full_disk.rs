//! A full disk, simulated with a file-size limit (RLIMIT_FSIZE via `ulimit -f`, SIGXFSZ
//! ignored so writes fail with EFBIG instead of killing the process): the console stops with a
//! clear error, exit 2, and every note it acknowledged is in the store afterwards.

#![cfg(unix)]

use std::process::Command;

#[test]
fn a_full_disk_is_a_clear_error_and_loses_no_acknowledged_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    for i in 0..80 {
        input.push_str(&format!(
            "Note {i}: {}\n\n",
            "They asked for a discount and I said yes. ".repeat(300)
        ));
    }
    input.push_str(":quit\n");
    let input_file = dir.path().join("notes.txt");
    std::fs::write(&input_file, input).unwrap();
    let data = dir.path().join("data");
    let bin = env!("CARGO_BIN_EXE_callnudge");
    // 1,500 KiB: room for the store and a few dozen 13 KB notes, not for 80.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1500; exec '{bin}' console --team t --rep a --data-dir '{}' < '{}'",
        data.display(),
        input_file.display()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("is the disk full or the directory read-only?"),
        "a clear error: {stderr}"
    );
    let acknowledged = stdout.matches("Peer score").count();
    assert!(
        acknowledged > 0 && acknowledged < 80,
        "{acknowledged} acknowledged"
    );

    every_acknowledged_note_is_stored(&data, "t", acknowledged);
}

/// Exports `team` from `data` and checks it holds every acknowledged note (and at most one
/// more: the note whose acknowledgement the failure cut off).
fn every_acknowledged_note_is_stored(data: &std::path::Path, team: &str, acknowledged: usize) {
    let export = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["export", "--team", team, "--format", "json", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let notes: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let stored = notes.as_array().unwrap().len();
    assert!(
        stored >= acknowledged && stored <= acknowledged + 1,
        "acknowledged {acknowledged}, stored {stored}"
    );
}

/// The chat adapters' path (`submit_note_async`, flushes shared by a flusher thread) on a full
/// disk: every note gets a clear error or an acknowledgement, and every acknowledged note is
/// in the store. The writer is this test binary re-run as a child under the file-size limit.
#[test]
fn async_notes_on_a_full_disk_are_clear_errors_and_no_acknowledged_note_is_lost() {
    if let Ok(data) = std::env::var("CALLNUDGE_FULL_DISK_CHILD") {
        return async_writer(std::path::Path::new(&data));
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 1500; exec '{}' --exact \
         async_notes_on_a_full_disk_are_clear_errors_and_no_acknowledged_note_is_lost \
         --nocapture --test-threads=1",
        exe.display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("CALLNUDGE_FULL_DISK_CHILD", &data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let acked: Vec<u64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ack "))
        .map(|id| id.trim().parse().unwrap())
        .collect();
    let errors: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("error "))
        .collect();
    assert!(!acked.is_empty() && !errors.is_empty(), "{stdout}");
    assert!(
        errors
            .iter()
            .all(|e| e.contains("is the disk full or the directory read-only?")),
        "clear errors: {errors:?}"
    );

    let store = callnudge::store::SledStore::open(&data).unwrap();
    let stored: std::collections::HashSet<u64> = callnudge::store::Store::notes(&store, "t", None)
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    let lost: Vec<_> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
}

/// The child: 16 tasks write 13 KB notes until each gets an error; prints `ack ID` or
/// `error MESSAGE` per note.
fn async_writer(data: &std::path::Path) {
    use callnudge::{prompts::Prompts, service::Service, store::SledStore};
    use std::sync::Arc;
    let store = SledStore::open(data).unwrap();
    let s = Arc::new(Service::new(
        Arc::new(store),
        Arc::new(Prompts::embedded().unwrap()),
    ));
    let now = chrono::Utc::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..16)
            .map(|w| {
                let s = s.clone();
                tokio::spawn(async move {
                    for i in 0..100 {
                        let text = format!(
                            "Note {i}: {}",
                            "They asked for a discount and I said yes. ".repeat(300)
                        );
                        match s.submit_note_async("t", &format!("r{w}"), &text, now).await {
                            Ok(sub) => println!("ack {}", sub.note.id),
                            Err(e) => {
                                println!("error {e}");
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
}

/// `serve` on a full disk: `/healthz` says the store cannot write (503), and `serve` exits
/// with that reason (so a supervisor restarts it once there is room: sled refuses every
/// write after a failed one until the process restarts); every note it acknowledged is in the
/// store afterwards.
#[test]
fn serve_on_a_full_disk_reports_unhealthy_exits_and_keeps_every_acknowledged_note() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    const SECRET: &str = "full-disk-secret";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = env!("CARGO_BIN_EXE_callnudge");
    let script = format!(
        "trap '' XFSZ; ulimit -f 1500; exec '{bin}' serve --data-dir '{}'",
        data.display()
    );
    let mut child = Command::new("bash")
        .args(["-c", &script])
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-t")
        .env("SLACK_API_URL", "http://127.0.0.1:9/api")
        .env("CALLNUDGE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let request = |head: &str, body: &str| -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        s.write_all(
            format!(
                "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    };
    let healthz = || request("GET /healthz HTTP/1.1\r\nHost: x\r\n", "");
    let deadline = Instant::now() + Duration::from_secs(20);
    while healthz().is_none() {
        assert!(Instant::now() < deadline, "serve never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(healthz().unwrap().starts_with("HTTP/1.1 200"));
    // Notes of ~13 KB until the store refuses one.
    let mut acknowledged = 0;
    let mut refused = false;
    for i in 0..200 {
        let text = format!(
            "Note {i}: {}",
            "They asked for a discount and I said yes. ".repeat(300)
        );
        let body = serde_urlencoded::to_string([
            ("team_id", "T1"),
            ("user_id", "U1"),
            ("command", "/note"),
            ("text", text.as_str()),
        ])
        .unwrap();
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let sig = callnudge::http::verify::sign(SECRET.as_bytes(), &ts, body.as_bytes());
        let head = format!(
            "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig}\r\n"
        );
        match request(&head, &body) {
            Some(answer) if answer.contains("Peer score") => acknowledged += 1,
            _ => {
                refused = true;
                break;
            }
        }
    }
    assert!(
        refused && acknowledged > 0,
        "{acknowledged} acknowledged, refused: {refused}"
    );
    // Unhealthy from now on, until serve exits.
    if let Some(h) = healthz() {
        assert!(
            h.starts_with("HTTP/1.1 503") && h.contains("cannot write"),
            "{h}"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(40);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not exit on a store that cannot write"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!status.success());
    assert!(err.contains("the store cannot write"), "{err}");
    every_acknowledged_note_is_stored(&data, "slack-T1", acknowledged);
}
