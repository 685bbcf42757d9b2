//! Changing a team's settings: one typed change, validated, applied to [`TeamSettings`].
//!
//! Every adapter (console flags, Discord `/setup`, Slack `/callnudge setup`) turns its input
//! into [`SettingChange`]s and calls [`apply`], so the same values are accepted and refused
//! with the same messages everywhere.

use super::record::TeamSettings;
use super::rules::RuleOverride;
use super::Level;
use chrono::Weekday;
use chrono_tz::Tz;

/// One change to a team's settings, as typed by a manager (not yet validated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingChange {
    TimeZone(String),
    Weekday(String),
    Hour(i64),
    AddManager(String),
    RemoveManager(String),
    RetentionDays(i64),
    /// `ID` and `off | suggestion | warning | default` (default: as the rule file says).
    Rule(String, String),
    DigestChannel(Option<String>),
    NotesChannel(Option<String>),
    ManagerRole(Option<String>),
    DigestIncludesText(bool),
}

/// Why a change was refused; the message says what is accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error(
        "`{0}` is not an IANA time zone; use a name like Europe/Berlin or America/Los_Angeles"
    )]
    TimeZone(String),
    #[error("`{0}` is not a weekday; use mon, tue, wed, thu, fri, sat or sun")]
    Weekday(String),
    #[error("the digest hour must be 0–23, not {0}")]
    Hour(i64),
    #[error("retention must be 0–3650 days (0 keeps no note text), not {0}")]
    Retention(i64),
    #[error("rule `{0}` does not exist; `/rules` lists the rule ids")]
    UnknownRule(String),
    #[error("`{0}` is not off, suggestion, warning or default")]
    RuleValue(String),
}

/// The longest retention accepted, in days.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// Parses a rule override value.
pub fn parse_override(value: &str) -> Result<RuleOverride, SettingError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "off" => Ok(RuleOverride::Off),
        other => Level::from_id(other)
            .map(RuleOverride::Level)
            .ok_or_else(|| SettingError::RuleValue(value.to_string())),
    }
}

/// Whether a rule value asks for the rule file's own level (the team's override removed).
fn is_default(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "default" | "reset"
    )
}

/// Applies one change. `rule_exists` says whether a rule id is known to the loaded rules.
pub fn apply(
    s: &mut TeamSettings,
    change: SettingChange,
    rule_exists: &dyn Fn(&str) -> bool,
) -> Result<(), SettingError> {
    match change {
        SettingChange::TimeZone(tz) => {
            s.schedule.tz = tz
                .trim()
                .parse::<Tz>()
                .map_err(|_| SettingError::TimeZone(tz.clone()))?;
        }
        SettingChange::Weekday(day) => {
            s.schedule.weekday = day
                .trim()
                .parse::<Weekday>()
                .map_err(|_| SettingError::Weekday(day.clone()))?;
        }
        SettingChange::Hour(h) => {
            s.schedule.hour = u8::try_from(h)
                .ok()
                .filter(|h| *h < 24)
                .ok_or(SettingError::Hour(h))?;
        }
        SettingChange::AddManager(m) => {
            if !s.is_manager(&m) {
                s.managers.push(m);
            }
        }
        SettingChange::RemoveManager(m) => s.managers.retain(|x| *x != m),
        SettingChange::RetentionDays(d) => {
            s.retention_days = u32::try_from(d)
                .ok()
                .filter(|d| i64::from(*d) <= MAX_RETENTION_DAYS)
                .ok_or(SettingError::Retention(d))?;
        }
        SettingChange::Rule(id, value) => {
            if !rule_exists(&id) {
                return Err(SettingError::UnknownRule(id));
            }
            let o = (!is_default(&value))
                .then(|| parse_override(&value))
                .transpose()?;
            // The manager decided: an earlier demotion after disputes no longer applies.
            s.demoted.remove(&id);
            match o {
                Some(o) => s.rule_overrides.insert(id, o),
                None => s.rule_overrides.remove(&id),
            };
        }
        SettingChange::DigestChannel(c) => s.digest_channel = c,
        SettingChange::NotesChannel(c) => s.notes_channel = c,
        SettingChange::ManagerRole(r) => s.manager_role = r,
        SettingChange::DigestIncludesText(b) => s.digest_includes_text = b,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply1(c: SettingChange) -> Result<TeamSettings, SettingError> {
        let mut s = TeamSettings::new("t");
        apply(&mut s, c, &|id| id == "known")?;
        Ok(s)
    }

    #[test]
    fn valid_changes_apply_and_bad_ones_say_why() {
        let s = apply1(SettingChange::TimeZone("America/Los_Angeles".into())).unwrap();
        assert_eq!(s.schedule.tz, chrono_tz::America::Los_Angeles);
        let e = apply1(SettingChange::TimeZone("Mars/Olympus".into())).unwrap_err();
        assert!(e.to_string().contains("Europe/Berlin"), "{e}");
        assert_eq!(
            apply1(SettingChange::Hour(24)).unwrap_err(),
            SettingError::Hour(24)
        );
        assert_eq!(
            apply1(SettingChange::Weekday("friday".into()))
                .unwrap()
                .schedule
                .weekday,
            Weekday::Fri
        );
        assert!(apply1(SettingChange::RetentionDays(-1)).is_err());
        assert!(apply1(SettingChange::Rule("nope".into(), "off".into())).is_err());
        assert!(apply1(SettingChange::Rule("known".into(), "loud".into())).is_err());
        let mut s = apply1(SettingChange::Rule("known".into(), "Warning".into())).unwrap();
        assert_eq!(
            s.rule_overrides["known"],
            RuleOverride::Level(Level::Warning)
        );
        apply(
            &mut s,
            SettingChange::Rule("known".into(), "default".into()),
            &|id| id == "known",
        )
        .unwrap();
        assert!(s.rule_overrides.is_empty(), "back to the rule file's level");
    }
}
