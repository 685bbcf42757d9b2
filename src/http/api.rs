//! The slice of Slack's Web API callnudge uses (`chat.postEphemeral`, `chat.postMessage`) and
//! replies to a command's `response_url`. The base URL is configurable (`SLACK_API_URL`).

use serde_json::{json, Value};

/// Why a Web API call failed. Never carries the token.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Slack API {method}: {reason}")]
    Call { method: String, reason: String },
    #[error("the HTTP client for the Slack API cannot be built: {0}")]
    Client(#[source] reqwest::Error),
}

/// A Slack message: fallback text plus optional Block Kit blocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    pub text: String,
    pub blocks: Option<Value>,
}

impl Reply {
    pub fn text(t: impl Into<String>) -> Reply {
        Reply {
            text: t.into(),
            blocks: None,
        }
    }

    /// The body of an ephemeral command answer (HTTP response or `response_url`).
    pub fn ephemeral_json(&self) -> Value {
        let mut v =
            json!({"response_type": "ephemeral", "text": self.text, "replace_original": false});
        if let Some(b) = &self.blocks {
            v["blocks"] = b.clone();
        }
        v
    }
}

#[derive(Clone)]
pub struct WebApi {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for WebApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebApi")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl WebApi {
    /// A client for the Web API at `base`; every call times out after 10 s.
    pub fn new(base: &str, token: &str) -> Result<WebApi, ApiError> {
        Ok(WebApi {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .map_err(ApiError::Client)?,
        })
    }

    async fn call(&self, method: &str, body: Value) -> Result<Value, ApiError> {
        let err = |reason: String| ApiError::Call {
            method: method.to_string(),
            reason,
        };
        let resp = self
            .http
            .post(format!("{}/{method}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| err(e.without_url().to_string()))?;
        let v: Value = resp.json().await.map_err(|e| err(e.to_string()))?;
        if v["ok"].as_bool() != Some(true) {
            return Err(err(v["error"].as_str().unwrap_or("not ok").to_string()));
        }
        Ok(v)
    }

    /// A message only `user` sees, in `channel`.
    pub async fn post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        reply: &Reply,
    ) -> Result<(), ApiError> {
        let mut body = json!({"channel": channel, "user": user, "text": reply.text});
        if let Some(b) = &reply.blocks {
            body["blocks"] = b.clone();
        }
        self.call("chat.postEphemeral", body).await.map(|_| ())
    }

    /// A message in a channel (the weekly digest).
    pub async fn post_message(&self, channel: &str, text: &str) -> Result<(), ApiError> {
        let body = json!({"channel": channel, "text": text, "unfurl_links": false});
        self.call("chat.postMessage", body).await.map(|_| ())
    }

    /// Shares a PNG in a channel with Slack's external upload flow: reserve an upload URL,
    /// send the bytes there, then complete the upload into the channel.
    pub async fn upload_png(
        &self,
        channel: &str,
        filename: &str,
        title: &str,
        png: Vec<u8>,
    ) -> Result<(), ApiError> {
        let err = |method: &str, reason: String| ApiError::Call {
            method: method.to_string(),
            reason,
        };
        let method = "files.getUploadURLExternal";
        let length = png.len().to_string();
        let resp = self
            .http
            .post(format!("{}/{method}", self.base))
            .bearer_auth(&self.token)
            .form(&[("filename", filename), ("length", length.as_str())])
            .send()
            .await
            .map_err(|e| err(method, e.without_url().to_string()))?;
        let v: Value = resp.json().await.map_err(|e| err(method, e.to_string()))?;
        let (Some(url), Some(file_id)) = (v["upload_url"].as_str(), v["file_id"].as_str()) else {
            return Err(err(
                method,
                v["error"].as_str().unwrap_or("no upload_url").to_string(),
            ));
        };
        let sent = self
            .http
            .post(url)
            .header("content-type", "image/png")
            .body(png)
            .send()
            .await
            .map_err(|e| err("file upload", e.without_url().to_string()))?;
        if !sent.status().is_success() {
            return Err(err("file upload", sent.status().to_string()));
        }
        let body = json!({"files": [{"id": file_id, "title": title}], "channel_id": channel});
        self.call("files.completeUploadExternal", body)
            .await
            .map(|_| ())
    }

    /// Posts a message to a Mattermost channel (`POST /api/v4/posts`) with a bot token.
    pub async fn mattermost_post(
        &self,
        server: &str,
        token: &str,
        channel: &str,
        message: &str,
    ) -> Result<(), ApiError> {
        let request = self
            .http
            .post(format!("{server}/api/v4/posts"))
            .bearer_auth(token)
            .json(&json!({"channel_id": channel, "message": message}));
        send_expecting_success("mattermost posts", request).await
    }

    /// Answers a command or button press through its `response_url`.
    pub async fn respond(&self, response_url: &str, reply: &Reply) -> Result<(), ApiError> {
        let request = self.http.post(response_url).json(&reply.ephemeral_json());
        send_expecting_success("response_url", request).await
    }
}

/// Sends a request whose answer matters only as a 2xx status (no `{"ok": …}` body).
async fn send_expecting_success(
    what: &str,
    request: reqwest::RequestBuilder,
) -> Result<(), ApiError> {
    let err = |reason: String| ApiError::Call {
        method: what.to_string(),
        reason,
    };
    let resp = request
        .send()
        .await
        .map_err(|e| err(e.without_url().to_string()))?;
    if !resp.status().is_success() {
        return Err(err(resp.status().to_string()));
    }
    Ok(())
}
