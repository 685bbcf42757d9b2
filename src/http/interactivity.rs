//! `POST /slack/interactivity`: the "not reactive here" button under a nudge.
use super::*;

#[derive(Deserialize)]
struct InteractivityForm {
    payload: String,
}

pub(super) async fn slack_interactivity(
    State(state): State<Arc<SlackState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized(&state);
    }
    let Some(v) = serde_urlencoded::from_bytes::<InteractivityForm>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<Value>(&f.payload).ok())
    else {
        return bad_request(&state, "not an interactivity payload");
    };
    let (Some(team), Some(user), Some(value)) = (
        v["team"]["id"].as_str(),
        v["user"]["id"].as_str(),
        v["actions"][0]["value"].as_str(),
    ) else {
        return StatusCode::OK.into_response();
    };
    if !is_platform_id(team) || !is_platform_id(user) {
        return bad_request(&state, BAD_IDS);
    }
    let Some((note, rule)) = chat::parse_dispute_value(value) else {
        return bad_request(&state, "the button's value is not NOTE:RULE");
    };
    let (team, user) = (format!("slack-{team}"), user.to_string());
    let response_url = v["response_url"].as_str().map(str::to_string);
    let tasks = state.tasks.clone();
    tasks.spawn(async move {
        let now = state.clock.now();
        let answered =
            chat::press_dispute(&state.service, &state.metrics, team, user, note, rule, now).await;
        let reply = Reply::text(answered.text);
        if let Some(url) = response_url {
            if let Err(e) = state.api.respond(&url, &reply).await {
                tracing::error!(error = %e, "dispute answer failed");
            }
        }
    });
    StatusCode::OK.into_response()
}
