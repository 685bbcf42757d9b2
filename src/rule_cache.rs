//! The compiled-rules cache: a [`RuleSet`] compiled once is kept on disk and loaded by later
//! runs, so a one-note command (`callnudge analyze one.txt`, `callnudge note`) does not
//! compile ~2,800 phrases before it reads the note.
//!
//! - **Key.** The running executable (its path, size and modification time) and, for rules
//!   read from a folder, every rule file's name and text: an edited rule or a rebuilt binary
//!   never reads an old entry, so the cached form cannot drift from the code that reads it.
//!   The built-in rules are part of the executable, so its identity alone keys them (hashing
//!   their megabyte of text was a third of a one-note command's start).
//! - **Where.** `CALLNUDGE_CACHE_DIR`, else `$XDG_CACHE_HOME/callnudge`, else
//!   `$HOME/.cache/callnudge`; `CALLNUDGE_CACHE_DIR=` (empty) turns the cache off. The newest
//!   four entries are kept (about 10 MB each).
//! - **Checked.** An entry is its checksum (CRC-32) then the rules in postcard's form. The parts
//!   a run may never read (each phrase's program, the class lists) stay in that form until
//!   first read (`core::packed`), so an entry whose checksum fails is never decoded at all.
//! - **Best effort.** An entry is written to a temporary file and renamed into place, so a
//!   reader never sees half of one; a cache that cannot be read, decoded or written is
//!   skipped with a debug log, never an error: the rules are then compiled as without it.

use crate::core::{RuleError, RuleSet};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Entries kept in the cache folder (older ones go when a new one is written).
const KEEP: usize = 4;
/// Bumped when the key's recipe changes.
const RECIPE: &[u8] = b"callnudge compiled rules, key v3";

/// What rules are compiled from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// The rules built into this executable.
    BuiltIn,
    /// Rule files (name, text), as read from a folder.
    Files(&'a [(&'a str, &'a str)]),
}

/// The rules compiled from `source`: from the cache when it holds them, else from `compile`,
/// then stored for the next run.
pub fn load_or_compile(
    source: Source<'_>,
    compile: impl FnOnce() -> Result<RuleSet, RuleError>,
) -> Result<RuleSet, RuleError> {
    let Some(path) = entry_path(source) else {
        return compile();
    };
    match std::fs::read(&path) {
        Ok(bytes) => match decode(&bytes) {
            Ok(rules) => return Ok(rules),
            Err(e) => {
                tracing::debug!(path = %path.display(), error = %e, "compiled rules cache entry unreadable; compiling")
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::debug!(path = %path.display(), error = %e, "compiled rules cache unreadable; compiling")
        }
    }
    let rules = compile()?;
    if let Err(e) = store(&path, &rules) {
        tracing::debug!(path = %path.display(), error = %e, "compiled rules not cached");
    }
    Ok(rules)
}

/// The rules in an entry's bytes, if its checksum holds.
fn decode(entry: &[u8]) -> Result<RuleSet, String> {
    let (sum, rules) = entry
        .split_first_chunk::<4>()
        .ok_or("shorter than its checksum")?;
    if u32::from_le_bytes(*sum) != crc32fast::hash(rules) {
        return Err("its checksum does not hold".into());
    }
    postcard::from_bytes(rules).map_err(|e| e.to_string())
}

/// An entry's bytes: the checksum of the rules' bytes, then those.
fn encode(rules: &RuleSet) -> Result<Vec<u8>, postcard::Error> {
    let rules = postcard::to_stdvec(rules)?;
    let mut entry = Vec::with_capacity(4 + rules.len());
    entry.extend_from_slice(&crc32fast::hash(&rules).to_le_bytes());
    entry.extend_from_slice(&rules);
    Ok(entry)
}

/// The cache folder, if there is one.
fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CALLNUDGE_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|d| !d.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("callnudge"))
}

/// Where the entry for `source`, compiled by this executable, lives.
fn entry_path(source: Source<'_>) -> Option<PathBuf> {
    let dir = cache_dir()?;
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut key = Sha256::new();
    key.update(RECIPE);
    for part in [
        exe.to_string_lossy().as_bytes(),
        &meta.len().to_le_bytes(),
        &modified.as_nanos().to_le_bytes(),
    ] {
        key.update((part.len() as u64).to_le_bytes());
        key.update(part);
    }
    let files = match source {
        Source::BuiltIn => &[][..],
        Source::Files(files) => {
            key.update(b"files");
            files
        }
    };
    for (name, text) in files {
        for part in [name.as_bytes(), text.as_bytes()] {
            key.update((part.len() as u64).to_le_bytes());
            key.update(part);
        }
    }
    let key = hex::encode(&key.finalize()[..12]);
    Some(dir.join(format!("rules-{key}.bin")))
}

/// Writes `rules` at `path` (through a temporary file), then drops all but the newest entries.
fn store(path: &Path, rules: &RuleSet) -> std::io::Result<()> {
    let bytes = encode(rules).map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("rules-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    entries.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    for (_, old) in entries.into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use crate::core::analyze;
    use crate::prompts::Prompts;

    /// The compiled form read back finds exactly what the rules it was written from find.
    #[test]
    fn rules_read_back_from_the_compiled_form_find_the_same() {
        let rules = Prompts::embedded().unwrap().rules;
        let read = decode(&encode(&rules).unwrap()).unwrap();
        let notes = include_str!("../tests/eval/notes.jsonl")
            .lines()
            .chain(include_str!("../tests/eval/holdout-styles.jsonl").lines())
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["note"].as_str().map(str::to_string));
        let mut n = 0;
        for note in notes {
            assert_eq!(analyze(&read, &note), analyze(&rules, &note), "{note}");
            n += 1;
        }
        assert!(n > 800, "the sets were read ({n} notes)");
    }

    /// An entry changed anywhere, or cut short, is refused before anything in it is decoded
    /// (a phrase's program is decoded only when it first runs, long after loading).
    #[test]
    fn a_damaged_entry_is_refused_whole() {
        let rules = Prompts::embedded().unwrap().rules;
        let entry = encode(&rules).unwrap();
        for at in [0, 3, 4, entry.len() / 2, entry.len() - 1] {
            let mut damaged = entry.clone();
            damaged[at] ^= 0x20;
            assert!(decode(&damaged).is_err(), "a byte changed at {at}");
        }
        assert!(decode(&entry[..entry.len() - 1]).is_err());
        assert!(decode(&entry[..3]).is_err());
    }
}
