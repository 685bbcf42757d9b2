//! The slash commands. A command's doc comment is its help text in Discord; each one checks
//! what it needs (guild, manager) itself, whatever Discord's command permissions say.

use super::{blocking, team_id, ApplicationContext, Context, Data, Error};
use crate::core::settings::SettingChange;
use crate::core::wording::{fill, Surface};
use crate::core::{Nudge, Week};
use crate::metrics::Metrics;
use crate::service::{ServiceError, Submitted};
use poise::serenity_prelude as serenity;
use poise::CreateReply;

/// Every command, for registration.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        note(),
        trend(),
        snooze(),
        digest(),
        setup(),
        forget_me(),
        rules(),
    ]
}

/// The button ids: `cn:d:{guild}:{note}:{rule}` disputes a finding, `cn:f:{user}` confirms
/// `/forget-me`.
pub const DISPUTE_PREFIX: &str = "cn:d:";
pub const FORGET_PREFIX: &str = "cn:f:";

/// The nudge as a Discord reply: its text and a "not reactive here" button per rule it
/// flagged (Discord's limit: five buttons a row, five rows).
pub fn nudge_components(
    service: &crate::service::Service,
    guild: serenity::GuildId,
    note: u64,
    nudge: &Nudge,
) -> Vec<serenity::CreateActionRow> {
    let buttons: Vec<serenity::CreateButton> = nudge
        .disputable()
        .into_iter()
        .take(25)
        .map(|f| {
            let value = crate::chat::dispute_value(note, &f.rule);
            serenity::CreateButton::new(format!("{DISPUTE_PREFIX}{guild}:{value}"))
                .label(crate::chat::dispute_label(service, &f.rule, 80))
                .style(serenity::ButtonStyle::Secondary)
        })
        .collect();
    buttons
        .chunks(5)
        .map(|row| serenity::CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

fn guild(ctx: Context<'_>) -> Result<serenity::GuildId, Error> {
    ctx.guild_id().ok_or(Error::NotInServer)
}

/// Whether the author manages this guild's team: Manage Server (or Administrator), the
/// team's manager role, or listed as a manager in the team's settings.
pub async fn is_manager(ctx: Context<'_>) -> Result<bool, Error> {
    let guild = guild(ctx)?;
    let user = ctx.author().id.to_string();
    let (perms, roles) = match ctx.author_member().await {
        Some(m) => (m.permissions.unwrap_or_default(), m.roles.clone()),
        None => (serenity::Permissions::empty(), Vec::new()),
    };
    let admin = perms.manage_guild() || perms.administrator();
    let team = team_id(guild);
    let settings = blocking(&ctx.data().service, move |s| s.settings(&team)).await?;
    let by_role = settings
        .manager_role
        .as_deref()
        .is_some_and(|r| roles.iter().any(|have| have.to_string() == r));
    Ok(admin || by_role || settings.is_manager(&user))
}

async fn private(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    ctx.send(
        CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

/// Stores a note and answers with the nudge.
async fn submit(ctx: Context<'_>, text: String) -> Result<(), Error> {
    let guild = guild(ctx)?;
    let team = team_id(guild);
    let rep = ctx.author().id.to_string();
    let name = match ctx.author_member().await {
        Some(m) => m.display_name().to_string(),
        None => ctx.author().display_name().to_string(),
    };
    let title = ctx.guild().map(|g| g.name.clone());
    let now = ctx.data().clock.now();
    let s = &ctx.data().service;
    let submitted: Result<Submitted, Error> = async {
        s.remember_names_async(&team, title.as_deref(), &rep, &name)
            .await?;
        Ok(s.submit_note_async(&team, &rep, &text, now).await?)
    }
    .await;
    let submitted = match submitted {
        Ok(s) => s,
        // The rep's own mistake (an empty or too long note): said privately.
        Err(Error::Service(se)) if !se.is_server_fault() => {
            return private(ctx, crate::chat::error_text(&se)).await;
        }
        Err(e) => return Err(e),
    };
    Metrics::inc(&ctx.data().metrics.notes_analysed);
    ctx.send(
        CreateReply::default()
            .content(Surface::Chat.spell(&submitted.nudge.text))
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .components(nudge_components(
                s,
                guild,
                submitted.note.id,
                &submitted.nudge,
            )),
    )
    .await?;
    Metrics::inc(&ctx.data().metrics.nudges_sent);
    Ok(())
}

#[derive(Debug, poise::Modal)]
#[name = "Call note"]
struct NoteModal {
    #[name = "What happened on the call?"]
    #[placeholder = "Who was there, what they asked for, what you agreed, next steps and who owns them"]
    #[paragraph]
    #[max_length = 4000]
    note: String,
}

/// Post a call note; callnudge answers only you, with a nudge toward peer selling.
///
/// Without text, a form opens for a longer note.
#[poise::command(slash_command, guild_only)]
pub async fn note(
    ctx: ApplicationContext<'_>,
    #[description = "The note (leave empty to open a form for a longer one)"]
    #[max_length = 4000]
    text: Option<String>,
) -> Result<(), Error> {
    use poise::Modal as _;
    match text {
        Some(text) => {
            ctx.defer_ephemeral().await?;
            submit(ctx.into(), text).await
        }
        None => match NoteModal::execute(ctx).await? {
            Some(m) => submit(ctx.into(), m.note).await,
            None => Ok(()), // the form was closed or timed out
        },
    }
}

/// Your own weekly trend: notes, peer score and what changed — exactly what your manager sees.
#[poise::command(slash_command, guild_only, ephemeral)]
pub async fn trend(
    ctx: Context<'_>,
    #[description = "How many weeks to show (default 8)"]
    #[min = 1]
    #[max = 52]
    weeks: Option<u8>,
) -> Result<(), Error> {
    let team = team_id(guild(ctx)?);
    let rep = ctx.author().id.to_string();
    let display = ctx.author().name.clone();
    let weeks = usize::from(weeks.unwrap_or(8));
    let (_, text) = blocking(&ctx.data().service, move |s| {
        s.trend_weeks(&team, &rep, weeks, &display)
    })
    .await?;
    private(ctx, text).await
}

/// Hold your nudges back for a while (notes are still saved), or turn them back on.
#[poise::command(slash_command, guild_only, ephemeral)]
pub async fn snooze(
    ctx: Context<'_>,
    #[description = "4h, 2d or 1w (up to 30 days), or off"]
    #[max_length = 20]
    length: Option<String>,
) -> Result<(), Error> {
    let team = team_id(guild(ctx)?);
    let rep = ctx.author().id.to_string();
    let now = ctx.data().clock.now();
    let arg = length.unwrap_or_default();
    let text = blocking(&ctx.data().service, move |s| {
        s.snooze(&team, &rep, &arg, now)
    })
    .await?;
    private(ctx, Surface::Chat.spell(&text)).await
}

/// Managers: a private preview of the team's weekly digest (default: this week so far).
#[poise::command(slash_command, guild_only, ephemeral)]
pub async fn digest(
    ctx: Context<'_>,
    #[description = "An ISO week such as 2026-W48 (default: this week)"] week: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if !is_manager(ctx).await? {
        return private(ctx, &ctx.data().service.prompts().chat.not_manager_discord).await;
    }
    let week = match week.map(|w| w.parse::<Week>()).transpose() {
        Ok(w) => w,
        Err(e) => return private(ctx, format!("{e}")).await,
    };
    let team = team_id(guild(ctx)?);
    let now = ctx.data().clock.now();
    let (digest, parts) =
        blocking(&ctx.data().service, move |s| s.digest(&team, week, now)).await?;
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        let mut reply = CreateReply::default()
            .content(part)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if i == last {
            if let Ok(png) = crate::chart::weekly_scores_png(&digest) {
                reply = reply.attachment(serenity::CreateAttachment::bytes(png, "digest.png"));
            }
        }
        ctx.send(reply).await?;
    }
    Ok(())
}

/// Managers: digest channel and schedule, manager role, notes channel, retention, rules.
#[poise::command(
    slash_command,
    guild_only,
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD",
    subcommands(
        "setup_digest_channel",
        "setup_schedule",
        "setup_manager_role",
        "setup_notes_channel",
        "setup_retention",
        "setup_rule"
    )
)]
pub async fn setup(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Applies settings changes for a manager, answering privately.
async fn change(ctx: Context<'_>, changes: Vec<SettingChange>, done: String) -> Result<(), Error> {
    if !is_manager(ctx).await? {
        return private(ctx, &ctx.data().service.prompts().chat.not_manager_discord).await;
    }
    let team = team_id(guild(ctx)?);
    let result = blocking(&ctx.data().service, move |s| {
        s.change_settings(&team, changes)
    })
    .await;
    match result {
        Ok(_) => private(ctx, done).await,
        Err(Error::Service(ServiceError::Setting(s))) => private(ctx, s.to_string()).await,
        Err(e) => Err(e),
    }
}

/// Where the weekly digest is posted.
#[poise::command(slash_command, rename = "digest-channel", ephemeral)]
pub async fn setup_digest_channel(
    ctx: Context<'_>,
    #[description = "The channel for the weekly digest"]
    #[channel_types("Text")]
    channel: serenity::GuildChannel,
) -> Result<(), Error> {
    let chat = &ctx.data().service.prompts().chat;
    let done = fill(
        &chat.setup_digest_channel,
        &[("channel", &channel.id.to_string())],
    );
    let c = vec![SettingChange::DigestChannel(Some(channel.id.to_string()))];
    change(ctx, c, done).await
}

/// When the weekly digest goes out: weekday, hour and IANA time zone.
#[poise::command(slash_command, rename = "schedule", ephemeral)]
pub async fn setup_schedule(
    ctx: Context<'_>,
    #[description = "mon, tue, wed, thu, fri, sat or sun"] weekday: String,
    #[description = "Hour of the day, 0–23"]
    #[min = 0]
    #[max = 23]
    hour: i64,
    #[description = "IANA time zone, e.g. Europe/Berlin (default: unchanged)"] timezone: Option<
        String,
    >,
) -> Result<(), Error> {
    let mut c = vec![
        SettingChange::Weekday(weekday.clone()),
        SettingChange::Hour(hour),
    ];
    let chat = &ctx.data().service.prompts().chat;
    let tz = timezone
        .clone()
        .unwrap_or_else(|| chat.setup_schedule_same_tz.clone());
    c.extend(timezone.map(SettingChange::TimeZone));
    let done = fill(
        &chat.setup_schedule,
        &[
            ("weekday", &weekday),
            ("hour", &hour.to_string()),
            ("tz", &tz),
        ],
    );
    change(ctx, c, done).await
}

/// The role whose members are callnudge managers (besides Manage Server).
#[poise::command(slash_command, rename = "manager-role", ephemeral)]
pub async fn setup_manager_role(
    ctx: Context<'_>,
    #[description = "The managers' role"] role: serenity::Role,
) -> Result<(), Error> {
    let chat = &ctx.data().service.prompts().chat;
    let done = fill(&chat.setup_manager_role, &[("role", &role.id.to_string())]);
    change(
        ctx,
        vec![SettingChange::ManagerRole(Some(role.id.to_string()))],
        done,
    )
    .await
}

/// A channel whose messages are read as call notes (needs the message-content intent).
#[poise::command(slash_command, rename = "notes-channel", ephemeral)]
pub async fn setup_notes_channel(
    ctx: Context<'_>,
    #[description = "The channel where reps post notes"]
    #[channel_types("Text")]
    channel: serenity::GuildChannel,
) -> Result<(), Error> {
    let chat = &ctx.data().service.prompts().chat;
    let mut done = fill(
        &chat.setup_notes_channel,
        &[("channel", &channel.id.to_string())],
    );
    if !ctx.data().message_content {
        done.push('\n');
        done.push_str(&chat.setup_notes_no_intent);
    }
    let c = vec![SettingChange::NotesChannel(Some(channel.id.to_string()))];
    change(ctx, c, done).await
}

/// How many days note text is kept (the analysis is kept regardless; `none` keeps no text).
#[poise::command(slash_command, rename = "retention", ephemeral)]
pub async fn setup_retention(
    ctx: Context<'_>,
    #[description = "Days (1–3650), or none to keep no note text"] days: String,
) -> Result<(), Error> {
    let done = match crate::core::settings::parse_retention(&days) {
        Ok(d) => crate::core::settings::describe_retention(d),
        Err(_) => String::new(), // the change is refused with the reason
    };
    change(ctx, vec![SettingChange::Retention(days)], done).await
}

/// The settings a rule can have for a team (`default`: as the rule file says).
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum RuleSetting {
    #[name = "off"]
    Off,
    #[name = "suggestion"]
    Suggestion,
    #[name = "warning"]
    Warning,
    #[name = "default"]
    Default,
}

/// Switch a rule off, or give it another level, for this team (`/rules` lists the ids).
#[poise::command(slash_command, rename = "rule", ephemeral)]
pub async fn setup_rule(
    ctx: Context<'_>,
    #[description = "The rule id, as /rules lists it"] id: String,
    #[description = "off, suggestion, warning, or default (as the rule file says)"]
    setting: RuleSetting,
) -> Result<(), Error> {
    let value = match setting {
        RuleSetting::Off => "off",
        RuleSetting::Suggestion => "suggestion",
        RuleSetting::Warning => "warning",
        RuleSetting::Default => "default",
    };
    let chat = &ctx.data().service.prompts().chat;
    let done = match setting {
        RuleSetting::Default => fill(&chat.setup_rule_default, &[("rule", &id)]),
        _ => fill(&chat.setup_rule, &[("rule", &id), ("level", value)]),
    };
    change(ctx, vec![SettingChange::Rule(id, value.into())], done).await
}

/// Delete every record callnudge keeps about you in this server (asks to confirm).
#[poise::command(slash_command, guild_only, rename = "forget-me", ephemeral)]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let chat = &ctx.data().service.prompts().chat;
    let confirm = serenity::CreateButton::new(format!("{FORGET_PREFIX}{}", ctx.author().id))
        .label(&chat.forget_button)
        .style(serenity::ButtonStyle::Danger);
    ctx.send(
        CreateReply::default()
            .content(fill(&chat.forget_ask, &[("place", "server")]))
            .ephemeral(true)
            .components(vec![serenity::CreateActionRow::Buttons(vec![confirm])]),
    )
    .await?;
    Ok(())
}

/// The categories callnudge looks for, what each means, and which rules are on for this team.
#[poise::command(slash_command, guild_only, ephemeral)]
pub async fn rules(ctx: Context<'_>) -> Result<(), Error> {
    let team = team_id(guild(ctx)?);
    let parts = blocking(&ctx.data().service, move |s| s.rules_overview(&team)).await?;
    for p in parts {
        private(ctx, p).await?;
    }
    Ok(())
}

/// Errors: logged with the command name only (never the note), answered privately.
pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            Metrics::inc(&ctx.data().metrics.errors);
            tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            let text = match &error {
                Error::Service(e) => crate::chat::error_text(e),
                Error::NotInServer | Error::NotAChannel => error.to_string(),
                Error::Discord(_) | Error::Task(_) => {
                    "callnudge could not do that; the error is logged.".to_string()
                }
            };
            let _ = private(ctx, text).await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}
