//! Every command on a data directory works while `serve` runs on it, through the running
//! process's admin socket, with the same output as on a stopped bot; the socket is the owner's
//! only and goes away with the process.

#![cfg(unix)]

#[path = "support/bin.rs"]
mod bin;

use bin::{callnudge, stderr, stdout};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `callnudge serve` on `dir` (HTTP on a free loopback port, no chat service reachable),
/// returned once its admin socket is there.
fn serve(dir: &Path) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir)
        .env_remove("DISCORD_TOKEN")
        .env_remove("CALLNUDGE_DATA_DIR")
        .env_remove("CALLNUDGE_RULES")
        .env(
            "CALLNUDGE_HTTP_ADDR",
            format!("127.0.0.1:{}", bin::free_port()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !dir.join("callnudge.sock").exists() {
        assert!(
            Instant::now() < deadline,
            "serve never opened its admin socket"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn stop(mut child: Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "serve exited with {status}");
            return;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The commands README shows for a team, in order.
fn commands(data: &str, backup: &str) -> Vec<Vec<String>> {
    let rows: &[&[&str]] = &[
        &[
            "team",
            "--team",
            "t",
            "--manager",
            "mia",
            "--tz",
            "Europe/Berlin",
        ],
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "ana",
            "Sent the price sheet they asked for. Will follow up Friday.",
        ],
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "ana",
            "Their plant manager will send the scrap numbers by Tuesday.",
        ],
        &["snooze", "--team", "t", "--rep", "ben", "2d"],
        &["trend", "--team", "t", "--rep", "ana"],
        &["digest", "--team", "t", "--week", "2026-W49"],
        &["export", "--team", "t", "--format", "json"],
        &["backup", backup],
    ];
    rows.iter()
        .map(|r| {
            let mut args: Vec<String> = r.iter().map(|s| s.to_string()).collect();
            args.extend(["--data-dir".to_string(), data.to_string()]);
            args
        })
        .collect()
}

fn run(args: &[String]) -> (bool, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = callnudge(&args, b"");
    (out.status.success(), stdout(&out), stderr(&out))
}

/// Output with what differs between two runs by nature blanked: note ids, times (a minute or a day
/// may turn between the two runs: "snoozed until Tue 8 Dec 16:14"), the folder.
fn comparable(text: &str, dir: &str, backup: &str) -> String {
    let text = text.replace(dir, "DIR").replace(backup, "BACKUP");
    let digits = regex::Regex::new(
        r#"(--note |"id": )\d+|\d{4}-\d\d-\d\dT[\d:.+]+Z?|\d+ (hours?|days?)|\b\d\d?:\d\d\b|\b[A-Z][a-z]{2} \d\d? [A-Z][a-z]{2}\b"#,
    )
    .unwrap();
    digits.replace_all(&text, "#").into_owned()
}

#[test]
fn every_readme_command_works_while_serve_runs_with_the_same_output() {
    let base = tempfile::tempdir().unwrap();
    let (live, stopped) = (base.path().join("live"), base.path().join("stopped"));
    let child = serve(&live);
    let mode = std::fs::metadata(live.join("callnudge.sock"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the admin socket is the owner's only");
    let mut through_socket = Vec::new();
    let live_dir = live.to_str().unwrap();
    let b1 = base.path().join("b1");
    let b1 = b1.to_str().unwrap();
    for args in commands(live_dir, b1) {
        let (ok, out, err) = run(&args);
        assert!(ok, "{args:?} while serve runs: {err}");
        through_socket.push(comparable(&out, live_dir, b1));
    }
    // A command's error comes back as its own error, exit status 2.
    let (ok, _, err) = run(&[
        "digest".into(),
        "--team".into(),
        "t".into(),
        "--week".into(),
        "soon".into(),
        "--data-dir".into(),
        live_dir.into(),
    ]);
    assert!(!ok);
    assert!(err.contains("week"), "{err}");
    stop(child);
    assert!(
        !live.join("callnudge.sock").exists(),
        "the socket goes away with the process"
    );

    // The same commands on a directory no process holds print the same.
    let stopped_dir = stopped.to_str().unwrap();
    let b2 = base.path().join("b2");
    let b2 = b2.to_str().unwrap();
    for (i, args) in commands(stopped_dir, b2).into_iter().enumerate() {
        let (ok, out, err) = run(&args);
        assert!(ok, "{args:?}: {err}");
        assert_eq!(
            comparable(&out, stopped_dir, b2),
            through_socket[i],
            "{args:?} printed otherwise through the running bot"
        );
    }
    // The backup taken from the running bot restores with both notes.
    let restored = base.path().join("restored");
    let out = callnudge(
        &[
            "restore",
            base.path().join("b1").to_str().unwrap(),
            "--data-dir",
            restored.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        stdout(&out).contains("restored 2 notes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_directory_held_by_a_process_without_a_socket_still_says_it_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    // A store held open by this test process: no admin socket answers for it.
    let _held = callnudge::store::SledStore::open(dir.path()).unwrap();
    let out = callnudge(
        &[
            "trend",
            "--team",
            "t",
            "--rep",
            "r",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("in use"), "{}", stderr(&out));
}
