//! The real HTTP server (axum) on a random loopback port against a fake Slack Web API, with a
//! real sled store in a temp dir: signatures, commands, events, buttons, digests, metrics.

mod support;

use callnudge::clock::ManualClock;
use callnudge::core::settings::SettingChange;
use callnudge::http::verify::sign;
use callnudge::http::{self, SlackConfig, SlackState};
use callnudge::metrics::Metrics;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::{SledStore, Store};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::failing_store::FailingNotes;
use support::fake_slack::FakeSlack;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const BOT_TOKEN: &str = "xoxb-test-token";
const MM_TOKEN: &str = "mm-command-token";
const MM_BOT_TOKEN: &str = "mm-bot-token";
const NOTE: &str = "They asked for a 15% discount and I said yes. I'll send the pricing deck.";

struct App {
    url: String,
    state: Arc<SlackState>,
    service: Arc<Service>,
    clock: ManualClock,
    slack: FakeSlack,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn wednesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

/// The app on port 0 with a fresh store (zero2prod's spawn_app).
async fn spawn_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    spawn_app_on(Arc::new(store), dir).await
}

/// The app on port 0 with `store` (kept in `dir`).
async fn spawn_app_on(store: Arc<dyn Store>, dir: tempfile::TempDir) -> App {
    let service = Arc::new(Service::new(store, Arc::new(Prompts::load(None).unwrap())));
    let slack = FakeSlack::start().await;
    let config = SlackConfig::from_vars(|k| match k {
        "SLACK_SIGNING_SECRET" => Some(SECRET.into()),
        "SLACK_BOT_TOKEN" => Some(BOT_TOKEN.into()),
        "SLACK_API_URL" => Some(slack.api.clone()),
        "MATTERMOST_TOKEN" => Some(MM_TOKEN.into()),
        "MATTERMOST_URL" => Some(slack.api.trim_end_matches("/api").to_string()),
        "MATTERMOST_BOT_TOKEN" => Some(MM_BOT_TOKEN.into()),
        _ => None,
    })
    .unwrap();
    let clock = ManualClock::new(wednesday());
    let state = SlackState::new(
        SlackConfig {
            digest_every: Duration::from_secs(3600),
            ..config
        },
        service.clone(),
        Arc::new(clock.clone()),
        Arc::new(Metrics::default()),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(http::run(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    App {
        url,
        state,
        service,
        clock,
        slack,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        _dir: dir,
        _stop: stop,
    }
}

impl App {
    /// Waits (at most 10 s) until the work requests left behind (nudges to post, late
    /// answers) is done: a positive signal, so "nothing more was sent" is checked after it.
    async fn idle(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.state.tasks.is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "work still running");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn now(&self) -> i64 {
        use callnudge::clock::Clock;
        self.clock.now().timestamp()
    }

    async fn post_signed(
        &self,
        path: &str,
        ts: i64,
        body: &str,
        content_type: &str,
    ) -> reqwest::Response {
        let ts = ts.to_string();
        self.http
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", &ts)
            .header(
                "x-slack-signature",
                sign(SECRET.as_bytes(), &ts, body.as_bytes()),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn command(&self, user: &str, command: &str, text: &str) -> (u16, Value) {
        let body = serde_urlencoded::to_string([
            ("token", "ignored"),
            ("team_id", "T1"),
            ("team_domain", "acme"),
            ("channel_id", "C1"),
            ("user_id", user),
            ("user_name", user),
            ("command", command),
            ("text", text),
            ("response_url", &self.slack.response_url),
        ])
        .unwrap();
        let r = self
            .post_signed(
                "/slack/commands",
                self.now(),
                &body,
                "application/x-www-form-urlencoded",
            )
            .await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn metric(&self, name: &str) -> u64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
            .parse()
            .unwrap()
    }
}

const TEAM: &str = "slack-T1";

#[test]
fn slacks_documented_signature_example() {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    assert_eq!(
        sign(SECRET.as_bytes(), "1531420618", body.as_bytes()),
        expected
    );
    assert!(http::verify::verify(
        SECRET.as_bytes(),
        Some("1531420618"),
        Some(expected),
        body.as_bytes(),
        1531420618 + 60
    )
    .is_ok());
}

#[tokio::test]
async fn unsigned_tampered_stale_and_oversized_requests_are_refused() {
    let app = spawn_app().await;
    let body = "team_id=T1&user_id=U1&command=%2Fnote&text=hello";
    let form = "application/x-www-form-urlencoded";
    let url = format!("{}/slack/commands", app.url);
    let ts = app.now().to_string();
    let good_sig = sign(SECRET.as_bytes(), &ts, body.as_bytes());
    let send = |ts: Option<String>, sig: Option<String>, body: String| {
        let mut r = app.http.post(&url).header("content-type", form).body(body);
        if let Some(ts) = ts {
            r = r.header("x-slack-request-timestamp", ts);
        }
        if let Some(sig) = sig {
            r = r.header("x-slack-signature", sig);
        }
        async move { r.send().await.unwrap() }
    };
    // Tampered body.
    let r = send(
        Some(ts.clone()),
        Some(good_sig.clone()),
        body.replace("hello", "hullo"),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.text().await.unwrap(),
        "invalid request signature\n",
        "generic message"
    );
    // Tampered signature.
    let mut bad = good_sig.clone();
    bad.replace_range(
        bad.len() - 1..,
        if good_sig.ends_with('0') { "1" } else { "0" },
    );
    assert_eq!(
        send(Some(ts.clone()), Some(bad), body.into())
            .await
            .status(),
        401
    );
    // Stale and future timestamps, correctly signed.
    for skew in [-301, 301] {
        let t = (app.now() + skew).to_string();
        let sig = sign(SECRET.as_bytes(), &t, body.as_bytes());
        assert_eq!(
            send(Some(t), Some(sig), body.into()).await.status(),
            401,
            "skew {skew}"
        );
    }
    // Missing headers.
    assert_eq!(
        send(None, Some(good_sig.clone()), body.into())
            .await
            .status(),
        401
    );
    assert_eq!(
        send(Some(ts.clone()), None, body.into()).await.status(),
        401
    );
    // Oversized.
    let huge = format!("{body}{}", "x".repeat(http::MAX_BODY_BYTES + 1));
    let sig = sign(SECRET.as_bytes(), &ts, huge.as_bytes());
    assert_eq!(send(Some(ts.clone()), Some(sig), huge).await.status(), 413);
    // Nothing was stored, and the refusals were counted.
    assert!(app.service.store().notes(TEAM, None).unwrap().is_empty());
    assert_eq!(app.metric("callnudge_requests_rejected_total").await, 6);
    // The good one passes.
    assert_eq!(
        send(Some(ts), Some(good_sig), body.into()).await.status(),
        200
    );
}

#[tokio::test]
async fn note_end_to_end_answers_only_the_rep_and_stores_the_note() {
    let app = spawn_app().await;
    let (status, reply) = app.command("U1", "/note", NOTE).await;
    assert_eq!(status, 200);
    assert_eq!(reply["response_type"], "ephemeral");
    let text = reply["text"].as_str().unwrap();
    assert!(text.contains("15% discount"), "{text}");
    let button = &reply["blocks"][1]["elements"][0];
    assert_eq!(button["type"], "button");
    let notes = app.service.store().notes(TEAM, Some("U1")).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text.as_deref(), Some(NOTE));
    assert!(
        app.slack.calls("chat.postMessage").is_empty(),
        "nothing posted to a channel"
    );

    // The same through Mattermost's token, and a wrong token refused.
    let form = |token: &str| {
        serde_urlencoded::to_string([
            ("token", token),
            ("team_id", "MM1"),
            ("user_id", "u9"),
            ("user_name", "ana"),
            ("command", "/callnudge"),
            ("text", &format!("note {NOTE}")),
        ])
        .unwrap()
    };
    let mm = |body: String| {
        app.http
            .post(format!("{}/mattermost/commands", app.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    assert_eq!(mm(form("wrong")).await.unwrap().status(), 401);
    let r: Value = mm(form(MM_TOKEN)).await.unwrap().json().await.unwrap();
    assert_eq!(r["response_type"], "ephemeral");
    assert!(r["text"].as_str().unwrap().contains("15% discount"));
    assert_eq!(
        app.service
            .store()
            .notes("mattermost-MM1", None)
            .unwrap()
            .len(),
        1
    );

    // An empty note gets a clear answer and stores nothing.
    let (_, reply) = app.command("U1", "/note", "   ").await;
    assert!(reply["text"].as_str().unwrap().contains("empty"));
    assert_eq!(
        app.service.store().notes(TEAM, Some("U1")).unwrap().len(),
        1
    );
    assert_eq!(app.metric("callnudge_notes_analysed_total").await, 2);
}

#[tokio::test]
async fn url_verification_and_a_retried_event_is_stored_once() {
    let app = spawn_app().await;
    let json_type = "application/json";
    let body = json!({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}).to_string();
    let r = app
        .post_signed("/slack/events", app.now(), &body, json_type)
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    app.service
        .change_settings(TEAM, [SettingChange::NotesChannel(Some("CNOTES".into()))])
        .unwrap();
    let event = json!({
        "type": "event_callback", "team_id": "T1", "event_id": "Ev123",
        "event": {"type": "message", "user": "U1", "channel": "CNOTES", "text": NOTE, "ts": "1.1"}
    })
    .to_string();
    let r = app
        .post_signed("/slack/events", app.now(), &event, json_type)
        .await;
    assert_eq!(r.status(), 200);
    let nudges = app.slack.wait_calls("chat.postEphemeral", 1).await;
    assert_eq!(nudges[0].json["user"], "U1");
    assert_eq!(nudges[0].json["channel"], "CNOTES");
    assert_eq!(
        nudges[0].auth.as_deref(),
        Some(&*format!("Bearer {BOT_TOKEN}"))
    );
    // Slack retries the same event.
    let ts = app.now().to_string();
    let r = app
        .http
        .post(format!("{}/slack/events", app.url))
        .header("content-type", json_type)
        .header("x-slack-retry-num", "1")
        .header("x-slack-request-timestamp", &ts)
        .header(
            "x-slack-signature",
            sign(SECRET.as_bytes(), &ts, event.as_bytes()),
        )
        .body(event.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.idle().await;
    assert_eq!(app.service.store().notes(TEAM, None).unwrap().len(), 1);
    assert_eq!(app.slack.calls("chat.postEphemeral").len(), 1);
    // A message in another channel is not a note.
    let other = event.replace("CNOTES", "CRANDOM").replace("Ev123", "Ev124");
    app.post_signed("/slack/events", app.now(), &other, json_type)
        .await;
    app.idle().await;
    assert_eq!(app.service.store().notes(TEAM, None).unwrap().len(), 1);
}

#[tokio::test]
async fn reps_see_only_their_own_data_and_managers_get_the_digest() {
    let app = spawn_app().await;
    app.command("U1", "/note", NOTE).await;
    app.command(
        "U2",
        "/note",
        "Their CFO wants churn down 10%; she owns the pilot plan and will book the review.",
    )
    .await;

    let (_, reply) = app.command("U1", "/digest", "").await;
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.contains("Only this team's callnudge managers"),
        "{text}"
    );
    assert!(
        !text.contains("U2") && !text.contains("W48"),
        "no team data: {text}"
    );
    let (_, reply) = app.command("U1", "/setup", "schedule mon 9").await;
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .contains("Only this team's callnudge managers"));

    let (_, reply) = app.command("U1", "/trend", "").await;
    let text = reply["text"].as_str().unwrap();
    assert!(text.contains("U1") && !text.contains("U2"), "{text}");

    app.service
        .change_settings(TEAM, [SettingChange::AddManager("UM".into())])
        .unwrap();
    let (_, reply) = app.command("UM", "/digest", "2026-W48").await;
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.contains("2026-W48") && text.contains("U1") && text.contains("U2"),
        "{text}"
    );
    let (_, reply) = app
        .command("UM", "/setup", "schedule mon 9 Mars/Olympus")
        .await;
    assert!(reply["text"].as_str().unwrap().contains("IANA time zone"));
}

#[tokio::test]
async fn the_dispute_button_stores_a_dispute_and_answers_privately() {
    let app = spawn_app().await;
    let (_, reply) = app.command("U1", "/note", NOTE).await;
    let button = reply["blocks"][1]["elements"][0].clone();
    let value = button["value"].as_str().unwrap();
    let rule = value.split_once(':').unwrap().1.to_string();
    let payload = json!({
        "type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
        "actions": [{"action_id": button["action_id"], "value": value}],
        "response_url": app.slack.response_url
    });
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    let r = app
        .post_signed(
            "/slack/interactivity",
            app.now(),
            &body,
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 200);
    let answers = app.slack.wait_calls("/response/1", 1).await;
    assert_eq!(answers[0].json["response_type"], "ephemeral");
    assert_eq!(
        app.service.store().disputes(TEAM).unwrap().get(&rule),
        Some(&1)
    );
    assert_eq!(app.metric("callnudge_disputes_total").await, 1);
}

#[tokio::test]
async fn the_digest_task_posts_once_per_week_with_the_bot_token() {
    let app = spawn_app().await;
    app.command("U1", "/note", NOTE).await;
    app.service
        .change_settings(TEAM, [SettingChange::DigestChannel(Some("CDIGEST".into()))])
        .unwrap();
    assert_eq!(
        http::digest::step(&app.state).await,
        0,
        "not due on Wednesday"
    );
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 27, 16, 5, 0).unwrap());
    assert_eq!(http::digest::step(&app.state).await, 1);
    assert_eq!(http::digest::step(&app.state).await, 0, "once per week");
    let posts = app.slack.calls("chat.postMessage");
    assert!(!posts.is_empty());
    assert_eq!(posts[0].json["channel"], "CDIGEST");
    assert!(posts[0].json["text"].as_str().unwrap().contains("2026-W48"));
    assert_eq!(
        posts[0].auth.as_deref(),
        Some(&*format!("Bearer {BOT_TOKEN}"))
    );
    assert_eq!(app.metric("callnudge_digests_sent_total").await, 1);
    // The chart follows through the external upload flow, into the digest channel.
    let upload = app.slack.calls("/upload/F1");
    assert_eq!(upload.len(), 1);
    assert!(upload[0].body.starts_with(b"\x89PNG"), "a PNG is uploaded");
    let done = app.slack.calls("files.completeUploadExternal");
    assert_eq!(done[0].json["channel_id"], "CDIGEST");
    assert_eq!(done[0].json["files"][0]["id"], "F1");
}

#[tokio::test]
async fn mattermost_teams_set_their_digest_channel_here_and_get_the_digest() {
    let app = spawn_app().await;
    let mm = |user: &str, text: &str| {
        let body = serde_urlencoded::to_string([
            ("token", MM_TOKEN),
            ("team_id", "MM1"),
            ("channel_id", "mmchan"),
            ("user_id", user),
            ("user_name", user),
            ("command", "/callnudge"),
            ("text", text),
        ])
        .unwrap();
        let req = app
            .http
            .post(format!("{}/mattermost/commands", app.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send();
        async move { req.await.unwrap().json::<Value>().await.unwrap() }
    };
    mm("u9", &format!("note {NOTE}")).await;
    let refused = mm("u9", "setup digest-channel here").await;
    assert!(refused["text"]
        .as_str()
        .unwrap()
        .contains("Only this team's callnudge managers"));
    app.service
        .change_settings("mattermost-MM1", [SettingChange::AddManager("u9".into())])
        .unwrap();
    let saved = mm("u9", "setup digest-channel here").await;
    assert!(
        saved["text"].as_str().unwrap().starts_with("Saved"),
        "{saved}"
    );
    assert_eq!(
        app.service
            .settings("mattermost-MM1")
            .unwrap()
            .digest_channel
            .as_deref(),
        Some("mmchan")
    );
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 27, 16, 5, 0).unwrap());
    assert_eq!(http::digest::step(&app.state).await, 1);
    assert_eq!(http::digest::step(&app.state).await, 0, "once per week");
    let posts = app.slack.calls("/api/v4/posts");
    assert!(!posts.is_empty());
    assert_eq!(posts[0].json["channel_id"], "mmchan");
    assert!(posts[0].json["message"]
        .as_str()
        .unwrap()
        .contains("2026-W48"));
    assert_eq!(
        posts[0].auth.as_deref(),
        Some(&*format!("Bearer {MM_BOT_TOKEN}"))
    );
}

#[tokio::test]
async fn a_snoozed_rep_gets_an_acknowledgement_instead_of_a_nudge() {
    let app = spawn_app().await;
    let (_, reply) = app.command("U1", "/snooze", "forever").await;
    assert!(reply["text"].as_str().unwrap().contains("4h, 2d or 1w"));
    let (_, reply) = app.command("U1", "/snooze", "2d").await;
    assert_eq!(reply["response_type"], "ephemeral");
    assert!(reply["text"].as_str().unwrap().contains("snoozed until"));

    let (_, reply) = app.command("U1", "/note", NOTE).await;
    let text = reply["text"].as_str().unwrap();
    assert!(text.contains("snoozed until"), "{text}");
    assert!(!text.contains("15% discount"), "no nudge: {text}");
    assert!(reply["blocks"].is_null(), "nothing to press");
    assert_eq!(
        app.service.store().notes(TEAM, Some("U1")).unwrap().len(),
        1
    );
    // Another rep of the team is not snoozed.
    let (_, reply) = app.command("U2", "/note", NOTE).await;
    assert!(reply["text"].as_str().unwrap().contains("15% discount"));

    let (_, reply) = app.command("U1", "/callnudge", "snooze off").await;
    assert!(reply["text"].as_str().unwrap().contains("Nudges are on"));
    let (_, reply) = app.command("U1", "/note", NOTE).await;
    assert!(reply["text"].as_str().unwrap().contains("15% discount"));
    assert_eq!(app.metric("callnudge_nudges_sent_total").await, 2);
}

#[tokio::test]
async fn a_notes_channel_event_is_stored_before_it_is_acknowledged() {
    let app = spawn_app().await;
    app.service
        .change_settings(TEAM, [SettingChange::NotesChannel(Some("CNOTES".into()))])
        .unwrap();
    for i in 0..10 {
        let event = json!({
            "type": "event_callback", "team_id": "T1", "event_id": format!("EvS{i}"),
            "event": {"type": "message", "user": "U1", "channel": "CNOTES",
                      "text": format!("{NOTE} ({i})"), "ts": "1.1"}
        })
        .to_string();
        let r = app
            .post_signed("/slack/events", app.now(), &event, "application/json")
            .await;
        assert_eq!(r.status(), 200);
        // Acknowledged means stored: a crash now must not lose it (Slack would not retry).
        let stored = app.service.store().notes(TEAM, None).unwrap();
        assert_eq!(
            stored.len(),
            i + 1,
            "event {i} acknowledged before it was stored"
        );
        assert!(app
            .service
            .store()
            .seen_event(&format!("slack:EvS{i}"))
            .unwrap());
    }
    app.slack.wait_calls("chat.postEphemeral", 10).await;
}

#[tokio::test]
async fn an_empty_note_in_the_notes_channel_gets_a_private_answer_saying_why() {
    let app = spawn_app().await;
    app.service
        .change_settings(TEAM, [SettingChange::NotesChannel(Some("CNOTES".into()))])
        .unwrap();
    let event = json!({
        "type": "event_callback", "team_id": "T1", "event_id": "EvEmpty",
        "event": {"type": "message", "user": "U1", "channel": "CNOTES", "text": "   ", "ts": "1.1"}
    })
    .to_string();
    let r = app
        .post_signed("/slack/events", app.now(), &event, "application/json")
        .await;
    assert_eq!(r.status(), 200);
    let answers = app.slack.wait_calls("chat.postEphemeral", 1).await;
    assert_eq!(answers[0].json["user"], "U1");
    assert!(
        answers[0].json.to_string().contains("the note is empty"),
        "{}",
        answers[0].json
    );
    assert!(app.service.store().notes(TEAM, None).unwrap().is_empty());
}

#[tokio::test]
async fn a_note_that_could_not_be_stored_is_not_acknowledged_and_its_retry_stores_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FailingNotes {
        inner: SledStore::open(dir.path()).unwrap(),
        fail_next: false.into(),
    });
    let app = spawn_app_on(store.clone(), dir).await;
    app.service
        .change_settings(TEAM, [SettingChange::NotesChannel(Some("CNOTES".into()))])
        .unwrap();
    let event = json!({
        "type": "event_callback", "team_id": "T1", "event_id": "EvFail",
        "event": {"type": "message", "user": "U1", "channel": "CNOTES", "text": NOTE, "ts": "1.1"}
    })
    .to_string();
    store
        .fail_next
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let r = app
        .post_signed("/slack/events", app.now(), &event, "application/json")
        .await;
    assert_ne!(
        r.status(),
        200,
        "a note that was not stored is not acknowledged"
    );
    // Slack retries the event; this time the disk takes it.
    let r = app
        .post_signed("/slack/events", app.now(), &event, "application/json")
        .await;
    assert_eq!(r.status(), 200);
    let notes = app.service.store().notes(TEAM, None).unwrap();
    assert_eq!(notes.len(), 1, "the retry stored the note");
    assert_eq!(notes[0].text.as_deref(), Some(NOTE));
    app.slack.wait_calls("chat.postEphemeral", 1).await;
}

/// A signed request with an id that is no platform id (empty, a CR LF that would forge a log
/// line, a NUL) is a client's mistake: 400 with the reason, counted as rejected, nothing stored.
#[tokio::test]
async fn odd_ids_and_malformed_buttons_are_client_mistakes_not_server_errors() {
    let app = spawn_app().await;
    for (team, user) in [("", "U1"), ("T1\r\nFORGED", "U1"), ("T1", "U\u{0}1")] {
        let body = serde_urlencoded::to_string([
            ("team_id", team),
            ("user_id", user),
            ("command", "/note"),
            ("text", NOTE),
        ])
        .unwrap();
        let r = app
            .post_signed(
                "/slack/commands",
                app.now(),
                &body,
                "application/x-www-form-urlencoded",
            )
            .await;
        assert_eq!(r.status(), 400, "team {team:?} user {user:?}");
        assert!(r.text().await.unwrap().contains("ids must be"));
    }
    assert!(
        app.service.store().teams().unwrap().is_empty(),
        "nothing stored"
    );
    // A button whose value is not NOTE:RULE, then one naming a rule that does not exist.
    let (_, reply) = app.command("U1", "/note", NOTE).await;
    let note = reply["blocks"][1]["elements"][0]["value"]
        .as_str()
        .unwrap()
        .split_once(':')
        .unwrap()
        .0
        .to_string();
    let press = |value: String| {
        let payload = json!({
            "type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
            "actions": [{"action_id": "dispute", "value": value}],
            "response_url": app.slack.response_url
        });
        serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
    };
    let r = app
        .post_signed(
            "/slack/interactivity",
            app.now(),
            &press("garbage".into()),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = app
        .post_signed(
            "/slack/interactivity",
            app.now(),
            &press(format!("{note}:no-such-rule")),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 200);
    let answers = app.slack.wait_calls("/response/1", 1).await;
    let text = answers[0].json["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!text.contains("try again"), "{text}");
    assert_eq!(app.metric("callnudge_errors_total").await, 0);
    assert!(app.metric("callnudge_requests_rejected_total").await >= 5);
}
