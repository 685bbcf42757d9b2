//! When a team's weekly digest is due. Pure: the schedule, the last week sent and `now` in,
//! the week to send (if any) out.
//!
//! A digest covers the ISO week in which its scheduled moment falls (default Friday 16:00, team
//! time zone). It is due once `now` has passed that moment and that week was not sent. After
//! downtime only the latest missed week is due — one digest, not a flood of old ones. Weeks are
//! the key, so daylight-saving changes can neither skip nor double a digest.

use super::record::Schedule;
use super::week::Week;
use chrono::{DateTime, LocalResult, NaiveTime, TimeZone, Utc};

/// The scheduled moment of `schedule` in `week`. A local time that does not exist (the spring
/// DST gap) moves forward an hour; an ambiguous one (autumn) takes the earlier instant.
pub fn moment(schedule: &Schedule, week: Week) -> DateTime<Utc> {
    let date =
        week.monday() + chrono::Duration::days(schedule.weekday.num_days_from_monday().into());
    let time = NaiveTime::from_hms_opt(u32::from(schedule.hour.min(23)), 0, 0).unwrap_or_default();
    let local = date.and_time(time);
    let resolve = |naive| match schedule.tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => None,
    };
    resolve(local)
        .or_else(|| resolve(local + chrono::Duration::hours(1)))
        .or_else(|| resolve(local + chrono::Duration::hours(2)))
        .unwrap_or_else(|| local.and_utc())
}

/// The week whose digest is due at `now`, if any. `last_sent` is the latest week already sent;
/// a team that never had one gets its first digest at this week's moment, not last week's at
/// once (which would be a digest of the time before the team set callnudge up).
pub fn due(schedule: &Schedule, last_sent: Option<Week>, now: DateTime<Utc>) -> Option<Week> {
    let this_week = Week::of(now, schedule.tz);
    let passed = now >= moment(schedule, this_week);
    let target = if passed { this_week } else { this_week.prev() };
    match last_sent {
        Some(sent) if sent >= target => None,
        None if !passed => None,
        _ => Some(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use chrono_tz::Tz;

    fn la() -> Schedule {
        Schedule {
            weekday: Weekday::Sun,
            hour: 2,
            tz: "America/Los_Angeles".parse::<Tz>().unwrap(),
        }
    }

    #[test]
    fn due_once_per_week_and_only_the_latest_after_a_gap() {
        let s = Schedule::default(); // Friday 16:00 UTC
        let friday = Utc.with_ymd_and_hms(2026, 11, 27, 16, 0, 0).unwrap();
        let w48: Week = "2026-W48".parse().unwrap();
        assert_eq!(
            due(&s, Some(w48.prev()), friday - chrono::Duration::minutes(1)),
            None
        );
        assert_eq!(due(&s, Some(w48.prev()), friday), Some(w48));
        assert_eq!(
            due(&s, Some(w48), friday + chrono::Duration::hours(30)),
            None
        );
        // A team that never had a digest: none before this week's moment.
        assert_eq!(due(&s, None, friday - chrono::Duration::minutes(1)), None);
        assert_eq!(due(&s, None, friday), Some(w48));
        // Five weeks of downtime: one digest, for the latest week.
        let later = friday + chrono::Duration::weeks(5);
        assert_eq!(due(&s, Some(w48), later), Some(Week::of(later, Tz::UTC)));
    }

    #[test]
    fn dst_changes_neither_skip_nor_double() {
        // Sunday 02:00 does not exist on 2026-03-08 in Los Angeles and happens twice on 11-01.
        let s = la();
        let mut sent: Option<Week> = None;
        let mut count = 0;
        let mut now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let mut weeks = Vec::new();
        while now < end {
            if let Some(w) = due(&s, sent, now) {
                if sent.is_some() {
                    count += 1;
                    weeks.push(w);
                }
                sent = Some(w);
            }
            now += chrono::Duration::minutes(30);
        }
        for pair in weeks.windows(2) {
            assert_eq!(pair[0].next(), pair[1], "no week skipped or doubled");
        }
        assert!(count >= 42, "{count}");
    }
}
