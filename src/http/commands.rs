//! Slack-style slash commands, shared by Slack and Mattermost: `/note TEXT`, `/trend [WEEKS]`,
//! `/digest [WEEK]`, `/setup …`, `/forget-me [confirm]`, `/rules`, `/callnudge help` (and
//! `/callnudge SUBCOMMAND …`, so one registered command is enough). Parsing is separate from
//! running, so the parser is tested without a server.

use super::api::Reply;
use super::SlackState;
use crate::core::settings::SettingChange;
use crate::core::wording::{fill, Surface};
use crate::core::{Nudge, Week};
use crate::metrics::Metrics;
use crate::service::{off_runtime, Service, ServiceError, DEFAULT_TREND_WEEKS};
use serde_json::json;
use std::sync::Arc;

/// Who typed a command, where.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The callnudge team id (`slack-T…` or `mattermost-…`).
    pub team: String,
    pub team_title: Option<String>,
    pub user: String,
    pub user_name: String,
    /// Whether buttons (Block Kit) can be shown.
    pub blocks: bool,
    /// The channel the command was typed in (for `… here`).
    pub channel: Option<String>,
}

/// What `/setup digest-channel here` and `/setup notes-channel here` name until the caller's
/// channel is filled in.
pub const HERE: &str = "here";

/// A command, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Note(String),
    Trend(usize),
    Snooze(String),
    Digest(Option<String>),
    Setup(Vec<SettingChange>),
    ForgetMe { confirmed: bool },
    Rules,
    Help,
}

pub const HELP: &str = "*callnudge* — post a call note, get a private nudge toward peer selling.
• `/note TEXT` — analyse and store a note; only you see the answer
• `/trend [WEEKS]` — your own weekly trend (what your manager sees)
• `/snooze 4h|2d|1w|off` — hold your nudges back for a while (notes are still saved)
• `/digest [2026-W48]` — managers: the team's weekly digest
• `/setup schedule fri 16 Europe/Berlin` · `/setup digest-channel #channel|here` · `/setup notes-channel #channel|here` · `/setup manager @user` · `/setup retention 90|none` · `/setup rule RULE-ID off|suggestion|warning|default` — managers
• `/rules` — what callnudge looks for · `/forget-me` — delete your data";

/// An id from Slack's escaped mention (`<@U123|ana>`, `<#C123|sales>`) or a bare id.
fn mention_id(s: &str) -> String {
    let s = s.trim();
    let inner = s
        .strip_prefix("<@")
        .or_else(|| s.strip_prefix("<#"))
        .and_then(|r| r.strip_suffix('>'))
        .unwrap_or(s);
    inner
        .split('|')
        .next()
        .unwrap_or(inner)
        .trim_start_matches(['@', '#'])
        .to_string()
}

/// Parses `/setup …`'s words into changes; an unknown form gets a usage message.
fn parse_setup(args: &str) -> Result<Vec<SettingChange>, String> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let usage = || format!("Unknown setup. {HELP}");
    let int = |w: &str, what: &str| {
        w.parse::<i64>()
            .map_err(|_| format!("{what} must be a number, not `{w}`"))
    };
    match words.as_slice() {
        ["schedule", day, hour] => Ok(vec![
            SettingChange::Weekday(day.to_string()),
            SettingChange::Hour(int(hour, "the hour")?),
        ]),
        ["schedule", day, hour, tz] => Ok(vec![
            SettingChange::Weekday(day.to_string()),
            SettingChange::Hour(int(hour, "the hour")?),
            SettingChange::TimeZone(tz.to_string()),
        ]),
        ["timezone", tz] => Ok(vec![SettingChange::TimeZone(tz.to_string())]),
        ["digest-channel", c] => Ok(vec![SettingChange::DigestChannel(Some(mention_id(c)))]),
        ["notes-channel", c] => Ok(vec![SettingChange::NotesChannel(Some(mention_id(c)))]),
        ["manager", u] => Ok(vec![SettingChange::AddManager(mention_id(u))]),
        ["remove-manager", u] => Ok(vec![SettingChange::RemoveManager(mention_id(u))]),
        ["retention", d] => Ok(vec![SettingChange::Retention(d.to_string())]),
        ["rule", id, v] => Ok(vec![SettingChange::Rule(id.to_string(), v.to_string())]),
        _ => Err(usage()),
    }
}

/// Parses a command (`/note`, or `/callnudge note`) and its text.
pub fn parse(command: &str, text: &str) -> Result<Command, String> {
    let name = command.trim().trim_start_matches('/');
    let (name, text) = if name == "callnudge" {
        let t = text.trim_start();
        let (first, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        (first, rest)
    } else {
        (name, text)
    };
    match name {
        "note" => Ok(Command::Note(text.to_string())),
        "trend" => match text.trim() {
            "" => Ok(Command::Trend(DEFAULT_TREND_WEEKS)),
            w => w
                .parse::<usize>()
                .map(Command::Trend)
                .map_err(|_| format!("`/trend` takes a number of weeks, not `{w}`")),
        },
        "snooze" => Ok(Command::Snooze(text.trim().to_string())),
        "digest" => Ok(Command::Digest(
            Some(text.trim().to_string()).filter(|w| !w.is_empty()),
        )),
        "setup" => parse_setup(text).map(Command::Setup),
        "forget-me" => Ok(Command::ForgetMe {
            confirmed: text.trim() == "confirm",
        }),
        "rules" => Ok(Command::Rules),
        "" | "help" => Ok(Command::Help),
        other => Err(format!("Unknown command `{other}`.\n{HELP}")),
    }
}

/// Slack's mrkdwn: `**bold**` → `*bold*`, `*italic*` → `_italic_`.
pub fn mrkdwn(markdown: &str) -> String {
    markdown
        .replace("**", "\u{0}")
        .replace('*', "_")
        .replace('\u{0}', "*")
}

/// The nudge as a Slack message: the text, and a "not reactive here" button per rule it
/// flagged (an actions block holds at most 25).
pub fn nudge_reply(service: &Service, note: u64, nudge: &Nudge, blocks: bool) -> Reply {
    let text = mrkdwn(&Surface::Chat.spell(&nudge.text));
    let disputable = nudge.disputable();
    if !blocks || disputable.is_empty() {
        return Reply::text(text);
    }
    let buttons: Vec<_> = disputable
        .iter()
        .take(25)
        .map(|f| {
            json!({
                "type": "button", "action_id": format!("dispute:{}", f.rule),
                "text": {"type": "plain_text", "text": crate::chat::dispute_label(service, &f.rule, 75)},
                "value": crate::chat::dispute_value(note, &f.rule)
            })
        })
        .collect();
    Reply {
        blocks: Some(json!([
            {"type": "section", "text": {"type": "mrkdwn", "text": text.chars().take(3000).collect::<String>()}},
            {"type": "actions", "elements": buttons}
        ])),
        text,
    }
}

/// Runs a parsed command for `who`. A note takes the async path (no thread waits while it is
/// flushed); the commands that read or write the store run on a blocking thread; the rest
/// answer at once.
pub async fn run(state: Arc<SlackState>, who: Caller, command: Command) -> Reply {
    let result = match command {
        Command::Note(text) => note(&state, &who, &text).await,
        Command::Help => Ok(Reply::text(HELP)),
        Command::ForgetMe { confirmed: false } => {
            let chat = &state.service.prompts().chat;
            let ask = fill(&chat.forget_ask, &[("place", "team")]);
            Ok(Reply::text(format!("{ask} {}", chat.forget_ask_typed)))
        }
        Command::Snooze(arg) => blocking(&state, &who, move |s, w| snooze(s, w, &arg)).await,
        Command::Trend(weeks) => blocking(&state, &who, move |s, w| trend(s, w, weeks)).await,
        Command::Digest(week) => blocking(&state, &who, move |s, w| digest(s, w, week)).await,
        Command::Setup(changes) => blocking(&state, &who, move |s, w| setup(s, w, changes)).await,
        Command::ForgetMe { confirmed: true } => blocking(&state, &who, forget).await,
        Command::Rules => blocking(&state, &who, rules).await,
    };
    match result {
        Ok(r) => r,
        Err(e) => {
            if e.is_server_fault() {
                Metrics::inc(&state.metrics.errors);
                tracing::error!(team = ?who.team, error = %e, "command failed");
            }
            Reply::text(crate::chat::error_text(&e))
        }
    }
}

/// Runs `f` on a blocking thread: it reads or writes the store.
async fn blocking<F>(state: &Arc<SlackState>, who: &Caller, f: F) -> Result<Reply, ServiceError>
where
    F: FnOnce(&SlackState, &Caller) -> Result<Reply, ServiceError> + Send + 'static,
{
    let (s, w) = (state.clone(), who.clone());
    off_runtime(move || f(&s, &w)).await
}

/// `/note`: stores the note and answers with the nudge.
async fn note(state: &SlackState, who: &Caller, text: &str) -> Result<Reply, ServiceError> {
    let service = &state.service;
    service
        .remember_names_async(
            &who.team,
            who.team_title.as_deref(),
            &who.user,
            &who.user_name,
        )
        .await?;
    let s = service
        .submit_note_async(&who.team, &who.user, text, state.clock.now())
        .await?;
    Metrics::inc(&state.metrics.notes_analysed);
    if s.snoozed_until.is_none() {
        Metrics::inc(&state.metrics.nudges_sent);
    }
    Ok(nudge_reply(&state.service, s.note.id, &s.nudge, who.blocks))
}

/// `/snooze 4h|2d|1w|off`.
fn snooze(state: &SlackState, who: &Caller, arg: &str) -> Result<Reply, ServiceError> {
    let text = state
        .service
        .snooze(&who.team, &who.user, arg, state.clock.now())?;
    Ok(Reply::text(mrkdwn(&Surface::Chat.spell(&text))))
}

/// `/trend [WEEKS]`: the caller's own trend.
fn trend(state: &SlackState, who: &Caller, weeks: usize) -> Result<Reply, ServiceError> {
    let (_, text) = state
        .service
        .trend_weeks(&who.team, &who.user, weeks, &who.user_name)?;
    Ok(Reply::text(mrkdwn(&text)))
}

/// `/digest [WEEK]`: managers only.
fn digest(state: &SlackState, who: &Caller, week: Option<String>) -> Result<Reply, ServiceError> {
    let service = &state.service;
    if !service.is_manager(&who.team, &who.user, false)? {
        return Ok(Reply::text(&state.service.prompts().chat.not_manager_slack));
    }
    let week = match week.map(|w| w.parse::<Week>()).transpose() {
        Ok(w) => w,
        Err(e) => return Ok(Reply::text(e.to_string())),
    };
    let (_, parts) = service.digest(&who.team, week, state.clock.now())?;
    Ok(Reply::text(mrkdwn(&parts.join("\n"))))
}

/// `/setup …`: managers only; `here` is the channel the command was typed in.
fn setup(
    state: &SlackState,
    who: &Caller,
    changes: Vec<SettingChange>,
) -> Result<Reply, ServiceError> {
    let service = &state.service;
    if !service.is_manager(&who.team, &who.user, false)? {
        return Ok(Reply::text(&state.service.prompts().chat.not_manager_slack));
    }
    let here = |c: Option<String>| match c.as_deref() {
        Some(HERE) => who.channel.clone(),
        _ => c,
    };
    let changes = changes.into_iter().map(|c| match c {
        SettingChange::DigestChannel(ch) => SettingChange::DigestChannel(here(ch)),
        SettingChange::NotesChannel(ch) => SettingChange::NotesChannel(here(ch)),
        other => other,
    });
    let s = service.change_settings(&who.team, changes)?;
    let chat = &service.prompts().chat;
    let channel = |c: Option<&str>| c.map_or(chat.setup_not_set.clone(), |c| format!("<#{c}>"));
    Ok(Reply::text(fill(
        &chat.setup_saved,
        &[
            ("weekday", &s.schedule.weekday.to_string()),
            ("hour", &s.schedule.hour.to_string()),
            ("tz", &s.schedule.tz.to_string()),
            ("digest_channel", &channel(s.digest_channel.as_deref())),
            ("notes_channel", &channel(s.notes_channel.as_deref())),
            ("days", &s.retention_days.to_string()),
        ],
    )))
}

/// `/forget-me confirm`.
fn forget(state: &SlackState, who: &Caller) -> Result<Reply, ServiceError> {
    let n = state.service.forget(&who.team, &who.user)?;
    Ok(Reply::text(fill(
        &state.service.prompts().chat.forget_done,
        &[("notes", &n.to_string()), ("place", "team")],
    )))
}

/// `/rules`: what callnudge looks for, with the team's own settings.
fn rules(state: &SlackState, who: &Caller) -> Result<Reply, ServiceError> {
    let lines = state.service.rules_overview(&who.team)?;
    Ok(Reply::text(mrkdwn(&lines.join("\n"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_in_both_spellings() {
        assert_eq!(parse("/note", "hi").unwrap(), Command::Note("hi".into()));
        assert_eq!(
            parse("/callnudge", "note hi there").unwrap(),
            Command::Note("hi there".into())
        );
        assert_eq!(parse("/trend", "4").unwrap(), Command::Trend(4));
        assert!(parse("/trend", "four").is_err());
        assert_eq!(
            parse("/setup", "digest-channel <#C123|sales>").unwrap(),
            Command::Setup(vec![SettingChange::DigestChannel(Some("C123".into()))])
        );
        assert_eq!(
            parse("/setup", "manager <@U9|mo>").unwrap(),
            Command::Setup(vec![SettingChange::AddManager("U9".into())])
        );
        assert!(parse("/setup", "schedule fri noon").is_err());
        assert_eq!(
            parse("/forget-me", "confirm").unwrap(),
            Command::ForgetMe { confirmed: true }
        );
    }

    #[test]
    fn markdown_becomes_mrkdwn() {
        assert_eq!(mrkdwn("**Peer score** *why*"), "*Peer score* _why_");
    }
}
