//! A fake Slack Web API on 127.0.0.1: `chat.postEphemeral`, `chat.postMessage`, the external
//! file upload flow and a `response_url` endpoint, recording each call with its Authorization header.

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
pub struct SlackCall {
    pub path: String,
    pub auth: Option<String>,
    pub json: Value,
    pub body: Vec<u8>,
}

pub struct FakeSlack {
    /// The Web API base (SLACK_API_URL).
    pub api: String,
    /// A response_url the fake accepts.
    pub response_url: String,
    calls: Arc<Mutex<Vec<SlackCall>>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Shared {
    calls: Arc<Mutex<Vec<SlackCall>>>,
    base: String,
}

impl Drop for FakeSlack {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(shared): State<Shared>, req: Request) -> impl IntoResponse {
    let calls = &shared.calls;
    let path = req.uri().path().to_string();
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    calls.lock().unwrap().push(SlackCall {
        path: path.clone(),
        auth,
        json,
        body: body.to_vec(),
    });
    if path.ends_with("files.getUploadURLExternal") {
        let url = format!("{}/upload/F1", shared.base);
        (
            StatusCode::OK,
            Json(json!({"ok": true, "upload_url": url, "file_id": "F1"})),
        )
            .into_response()
    } else if path.starts_with("/api/") {
        (StatusCode::OK, Json(json!({"ok": true, "ts": "1.0"}))).into_response()
    } else {
        (StatusCode::OK, "").into_response()
    }
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            calls: calls.clone(),
            base: base.clone(),
        };
        let app = axum::Router::new().fallback(record).with_state(shared);
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeSlack {
            api: format!("{base}/api"),
            response_url: format!("{base}/response/1"),
            calls,
            task,
        }
    }

    pub fn calls(&self, path_end: &str) -> Vec<SlackCall> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.path.ends_with(path_end))
            .cloned()
            .collect()
    }

    /// Waits (at most 10 s) until `n` calls end with `path_end`.
    pub async fn wait_calls(&self, path_end: &str, n: usize) -> Vec<SlackCall> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let c = self.calls(path_end);
            if c.len() >= n {
                return c;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {n} × {path_end}; saw {}",
                c.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
