//! `callnudge team`, `trend`, `digest`, `forget`: a team's settings and what managers and reps
//! read, from the terminal.

use crate::core::{Level, RuleOverride, Week};
use crate::service::Service;
use anyhow::{bail, Context};
use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Tz;
use std::io::Write;

/// Requested changes to a team's settings, as typed.
#[derive(Debug, Default)]
pub struct TeamChanges {
    pub tz: Option<String>,
    pub weekday: Option<String>,
    pub hour: Option<u8>,
    pub managers: Vec<String>,
    pub retention_days: Option<u32>,
    pub rules: Vec<String>,
}

/// Parses a rule override `ID=off|suggestion|warning`.
pub fn parse_override(s: &str) -> anyhow::Result<(String, RuleOverride)> {
    let (id, value) = s
        .split_once('=')
        .with_context(|| format!("`{s}`: write a rule override as ID=off|suggestion|warning"))?;
    let change = match value {
        "off" => RuleOverride::Off,
        other => RuleOverride::Level(
            Level::from_id(other)
                .with_context(|| format!("`{other}` is not off, suggestion or warning"))?,
        ),
    };
    Ok((id.to_string(), change))
}

/// Applies the changes and prints the settings.
pub fn team(
    service: &Service,
    team: &str,
    c: TeamChanges,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut s = service.settings(team)?;
    if let Some(tz) = &c.tz {
        s.schedule.tz = tz.parse::<Tz>().map_err(|_| {
            anyhow::anyhow!("`{tz}` is not an IANA time zone; use a name like Europe/Berlin or America/Los_Angeles")
        })?;
    }
    if let Some(day) = &c.weekday {
        s.schedule.weekday = day
            .parse::<Weekday>()
            .map_err(|_| anyhow::anyhow!("`{day}` is not a weekday; use mon, tue, … sun"))?;
    }
    if let Some(hour) = c.hour {
        if hour > 23 {
            bail!("the digest hour must be 0–23, not {hour}");
        }
        s.schedule.hour = hour;
    }
    for m in c.managers {
        if !s.is_manager(&m) {
            s.managers.push(m);
        }
    }
    if let Some(days) = c.retention_days {
        s.retention_days = days;
    }
    for r in &c.rules {
        let (id, change) = parse_override(r)?;
        s.rule_overrides.insert(id, change);
    }
    service.save_settings(&s)?;
    writeln!(out, "{}", toml::to_string_pretty(&s)?)?;
    Ok(())
}

pub fn trend(service: &Service, team: &str, rep: &str, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(out, "{}", service.trend(team, rep)?.1)?;
    Ok(())
}

pub fn digest(
    service: &Service,
    team: &str,
    week: Option<&str>,
    png: Option<&std::path::Path>,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let week = week.map(str::parse::<Week>).transpose()?;
    let (digest, parts) = service.digest(team, week, now)?;
    writeln!(out, "{}", parts.join("\n"))?;
    if let Some(path) = png {
        let bytes = crate::chart::weekly_scores_png(&digest)?;
        std::fs::write(path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write the chart to {}: {e}", path.display()))?;
        writeln!(out, "Chart written to {}", path.display())?;
    }
    Ok(())
}

pub fn forget(
    service: &Service,
    team: &str,
    rep: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let n = service.forget(team, rep)?;
    writeln!(
        out,
        "Deleted {n} notes and every other record of {rep} in team {team}."
    )?;
    Ok(())
}
