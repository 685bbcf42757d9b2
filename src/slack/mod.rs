//! The HTTP adapter for Slack and Slack-compatible chat (Mattermost): an axum server with
//! signed requests, plus `/healthz` and `/metrics` for every adapter.
//!
//! Routes: `POST /slack/commands`, `POST /slack/events`, `POST /slack/interactivity`,
//! `POST /mattermost/commands` (verified by the command's token), `GET /healthz`,
//! `GET /metrics`. Every Slack request is verified ([`verify`]) before anything else is read.
//! Slack wants an answer within 3 seconds: slow work runs after the acknowledgement and
//! answers through `response_url` or the Web API ([`api`]).

pub mod api;
pub mod commands;
pub mod digest;
pub mod server;
pub mod verify;

use crate::chat;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::secret::Secret;
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
use std::net::SocketAddr;
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

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SlackConfigError {
    #[error("set both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (Slack app → Basic Information → Signing Secret; OAuth & Permissions → Bot User OAuth Token), or neither")]
    Half,
    #[error("CALLNUDGE_HTTP_ADDR must be host:port such as 127.0.0.1:3000, not `{0}`")]
    Addr(String),
}

/// The validated settings.
#[derive(Clone, Debug)]
pub struct SlackConfig {
    pub signing_secret: Option<Secret>,
    pub bot_token: Option<Secret>,
    pub api_url: String,
    pub mattermost_token: Option<Secret>,
    /// Mattermost server and bot token, for posting digests (`MATTERMOST_URL`,
    /// `MATTERMOST_BOT_TOKEN`).
    pub mattermost_api: Option<(String, Secret)>,
    pub addr: SocketAddr,
    pub digest_every: Duration,
}

impl SlackConfig {
    /// Reads `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`, `SLACK_API_URL`, `MATTERMOST_TOKEN`,
    /// `MATTERMOST_URL`, `MATTERMOST_BOT_TOKEN`, `CALLNUDGE_HTTP_ADDR` through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, SlackConfigError> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let secret = get("SLACK_SIGNING_SECRET").map(Secret::new);
        let token = get("SLACK_BOT_TOKEN").map(Secret::new);
        if secret.is_some() != token.is_some() {
            return Err(SlackConfigError::Half);
        }
        let addr = get("CALLNUDGE_HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        Ok(SlackConfig {
            signing_secret: secret,
            bot_token: token,
            api_url: get("SLACK_API_URL").unwrap_or_else(|| "https://slack.com/api".into()),
            mattermost_token: get("MATTERMOST_TOKEN").map(Secret::new),
            mattermost_api: get("MATTERMOST_URL")
                .zip(get("MATTERMOST_BOT_TOKEN"))
                .map(|(url, token)| (url.trim_end_matches('/').to_string(), Secret::new(token))),
            addr: addr.parse().map_err(|_| SlackConfigError::Addr(addr))?,
            digest_every: Duration::from_secs(60),
        })
    }

    /// Whether Slack is configured.
    pub fn slack(&self) -> bool {
        self.signing_secret.is_some()
    }
}

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
        .route("/slack/events", post(slack_event))
        .route("/slack/interactivity", post(slack_interactivity))
        .route("/mattermost/commands", post(mattermost_command))
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

async fn mattermost_command(State(state): State<Arc<SlackState>>, body: Bytes) -> Response {
    let Some(expected) = &state.config.mattermost_token else {
        return unauthorized(&state);
    };
    let Ok(form) = serde_urlencoded::from_bytes::<SlashForm>(&body) else {
        return unauthorized(&state);
    };
    if !verify::same_secret(&form.token, expected.expose()) {
        tracing::warn!("mattermost request refused");
        return unauthorized(&state);
    }
    if !is_platform_id(&form.team_id) || !is_platform_id(&form.user_id) {
        return bad_request(&state, BAD_IDS);
    }
    let who = form.caller("mattermost", false);
    answer_command(
        state,
        who,
        form,
        |r| json!({"response_type": "ephemeral", "text": r.text}),
    )
    .await
}

async fn slack_event(
    State(state): State<Arc<SlackState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized(&state);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(&state, "not JSON");
    };
    match v["type"].as_str() {
        Some("url_verification") => Json(json!({"challenge": v["challenge"]})).into_response(),
        Some("event_callback") => {
            let (Some(event_id), Some(team_id)) = (v["event_id"].as_str(), v["team_id"].as_str())
            else {
                return bad_request(&state, "event without event_id or team_id");
            };
            let Some(message) = ChannelMessage::of(&v["event"]) else {
                return StatusCode::OK.into_response(); // not a rep's message: nothing to do
            };
            if !is_platform_id(team_id) || !is_platform_id(&message.user) {
                return bad_request(&state, BAD_IDS);
            }
            if event_id.len() > 128 || event_id.chars().any(char::is_control) {
                return bad_request(
                    &state,
                    "event_id is longer than 128 characters or holds control characters",
                );
            }
            let team = format!("slack-{team_id}");
            let event = format!("slack:{event_id}");
            // Every delivery of an event carries its `event_time`: the note's time, so that a
            // retry writes the same note (a missing or odd one: now).
            let now = state.clock.now();
            let posted = v["event_time"]
                .as_i64()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .filter(|t| (now - *t).abs() < chrono::Duration::days(1))
                .unwrap_or(now);
            // Answered only once the note is durable: a crash before that makes Slack retry,
            // and the retry stores the note then (once).
            let note = chat::ChannelNote {
                team: &team,
                rep: &message.user,
                rep_name: None, // Slack's events carry ids only
                team_title: None,
                channel: &message.channel,
                text: &message.text,
                event: Some(&event),
                posted,
            };
            let reply = match chat::channel_note(&state.service, &state.metrics, note).await {
                Ok(chat::ChannelOutcome::Nudge(sub)) => Some((
                    commands::nudge_reply(&state.service, sub.note.id, &sub.nudge, true),
                    true,
                )),
                Ok(chat::ChannelOutcome::Refused(text)) => Some((Reply::text(text), false)),
                Ok(_) => None,
                Err(e) if e.is_server_fault() => {
                    Metrics::inc(&state.metrics.errors);
                    tracing::error!(error = %e, "note from the notes channel not stored");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
                Err(e) => Some((Reply::text(chat::error_text(&e)), false)),
            };
            if let Some((reply, is_nudge)) = reply {
                let s = state.clone();
                state.tasks.spawn(async move {
                    answer_privately(&s, &message.channel, &message.user, &reply, is_nudge).await;
                });
            }
            StatusCode::OK.into_response()
        }
        _ => StatusCode::OK.into_response(),
    }
}

/// A rep's plain message from an event (not a bot's, not an edit or a join).
struct ChannelMessage {
    user: String,
    channel: String,
    text: String,
}

impl ChannelMessage {
    fn of(event: &Value) -> Option<ChannelMessage> {
        let is_plain = event["type"] == "message"
            && event.get("subtype").is_none()
            && event.get("bot_id").is_none();
        if !is_plain {
            return None;
        }
        Some(ChannelMessage {
            user: event["user"].as_str()?.to_string(),
            channel: event["channel"].as_str()?.to_string(),
            text: event["text"].as_str()?.to_string(),
        })
    }
}

/// Posts a private answer (a nudge, or why a note was refused) to the rep in the channel.
async fn answer_privately(
    state: &SlackState,
    channel: &str,
    user: &str,
    reply: &Reply,
    is_nudge: bool,
) {
    match state.api.post_ephemeral(channel, user, reply).await {
        Ok(()) if is_nudge => Metrics::inc(&state.metrics.nudges_sent),
        Ok(()) => {}
        Err(e) => {
            Metrics::inc(&state.metrics.errors);
            tracing::error!(error = %e, "private answer could not be delivered");
        }
    }
}

#[derive(Deserialize)]
struct InteractivityForm {
    payload: String,
}

async fn slack_interactivity(
    State(state): State<Arc<SlackState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized(&state);
    }
    let Some(v) = serde_urlencoded::from_bytes::<InteractivityForm>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<Value>(&f.payload).ok())
    else {
        return bad_request(&state, "not an interactivity payload");
    };
    let (Some(team), Some(user), Some(value)) = (
        v["team"]["id"].as_str(),
        v["user"]["id"].as_str(),
        v["actions"][0]["value"].as_str(),
    ) else {
        return StatusCode::OK.into_response();
    };
    if !is_platform_id(team) || !is_platform_id(user) {
        return bad_request(&state, BAD_IDS);
    }
    let Some((note, rule)) = chat::parse_dispute_value(value) else {
        return bad_request(&state, "the button's value is not NOTE:RULE");
    };
    let (team, user) = (format!("slack-{team}"), user.to_string());
    let response_url = v["response_url"].as_str().map(str::to_string);
    let tasks = state.tasks.clone();
    tasks.spawn(async move {
        let now = state.clock.now();
        let answered =
            chat::press_dispute(&state.service, &state.metrics, team, user, note, rule, now).await;
        let reply = Reply::text(answered.text);
        if let Some(url) = response_url {
            if let Err(e) = state.api.respond(&url, &reply).await {
                tracing::error!(error = %e, "dispute answer failed");
            }
        }
    });
    StatusCode::OK.into_response()
}
