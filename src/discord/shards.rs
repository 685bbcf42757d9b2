//! Which Discord shards this process runs (`CALLNUDGE_DISCORD_SHARDS=0-1/4`: shards 0 and 1
//! of 4), so that several `serve` processes split the guilds between them.
//!
//! Pure: parsing, and Discord's rule for a guild's shard, `(guild_id >> 22) % total`. The
//! gateway sends each guild's events to its shard alone, so a guild's notes reach exactly
//! one process; the digest task posts only its own shards' guilds.

use std::fmt;

/// A range of shards out of a total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shards {
    /// The first shard this process runs.
    pub first: u32,
    /// The last shard this process runs (inclusive).
    pub last: u32,
    /// How many shards the bot runs across every process.
    pub total: u32,
}

/// What `CALLNUDGE_DISCORD_SHARDS` may look like.
pub const SHARDS_HELP: &str =
    "FIRST-LAST/TOTAL or SHARD/TOTAL, such as 0-1/4 (shards 0 and 1 of 4) or 2/4";

impl Shards {
    /// Parses `0-1/4` or `2/4`; `None` when the text is not that, or the range is empty or
    /// past the total.
    pub fn parse(text: &str) -> Option<Shards> {
        let (range, total) = text.trim().split_once('/')?;
        let total: u32 = total.trim().parse().ok()?;
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let one = range.trim().parse().ok()?;
                (one, one)
            }
        };
        (first <= last && last < total).then_some(Shards { first, last, total })
    }

    /// The shard Discord sends a guild's events to.
    pub fn of_guild(guild: u64, total: u32) -> u32 {
        ((guild >> 22) % u64::from(total.max(1))) as u32
    }

    /// Whether this process runs the guild's shard.
    pub fn owns(&self, guild: u64) -> bool {
        (self.first..=self.last).contains(&Shards::of_guild(guild, self.total))
    }
}

impl fmt::Display for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}/{}", self.first, self.total)
        } else {
            write!(f, "{}-{}/{}", self.first, self.last, self.total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_single_shards_parse_and_bad_ones_do_not() {
        assert_eq!(
            Shards::parse("0-1/4"),
            Some(Shards {
                first: 0,
                last: 1,
                total: 4
            })
        );
        assert_eq!(
            Shards::parse(" 2/4 "),
            Some(Shards {
                first: 2,
                last: 2,
                total: 4
            })
        );
        for bad in ["", "4", "1-0/4", "0-4/4", "4/4", "a-b/4", "0-1/x", "0-1/0"] {
            assert_eq!(Shards::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Shards::parse("0-1/4").unwrap().to_string(), "0-1/4");
    }

    #[test]
    fn every_guild_belongs_to_exactly_one_of_the_processes() {
        let processes = [
            Shards::parse("0-1/4").unwrap(),
            Shards::parse("2-3/4").unwrap(),
        ];
        // Guild ids are snowflakes: the shard comes from the timestamp bits above bit 22.
        for guild in [
            81384788765712384_u64,
            1000 << 22,
            1001 << 22,
            1002 << 22,
            1003 << 22,
            7,
        ] {
            let owners = processes.iter().filter(|p| p.owns(guild)).count();
            assert_eq!(owners, 1, "guild {guild}");
        }
        assert_eq!(Shards::of_guild(1002 << 22, 4), 2);
    }
}
