//! Discord events that are not slash commands: the "not reactive here" and "delete my data"
//! buttons, and messages in a team's notes channel (nudge by DM, never in the channel).

use super::commands::{nudge_components, DISPUTE_PREFIX, FORGET_PREFIX};
use super::{blocking, deliver, team_id, Data, Error};
use crate::chat;
use crate::core::wording::{fill, Surface};
use crate::metrics::Metrics;
use poise::serenity_prelude as serenity;

pub async fn handle(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    _framework: poise::FrameworkContext<'_, Data, Error>,
    data: &Data,
) -> Result<(), Error> {
    match event {
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(press),
        } => button(ctx, press, data).await,
        serenity::FullEvent::Message { new_message } => notes_channel(ctx, new_message, data).await,
        _ => Ok(()),
    }
}

async fn answer(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    text: String,
) -> Result<(), Error> {
    press
        .create_response(
            ctx,
            serenity::CreateInteractionResponse::Message(
                serenity::CreateInteractionResponseMessage::new()
                    .content(text)
                    .ephemeral(true),
            ),
        )
        .await?;
    Ok(())
}

async fn button(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<(), Error> {
    let id = press.data.custom_id.as_str();
    let user = press.user.id.to_string();
    if let Some(rest) = id.strip_prefix(DISPUTE_PREFIX) {
        // `{guild}:{NOTE:RULE}`, as the bot wrote it; anything else (a zero id included) is
        // ignored.
        let Some((guild, value)) = rest.split_once(':') else {
            return Ok(());
        };
        let (Some(guild), Some((note, rule))) = (
            guild.parse::<u64>().ok().filter(|g| *g != 0),
            chat::parse_dispute_value(value),
        ) else {
            return Ok(());
        };
        let team = team_id(serenity::GuildId::new(guild));
        let now = data.clock.now();
        let answered =
            chat::press_dispute(&data.service, &data.metrics, team, user, note, rule, now).await;
        answer(ctx, press, answered.text).await?;
        Ok(())
    } else if let Some(owner) = id.strip_prefix(FORGET_PREFIX) {
        let Some(guild) = press.guild_id else {
            return Ok(());
        };
        if owner != user {
            let text = data.service.prompts().chat.not_yours.clone();
            return answer(ctx, press, text).await;
        }
        let team = team_id(guild);
        let n = blocking(&data.service, move |s| s.forget(&team, &user)).await?;
        press
            .create_response(
                ctx,
                serenity::CreateInteractionResponse::UpdateMessage(
                    serenity::CreateInteractionResponseMessage::new()
                        .content(fill(
                            &data.service.prompts().chat.forget_done,
                            &[("notes", &n.to_string()), ("place", "server")],
                        ))
                        .components(Vec::new()),
                ),
            )
            .await?;
        Ok(())
    } else {
        Ok(())
    }
}

async fn notes_channel(
    ctx: &serenity::Context,
    msg: &serenity::Message,
    data: &Data,
) -> Result<(), Error> {
    let Some(guild) = msg.guild_id else {
        return Ok(());
    };
    if msg.author.bot || !data.message_content {
        return Ok(());
    }
    let team = team_id(guild);
    let rep = msg.author.id.to_string();
    let name = msg
        .member
        .as_ref()
        .and_then(|m| m.nick.clone())
        .unwrap_or_else(|| msg.author.display_name().to_string());
    let title = ctx.cache.guild(guild).map(|g| g.name.clone());
    let channel = msg.channel_id.to_string();
    let note = chat::ChannelNote {
        team: &team,
        rep: &rep,
        rep_name: Some(&name),
        team_title: title.as_deref(),
        channel: &channel,
        text: &msg.content,
        event: None,
        posted: data.clock.now(),
    };
    let outcome = chat::channel_note(&data.service, &data.metrics, note).await?;
    let is_nudge = matches!(outcome, chat::ChannelOutcome::Nudge(_));
    let dm = match outcome {
        chat::ChannelOutcome::Nudge(submitted) => serenity::CreateMessage::new()
            .content(Surface::Chat.spell(&submitted.nudge.text))
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .components(nudge_components(
                &data.service,
                guild,
                submitted.note.id,
                &submitted.nudge,
            )),
        chat::ChannelOutcome::Refused(text) => serenity::CreateMessage::new().content(text),
        _ => return Ok(()), // not a note, or the rep asked for quiet
    };
    let sent = deliver::with_retry("nudge", || msg.author.direct_message(ctx, dm.clone())).await;
    match sent {
        Ok(_) if is_nudge => Metrics::inc(&data.metrics.nudges_sent),
        Ok(_) => {}
        Err(e) if is_nudge && deliver::dms_closed(&e) => {
            // The note is stored; the rep is told where they posted it, in words that say
            // nothing of the note or its nudge (those stay private).
            tracing::warn!(rep = %rep, "the rep does not accept DMs; told in the notes channel");
            let text = fill(&data.service.prompts().nudge.dms_closed, &[("rep", &rep)]);
            let tell = serenity::CreateMessage::new()
                .content(text)
                .reference_message(msg)
                .allowed_mentions(serenity::CreateAllowedMentions::new().users([msg.author.id]));
            deliver::with_retry("dms-closed notice", || {
                msg.channel_id.send_message(ctx, tell.clone())
            })
            .await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
