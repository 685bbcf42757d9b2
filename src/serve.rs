//! `callnudge serve`: runs the configured chat adapters in one process on one data directory —
//! Discord (when `DISCORD_TOKEN` is set), the HTTP server for Slack, Mattermost and
//! `/metrics` (when Slack or Mattermost is configured, or `CALLNUDGE_HTTP_ADDR` is set) — plus
//! the hourly purge of note text past each team's retention. Stops on the shutdown signal,
//! then flushes the store.

use crate::clock::Clock;
use crate::discord::{self, config::ConfigError, DiscordConfig};
use crate::http::{self, SlackConfig, SlackConfigError, SlackState};
use crate::metrics::Metrics;
use crate::service::Service;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What `serve` will run, validated from the environment (and an optional config file).
#[derive(Debug)]
pub struct ServeConfig {
    pub discord: Option<DiscordConfig>,
    pub http: Option<SlackConfig>,
    /// The data directory, where admin commands reach the running process (see
    /// [`crate::control`]); none: no admin socket.
    pub control: Option<std::path::PathBuf>,
}

/// Why `serve` cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}\n\nFor Slack instead (or as well): set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (README: \"Slack\").")]
    NothingToRun(ConfigError),
    #[error(transparent)]
    Discord(ConfigError),
    #[error(transparent)]
    Slack(#[from] SlackConfigError),
    #[error("the HTTP server could not listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("the Discord bot stopped: {0} (check DISCORD_TOKEN, and that the machine reaches discord.com or CALLNUDGE_DISCORD_PROXY)")]
    DiscordFailed(String),
    #[error(transparent)]
    Store(#[from] crate::service::ServiceError),
    #[error("the store cannot write ({0}); callnudge stops so that a supervisor restarts it once the store can write again (room on the disk, the database back): every acknowledged note is stored, and chat services resend what was not acknowledged")]
    StoreCannotWrite(String),
}

/// How often `serve` checks that the store can still write.
const STORE_CHECK_EVERY: Duration = Duration::from_secs(5);

/// What `CALLNUDGE_DIGEST_EVERY` may be.
pub const DIGEST_EVERY_HELP: &str = "a whole number of seconds from 1 to 3600";

/// How often the digest tasks look for due digests: `CALLNUDGE_DIGEST_EVERY` seconds,
/// 60 when unset. A digest is claimed once whichever process looks first, so several
/// processes may look as often as they like. The error is the value as given.
pub fn digest_every(value: Option<String>) -> Result<Duration, String> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(Duration::from_secs(60));
    };
    match value.trim().parse::<u64>() {
        Ok(secs @ 1..=3600) => Ok(Duration::from_secs(secs)),
        _ => Err(value),
    }
}

/// Returns once the store has failed two checks in a row (sled refuses every write after a
/// failed one until the process restarts, so staying up would only refuse notes).
async fn watch_store(service: Arc<Service>, clock: Arc<dyn Clock>) -> ServeError {
    let mut failures = 0;
    let mut tick = tokio::time::interval(STORE_CHECK_EVERY);
    loop {
        tick.tick().await;
        let (s, now) = (service.clone(), clock.now());
        let probe = tokio::task::spawn_blocking(move || s.probe_store(now)).await;
        match probe {
            Ok(Err(e)) => {
                failures += 1;
                tracing::warn!(error = %e, failures, "the store cannot write");
                if failures >= 2 {
                    return ServeError::StoreCannotWrite(e.to_string());
                }
            }
            _ => failures = 0,
        }
    }
}

impl ServeConfig {
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ServeConfig, ServeError> {
        let http = SlackConfig::from_vars(&var)?;
        let wants_http = http.slack()
            || http.mattermost_token.is_some()
            || var("CALLNUDGE_HTTP_ADDR").is_some_and(|a| !a.trim().is_empty());
        let discord = match DiscordConfig::from_vars(&var) {
            Ok(d) => Some(d),
            Err(ConfigError::MissingToken) if wants_http => None,
            Err(e @ ConfigError::MissingToken) => return Err(ServeError::NothingToRun(e)),
            Err(e) => return Err(ServeError::Discord(e)),
        };
        Ok(ServeConfig {
            discord,
            http: wants_http.then_some(http),
            control: None,
        })
    }
}

/// Runs everything configured until `shutdown` resolves.
pub async fn serve(
    config: ServeConfig,
    service: Arc<Service>,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let metrics = Arc::new(Metrics::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    if let Some(http) = config.http {
        let listener = tokio::net::TcpListener::bind(http.addr)
            .await
            .map_err(|e| ServeError::Listen {
                addr: http.addr.to_string(),
                reason: e.to_string(),
            })?;
        tracing::info!(addr = %http.addr, slack = http.slack(), "HTTP server listening");
        let state = SlackState::new(http, service.clone(), clock.clone(), metrics.clone())
            .map_err(|e| ServeError::Listen {
                addr: "the Slack API client".into(),
                reason: e.to_string(),
            })?;
        let stop = stopped();
        tasks.spawn(async move {
            http::run(listener, state, stop)
                .await
                .map_err(|e| ServeError::Listen {
                    addr: "the HTTP server".into(),
                    reason: e.to_string(),
                })
        });
    }
    if let Some(d) = config.discord {
        let (s, c, m, stop) = (service.clone(), clock.clone(), metrics.clone(), stopped());
        tasks.spawn(async move {
            discord::run(d, s, c, m, stop)
                .await
                .map_err(|e| ServeError::DiscordFailed(e.to_string()))
        });
    }
    if let Some(dir) = &config.control {
        // Without the socket the bot still runs; only admin commands must wait for a stop.
        match crate::control::bind(dir) {
            Ok(listener) => {
                let (s, c, stop) = (service.clone(), clock.clone(), stopped());
                tasks.spawn(async move {
                    crate::control::run(listener, s, c, stop).await;
                    Ok(())
                });
            }
            Err(e) => tracing::warn!(
                error = %e,
                "no admin socket: commands on the data directory must wait until serve stops"
            ),
        }
    }
    let (s, c, stop) = (service.clone(), clock.clone(), stopped());
    tasks.spawn(async move {
        tokio::select! {
            () = purge_loop(s, c) => Ok(()),
            () = stop => Ok(()),
        }
    });
    let (s, c, stop) = (service.clone(), clock.clone(), stopped());
    tasks.spawn(async move {
        tokio::select! {
            e = watch_store(s, c) => Err(e),
            () = stop => Ok(()),
        }
    });
    // Stop everything on the signal, or as soon as one adapter fails (a process that runs half
    // of what it was asked to is worse than one that exits with the reason).
    let mut shutdown = std::pin::pin!(shutdown);
    let mut stopping = false;
    let mut result = Ok(());
    loop {
        tokio::select! {
            () = &mut shutdown, if !stopping => {
                tracing::info!("shutting down");
                stopping = true;
                let _ = stop_tx.send(true);
            }
            next = tasks.join_next() => match next {
                None => break,
                Some(Ok(Err(e))) => {
                    tracing::error!(error = %e, "an adapter stopped; stopping the others");
                    result = result.and(Err(e));
                    stopping = true;
                    let _ = stop_tx.send(true);
                }
                Some(Err(e)) => {
                    tracing::error!(error = %e, "an adapter task panicked; stopping the others");
                    stopping = true;
                    let _ = stop_tx.send(true);
                }
                Some(Ok(Ok(()))) => {}
            },
        }
    }
    let s = service.clone();
    let flushed = tokio::task::spawn_blocking(move || s.flush())
        .await
        .ok()
        .transpose();
    // An adapter's failure says more than the flush that then fails for the same reason.
    result.and(flushed.map(|_| ()).map_err(ServeError::from))
}

/// Drops note text past each team's retention: checks hourly, purges at most daily.
async fn purge_loop(service: Arc<Service>, clock: Arc<dyn Clock>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let (s, now) = (service.clone(), clock.now());
        match tokio::task::spawn_blocking(move || s.purge_if_due(now)).await {
            Ok(Ok(Some(n))) if n > 0 => {
                tracing::info!(notes = n, "note text past retention purged")
            }
            Ok(Err(e)) => tracing::error!(error = %e, "retention purge failed"),
            _ => {}
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
