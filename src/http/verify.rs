//! Slack request signatures: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the
//! app's signing secret, compared in constant time, and a timestamp within five minutes.
//! Pure: the time is passed in.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from now, either way.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

/// Why a request was refused. Callers answer every one with the same generic 401.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing X-Slack-Request-Timestamp or X-Slack-Signature")]
    MissingHeaders,
    #[error("timestamp is not a number")]
    BadTimestamp,
    #[error("timestamp more than five minutes from now")]
    Stale,
    #[error("signature does not match")]
    BadSignature,
}

/// The signature Slack would send for `body` at `timestamp`.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a request's signature headers against its raw body at time `now` (Unix seconds).
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return Err(VerifyError::MissingHeaders);
    };
    let t: i64 = ts.trim().parse().map_err(|_| VerifyError::BadTimestamp)?;
    if (now - t).abs() > MAX_SKEW_SECS {
        return Err(VerifyError::Stale);
    }
    let given = sig
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(VerifyError::BadSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(ts.trim().as_bytes());
    mac.update(b":");
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&given)
        .map_err(|_| VerifyError::BadSignature)
}

/// Compares two secrets in constant time (Mattermost's per-command token).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
