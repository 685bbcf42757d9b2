//! Admin commands while the bot runs: `serve` listens on a Unix socket in its data directory
//! (`callnudge.sock`, owner-only), and a `callnudge trend`, `team`, `export`, `backup`, … that
//! finds the directory in use sends its [`AdminCommand`] there instead of failing. The running
//! process runs it with the same code as a process of its own would ([`admin::run`]), so the
//! output is the same.
//!
//! Protocol: one JSON request line (the command), one JSON reply (what it printed, and its
//! error if it failed), then the connection closes. Only the socket's owner can connect (file
//! mode 0600, and the peer's uid is checked).

use crate::clock::Clock;
use crate::console::admin::{self, AdminCommand};
use crate::service::Service;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

/// The socket's name in the data directory.
pub const SOCKET: &str = "callnudge.sock";
/// The largest request (a note's text is bounded well below this).
const MAX_REQUEST: u64 = 4 << 20;
/// A client must send its request within this.
const REQUEST_WITHIN: Duration = Duration::from_secs(10);
/// How long a client waits for a command (a backup of a large store takes a while).
const ANSWER_WITHIN: Duration = Duration::from_secs(600);

/// What the running process answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    /// What the command printed.
    pub output: String,
    /// Why it failed, as the command would have said it.
    pub error: Option<String>,
}

/// Why a command could not be handed to a running process.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// Nothing listens: no `serve` runs on the directory (or one too old to take commands).
    #[error("no running callnudge serve answers on {0}")]
    NotRunning(PathBuf),
    #[error("the running callnudge did not answer ({0})")]
    Io(#[from] std::io::Error),
    #[error("the running callnudge answered something unreadable ({0})")]
    Protocol(#[from] serde_json::Error),
}

/// Sends `command` to the `serve` running on `dir` and returns its reply.
pub fn send(dir: &Path, command: &AdminCommand) -> Result<Reply, ControlError> {
    let path = dir.join(SOCKET);
    let mut stream = match std::os::unix::net::UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Err(ControlError::NotRunning(path))
        }
        Err(e) => return Err(e.into()),
    };
    stream.set_read_timeout(Some(ANSWER_WITHIN))?;
    stream.set_write_timeout(Some(REQUEST_WITHIN))?;
    let mut line = serde_json::to_vec(command)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply)?;
    Ok(serde_json::from_str(&reply)?)
}

/// Binds the socket in `dir` (replacing one left by a process that died: the caller holds the
/// store's lock, so no live process owns it), readable and writable by the owner only.
pub fn bind(dir: &Path) -> std::io::Result<UnixListener> {
    let path = dir.join(SOCKET);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Answers admin commands on `listener` until `shutdown` resolves; commands already running
/// are finished, then the socket file is removed.
pub async fn run(
    listener: UnixListener,
    service: Arc<Service>,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()>,
) {
    let path = listener
        .local_addr()
        .ok()
        .and_then(|a| a.as_pathname().map(Path::to_path_buf));
    let owner = path
        .as_deref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.uid());
    let mut running = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = running.join_next(), if !running.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let peer = stream.peer_cred().ok().map(|c| c.uid());
                if owner.is_none() || peer != owner {
                    tracing::warn!("admin connection from another user refused");
                    continue;
                }
                let (s, c) = (service.clone(), clock.clone());
                running.spawn(answer(stream, s, c));
            }
        }
    }
    while running.join_next().await.is_some() {}
    if let Some(path) = path {
        let _ = std::fs::remove_file(path);
    }
}

/// Reads one command, runs it, writes the reply.
async fn answer(stream: UnixStream, service: Arc<Service>, clock: Arc<dyn Clock>) {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    let mut limited = tokio::io::BufReader::new(read.take(MAX_REQUEST));
    let reply = match tokio::time::timeout(REQUEST_WITHIN, limited.read_line(&mut line)).await {
        Err(_) => refuse("no command within 10 s"),
        Ok(Err(e)) => refuse(&format!("unreadable command ({e})")),
        Ok(Ok(_)) => match serde_json::from_str::<AdminCommand>(&line) {
            Err(e) => refuse(&format!("unknown command ({e})")),
            Ok(command) => {
                tracing::info!(command = kind(&command), "admin command");
                let now = clock.now();
                let ran = tokio::task::spawn_blocking(move || {
                    let mut out = Vec::new();
                    let result = admin::run(&service, command, now, &mut out);
                    Reply {
                        output: String::from_utf8_lossy(&out).into_owned(),
                        error: result.err().map(|e| format!("{e:#}")),
                    }
                })
                .await;
                ran.unwrap_or_else(|_| refuse("the command failed unexpectedly"))
            }
        },
    };
    let mut bytes = serde_json::to_vec(&reply).unwrap_or_default();
    bytes.push(b'\n');
    if let Err(e) = write.write_all(&bytes).await {
        tracing::warn!(error = %e, "admin reply not delivered");
    }
}

fn refuse(why: &str) -> Reply {
    Reply {
        output: String::new(),
        error: Some(why.to_string()),
    }
}

/// The command's name, for the log (never its text or ids).
fn kind(command: &AdminCommand) -> &'static str {
    match command {
        AdminCommand::Note { .. } => "note",
        AdminCommand::Trend { .. } => "trend",
        AdminCommand::Digest { .. } => "digest",
        AdminCommand::Team { .. } => "team",
        AdminCommand::Snooze { .. } => "snooze",
        AdminCommand::Dispute { .. } => "dispute",
        AdminCommand::Forget { .. } => "forget",
        AdminCommand::Export { .. } => "export",
        AdminCommand::Backup { .. } => "backup",
    }
}
