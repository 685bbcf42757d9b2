//! The HTTP adapter: Slack and Slack-compatible chat (Mattermost) over one axum server with
//! signed requests, plus `/healthz` and `/metrics` for every adapter.
//!
//! Routes: `POST /slack/commands` (here), `POST /slack/events` ([`events`]),
//! `POST /slack/interactivity` ([`interactivity`]), `POST /mattermost/commands`
//! ([`mattermost`], verified by the command's token), `GET /healthz`, `GET /metrics`. Every
//! Slack request is verified ([`verify`]) before anything else is read. Slack wants an answer
//! within 3 seconds: slow work runs after the acknowledgement and answers through
//! `response_url` or the Web API ([`api`]). Settings: [`config`]; the socket loop and its
//! limits: [`server`]; the digest step: [`digest`].

pub mod api;
pub mod commands;
pub mod config;
pub mod digest;
mod events;
mod interactivity;
mod mattermost;
pub mod server;
pub mod verify;

pub use config::{SlackConfig, SlackConfigError};

use crate::chat;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::service::Service;
use api::{Reply, WebApi};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use commands::Caller;
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::task::TaskTracker;

/// Largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How long a command may take before the answer goes through `response_url` instead.
pub const INLINE_ANSWER_WITHIN: Duration = Duration::from_millis(2000);
/// How long a shutdown waits for the work requests left behind.
pub const DRAIN_WITHIN: Duration = Duration::from_secs(10);
/// How long event ids are remembered for retry deduplication.
pub const EVENT_MEMORY: chrono::Duration = chrono::Duration::hours(24);

/// What every handler reaches.
pub struct SlackState {
    pub service: Arc<Service>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    pub config: SlackConfig,
    pub api: WebApi,
    /// Work a request leaves behind (nudges to post, late answers, disputes): drained on
    /// shutdown, never dropped.
    pub tasks: TaskTracker,
}

impl SlackState {
    pub fn new(
        config: SlackConfig,
        service: Arc<Service>,
        clock: Arc<dyn Clock>,
        metrics: Arc<Metrics>,
    ) -> Result<Arc<SlackState>, api::ApiError> {
        let token = config.bot_token.as_ref().map_or("", |t| t.expose());
        let api = WebApi::new(&config.api_url, token)?;
        Ok(Arc::new(SlackState {
            service,
            clock,
            metrics,
            config,
            api,
            tasks: TaskTracker::new(),
        }))
    }
}

/// The routes.
pub fn router(state: Arc<SlackState>) -> Router {
    Router::new()
        .route("/slack/commands", post(slack_command))
        .route("/slack/events", post(events::slack_event))
        .route(
            "/slack/interactivity",
            post(interactivity::slack_interactivity),
        )
        .route("/mattermost/commands", post(mattermost::mattermost_command))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until `shutdown` resolves (mini-redis style: the listener and the signal come in).
pub async fn run(
    listener: tokio::net::TcpListener,
    state: Arc<SlackState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_digests, digests_stop) = tokio::sync::watch::channel(false);
    let digests = (state.config.slack() || state.config.mattermost_api.is_some())
        .then(|| tokio::spawn(digest::run_loop(state.clone(), digests_stop)));
    // Graceful, with a deadline: a client holding a half-sent request must not keep the
    // process alive after SIGTERM.
    server::serve(
        listener,
        router(state.clone()),
        shutdown,
        server::Limits::default(),
    )
    .await;
    // A digest being sent is finished (within the drain time), not cut off.
    let _ = stop_digests.send(true);
    if let Some(mut d) = digests {
        if tokio::time::timeout(DRAIN_WITHIN, &mut d).await.is_err() {
            tracing::warn!("the digest step did not finish within the shutdown deadline");
            d.abort();
        }
    }
    state.tasks.close();
    if tokio::time::timeout(DRAIN_WITHIN, state.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            left = state.tasks.len(),
            "shutdown did not wait for every answer"
        );
    }
    Ok(())
}

/// 200 `ok` while the store can write; 503 with the reason once it cannot (a full disk).
async fn healthz(State(state): State<Arc<SlackState>>) -> Response {
    let s = state.clone();
    let now = state.clock.now();
    let probe = tokio::task::spawn_blocking(move || s.service.probe_store(now));
    match tokio::time::timeout(Duration::from_secs(5), probe).await {
        Ok(Ok(Ok(()))) => "ok\n".into_response(),
        Ok(Ok(Err(e))) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the store cannot write: {e}\n"),
        )
            .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the store did not answer within 5 s\n",
        )
            .into_response(),
    }
}

async fn metrics(State(state): State<Arc<SlackState>>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

fn unauthorized(state: &SlackState) -> Response {
    Metrics::inc(&state.metrics.requests_rejected);
    (StatusCode::UNAUTHORIZED, "invalid request signature\n").into_response()
}

/// Verifies a Slack request; the caller answers `false` with [`unauthorized`].
fn verified(state: &SlackState, headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(secret) = &state.config.signing_secret else {
        return false;
    };
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    verify::verify(
        secret.expose().as_bytes(),
        h("x-slack-request-timestamp"),
        h("x-slack-signature"),
        body,
        state.clock.now().timestamp(),
    )
    .map_err(|e| tracing::warn!(reason = %e, "slack request refused"))
    .is_ok()
}

#[derive(Debug, Deserialize)]
struct SlashForm {
    #[serde(default)]
    token: String,
    team_id: String,
    #[serde(default)]
    team_domain: Option<String>,
    user_id: String,
    #[serde(default)]
    user_name: Option<String>,
    command: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    response_url: Option<String>,
    #[serde(default)]
    channel_id: Option<String>,
}

impl SlashForm {
    /// Who sent the command: the callnudge team is `{platform}-{team_id}`.
    fn caller(&self, platform: &str, blocks: bool) -> Caller {
        Caller {
            team: format!("{platform}-{}", self.team_id),
            team_title: self.team_domain.clone(),
            user: self.user_id.clone(),
            user_name: self
                .user_name
                .clone()
                .unwrap_or_else(|| self.user_id.clone()),
            blocks,
            channel: self.channel_id.clone(),
        }
    }
}

/// A client's mistake: 400 with the reason, counted as a rejected request (not an error).
fn bad_request(state: &SlackState, what: &str) -> Response {
    Metrics::inc(&state.metrics.requests_rejected);
    (StatusCode::BAD_REQUEST, format!("{what}\n")).into_response()
}

/// Whether `id` looks like a platform's id (Slack's `T0123ABC`, Mattermost's 26 letters and
/// digits): 1–64 ASCII letters, digits, `-`, `_` or `.`. Checked before an id is logged or
/// stored, so a signed request cannot forge a log line or a team named `slack-`.
fn is_platform_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

const BAD_IDS: &str = "team and user ids must be 1-64 letters, digits, '-', '_' or '.'";

/// Runs a command off the runtime; answers inline if it finishes in time, else acknowledges
/// and answers through `response_url`.
async fn answer_command(
    state: Arc<SlackState>,
    who: Caller,
    form: SlashForm,
    to_json: fn(&Reply) -> Value,
) -> Response {
    let command = match commands::parse(&form.command, &form.text) {
        Ok(c) => c,
        Err(usage) => return Json(to_json(&Reply::text(usage))).into_response(),
    };
    tracing::info!(team = ?who.team, user = ?who.user, command = ?form.command, "command");
    let s = state.clone();
    let mut work = state.tasks.spawn(commands::run(s, who, command));
    match tokio::time::timeout(INLINE_ANSWER_WITHIN, &mut work).await {
        Ok(Ok(reply)) => Json(to_json(&reply)).into_response(),
        Ok(Err(e)) => {
            Metrics::inc(&state.metrics.errors);
            tracing::error!(error = %e, "command task failed");
            Json(to_json(&Reply::text(
                "callnudge could not do that; the error is logged.",
            )))
            .into_response()
        }
        Err(_) => {
            let Some(url) = form.response_url else {
                return Json(to_json(&Reply::text("Still working on it…"))).into_response();
            };
            let tasks = state.tasks.clone();
            tasks.spawn(async move {
                if let Ok(reply) = work.await {
                    if let Err(e) = state.api.respond(&url, &reply).await {
                        Metrics::inc(&state.metrics.errors);
                        tracing::error!(error = %e, "late command answer failed");
                    }
                }
            });
            Json(to_json(&Reply::text(
                "Working on it — the answer follows in a moment.",
            )))
            .into_response()
        }
    }
}

async fn slack_command(
    State(state): State<Arc<SlackState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized(&state);
    }
    let Ok(form) = serde_urlencoded::from_bytes::<SlashForm>(&body) else {
        return bad_request(&state, "not a slash command form");
    };
    if !is_platform_id(&form.team_id) || !is_platform_id(&form.user_id) {
        return bad_request(&state, BAD_IDS);
    }
    let who = form.caller("slack", true);
    answer_command(state, who, form, Reply::ephemeral_json).await
}
