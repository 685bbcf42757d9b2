//! The key layout of the sled trees: a note under `team \0 rep \0 time(be) id(be)`, so a
//! rep's notes sit together in time order; a dispute under `team \0 rule \0 rep \0 note(be)`;
//! a rep's preferences under `team \0 rep \0`.

use crate::core::{Dispute, NoteRecord};
use crate::store::StoreError;
use chrono::DateTime;

/// A key of `parts`, each ended by a NUL byte.
pub(super) fn prefix(parts: &[&str]) -> Vec<u8> {
    let mut key = Vec::new();
    for p in parts {
        key.extend_from_slice(p.as_bytes());
        key.push(0);
    }
    key
}

pub(super) fn note_key(n: &NoteRecord) -> Vec<u8> {
    let mut key = prefix(&[&n.team, &n.rep]);
    key.extend_from_slice(&n.at.timestamp_micros().to_be_bytes());
    key.extend_from_slice(&n.id.to_be_bytes());
    key
}

/// The time (µs since the epoch) in a note key: the 8 bytes before the id.
pub(super) fn key_micros(key: &[u8]) -> Option<i64> {
    let n = key.len();
    let bytes: [u8; 8] = key.get(n.checked_sub(16)?..n - 8)?.try_into().ok()?;
    Some(i64::from_be_bytes(bytes))
}

/// A dispute from its key after `team \0` (`rule \0 rep \0 note(be)`) and its value (the
/// time in µs, big endian; none for disputes stored before it was kept).
pub(super) fn dispute(rest: &[u8], value: &[u8]) -> Result<Dispute, StoreError> {
    let corrupt = || StoreError::Corrupt {
        tree: "disputes".into(),
        reason: "a key without a rule, a rep and a note id".into(),
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (Some(rule), Some(rep), Some(note)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(corrupt());
    };
    let note: [u8; 8] = note.try_into().map_err(|_| corrupt())?;
    let at = <[u8; 8]>::try_from(value)
        .ok()
        .and_then(|b| DateTime::from_timestamp_micros(i64::from_be_bytes(b)));
    Ok(Dispute {
        rule: String::from_utf8_lossy(rule).into_owned(),
        rep: String::from_utf8_lossy(rep).into_owned(),
        note: u64::from_be_bytes(note),
        at,
    })
}

/// The two names of a `team \0 rep \0` key.
pub(super) fn two_names(key: &[u8]) -> (String, String) {
    let mut parts = key.split(|&b| b == 0);
    let mut next = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let team = next();
    (team, next())
}
