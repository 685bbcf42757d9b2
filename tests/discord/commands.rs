//! Slash commands and buttons: `/note` with text and through its modal, digest and setup
//! refused to reps and shown to managers, the dispute button, forget-me, a snoozed rep.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn note_with_text_answers_privately_and_stores_the_note() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch("INTERACTION_CREATE", note_command(9001, NOTE));
    let reply = fake.wait_for("the nudge", follow_up("tok-9001")).await;
    let content = reply.json["content"].as_str().unwrap();
    assert!(
        is_ephemeral(&reply),
        "the nudge must be ephemeral: {:?}",
        reply.json
    );
    assert!(
        content.contains("15% discount"),
        "the nudge quotes the flagged phrase: {content}"
    );
    // Deferred first, privately.
    let ack = fake
        .wait_for("the deferral", |c| {
            c.path.ends_with("/interactions/9001/tok-9001/callback")
        })
        .await;
    assert_eq!(ack.json["type"], 5);
    assert!(is_ephemeral(&ack));
    // A "not reactive here" button per finding shown.
    let buttons = reply.json["components"][0]["components"]
        .as_array()
        .unwrap();
    assert!(!buttons.is_empty());

    let notes = bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text.as_deref(), Some(NOTE));
    assert!(
        channel_posts(&fake).is_empty(),
        "nothing may be posted to a channel"
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn note_without_text_opens_a_modal_whose_submit_gives_the_nudge() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9101, REP, "ana", false, "note", json!([])),
    );
    let modal = fake
        .wait_for("the modal", |c| {
            c.path.ends_with("/interactions/9101/tok-9101/callback") && c.json["type"] == 9
        })
        .await;
    let custom_id = modal.json["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let field = modal.json["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    // poise listens for the submit only once the callback returned, and a submit before that
    // is lost: submit until the nudge comes (a person would press Submit again).
    let mut submits = 0;
    let reply = loop {
        submits += 1;
        assert!(submits <= 20, "the modal submit was never answered");
        fake.dispatch(
            "INTERACTION_CREATE",
            modal_submit(9200 + submits, REP, "ana", &custom_id, &field, NOTE),
        );
        let answered = tokio::time::timeout(
            Duration::from_millis(250),
            fake.wait_for("the nudge", follow_up("tok-9101")),
        )
        .await;
        if let Ok(reply) = answered {
            break reply;
        }
    };
    assert!(is_ephemeral(&reply));
    assert!(reply.json["content"]
        .as_str()
        .unwrap()
        .contains("15% discount"));
    let notes = bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap();
    assert_eq!(notes.len(), 1);
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_and_setup_are_refused_to_reps_and_shown_to_managers() {
    let (fake, _dir, bot) = start_fresh().await;
    seed(&bot.service);

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9201, REP, "ana", false, "digest", json!([])),
    );
    let refused = fake.wait_for("the refusal", follow_up("tok-9201")).await;
    let text = refused.json["content"].as_str().unwrap();
    assert!(
        text.contains("Only this server's callnudge managers"),
        "{text}"
    );
    assert!(
        !text.contains(&OTHER_REP.to_string()) && !text.contains("W48"),
        "{text}"
    );
    assert!(is_ephemeral(&refused));

    let schedule = json!([{"name": "schedule", "type": 1, "options": [
        {"name": "weekday", "type": 3, "value": "mon"},
        {"name": "hour", "type": 4, "value": 9}
    ]}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9202, REP, "ana", false, "setup", schedule.clone()),
    );
    let refused = fake
        .wait_for("the setup refusal", |c| {
            c.path.contains("tok-9202") && content(c).is_some()
        })
        .await;
    assert!(content(&refused)
        .unwrap()
        .contains("Only this server's callnudge managers"));
    assert!(is_ephemeral(&refused));
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Fri
    );

    // A manager (Manage Server) sees the digest of the seeded notes.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9203, MANAGER, "mo", true, "digest", json!([])),
    );
    let shown = fake.wait_for("the digest", follow_up("tok-9203")).await;
    let text = shown.json["content"].as_str().unwrap();
    let (_, expected) = bot.service.digest(&team(), None, wednesday()).unwrap();
    assert_eq!(text, expected[0]);
    assert!(
        text.contains("2026-W48") && text.contains("ana"),
        "names, not ids: {text}"
    );
    assert!(is_ephemeral(&shown));

    // And can change the schedule; a bad time zone is refused with a clear message.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9204, MANAGER, "mo", true, "setup", schedule),
    );
    fake.wait_for("the setup answer", |c| {
        c.path.contains("tok-9204") && content(c).is_some()
    })
    .await;
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Mon
    );
    let bad = json!([{"name": "schedule", "type": 1, "options": [
        {"name": "weekday", "type": 3, "value": "fri"},
        {"name": "hour", "type": 4, "value": 9},
        {"name": "timezone", "type": 3, "value": "Mars/Olympus"}
    ]}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9205, MANAGER, "mo", true, "setup", bad),
    );
    let answer = fake
        .wait_for("the tz error", |c| {
            c.path.contains("tok-9205") && content(c).is_some()
        })
        .await;
    assert!(content(&answer).unwrap().contains("IANA time zone"));
    assert_eq!(
        bot.service.settings(&team()).unwrap().schedule.weekday,
        chrono::Weekday::Mon
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dispute_button_stores_a_dispute_for_that_rule() {
    let (fake, _dir, bot) = start_fresh().await;

    fake.dispatch("INTERACTION_CREATE", note_command(9301, NOTE));
    let reply = fake.wait_for("the nudge", follow_up("tok-9301")).await;
    let custom_id = reply.json["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = custom_id.rsplit(':').next().unwrap().to_string();
    fake.dispatch("INTERACTION_CREATE", button(9302, REP, "ana", &custom_id));
    let ack = fake
        .wait_for("the dispute answer", |c| {
            c.path.ends_with("/interactions/9302/tok-9302/callback")
        })
        .await;
    assert!(is_ephemeral(&ack));
    let disputes = bot.service.store().disputes(&team()).unwrap();
    assert_eq!(disputes.get(&rule), Some(&1), "{disputes:?}");
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_asks_first_and_only_the_rep_can_confirm() {
    let (fake, _dir, bot) = start_fresh().await;
    seed(&bot.service);

    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9401, REP, "ana", false, "forget-me", json!([])),
    );
    let ask = fake
        .wait_for("the confirmation", |c| {
            c.path.ends_with("/interactions/9401/tok-9401/callback")
        })
        .await;
    assert!(is_ephemeral(&ask));
    let confirm = ask.json["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1,
        "nothing deleted before the confirmation"
    );

    // Someone else's press deletes nothing.
    fake.dispatch(
        "INTERACTION_CREATE",
        button(9402, OTHER_REP, "ben", &confirm),
    );
    fake.wait_for("the refusal", |c| {
        c.path.ends_with("/interactions/9402/tok-9402/callback")
    })
    .await;
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1
    );

    fake.dispatch("INTERACTION_CREATE", button(9403, REP, "ana", &confirm));
    let done = fake
        .wait_for("the deletion", |c| {
            c.path.ends_with("/interactions/9403/tok-9403/callback")
        })
        .await;
    assert!(content(&done).unwrap().contains("deleted"));
    assert!(bot
        .service
        .store()
        .notes(&team(), Some(&REP.to_string()))
        .unwrap()
        .is_empty());
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&OTHER_REP.to_string()))
            .unwrap()
            .len(),
        1
    );
    assert!(!bot
        .service
        .settings(&team())
        .unwrap()
        .names
        .contains_key(&REP.to_string()));

    // /rules lists the categories, privately.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9404, REP, "ana", false, "rules", json!([])),
    );
    let rules = fake
        .wait_for("the rules", |c| {
            c.path.contains("tok-9404") && content(c).is_some()
        })
        .await;
    assert!(content(&rules).unwrap().contains("unearned-concession"));
    assert!(is_ephemeral(&rules));
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snoozed_rep_gets_no_nudge_and_no_dm_but_the_note_is_stored() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    let snooze = json!([{"name": "length", "type": 3, "value": "2d"}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash(9401, REP, "ana", false, "snooze", snooze),
    );
    let ack = fake
        .wait_for("the snooze answer", |c| {
            c.path.ends_with("/interactions/9401/tok-9401/callback")
        })
        .await;
    assert!(is_ephemeral(&ack));
    assert!(content(&ack).unwrap().contains("snoozed until"), "{ack:?}");
    assert!(content(&ack).unwrap().contains("`/snooze off`"), "{ack:?}");

    // /note: stored, answered with the acknowledgement only, nothing to press.
    fake.dispatch("INTERACTION_CREATE", note_command(9402, NOTE));
    let reply = fake.wait_for("the answer", follow_up("tok-9402")).await;
    let text = content(&reply).unwrap();
    assert!(
        text.contains("snoozed until") && !text.contains("15% discount"),
        "{text}"
    );
    assert!(reply.json["components"]
        .as_array()
        .is_none_or(|c| c.is_empty()));

    // The notes channel: the snoozed rep's note is stored and gets no DM; another rep's does.
    let (rep, other) = (REP.to_string(), OTHER_REP.to_string());
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5300000000000001, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while bot
        .service
        .store()
        .notes(&team(), Some(&rep))
        .unwrap()
        .len()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "the note is stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5300000000000002, OTHER_REP, "ben"),
    );
    fake.wait_for("the other rep's DM", |c| {
        c.path == "/api/v10/users/@me/channels" && c.json["recipient_id"] == other.as_str()
    })
    .await;
    let dms_to_rep = fake
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v10/users/@me/channels" && c.json["recipient_id"] == rep)
        .count();
    assert_eq!(dms_to_rep, 0, "no DM to the snoozed rep");
    bot.stop(&fake).await;
}
