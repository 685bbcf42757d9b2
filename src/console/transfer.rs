//! `callnudge export` and `callnudge import`: a team's notes out as CSV or JSON, historic notes
//! in from CSV (team, rep, time, text). Import reports bad rows with their line numbers, skips
//! them, and stores every good row.

use crate::service::Service;
use chrono::{DateTime, Utc};
use std::io::{Read, Write};

/// Writes the team's notes: CSV (one row per note, categories joined by `;`) or JSON (array).
pub fn export(
    service: &Service,
    team: &str,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let notes = service.team_notes(team)?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &notes)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "team",
        "rep",
        "time",
        "text",
        "score",
        "rules",
        "categories",
    ])?;
    for n in &notes {
        w.write_record([
            n.team.as_str(),
            n.rep.as_str(),
            &n.at.to_rfc3339(),
            n.text.as_deref().unwrap_or(""),
            &n.score.to_string(),
            &n.findings
                .iter()
                .map(|f| f.rule.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            &n.findings
                .iter()
                .map(|f| f.category.id())
                .collect::<Vec<_>>()
                .join(";"),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The outcome of an import.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Rows stored now.
    pub stored: u64,
    /// Rows stored by an earlier import of the same rows (same team, rep, time and text).
    pub already: u64,
    /// (line, reason) of each skipped row.
    pub skipped: Vec<(u64, String)>,
}

/// Rows stored per flush during an import.
const IMPORT_BATCH: usize = 500;

/// Imports CSV rows, stored in batches with one flush each; `progress` is called with the
/// number of input bytes read so far.
pub fn import(
    service: &Service,
    input: impl Read,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<Imported> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(team), Some(rep), Some(time), Some(text)) =
        (col("team"), col("rep"), col("time"), col("text"))
    else {
        anyhow::bail!("the CSV header must name the columns team, rep, time and text");
    };
    let mut result = Imported::default();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let flush = |batch: &mut Vec<_>, result: &mut Imported| -> anyhow::Result<()> {
        if !batch.is_empty() {
            let n = batch.len() as u64;
            let new = service.import_notes(std::mem::take(batch))?;
            result.stored += new;
            result.already += n - new;
        }
        Ok(())
    };
    for row in r.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                result.skipped.push((line, e.to_string()));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        let field = |i: usize| row.get(i).unwrap_or("").trim();
        if let Some(after) = swallowed_row(row.get(text).unwrap_or("")) {
            result.skipped.push((
                line,
                format!(
                    "the text's quote is not closed: it runs over {after} more line(s) that read \
                     like rows of their own; close the quote (a quote inside text is written \"\")"
                ),
            ));
            progress(row.position().map_or(0, |p| p.byte()));
            continue;
        }
        let at = match DateTime::parse_from_rfc3339(field(time)) {
            Ok(t) => t.with_timezone(&Utc),
            Err(_) => {
                result.skipped.push((
                    line,
                    format!(
                        "time `{}` is not RFC 3339 (2026-11-27T15:04:00Z)",
                        field(time)
                    ),
                ));
                continue;
            }
        };
        match service.prepare_note(field(team), field(rep), row.get(text).unwrap_or(""), at) {
            Ok((mut record, _)) => {
                record.id = row_id(field(team), field(rep), at, row.get(text).unwrap_or(""));
                batch.push(record);
            }
            Err(
                e @ (crate::service::ServiceError::EmptyNote
                | crate::service::ServiceError::NoteTooLong { .. }
                | crate::service::ServiceError::BadId { .. }),
            ) => result.skipped.push((line, e.to_string())),
            Err(e) => return Err(e.into()),
        }
        if batch.len() >= IMPORT_BATCH {
            flush(&mut batch, &mut result)?;
        }
        progress(row.position().map_or(0, |p| p.byte()));
    }
    flush(&mut batch, &mut result)?;
    Ok(result)
}

/// A row's note id, from what the row says (team, rep, time, text): importing the same row
/// again stores it on the same record. Ids in [2^53, 2^53 + 2^52): apart from the store's own
/// counter and from chat events' ids.
fn row_id(team: &str, rep: &str, at: DateTime<Utc>, text: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [team, rep, &at.timestamp_micros().to_string(), text] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (1 << 53) | (u64::from_be_bytes(first) & ((1 << 52) - 1))
}

/// How many lines of a text field read like CSV rows of their own (`team,rep,<RFC 3339
/// time>,…`): the sign of a quote left open, which makes the reader take the rows after it as
/// this row's text. `None` when there are none.
fn swallowed_row(text: &str) -> Option<usize> {
    let rows = text
        .lines()
        .skip(1)
        .filter(|line| {
            line.split(',')
                .take(4)
                .any(|f| DateTime::parse_from_rfc3339(f.trim().trim_matches('"')).is_ok())
        })
        .count();
    (rows > 0).then_some(rows)
}
