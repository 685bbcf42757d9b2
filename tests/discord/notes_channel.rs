//! Notes posted in a team's notes channel: the nudge goes by DM, and a rep who accepts no DMs
//! is told in the channel without a word of the note.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_in_the_notes_channel_gets_a_dm_not_a_channel_post() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000001, REP, "ana"),
    );
    let opened = fake
        .wait_for("the DM channel", |c| {
            c.path == "/api/v10/users/@me/channels"
        })
        .await;
    assert_eq!(opened.json["recipient_id"], REP.to_string());
    let dm = fake
        .wait_for("the DM", |c| {
            c.path == "/api/v10/channels/7000000000000001/messages"
        })
        .await;
    assert!(content(&dm).unwrap().contains("15% discount"));
    let in_channel: Vec<Call> = channel_posts(&fake)
        .into_iter()
        .filter(|c| c.path == format!("/api/v10/channels/{CHANNEL}/messages"))
        .collect();
    assert!(in_channel.is_empty(), "never into the notes channel");
    assert_eq!(
        bot.service
            .store()
            .notes(&team(), Some(&REP.to_string()))
            .unwrap()
            .len(),
        1
    );
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_who_accepts_no_dms_is_told_in_the_channel_without_a_word_of_the_note() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.fail(
        axum::http::Method::POST,
        "/channels/7000000000000001/messages",
        403,
        50007,
        1,
    );
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000002, REP, "ana"),
    );
    let told = fake
        .wait_for("the notice in the channel", |c| {
            c.path == format!("/api/v10/channels/{CHANNEL}/messages")
        })
        .await;
    let text = content(&told).unwrap();
    assert!(text.contains(&format!("<@{REP}>")), "{text}");
    assert!(text.contains("direct messages"), "{text}");
    for private in ["Dana", "15%", "discount", "Peer score"] {
        assert!(
            !text.contains(private),
            "the notice leaks {private:?}: {text}"
        );
    }
    assert_eq!(
        told.json["allowed_mentions"]["users"],
        json!([REP.to_string()]),
        "only the rep is pinged"
    );
    assert_eq!(
        fake.calls().iter().filter(|c| c.path == DM_PATH).count(),
        1,
        "not retried"
    );
    assert_eq!(stored_notes(&bot), 1, "the note is kept");
    bot.stop(&fake).await;
}
