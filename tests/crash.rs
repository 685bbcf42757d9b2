//! Crash safety: a child process (`callnudge console`) stores notes and prints a nudge for each
//! only after it is durable; it is killed with SIGKILL at random moments, 50 times. After each
//! reopen every acknowledged note is there and the store passes its integrity check.

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
                } else if line.starts_with("**Peer score") {
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
