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
