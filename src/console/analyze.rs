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

/// Line (1-based) and column (1-based, in chars) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn write_human(input: &Input, report: &Report, out: &mut impl Write) -> io::Result<()> {
    let reactive = report.reactive().count();
    let peer = report.peer().count();
    writeln!(
        out,
        "{}:{}: peer score {}/100 ({} reactive, {} peer)",
        input.source, input.line, report.score, reactive, peer
    )?;
    for f in &report.findings {
        let (line, col) = line_col(&input.text, f.start);
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
        let line_start = input.text[..f.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = input.text[f.start..]
            .find('\n')
            .map_or(input.text.len(), |i| f.start + i);
        let shown = &input.text[line_start..line_end];
        let pad = input.text[line_start..f.start].width();
        let mark_end = f.end.min(line_end);
        let width = input.text[f.start..mark_end].width().max(1);
        writeln!(out, "     | {}", shown.trim_end())?;
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
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\nçd", 5), (2, 2));
    }
}
