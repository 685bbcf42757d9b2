//! A fake Discord on 127.0.0.1 for the real serenity/poise client: REST (axum) under
//! `/api/v10`, reached through `CALLNUDGE_DISCORD_PROXY`, and a gateway (tokio-tungstenite)
//! that says HELLO, answers IDENTIFY with READY and heartbeats with ACKs, and pushes the
//! dispatches a test sends. Every REST call is recorded; unknown routes get a JSON 404.
//! Facts used: docs/discord-testing.md (how serenity talks to a fake Discord on loopback).

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::Message as Ws;

pub const APP: u64 = 4_000_000_000_000_001;
pub const BOT: u64 = 4_000_000_000_000_002;
pub const GUILD: u64 = 4_000_000_000_000_003;
pub const CHANNEL: u64 = 4_000_000_000_000_004;

/// One REST call the bot made.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: Method,
    pub path: String,
    /// The JSON body (or a multipart request's `payload_json`).
    pub json: Value,
    /// Names of the files a multipart request carried.
    pub files: Vec<String>,
    /// When the request arrived.
    pub at: std::time::Instant,
}

#[derive(Default)]
struct Shared {
    calls: Mutex<Vec<Call>>,
    changed: Notify,
    gateway: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    seq: Mutex<u64>,
    next_id: Mutex<u64>,
    gateway_url: Mutex<String>,
    /// Failures to answer instead of the real thing, in order (see [`FakeDiscord::fail`]).
    faults: Mutex<Vec<Fault>>,
    /// Every dispatch sent, by sequence number, for a RESUME to replay.
    sent: Mutex<Vec<Value>>,
    /// Closes the current gateway connection.
    kick: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// How many times the bot resumed, and identified.
    resumes: Mutex<u32>,
    identifies: Mutex<u32>,
    /// The `shard` field of each IDENTIFY (`[shard, total]`, or null without sharding).
    identified_shards: Mutex<Vec<Value>>,
}

/// A scripted failure: the next `times` requests whose method is `method` and whose path ends
/// with `path` get `status` with Discord's error body carrying `code`.
struct Fault {
    method: Method,
    path: String,
    status: StatusCode,
    code: u64,
    times: u32,
}

pub struct FakeDiscord {
    pub rest: String,
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn message_json(id: u64, channel: &str, content: &str) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel,
        "author": {"id": BOT.to_string(), "username": "callnudge", "discriminator": "0", "bot": true, "avatar": null, "global_name": null},
        "content": content, "timestamp": "2026-11-27T16:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": []
    })
}

/// The JSON payload of a multipart body, and the file names in it.
fn multipart(body: &str) -> (Value, Vec<String>) {
    let mut json = Value::Null;
    let mut files = Vec::new();
    for part in body.split("\r\n--") {
        if let Some((head, rest)) = part.split_once("\r\n\r\n") {
            if head.contains("name=\"payload_json\"") {
                json = serde_json::from_str(rest.trim_end_matches("\r\n")).unwrap_or(Value::Null);
            }
            if let Some(i) = head.find("filename=\"") {
                let name = &head[i + 10..];
                files.push(name[..name.find('"').unwrap_or(name.len())].to_string());
            }
        }
    }
    (json, files)
}

async fn rest(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let at = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let multipart_body = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let body: Bytes = axum::body::to_bytes(req.into_body(), 16 << 20)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body).to_string();
    let (json, files) = if multipart_body {
        multipart(&text)
    } else {
        (
            serde_json::from_str(&text).unwrap_or(Value::Null),
            Vec::new(),
        )
    };
    let id = {
        let mut n = shared.next_id.lock().unwrap();
        *n += 1;
        5_000_000_000_000_000 + *n
    };
    let fault = {
        let mut faults = shared.faults.lock().unwrap();
        let hit = faults
            .iter_mut()
            .find(|f| f.times > 0 && f.method == method && path.ends_with(&f.path));
        hit.map(|f| {
            f.times -= 1;
            (f.status, f.code)
        })
    };
    if let Some((status, code)) = fault {
        shared.calls.lock().unwrap().push(Call {
            method,
            path,
            json,
            files,
            at,
        });
        shared.changed.notify_waiters();
        let mut body = json!({"message": "fault injected by the test", "code": code});
        if status == StatusCode::TOO_MANY_REQUESTS {
            body["retry_after"] = json!(0.2);
            body["global"] = json!(false);
        }
        return (status, Json(body)).into_response();
    }
    let p: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let gateway_url = shared.gateway_url.lock().unwrap().clone();
    let answer: Response = match (method.as_str(), p.as_slice()) {
        ("GET", ["gateway"]) => Json(json!({"url": gateway_url})).into_response(),
        ("GET", ["gateway", "bot"]) => Json(json!({"url": gateway_url, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})).into_response(),
        ("GET", ["oauth2", "applications", "@me"]) => Json(json!({
            "id": APP.to_string(), "name": "callnudge", "description": "", "icon": null,
            "bot_public": true, "bot_require_code_grant": false, "verify_key": "00", "flags": 0,
            "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": null, "global_name": null},
            "team": null, "rpc_origins": []
        })).into_response(),
        ("GET", ["users", "@me"]) => Json(json!({"id": BOT.to_string(), "username": "callnudge", "discriminator": "0", "bot": true, "avatar": null, "global_name": null})).into_response(),
        ("PUT", ["applications", _, "commands"]) | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let cmds: Vec<Value> = json.as_array().cloned().unwrap_or_default().into_iter().enumerate().map(|(i, mut c)| {
                c["id"] = json!((6_000_000_000_000_000u64 + i as u64).to_string());
                c["application_id"] = json!(APP.to_string());
                c["version"] = json!("1");
                if c.get("type").is_none() { c["type"] = json!(1); }
                c
            }).collect();
            Json(Value::Array(cmds)).into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) | ("PATCH", ["webhooks", _, _, "messages", _]) => {
            let content = json["content"].as_str().unwrap_or("");
            Json(message_json(id, &CHANNEL.to_string(), content)).into_response()
        }
        ("POST", ["channels", ch, "messages"]) => {
            let content = json["content"].as_str().unwrap_or("");
            Json(message_json(id, ch, content)).into_response()
        }
        ("POST", ["users", "@me", "channels"]) => Json(json!({
            "id": "7000000000000001", "type": 1, "last_message_id": null,
            "recipients": [{"id": json["recipient_id"].as_str().unwrap_or("1"), "username": "rep", "discriminator": "0", "avatar": null, "global_name": null}]
        })).into_response(),
        _ => {
            eprintln!("fake discord: unknown route {method} {path}");
            (StatusCode::NOT_FOUND, Json(json!({"message": "404: Not Found", "code": 0}))).into_response()
        }
    };
    shared.calls.lock().unwrap().push(Call {
        method,
        path,
        json,
        files,
        at,
    });
    shared.changed.notify_waiters();
    answer
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let shared = Arc::new(Shared::default());
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rest_url = format!("http://{}", http.local_addr().unwrap());
        *shared.gateway_url.lock().unwrap() = ws_url.clone();
        let app = axum::Router::new()
            .fallback(rest)
            .with_state(shared.clone());
        let t1 = tokio::spawn(async move {
            axum::serve(http, app).await.unwrap();
        });
        let s2 = shared.clone();
        let t2 = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = ws.accept().await else {
                    return;
                };
                let s = s2.clone();
                let url = ws_url.clone();
                tokio::spawn(async move { gateway(stream, s, url).await });
            }
        });
        FakeDiscord {
            rest: rest_url,
            shared,
            tasks: vec![t1, t2],
        }
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().unwrap().clone()
    }

    /// Waits (at most 15 s) until a call matches; panics with the calls seen otherwise.
    pub async fn wait_for(&self, what: &str, f: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let notified = self.shared.changed.notified();
            if let Some(c) = self.calls().into_iter().find(|c| f(c)) {
                return c;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen: Vec<String> = self
                    .calls()
                    .iter()
                    .map(|c| format!("{} {}", c.method, c.path))
                    .collect();
                panic!("timed out waiting for {what}; calls: {seen:#?}");
            }
        }
    }

    /// Waits until the bot is connected and has registered its commands.
    pub async fn wait_ready(&self) {
        self.wait_for("command registration", |c| {
            c.method == Method::PUT && c.path.ends_with("/commands")
        })
        .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while self.shared.gateway.lock().unwrap().is_none() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "gateway never identified"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The time each matching call arrived, by path.
    pub fn arrivals(&self, f: impl Fn(&Call) -> bool) -> Vec<(String, std::time::Instant)> {
        self.shared
            .calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| f(c))
            .map(|c| (c.path.clone(), c.at))
            .collect()
    }

    /// Sends a dispatch event (op 0) to the connected bot.
    pub fn dispatch(&self, t: &str, d: Value) {
        assert!(
            self.shared.gateway.lock().unwrap().is_some(),
            "bot not connected"
        );
        self.dispatch_or_keep(t, d);
    }

    /// Sends a dispatch event, or, while the bot is disconnected, keeps it for its RESUME (as
    /// Discord replays what a resumed session missed).
    pub fn dispatch_or_keep(&self, t: &str, d: Value) {
        let event = {
            let mut seq = self.shared.seq.lock().unwrap();
            *seq += 1;
            json!({"op": 0, "t": t, "s": *seq, "d": d})
        };
        self.shared.sent.lock().unwrap().push(event.clone());
        if let Some(tx) = self.shared.gateway.lock().unwrap().clone() {
            let _ = tx.send(event);
        }
    }

    /// Answers the next `times` requests `METHOD …path` with `status` and Discord's error
    /// body with `code` (429s also carry `retry_after`).
    pub fn fail(&self, method: Method, path: &str, status: u16, code: u64, times: u32) {
        self.shared.faults.lock().unwrap().push(Fault {
            method,
            path: path.to_string(),
            status: StatusCode::from_u16(status).unwrap(),
            code,
            times,
        });
    }

    /// Drops the gateway connection, as Discord does now and then; the bot should resume.
    pub fn drop_gateway(&self) {
        self.shared.gateway.lock().unwrap().take();
        if let Some(kick) = self.shared.kick.lock().unwrap().take() {
            let _ = kick.send(());
        }
    }

    /// The `[shard, total]` of each IDENTIFY so far.
    pub fn identified_shards(&self) -> Vec<Value> {
        self.shared.identified_shards.lock().unwrap().clone()
    }

    /// How many times the bot resumed its session, and identified anew.
    pub fn sessions(&self) -> (u32, u32) {
        (
            *self.shared.resumes.lock().unwrap(),
            *self.shared.identifies.lock().unwrap(),
        )
    }

    /// Waits (at most 30 s) until the bot is connected again.
    pub async fn wait_connected(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.shared.gateway.lock().unwrap().is_none() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot never came back to the gateway"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Forgets the connection (when the bot stops).
    pub fn disconnect(&self) {
        self.shared.gateway.lock().unwrap().take();
    }
}

async fn gateway(stream: tokio::net::TcpStream, shared: Arc<Shared>, url: String) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if ws.send(Ws::Text(hello.to_string())).await.is_err() {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    let (kick, mut kicked) = tokio::sync::oneshot::channel::<()>();
    *shared.kick.lock().unwrap() = Some(kick);
    loop {
        tokio::select! {
            _ = &mut kicked => {
                // A close code Discord uses for "reconnect and resume" (4000: unknown error).
                let frame = tokio_tungstenite::tungstenite::protocol::CloseFrame {
                    code: 4000u16.into(),
                    reason: "fake discord dropped the connection".into(),
                };
                let _ = ws.send(Ws::Close(Some(frame))).await;
                return;
            }
            out = rx.recv() => {
                let Some(v) = out else { return };
                if ws.send(Ws::Text(v.to_string())).await.is_err() { return; }
            }
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { return };
                let Ws::Text(text) = frame else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                match v["op"].as_u64() {
                    Some(1) => { let _ = ws.send(Ws::Text(json!({"op": 11}).to_string())).await; }
                    Some(6) => {
                        // RESUME: replay what the session missed, then RESUMED.
                        *shared.resumes.lock().unwrap() += 1;
                        let after = v["d"]["seq"].as_u64().unwrap_or(0);
                        let missed: Vec<Value> = shared.sent.lock().unwrap().iter()
                            .filter(|e| e["s"].as_u64().unwrap_or(0) > after).cloned().collect();
                        for e in missed {
                            if ws.send(Ws::Text(e.to_string())).await.is_err() { return; }
                        }
                        let s = { let mut seq = shared.seq.lock().unwrap(); *seq += 1; *seq };
                        let resumed = json!({"op": 0, "t": "RESUMED", "s": s, "d": {}});
                        if ws.send(Ws::Text(resumed.to_string())).await.is_err() { return; }
                        *shared.gateway.lock().unwrap() = Some(tx.clone());
                    }
                    Some(2) => {
                        *shared.identifies.lock().unwrap() += 1;
                        shared.identified_shards.lock().unwrap().push(v["d"]["shard"].clone());
                        let s = { let mut seq = shared.seq.lock().unwrap(); *seq += 1; *seq };
                        let ready = json!({"op": 0, "t": "READY", "s": s, "d": {
                            "v": 10,
                            "user": {"id": BOT.to_string(), "username": "callnudge", "discriminator": "0", "bot": true, "avatar": null, "global_name": null},
                            "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                            "session_id": "fake-session", "resume_gateway_url": url,
                            "application": {"id": APP.to_string(), "flags": 0}
                        }});
                        if ws.send(Ws::Text(ready.to_string())).await.is_err() { return; }
                        *shared.gateway.lock().unwrap() = Some(tx.clone());
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A member object as interactions carry it; `permissions` "32" is Manage Server.
pub fn member(user: u64, name: &str, manager: bool) -> Value {
    json!({
        "user": {"id": user.to_string(), "username": name, "discriminator": "0", "avatar": null, "global_name": null},
        "roles": [], "deaf": false, "mute": false, "flags": 0, "joined_at": "2026-01-01T00:00:00.000000+00:00",
        "permissions": if manager { "32" } else { "0" }
    })
}

fn base(id: u64, kind: u8, user: u64, name: &str, manager: bool) -> Value {
    json!({
        "id": id.to_string(), "application_id": APP.to_string(), "type": kind,
        "token": format!("tok-{id}"), "version": 1, "channel_id": CHANNEL.to_string(),
        "guild_id": GUILD.to_string(), "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "attachment_size_limit": 8388608, "app_permissions": "2147483647",
        "member": member(user, name, manager)
    })
}

/// A slash command interaction. `options`: the command's options array.
pub fn slash(
    id: u64,
    user: u64,
    name: &str,
    manager: bool,
    command: &str,
    options: Value,
) -> Value {
    let mut v = base(id, 2, user, name, manager);
    v["data"] = json!({"id": "6000000000000000", "name": command, "type": 1, "options": options});
    v
}

/// A modal submit with one text field.
pub fn modal_submit(
    id: u64,
    user: u64,
    name: &str,
    custom_id: &str,
    field: &str,
    value: &str,
) -> Value {
    let mut v = base(id, 5, user, name, false);
    v["data"] = json!({"custom_id": custom_id, "components": [{"type": 1, "components": [{"type": 4, "custom_id": field, "value": value}]}]});
    v
}

/// A button press on a message the bot sent.
pub fn button(id: u64, user: u64, name: &str, custom_id: &str) -> Value {
    let mut v = base(id, 3, user, name, false);
    v["data"] = json!({"custom_id": custom_id, "component_type": 2});
    v["message"] = message_json(5_100_000_000_000_000, &CHANNEL.to_string(), "nudge");
    v
}
