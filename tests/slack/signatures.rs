//! Signed requests: Slack's documented example, and unsigned, tampered, stale and oversized
//! requests refused.

use super::*;

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
