//! When Discord fails: a nudge refused for now (429, then 502) is sent again and arrives once;
//! a dropped gateway is resumed and a note posted meanwhile is not lost.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nudge_discord_refuses_for_now_429_then_502_is_sent_again_and_arrives_once() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.fail(axum::http::Method::POST, DM_PATH, 429, 0, 1);
    fake.fail(axum::http::Method::POST, DM_PATH, 502, 0, 1);
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000003, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while fake.calls().iter().filter(|c| c.path == DM_PATH).count() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the nudge was not sent again: {:?}",
            fake.calls().iter().map(|c| &c.path).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    let attempts: Vec<Call> = fake
        .calls()
        .into_iter()
        .filter(|c| c.path == DM_PATH)
        .collect();
    assert_eq!(attempts.len(), 3, "two refusals, then one delivery");
    assert!(content(&attempts[2]).unwrap().contains("15% discount"));
    assert!(
        attempts[1].at - attempts[0].at >= Duration::from_millis(400),
        "the retry waits"
    );
    assert_eq!(stored_notes(&bot), 1);
    bot.stop(&fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_gateway_is_resumed_and_a_note_posted_meanwhile_is_not_lost() {
    let (fake, _dir, bot) = start_with_notes_channel().await;
    fake.drop_gateway();
    // Posted while the bot is away: Discord replays it to the resumed session.
    fake.dispatch_or_keep(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000004, REP, "ana"),
    );
    fake.wait_connected().await;
    let dm = fake.wait_for("the DM", |c| c.path == DM_PATH).await;
    assert!(content(&dm).unwrap().contains("15% discount"));
    assert_eq!(fake.sessions(), (1, 1), "resumed, not identified anew");
    // And the session goes on: a note after the resume is answered too.
    fake.dispatch(
        "MESSAGE_CREATE",
        notes_channel_message(5200000000000005, REP, "ana"),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while fake.calls().iter().filter(|c| c.path == DM_PATH).count() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no nudge after the resume"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    assert_eq!(fake.calls().iter().filter(|c| c.path == DM_PATH).count(), 2);
    assert_eq!(stored_notes(&bot), 2, "each note stored once");
    bot.stop(&fake).await;
}
