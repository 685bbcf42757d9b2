//! Sending what must arrive (a nudge by DM, each part of a digest) through Discord's faults.
//!
//! A 429 (rate limited: with the built-in rate limiter off behind a proxy, or a burst it did
//! not foresee), a 5xx or a dropped connection is temporary: retried after 0.5, 1.5 and 3 s.
//! A refusal that will not change is not retried; a DM refused because the rep does not
//! accept DMs from server members (Discord code 50007) is told apart, so that the caller can
//! tell the rep where they will see it.

use poise::serenity_prelude as serenity;
use std::future::Future;
use std::time::Duration;

/// The waits before each retry of a temporary failure.
const BACKOFF: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_millis(1500),
    Duration::from_millis(3000),
];

/// Discord's code for "Cannot send messages to this user".
const DMS_CLOSED: isize = 50007;

/// Whether Discord may well accept the same request a little later.
pub fn is_temporary(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.as_u16() == 429 || r.status_code.is_server_error()
        }
        serenity::Error::Http(serenity::HttpError::Request(r)) => {
            r.is_connect() || r.is_timeout() || r.is_request()
        }
        _ => false,
    }
}

/// Whether a DM was refused because the user does not accept DMs from the bot.
pub fn dms_closed(e: &serenity::Error) -> bool {
    matches!(
        e,
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.error.code == DMS_CLOSED
    )
}

/// Runs `send` until it succeeds, fails for good, or the retries are spent.
pub async fn with_retry<T, F, Fut>(what: &str, mut send: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    let mut waits = BACKOFF.iter();
    loop {
        match send().await {
            Err(e) if is_temporary(&e) => match waits.next() {
                Some(wait) => {
                    tracing::warn!(what, error = %e, ?wait, "discord refused for now; retrying");
                    tokio::time::sleep(*wait).await;
                }
                None => return Err(e),
            },
            done => return done,
        }
    }
}
