//! `callnudge note` and `callnudge console`: a rep posts notes from the terminal and reads the
//! nudges; the console loop also answers `:trend`, `:digest` and `:quit`.

use crate::service::{Service, ServiceError};
use chrono::{DateTime, Utc};
use std::io::{BufRead, Write};

/// Stores one note and writes the nudge.
pub fn note(
    service: &Service,
    team: &str,
    rep: &str,
    text: &str,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let submitted = service.submit_note(team, rep, text, now)?;
    writeln!(out, "{}", submitted.nudge.text)?;
    Ok(())
}

/// The interactive loop. A note is one or more lines ended by an empty line; commands start
/// with `:`. `clock` gives the time of each note.
pub fn console(
    service: &Service,
    team: &str,
    rep: &str,
    input: impl BufRead,
    out: &mut impl Write,
    clock: impl Fn() -> DateTime<Utc>,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "callnudge console — team {team}, rep {rep}. Write a note and end it with an empty line; \
         :trend, :digest, :quit."
    )?;
    let mut note = String::new();
    for line in input.lines() {
        let line = line?;
        let trimmed = line.trim();
        if note.is_empty() && trimmed.starts_with(':') {
            match trimmed {
                ":quit" | ":q" => break,
                ":trend" => writeln!(out, "{}", service.trend(team, rep)?.1)?,
                ":digest" => match service.digest_for(team, rep, false, None, clock()) {
                    Ok((_, parts)) => writeln!(out, "{}", parts.join("\n"))?,
                    Err(ServiceError::NotManager) => writeln!(
                        out,
                        "Only the team's managers see the digest (callnudge team --team {team} --manager ID)."
                    )?,
                    Err(e) => return Err(e.into()),
                },
                other => writeln!(out, "unknown command {other}; try :trend, :digest or :quit")?,
            }
            continue;
        }
        if trimmed.is_empty() {
            if !note.trim().is_empty() {
                match service.submit_note(team, rep, &note, clock()) {
                    Ok(s) => writeln!(out, "{}\n", s.nudge.text)?,
                    Err(e @ (ServiceError::EmptyNote | ServiceError::NoteTooLong { .. })) => {
                        writeln!(out, "{e}")?
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            note.clear();
        } else {
            note.push_str(&line);
            note.push('\n');
        }
        out.flush()?;
    }
    if !note.trim().is_empty() {
        let s = service.submit_note(team, rep, &note, clock())?;
        writeln!(out, "{}", s.nudge.text)?;
    }
    Ok(())
}
