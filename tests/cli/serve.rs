//! `callnudge serve` from the outside: a missing token, health checks, SIGTERM, a busy port.

use crate::bin::{callnudge, stderr};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn serve_without_a_token_exits_2_and_says_how_to_create_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env_remove("SLACK_SIGNING_SECRET")
        .env_remove("SLACK_BOT_TOKEN")
        .env_remove("MATTERMOST_TOKEN")
        .env_remove("CALLNUDGE_HTTP_ADDR")
        .env_remove("CALLNUDGE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needed in [
        "DISCORD_TOKEN",
        "developers/applications",
        "bot applications.commands",
        "Message Content",
        "callnudge console",
    ] {
        assert!(err.contains(needed), "missing {needed:?} in:\n{err}");
    }
}

#[cfg(unix)]
#[test]
fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let port = crate::bin::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-t")
        .env("SLACK_API_URL", "http://127.0.0.1:9/api")
        .env("CALLNUDGE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut r = String::new();
            s.read_to_string(&mut r).unwrap();
            break r;
        }
        assert!(Instant::now() < deadline, "serve never listened");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        body.starts_with("HTTP/1.1 200") && body.ends_with("ok\n"),
        "{body}"
    );
    // A client that sends half a request and holds the connection must not stall shutdown.
    let mut half = TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(
        b"POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\nteam_id=T",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The shutdown deadline is 10 s: a connection still open then is closed.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .for_each(|l| err.push_str(&l));
    assert_eq!(status.code(), Some(0), "{err}");
    drop(half);
    // The store was released: another process can open it and write.
    let out = callnudge(
        &[
            "team",
            "--team",
            "t",
            "--tz",
            "Europe/Berlin",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn serve_on_a_busy_port_exits_2_and_names_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-t")
        .env("CALLNUDGE_HTTP_ADDR", &addr)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&addr) && err.contains("could not listen"),
        "{err}"
    );
}
