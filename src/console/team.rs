//! `callnudge team`, `trend`, `digest`, `forget`: a team's settings and what managers and reps
//! read, from the terminal.

use crate::core::settings::SettingChange;
use crate::core::wording::count;
use crate::core::Week;
use crate::service::Service;
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::io::Write;

/// Requested changes to a team's settings, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TeamChanges {
    pub tz: Option<String>,
    pub weekday: Option<String>,
    pub hour: Option<u8>,
    pub managers: Vec<String>,
    pub retention_days: Option<String>,
    pub rules: Vec<String>,
}

impl TeamChanges {
    /// The typed changes, in a fixed order.
    fn into_changes(self) -> anyhow::Result<Vec<SettingChange>> {
        let mut out = Vec::new();
        out.extend(self.tz.map(SettingChange::TimeZone));
        out.extend(self.weekday.map(SettingChange::Weekday));
        out.extend(self.hour.map(|h| SettingChange::Hour(h.into())));
        out.extend(self.managers.into_iter().map(SettingChange::AddManager));
        out.extend(self.retention_days.map(SettingChange::Retention));
        for r in self.rules {
            let (id, value) = r.split_once('=').with_context(|| {
                format!("`{r}`: write a rule override as ID=off|suggestion|warning|default")
            })?;
            out.push(SettingChange::Rule(id.to_string(), value.to_string()));
        }
        Ok(out)
    }
}

/// Applies the changes and prints the settings.
pub fn team(
    service: &Service,
    team: &str,
    c: TeamChanges,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let s = service.change_settings(team, c.into_changes()?)?;
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
        "Deleted {} and every other record of {rep} in team {team}.",
        count(n, "note", "notes")
    )?;
    Ok(())
}
