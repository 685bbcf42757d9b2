//! ISO weeks in a team's time zone: the unit of trends, digests and the schedule.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO week, e.g. `2026-W48`. Ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    /// The ISO week that `at` falls in, in time zone `tz`.
    pub fn of(at: DateTime<Utc>, tz: Tz) -> Week {
        let iso = at.with_timezone(&tz).date_naive().iso_week();
        Week {
            year: iso.year(),
            week: iso.week(),
        }
    }

    /// The Monday of this week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(NaiveDate::MIN)
    }

    /// The week before.
    pub fn prev(self) -> Week {
        self.shift(-7)
    }

    /// The week after.
    pub fn next(self) -> Week {
        self.shift(7)
    }

    fn shift(self, days: i64) -> Week {
        let iso = (self.monday() + chrono::Duration::days(days)).iso_week();
        Week {
            year: iso.year(),
            week: iso.week(),
        }
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// A week that does not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not an ISO week; write it like 2026-W48")]
pub struct WeekError(pub String);

impl FromStr for Week {
    type Err = WeekError;
    fn from_str(s: &str) -> Result<Week, WeekError> {
        let err = || WeekError(s.to_string());
        let (y, w) = s.trim().split_once(['-', ' ']).ok_or_else(err)?;
        let w = w.trim_start_matches(['W', 'w']);
        let (year, week) = (y.parse().map_err(|_| err())?, w.parse().map_err(|_| err())?);
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(err)?;
        Ok(Week { year, week })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sunday_night_in_los_angeles_is_still_that_week() {
        // Sunday 2026-11-29 23:30 in Los Angeles is Monday 07:30 UTC.
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let at = la
            .with_ymd_and_hms(2026, 11, 29, 23, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(Week::of(at, la).to_string(), "2026-W48");
        assert_eq!(Week::of(at, Tz::UTC).to_string(), "2026-W49");
    }

    #[test]
    fn parse_and_step_across_years() {
        let w: Week = "2026-W01".parse().unwrap();
        assert_eq!(w.prev().to_string(), "2025-W01".replace("W01", "W52"));
        assert_eq!(w.prev().next(), w);
        assert!("2026-W54".parse::<Week>().is_err());
        assert!("last week".parse::<Week>().is_err());
    }
}
