//! The weekly digest over HTTP chat: the digest task posts once a week with the bot token;
//! Mattermost teams set their digest channel.

use super::*;

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
