//! `callnudge analyze`: a linter over call notes. Reads files or stdin, prints each note's
//! report for people (findings marked under the text) or as JSON Lines, and returns the
//! linters' exit status: 0 clean, 1 a reactive warning found (2, errors, is the caller's).

use crate::core::{analyze, Report, RuleSet};
use serde::Serialize;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// One note to analyse and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// File name, or `-` for standard input.
    pub source: String,
    /// 1-based line of the input where the note starts (with `--lines`, its line).
    pub line: usize,
    pub text: String,
}

/// What went wrong reading the inputs.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{source_name}: not valid UTF-8 (first bad byte at offset {offset}); convert the file to UTF-8 and try again")]
    NotUtf8 { source_name: String, offset: usize },
    #[error("{0}: the note is empty")]
    Empty(String),
    #[error("no notes in the input")]
    NoNotes,
}

/// Splits raw input bytes into notes: the whole input, or (with `lines`) each non-blank line.
pub fn inputs_from(source: &str, bytes: Vec<u8>, lines: bool) -> Result<Vec<Input>, InputError> {
    let text = String::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        source_name: source.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    if lines {
        Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Input {
                source: source.to_string(),
                line: i + 1,
                text: l.to_string(),
            })
            .collect())
    } else if text.trim().is_empty() {
        Err(InputError::Empty(source.to_string()))
    } else {
        Ok(vec![Input {
            source: source.to_string(),
            line: 1,
            text,
        }])
    }
}

#[derive(Serialize)]
struct JsonNote<'a> {
    source: &'a str,
    line: usize,
    #[serde(flatten)]
    report: &'a Report,
}

/// Analyses every input and writes the reports. Returns whether any note has a reactive
/// finding at level warning.
pub fn run(
    rules: &RuleSet,
    inputs: &[Input],
    json: bool,
    out: &mut impl Write,
) -> io::Result<bool> {
    let mut failed = false;
    for input in inputs {
        let report = analyze(rules, &input.text);
        failed |= report.has_reactive_warning();
        if json {
            let note = JsonNote {
                source: &input.source,
                line: input.line,
                report: &report,
            };
            serde_json::to_writer(&mut *out, &note)?;
            writeln!(out)?;
        } else {
            write_human(input, &report, out)?;
        }
    }
    Ok(failed)
}

/// How many characters of a finding's line are shown on each side of it: a long line is cut to
/// a window (as rustc trims long lines), so the output stays linear in the input.
const CONTEXT_CHARS: usize = 40;

/// Walks a text forward, keeping the line (1-based) and column (1-based, in chars) of a byte
/// offset: findings come in order, so each byte is counted once however many there are.
struct Position<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    line_start: usize,
    col: usize,
}

impl<'a> Position<'a> {
    fn new(text: &'a str) -> Self {
        Position {
            text,
            at: 0,
            line: 1,
            line_start: 0,
            col: 1,
        }
    }

    /// Moves to `offset` (not before the last one) and returns its line and column.
    fn to(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.max(self.at);
        for (i, c) in self.text[self.at..offset].char_indices() {
            if c == '\n' {
                self.line += 1;
                self.line_start = self.at + i + 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.at = offset;
        (self.line, self.col)
    }
}

/// The start of the window before `at` on its line: at most [`CONTEXT_CHARS`] back.
fn window_start(text: &str, line_start: usize, at: usize) -> usize {
    let from = text[line_start..at]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(line_start, |(i, _)| line_start + i);
    // Not in the middle of a word: from the next space on.
    match text[from..at].find(char::is_whitespace) {
        Some(i) if from > line_start => from + i + 1,
        _ => from,
    }
}

/// The end of the window after `at` on its line: at most [`CONTEXT_CHARS`] on.
fn window_end(text: &str, at: usize) -> usize {
    // Only the next characters the window can show are read: a note of one long line stays
    // linear however many findings it has.
    let rest = &text[at..];
    let reach = rest
        .char_indices()
        .nth(CONTEXT_CHARS + 1)
        .map_or(rest.len(), |(i, _)| i);
    let rest = &rest[..reach];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    match rest[..line_end].char_indices().nth(CONTEXT_CHARS) {
        None => at + line_end,
        // Not in the middle of a word: up to the last space.
        Some((i, _)) => at + rest[..i].rfind(char::is_whitespace).unwrap_or(i),
    }
}

fn write_human(input: &Input, report: &Report, out: &mut impl Write) -> io::Result<()> {
    let reactive = report.reactive().count();
    let peer = report.peer().count();
    writeln!(
        out,
        "{}:{}: peer score {}/100 ({} reactive, {} peer)",
        input.source, input.line, report.score, reactive, peer
    )?;
    let text = input.text.as_str();
    let mut position = Position::new(text);
    for f in &report.findings {
        let (line, col) = position.to(f.start);
        writeln!(
            out,
            "  {}:{}: {} {} [{}/{}]",
            input.line + line - 1,
            col,
            f.polarity,
            f.level,
            f.category,
            f.rule
        )?;
        let from = window_start(text, position.line_start, f.start);
        let to = window_end(text, f.end.min(text.len()).max(f.start));
        let end = f.end.min(text.len()).max(f.start);
        let mark_end = text[f.start..end].find('\n').map_or(end, |i| f.start + i);
        let after = &text[to..];
        let (cut_before, cut_after) = (
            from > position.line_start,
            !(after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n")),
        );
        let lead = if cut_before { "…" } else { "" };
        let shown = &text[from..to];
        let pad = lead.width() + text[from..f.start].width();
        let width = text[f.start..mark_end].width().max(1);
        let tail = if cut_after { "…" } else { "" };
        writeln!(out, "     | {lead}{}{tail}", shown.trim_end())?;
        writeln!(out, "     | {}{}", " ".repeat(pad), "^".repeat(width))?;
        writeln!(out, "     = why: {}", f.message)?;
        if f.polarity == crate::core::Polarity::Reactive {
            writeln!(out, "     = try: {}", f.suggestion)?;
        }
    }
    if report.findings.is_empty() {
        writeln!(out, "  no findings")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_mode_skips_blank_lines_and_keeps_numbers() {
        let inputs = inputs_from("f", b"one\n\n  \nthree\n".to_vec(), true).unwrap();
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[1].line, 4);
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_offset() {
        let err = inputs_from("f.txt", b"ok \xff".to_vec(), false).unwrap_err();
        assert!(err.to_string().contains("offset 3"), "{err}");
    }

    #[test]
    fn positions_count_lines_and_chars_forward() {
        let mut p = Position::new("ab\nçd\nx");
        assert_eq!(p.to(1), (1, 2));
        assert_eq!(p.to(5), (2, 2));
        assert_eq!(p.line_start, 3);
        assert_eq!(p.to(7), (3, 1));
    }

    #[test]
    fn windows_stop_at_spaces_within_reach() {
        let line = format!("{} target {}", "word ".repeat(20), "more ".repeat(20));
        let at = line.find("target").unwrap();
        let from = window_start(&line, 0, at);
        assert!(at - from <= CONTEXT_CHARS && line[..from].ends_with(' '));
        let to = window_end(&line, at + 6);
        assert!(to - (at + 6) <= CONTEXT_CHARS && line[to..].starts_with(' '));
    }
}
