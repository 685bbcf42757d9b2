//! Running the real `callnudge` binary as a user would: arguments, standard input, and what
//! it printed and returned. Included by path (`#[path = "support/bin.rs"]`) by the tests that
//! need only this, so they do not build the fake chat servers.
#![allow(dead_code)] // each test file uses its own part of it

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `callnudge ARGS` with `stdin` as its input and the built-in rules.
pub fn callnudge(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(args)
        .env_remove("CALLNUDGE_RULES")
        .env_remove("CALLNUDGE_DATA_DIR")
        .env_remove("CALLNUDGE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A child that stops early (a broken rules file) may not read its input: a broken pipe
    // here is not the test's business; what it printed and its exit status are.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A loopback port free right now, for a `serve` child to listen on, and never handed out
/// before in this test process: the OS may give a port just freed to the next `bind`, and two
/// tests running at once must not start their children on the same one (the second child
/// cannot bind it, and the first answers the second test's requests).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}
