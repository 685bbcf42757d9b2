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

    let export = Command::new(bin)
        .args(["export", "--team", "t", "--format", "json", "--data-dir"])
        .arg(&data)
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
