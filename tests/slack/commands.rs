//! Slash commands and buttons: `/note` end to end, each rep's own data, the manager's digest,
//! the dispute button, a snoozed rep.

use super::*;

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
