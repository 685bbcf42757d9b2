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

/// A loopback port free right now, for a `serve` child to listen on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
