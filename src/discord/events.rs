//! Discord events that are not slash commands: the "not reactive here" and "delete my data"
//! buttons, and messages in a team's notes channel (nudge by DM, never in the channel).

use super::commands::{nudge_components, DISPUTE_PREFIX, FORGET_PREFIX};
use super::{blocking, deliver, team_id, Data, Error};
use crate::core::wording::count;
use crate::core::wording::fill;
use crate::metrics::Metrics;
use crate::service::ServiceError;
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
        let mut it = rest.splitn(3, ':');
        let (Some(guild), Some(note), Some(rule)) = (it.next(), it.next(), it.next()) else {
            return Ok(());
        };
        // Ids the bot wrote itself; anything else (a zero id included) is ignored.
        let (Some(guild), Ok(note)) = (
            guild.parse::<u64>().ok().filter(|g| *g != 0),
            note.parse::<u64>(),
        ) else {
            return Ok(());
        };
        let team = team_id(serenity::GuildId::new(guild));
        let rule = rule.to_string();
        let now = data.clock.now();
        let (text, stored) = blocking(&data.service, move |s| {
            match s.dispute(&team, &user, &rule, note, now) {
                Ok(outcome) => Ok((s.dispute_answer(&rule, &outcome), true)),
                // Not the presser's finding (a forwarded button): say so, store nothing.
                Err(e @ ServiceError::NoSuchFinding { .. }) => Ok((e.to_string(), false)),
                Err(e) => Err(e),
            }
        })
        .await?;
        if stored {
            Metrics::inc(&data.metrics.disputes);
            tracing::info!(note, "dispute stored");
        }
        answer(ctx, press, text).await?;
        Ok(())
    } else if let Some(owner) = id.strip_prefix(FORGET_PREFIX) {
        let Some(guild) = press.guild_id else {
            return Ok(());
        };
        if owner != user {
            return answer(ctx, press, "That button is not yours.".into()).await;
        }
        let team = team_id(guild);
        let n = blocking(&data.service, move |s| s.forget(&team, &user)).await?;
        press
            .create_response(
                ctx,
                serenity::CreateInteractionResponse::UpdateMessage(
                    serenity::CreateInteractionResponseMessage::new()
                        .content(format!(
                            "Done: {} and every other record of you in this server are deleted.",
                            count(n, "note", "notes")
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
    if msg.author.bot || !data.message_content || msg.content.trim().is_empty() {
        return Ok(());
    }
    let team = team_id(guild);
    let settings = data.service.settings(&team)?; // a read from sled's cache
    if settings.notes_channel.as_deref() != Some(msg.channel_id.to_string().as_str()) {
        return Ok(());
    }
    let rep = msg.author.id.to_string();
    let name = msg
        .member
        .as_ref()
        .and_then(|m| m.nick.clone())
        .unwrap_or_else(|| msg.author.display_name().to_string());
    let title = ctx.cache.guild(guild).map(|g| g.name.clone());
    let now = data.clock.now();
    let s = &data.service;
    s.remember_names_async(&team, title.as_deref(), &rep, &name)
        .await?;
    let submitted = s.submit_note_async(&team, &rep, &msg.content, now).await?;
    Metrics::inc(&data.metrics.notes_analysed);
    if submitted.snoozed_until.is_some() {
        return Ok(()); // the rep asked for quiet: stored, no DM
    }
    let dm = serenity::CreateMessage::new()
        .content(submitted.nudge.text.clone())
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .components(nudge_components(guild, submitted.note.id, &submitted.nudge));
    let sent = deliver::with_retry("nudge", || msg.author.direct_message(ctx, dm.clone())).await;
    match sent {
        Ok(_) => Metrics::inc(&data.metrics.nudges_sent),
        Err(e) if deliver::dms_closed(&e) => {
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
