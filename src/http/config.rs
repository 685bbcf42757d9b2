//! The HTTP adapter's settings, validated from the environment: Slack's signing secret and
//! bot token, Mattermost's command token and API, the listening address.

use crate::secret::Secret;
use std::net::SocketAddr;
use std::time::Duration;

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SlackConfigError {
    #[error("set both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (Slack app → Basic Information → Signing Secret; OAuth & Permissions → Bot User OAuth Token), or neither")]
    Half,
    #[error("CALLNUDGE_HTTP_ADDR must be host:port such as 127.0.0.1:3000, not `{0}`")]
    Addr(String),
    #[error("CALLNUDGE_DIGEST_EVERY must be {help}, not `{0}`", help = crate::serve::DIGEST_EVERY_HELP)]
    DigestEvery(String),
}

/// The validated settings.
#[derive(Clone, Debug)]
pub struct SlackConfig {
    pub signing_secret: Option<Secret>,
    pub bot_token: Option<Secret>,
    pub api_url: String,
    pub mattermost_token: Option<Secret>,
    /// Mattermost server and bot token, for posting digests (`MATTERMOST_URL`,
    /// `MATTERMOST_BOT_TOKEN`).
    pub mattermost_api: Option<(String, Secret)>,
    pub addr: SocketAddr,
    pub digest_every: Duration,
}

impl SlackConfig {
    /// Reads `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`, `SLACK_API_URL`, `MATTERMOST_TOKEN`,
    /// `MATTERMOST_URL`, `MATTERMOST_BOT_TOKEN`, `CALLNUDGE_HTTP_ADDR`,
    /// `CALLNUDGE_DIGEST_EVERY` through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, SlackConfigError> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let secret = get("SLACK_SIGNING_SECRET").map(Secret::new);
        let token = get("SLACK_BOT_TOKEN").map(Secret::new);
        if secret.is_some() != token.is_some() {
            return Err(SlackConfigError::Half);
        }
        let addr = get("CALLNUDGE_HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        Ok(SlackConfig {
            signing_secret: secret,
            bot_token: token,
            api_url: get("SLACK_API_URL").unwrap_or_else(|| "https://slack.com/api".into()),
            mattermost_token: get("MATTERMOST_TOKEN").map(Secret::new),
            mattermost_api: get("MATTERMOST_URL")
                .zip(get("MATTERMOST_BOT_TOKEN"))
                .map(|(url, token)| (url.trim_end_matches('/').to_string(), Secret::new(token))),
            addr: addr.parse().map_err(|_| SlackConfigError::Addr(addr))?,
            digest_every: crate::serve::digest_every(get("CALLNUDGE_DIGEST_EVERY"))
                .map_err(SlackConfigError::DigestEvery)?,
        })
    }

    /// Whether Slack is configured.
    pub fn slack(&self) -> bool {
        self.signing_secret.is_some()
    }
}
