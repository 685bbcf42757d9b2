//! `callnudge note`, `callnudge dispute` and `callnudge console`: a rep posts notes from the
//! terminal, reads the nudges and disputes a finding ("not reactive here", the chat adapters'
//! button); the console loop also answers `:dispute N`, `:snooze LENGTH`, `:trend`, `:digest`
//! and `:quit`.

use crate::core::wording::Surface;
use crate::service::{Service, ServiceError, Submitted};
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
    writeln!(out, "{}", Surface::CommandLine.spell(&submitted.nudge.text))?;
    for f in submitted.nudge.disputable() {
        writeln!(
            out,
            "Not reactive here? callnudge dispute --team {} --rep {} --note {} --rule {}",
            shell_word(team),
            shell_word(rep),
            submitted.note.id,
            f.rule
        )?;
    }
    Ok(())
}

/// `word` as a shell reads it back: as is when plain, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.@:/+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Disputes a finding of one of the rep's notes and writes the answer.
pub fn dispute(
    service: &Service,
    team: &str,
    rep: &str,
    note: u64,
    rule: &str,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let outcome = service.dispute(team, rep, rule, note, now)?;
    writeln!(out, "{}", service.dispute_answer(rule, &outcome))?;
    Ok(())
}

/// `:dispute N` in the console: the N-th finding shown under the last note's nudge.
fn dispute_shown(
    service: &Service,
    last: Option<&Submitted>,
    arg: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let shown = last.map_or_else(Vec::new, |s| s.nudge.disputable());
    let pick = arg.trim().parse::<usize>().ok().filter(|n| *n >= 1);
    let (Some(s), Some(f)) = (last, pick.and_then(|n| shown.get(n - 1))) else {
        return Ok(match shown.len() {
            0 => "Nothing to dispute: the last note's nudge showed no finding.".to_string(),
            n => format!("Which finding? :dispute 1 … :dispute {n}, as numbered under the nudge."),
        });
    };
    let outcome = service.dispute(&s.note.team, &s.note.rep, &f.rule, s.note.id, now)?;
    Ok(service.dispute_answer(&f.rule, &outcome))
}

/// The nudge, then each rule it flagged numbered for `:dispute N`.
fn with_dispute_hint(s: &Submitted) -> String {
    let mut text = Surface::Console.spell(&s.nudge.text);
    let disputable = s.nudge.disputable();
    if !disputable.is_empty() {
        let numbered: Vec<String> = disputable
            .iter()
            .enumerate()
            .map(|(i, f)| format!(":dispute {} ({})", i + 1, f.rule))
            .collect();
        text.push_str(&format!("\n(Not reactive here? {}.)", numbered.join(", ")));
    }
    text
}

/// Where a terminal in bracketed-paste mode marks the start and the end of a paste.
pub const PASTE_START: &str = "\x1b[200~";
pub const PASTE_END: &str = "\x1b[201~";

/// The interactive loop. A note is one or more lines ended by an empty line, except inside a
/// paste (between [`PASTE_START`] and [`PASTE_END`], which a terminal in bracketed-paste mode
/// sends): a pasted note keeps its blank lines and stays one note. Commands start with `:`.
/// `clock` gives the time of each note.
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
        "callnudge console — team {team}, rep {rep}. Write a note and end it with an empty line \
         (a pasted note keeps its blank lines); :dispute N, :snooze 2d|off, :trend, :digest, :quit."
    )?;
    let mut note = String::new();
    let mut last: Option<Submitted> = None;
    let mut pasting = false;
    // Lines as bytes: one line that is not UTF-8 (a paste from an odd source) is reported and
    // skipped, not the end of the session.
    for (number, line) in input.split(b'\n').enumerate() {
        let line = line?;
        let Ok(line) = String::from_utf8(line) else {
            writeln!(
                out,
                "Line {} is not UTF-8 text and was skipped; the note goes on without it.",
                number + 1
            )?;
            continue;
        };
        let mut line = line.strip_suffix('\r').unwrap_or(&line).to_string();
        if line.contains(PASTE_START) {
            pasting = true;
            line = line.replace(PASTE_START, "");
        }
        // The paste's last line still belongs to it, blank or not.
        let in_paste = pasting;
        if line.contains(PASTE_END) {
            pasting = false;
            line = line.replace(PASTE_END, "");
        }
        let trimmed = line.trim();
        if in_paste && trimmed.is_empty() {
            if !note.is_empty() {
                note.push('\n');
            }
            continue;
        }
        if !in_paste && note.is_empty() && trimmed.starts_with(':') {
            let (command, arg) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
            match command {
                ":quit" | ":q" => break,
                ":dispute" => match dispute_shown(service, last.as_ref(), arg, clock()) {
                    Ok(text) => writeln!(out, "{text}")?,
                    Err(e @ ServiceError::NoSuchFinding { .. }) => writeln!(out, "{e}")?,
                    Err(e) => return Err(e.into()),
                },
                ":snooze" => match service.snooze(team, rep, arg, clock()) {
                    Ok(text) => writeln!(out, "{}", Surface::Console.spell(&text))?,
                    Err(e @ ServiceError::Snooze(_)) => writeln!(out, "{e}")?,
                    Err(e) => return Err(e.into()),
                },
                ":trend" => writeln!(out, "{}", service.trend(team, rep)?.1)?,
                ":digest" => match service.digest_for(team, rep, false, None, clock()) {
                    Ok((_, parts)) => writeln!(out, "{}", parts.join("\n"))?,
                    Err(ServiceError::NotManager) => writeln!(
                        out,
                        "Only the team's managers see the digest (callnudge team --team {team} --manager ID)."
                    )?,
                    Err(e) => return Err(e.into()),
                },
                other => writeln!(
                    out,
                    "unknown command {other}; try :dispute N, :snooze 2d, :trend, :digest or :quit"
                )?,
            }
            continue;
        }
        if trimmed.is_empty() {
            if !note.trim().is_empty() {
                match service.submit_note(team, rep, &note, clock()) {
                    Ok(s) => {
                        writeln!(out, "{}\n", with_dispute_hint(&s))?;
                        last = Some(s);
                    }
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
        writeln!(out, "{}", with_dispute_hint(&s))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn printed_ids_survive_the_shell() {
        assert_eq!(shell_word("acme"), "acme");
        assert_eq!(shell_word("acme corp"), "'acme corp'");
        assert_eq!(shell_word("o'neil"), "'o'\\''neil'");
    }
}
