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
    /// How long note text is kept, as typed: a number of days (1–3650) or `none`.
    Retention(String),
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
    #[error("retention is a number of days, 1–3650, or `none` to keep no note text; not `{0}`")]
    Retention(String),
    #[error("retention `0` could mean \"keep nothing\" or \"keep forever\": write `none` to keep no note text, or a number of days up to 3650")]
    RetentionZero,
    #[error("rule `{0}` does not exist; `/rules` lists the rule ids")]
    UnknownRule(String),
    #[error("`{0}` is not off, suggestion, warning or default")]
    RuleValue(String),
}

/// The longest retention accepted, in days.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// Parses a retention as typed: days (1–3650), or `none` (stored as 0: no note text kept).
/// A bare `0` is refused: people read it as "keep nothing" and as "keep forever".
pub fn parse_retention(typed: &str) -> Result<u32, SettingError> {
    let t = typed.trim().to_ascii_lowercase();
    let t = t
        .strip_suffix("days")
        .or(t.strip_suffix('d'))
        .unwrap_or(&t)
        .trim();
    if t == "none" {
        return Ok(0);
    }
    match t.parse::<i64>() {
        Ok(0) => Err(SettingError::RetentionZero),
        Ok(d) if (1..=MAX_RETENTION_DAYS).contains(&d) => Ok(d as u32),
        _ => Err(SettingError::Retention(typed.to_string())),
    }
}

/// What a retention means, for the answer to a change (`0`: none).
pub fn describe_retention(days: u32) -> String {
    if days == 0 {
        "No note text is kept from now on; note text already stored is deleted within the hour \
         (the analysis is kept)."
            .to_string()
    } else {
        format!(
            "Note text is kept for {days} days; text older than that is deleted within the hour \
             (the analysis is kept)."
        )
    }
}

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
        SettingChange::Retention(typed) => s.retention_days = parse_retention(&typed)?,
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
        for bad in ["-1", "3651", "forever", ""] {
            let e = apply1(SettingChange::Retention(bad.into())).unwrap_err();
            assert!(e.to_string().contains("`none`"), "{e}");
        }
        let e = apply1(SettingChange::Retention("0".into())).unwrap_err();
        assert_eq!(e, SettingError::RetentionZero);
        assert!(e.to_string().contains("`none`"), "{e}");
        let kept = |t: &str| {
            apply1(SettingChange::Retention(t.into()))
                .unwrap()
                .retention_days
        };
        assert_eq!(kept("none"), 0);
        assert_eq!(kept("30"), 30);
        assert_eq!(kept("90 days"), 90);
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
