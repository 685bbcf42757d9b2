//! `POST /mattermost/commands`: Mattermost's slash command, verified by its token, answered
//! with the same commands as Slack's.
use super::*;

pub(super) async fn mattermost_command(
    State(state): State<Arc<SlackState>>,
    body: Bytes,
) -> Response {
    let Some(expected) = &state.config.mattermost_token else {
        return unauthorized(&state);
    };
    let Ok(form) = serde_urlencoded::from_bytes::<SlashForm>(&body) else {
        return unauthorized(&state);
    };
    if !verify::same_secret(&form.token, expected.expose()) {
        tracing::warn!("mattermost request refused");
        return unauthorized(&state);
    }
    if !is_platform_id(&form.team_id) || !is_platform_id(&form.user_id) {
        return bad_request(&state, BAD_IDS);
    }
    let who = form.caller("mattermost", false);
    answer_command(
        state,
        who,
        form,
        |r| json!({"response_type": "ephemeral", "text": r.text}),
    )
    .await
}
