//! `POST /slack/events`: the Events API — the URL check, and a rep's message in a team's notes
//! channel (stored once per event, answered 200 only once durable; the nudge goes privately).
use super::*;

pub(super) async fn slack_event(
    State(state): State<Arc<SlackState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized(&state);
    }
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(&state, "not JSON");
    };
    match v["type"].as_str() {
        Some("url_verification") => Json(json!({"challenge": v["challenge"]})).into_response(),
        Some("event_callback") => {
            let (Some(event_id), Some(team_id)) = (v["event_id"].as_str(), v["team_id"].as_str())
            else {
                return bad_request(&state, "event without event_id or team_id");
            };
            let Some(message) = ChannelMessage::of(&v["event"]) else {
                return StatusCode::OK.into_response(); // not a rep's message: nothing to do
            };
            if !is_platform_id(team_id) || !is_platform_id(&message.user) {
                return bad_request(&state, BAD_IDS);
            }
            if event_id.len() > 128 || event_id.chars().any(char::is_control) {
                return bad_request(
                    &state,
                    "event_id is longer than 128 characters or holds control characters",
                );
            }
            let team = format!("slack-{team_id}");
            let event = format!("slack:{event_id}");
            // Every delivery of an event carries its `event_time`: the note's time, so that a
            // retry writes the same note (a missing or odd one: now).
            let now = state.clock.now();
            let posted = v["event_time"]
                .as_i64()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .filter(|t| (now - *t).abs() < chrono::Duration::days(1))
                .unwrap_or(now);
            // Answered only once the note is durable: a crash before that makes Slack retry,
            // and the retry stores the note then (once).
            let note = chat::ChannelNote {
                team: &team,
                rep: &message.user,
                rep_name: None, // Slack's events carry ids only
                team_title: None,
                channel: &message.channel,
                text: &message.text,
                event: Some(&event),
                posted,
            };
            let reply = match chat::channel_note(&state.service, &state.metrics, note).await {
                Ok(chat::ChannelOutcome::Nudge(sub)) => Some((
                    commands::nudge_reply(&state.service, sub.note.id, &sub.nudge, true),
                    true,
                )),
                Ok(chat::ChannelOutcome::Refused(text)) => Some((Reply::text(text), false)),
                Ok(_) => None,
                Err(e) if e.is_server_fault() => {
                    Metrics::inc(&state.metrics.errors);
                    tracing::error!(error = %e, "note from the notes channel not stored");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
                Err(e) => Some((Reply::text(chat::error_text(&e)), false)),
            };
            if let Some((reply, is_nudge)) = reply {
                let s = state.clone();
                state.tasks.spawn(async move {
                    answer_privately(&s, &message.channel, &message.user, &reply, is_nudge).await;
                });
            }
            StatusCode::OK.into_response()
        }
        _ => StatusCode::OK.into_response(),
    }
}

/// A rep's plain message from an event (not a bot's, not an edit or a join).
struct ChannelMessage {
    user: String,
    channel: String,
    text: String,
}

impl ChannelMessage {
    fn of(event: &Value) -> Option<ChannelMessage> {
        let is_plain = event["type"] == "message"
            && event.get("subtype").is_none()
            && event.get("bot_id").is_none();
        if !is_plain {
            return None;
        }
        Some(ChannelMessage {
            user: event["user"].as_str()?.to_string(),
            channel: event["channel"].as_str()?.to_string(),
            text: event["text"].as_str()?.to_string(),
        })
    }
}

/// Posts a private answer (a nudge, or why a note was refused) to the rep in the channel.
async fn answer_privately(
    state: &SlackState,
    channel: &str,
    user: &str,
    reply: &Reply,
    is_nudge: bool,
) {
    match state.api.post_ephemeral(channel, user, reply).await {
        Ok(()) if is_nudge => Metrics::inc(&state.metrics.nudges_sent),
        Ok(()) => {}
        Err(e) => {
            Metrics::inc(&state.metrics.errors);
            tracing::error!(error = %e, "private answer could not be delivered");
        }
    }
}
