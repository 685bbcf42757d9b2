//! The commands that read or change a data directory (`note`, `trend`, `digest`, `team`,
//! `snooze`, `dispute`, `forget`, `export`, `backup`) as one typed value, run against a
//! [`Service`] the same way whether the `callnudge` process opened the store itself or a
//! running `serve` runs it on its behalf (see [`crate::control`]).

use super::{session, team, transfer};
use crate::core::wording::count;
use crate::core::wording::Surface;
use crate::service::Service;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;

/// One command on a data directory, as typed (paths already absolute: the process that runs it
/// may have another working directory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum AdminCommand {
    Note {
        team: String,
        rep: String,
        text: String,
    },
    Trend {
        team: String,
        rep: String,
    },
    Digest {
        team: String,
        week: Option<String>,
        png: Option<PathBuf>,
    },
    Team {
        team: String,
        changes: team::TeamChanges,
    },
    Snooze {
        team: String,
        rep: String,
        length: String,
    },
    Dispute {
        team: String,
        rep: String,
        note: u64,
        rule: String,
    },
    Forget {
        team: String,
        rep: String,
    },
    Export {
        team: String,
        json: bool,
    },
    Backup {
        to: PathBuf,
    },
}

impl AdminCommand {
    /// Whether the command only reads: on a data directory that does not exist it is a typo,
    /// not an empty team.
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            AdminCommand::Trend { .. }
                | AdminCommand::Digest { .. }
                | AdminCommand::Export { .. }
                | AdminCommand::Backup { .. }
        )
    }
}

impl AdminCommand {
    /// Whether the command prints the bot's Markdown (rendered for a terminal), rather than
    /// data (CSV, JSON, TOML) or a plain line.
    pub fn prints_markdown(&self) -> bool {
        !matches!(
            self,
            AdminCommand::Team { .. } | AdminCommand::Export { .. } | AdminCommand::Backup { .. }
        )
    }
}

/// Runs `command` and writes what it prints to `out`.
pub fn run(
    service: &Service,
    command: AdminCommand,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match command {
        AdminCommand::Note { team, rep, text } => {
            session::note(service, &team, &rep, &text, now, out)
        }
        AdminCommand::Trend { team, rep } => {
            service.known_team(&team)?;
            team::trend(service, &team, &rep, out)
        }
        AdminCommand::Digest { team, week, png } => {
            service.known_team(&team)?;
            team::digest(service, &team, week.as_deref(), png.as_deref(), now, out)
        }
        AdminCommand::Team { team, changes } => team::team(service, &team, changes, out),
        AdminCommand::Snooze { team, rep, length } => {
            let text = service.snooze(&team, &rep, &length, now)?;
            writeln!(out, "{}", Surface::CommandLine.spell(&text))?;
            Ok(())
        }
        AdminCommand::Dispute {
            team,
            rep,
            note,
            rule,
        } => session::dispute(service, &team, &rep, note, &rule, now, out),
        AdminCommand::Forget { team, rep } => team::forget(service, &team, &rep, out),
        AdminCommand::Export { team, json } => {
            service.known_team(&team)?;
            transfer::export(service, &team, json, out)
        }
        AdminCommand::Backup { to } => {
            let n = service.backup(&to)?;
            writeln!(
                out,
                "backed up {} to {}",
                count(n, "note", "notes"),
                to.display()
            )?;
            Ok(())
        }
    }
}
