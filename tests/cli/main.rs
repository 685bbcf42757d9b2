//! The `callnudge` binary as a user runs it, one module per kind of command: `analyze` and
//! `calibrate`, `--rules` directories, `serve`, commands on a data directory, and `note` with
//! the console.

#[path = "../support/bin.rs"]
mod bin;

mod analyze;
mod console;
mod data_dir;
mod rules;
mod serve;

/// A temporary folder and the path of a data directory inside it (not created yet).
fn fresh_data_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").to_str().unwrap().to_string();
    (dir, data)
}
