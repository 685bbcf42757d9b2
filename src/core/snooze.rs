//! Snoozing nudges: a rep who wants quiet for a while (a conference week, a holiday) still posts
//! notes — they are stored and counted in trends and digests — but gets no nudge until the
//! snooze ends or they turn it off.
//!
//! Pure: what a rep typed (`4h`, `2d`, `1w`, `off`) becomes a [`SnoozeRequest`]; whether a
//! snooze is on is a comparison with the `now` passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The longest snooze, in days: nudges come back on their own.
pub const MAX_DAYS: i64 = 30;

/// A rep's own preferences, stored per team and rep (removed by `forget`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepPrefs {
    /// Nudges are held back until this moment.
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
}

impl RepPrefs {
    /// When the snooze ends, if one is on at `now`.
    pub fn snoozed_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.snoozed_until.filter(|until| *until > now)
    }
}

/// What a rep asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnoozeRequest {
    /// Say whether nudges are snoozed.
    Status,
    /// Nudges back on now.
    Off,
    /// No nudges for this long.
    For(Duration),
}

/// A snooze length that cannot be read; the message says what is accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a snooze length; use hours, days or weeks such as 4h, 2d or 1w (up to {MAX_DAYS} days), or off")]
pub struct SnoozeError(pub String);

/// Reads `4h`, `2d`, `1w`, a bare number of days, `off` (or `0`), or nothing (the state).
pub fn parse(arg: &str) -> Result<SnoozeRequest, SnoozeError> {
    let a = arg.trim().to_lowercase();
    let err = || SnoozeError(arg.trim().to_string());
    match a.as_str() {
        "" | "status" => return Ok(SnoozeRequest::Status),
        "off" | "on" | "resume" | "stop" | "0" => return Ok(SnoozeRequest::Off),
        _ => {}
    }
    let digits = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
    let n: i64 = a[..digits].parse().map_err(|_| err())?;
    let hours = match a[digits..].trim() {
        "" | "d" | "day" | "days" => n.checked_mul(24),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(n),
        "w" | "wk" | "week" | "weeks" => n.checked_mul(24 * 7),
        _ => None,
    }
    .ok_or_else(err)?;
    if !(1..=MAX_DAYS * 24).contains(&hours) {
        return Err(err());
    }
    Ok(SnoozeRequest::For(Duration::hours(hours)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lengths_read_as_a_person_types_them() {
        for (typed, hours) in [
            ("4h", 4),
            ("2d", 48),
            ("2 days", 48),
            ("3", 72),
            ("1W", 168),
        ] {
            assert_eq!(
                parse(typed),
                Ok(SnoozeRequest::For(Duration::hours(hours))),
                "{typed}"
            );
        }
        assert_eq!(parse("off"), Ok(SnoozeRequest::Off));
        assert_eq!(parse(" 0 "), Ok(SnoozeRequest::Off));
        assert_eq!(parse(""), Ok(SnoozeRequest::Status));
    }

    #[test]
    fn nonsense_and_too_long_say_what_is_accepted() {
        for typed in [
            "forever",
            "31d",
            "5w",
            "-2d",
            "2x",
            "d",
            "99999999999999999999",
        ] {
            let e = parse(typed).unwrap_err();
            assert!(e.to_string().contains("4h, 2d or 1w"), "{typed}: {e}");
        }
    }

    #[test]
    fn a_snooze_is_on_until_its_end() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let p = RepPrefs {
            snoozed_until: Some(now + Duration::hours(1)),
        };
        assert_eq!(p.snoozed_at(now), p.snoozed_until);
        assert_eq!(p.snoozed_at(now + Duration::hours(1)), None);
        assert_eq!(RepPrefs::default().snoozed_at(now), None);
    }
}
