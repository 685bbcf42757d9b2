//! The Events API: URL verification, retried deliveries stored once, a note in the notes
//! channel stored before it is acknowledged (and not acknowledged when it could not be).

use super::*;

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
