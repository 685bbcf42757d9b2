//! The Discord adapter's settings, read from the environment (or a config file the binary
//! loads into it) and validated: a missing token is an error that says how to get one.

pub use crate::secret::Secret;
use std::time::Duration;

/// How to create the bot, printed when the token is missing.
pub const TOKEN_HELP: &str = "DISCORD_TOKEN is not set. To create the bot:
  1. https://discord.com/developers/applications → New Application → Bot → Reset Token; copy it.
  2. Intents (Bot page): none are required; enable \"Message Content\" only if you want notes
     channels, and then also set CALLNUDGE_DISCORD_MESSAGE_CONTENT=1.
  3. Invite it with scopes `bot applications.commands` and the permissions View Channels,
     Send Messages, Embed Links, Attach Files, Read Message History (117760):
     https://discord.com/oauth2/authorize?client_id=YOUR_APPLICATION_ID&scope=bot%20applications.commands&permissions=117760
  4. DISCORD_TOKEN=… callnudge serve   (CALLNUDGE_DISCORD_GUILD=ID registers commands in one
     server at once, for development).
No Discord? Everything works from the terminal: `callnudge console --team T --rep R`.";

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{TOKEN_HELP}")]
    MissingToken,
    #[error("{name} must be {what}, not `{value}`")]
    Invalid {
        name: &'static str,
        what: &'static str,
        value: String,
    },
}

/// The validated settings.
#[derive(Clone, Debug)]
pub struct DiscordConfig {
    pub token: Secret,
    /// `http://host:port`: REST goes through this proxy, serenity's rate limiter off.
    pub proxy: Option<String>,
    /// Register commands in this guild only (instant), instead of globally.
    pub guild: Option<u64>,
    pub message_content: bool,
    /// How often the digest task looks for due digests.
    pub digest_every: Duration,
    /// The shards this process runs (`CALLNUDGE_DISCORD_SHARDS`); all of one when `None`.
    pub shards: Option<super::shards::Shards>,
}

impl DiscordConfig {
    /// Reads `DISCORD_TOKEN`, `CALLNUDGE_DISCORD_PROXY`, `CALLNUDGE_DISCORD_GUILD`,
    /// `CALLNUDGE_DISCORD_MESSAGE_CONTENT`, `CALLNUDGE_DIGEST_EVERY`, `CALLNUDGE_DISCORD_SHARDS`
    /// through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let token = var("DISCORD_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or(ConfigError::MissingToken)?;
        let proxy = var("CALLNUDGE_DISCORD_PROXY").filter(|p| !p.trim().is_empty());
        if let Some(p) = &proxy {
            if !(p.starts_with("http://") || p.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    name: "CALLNUDGE_DISCORD_PROXY",
                    what: "an http:// or https:// URL",
                    value: p.clone(),
                });
            }
        }
        let guild = match var("CALLNUDGE_DISCORD_GUILD").filter(|g| !g.trim().is_empty()) {
            Some(g) => Some(g.trim().parse::<u64>().map_err(|_| ConfigError::Invalid {
                name: "CALLNUDGE_DISCORD_GUILD",
                what: "a numeric server id",
                value: g.clone(),
            })?),
            None => None,
        };
        let message_content = matches!(
            var("CALLNUDGE_DISCORD_MESSAGE_CONTENT")
                .as_deref()
                .map(str::trim),
            Some("1" | "true" | "yes")
        );
        let shards = match var("CALLNUDGE_DISCORD_SHARDS").filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(
                super::shards::Shards::parse(&s).ok_or(ConfigError::Invalid {
                    name: "CALLNUDGE_DISCORD_SHARDS",
                    what: super::shards::SHARDS_HELP,
                    value: s,
                })?,
            ),
            None => None,
        };
        Ok(DiscordConfig {
            token: Secret::new(token),
            proxy: proxy.map(|p| p.trim_end_matches('/').to_string()),
            guild,
            message_content,
            digest_every: crate::serve::digest_every(var("CALLNUDGE_DIGEST_EVERY")).map_err(
                |value| ConfigError::Invalid {
                    name: "CALLNUDGE_DIGEST_EVERY",
                    what: crate::serve::DIGEST_EVERY_HELP,
                    value,
                },
            )?,
            shards,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_token_says_how_to_create_the_bot() {
        let e = DiscordConfig::from_vars(|_| None).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("bot applications.commands"), "{msg}");
        assert!(msg.contains("developers/applications"), "{msg}");
    }

    #[test]
    fn token_never_shows_in_debug() {
        let c =
            DiscordConfig::from_vars(|k| (k == "DISCORD_TOKEN").then(|| "sekrit".into())).unwrap();
        assert!(!format!("{c:?}").contains("sekrit"));
    }

    #[test]
    fn bad_guild_is_named() {
        let e = DiscordConfig::from_vars(|k| match k {
            "DISCORD_TOKEN" => Some("x".into()),
            "CALLNUDGE_DISCORD_GUILD" => Some("abc".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(e.to_string().contains("CALLNUDGE_DISCORD_GUILD"));
    }
}
