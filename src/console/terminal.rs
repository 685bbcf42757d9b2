//! The bot's Markdown as a terminal shows it: `**bold**` and `*italic*` as ANSI styles when
//! standard output is a terminal and `NO_COLOR` is unset, and without their markers otherwise
//! (piped output is plain text). `` `code` `` loses its backticks either way. Markers are
//! matched within a line; one without a partner stays as typed ("5 * 3").

use std::io::{self, Write};

/// How Markdown is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Markers dropped.
    Plain,
    /// Markers turned into ANSI bold and italics.
    Ansi,
}

impl Style {
    /// ANSI on a terminal unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn detect(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> Style {
        if terminal && no_color.is_none_or(|v| v.is_empty()) {
            Style::Ansi
        } else {
            Style::Plain
        }
    }
}

const MARKERS: [(&str, &str, &str); 3] = [
    ("**", "\x1b[1m", "\x1b[22m"),
    ("*", "\x1b[3m", "\x1b[23m"),
    ("`", "", ""),
];

/// One line of Markdown, rendered.
pub fn render_line(line: &str, style: Style) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    'scan: while !rest.is_empty() {
        for (marker, on, off) in MARKERS {
            let Some(after) = rest.strip_prefix(marker) else {
                continue;
            };
            // A pair: a closing marker later on the line, with something between.
            if let Some(end) = after.find(marker).filter(|&e| e > 0) {
                let inner = &after[..end];
                let inner = if marker == "`" {
                    inner.to_string()
                } else {
                    render_line(inner, style)
                };
                match style {
                    Style::Ansi => {
                        out.push_str(on);
                        out.push_str(&inner);
                        out.push_str(off);
                    }
                    Style::Plain => out.push_str(&inner),
                }
                rest = &after[end + marker.len()..];
                continue 'scan;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A writer that renders each line of Markdown written to it (a partial line on flush).
pub struct Rendered<W: Write> {
    inner: W,
    style: Style,
    pending: Vec<u8>,
}

impl<W: Write> Rendered<W> {
    pub fn new(inner: W, style: Style) -> Self {
        Rendered {
            inner,
            style,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self
                .inner
                .write_all(render_line(text, self.style).as_bytes()),
            Err(_) => self.inner.write_all(bytes),
        }
    }
}

impl<W: Write> Write for Rendered<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=i).collect();
            self.emit(&line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.emit(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Rendered<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_styles_on_a_terminal_and_vanish_in_plain_text() {
        let line = "**Peer score 22/100** • “price sheet” — *Order-taking*: `rep2  3 notes`";
        assert_eq!(
            render_line(line, Style::Plain),
            "Peer score 22/100 • “price sheet” — Order-taking: rep2  3 notes"
        );
        assert_eq!(
            render_line(line, Style::Ansi),
            "\x1b[1mPeer score 22/100\x1b[22m • “price sheet” — \x1b[3mOrder-taking\x1b[23m: rep2  3 notes"
        );
        assert_eq!(
            render_line("5 * 3 and a lone `", Style::Plain),
            "5 * 3 and a lone `"
        );
    }

    #[test]
    fn no_color_or_a_pipe_gives_plain_text() {
        assert_eq!(Style::detect(true, None), Style::Ansi);
        assert_eq!(Style::detect(true, Some("1".as_ref())), Style::Plain);
        assert_eq!(Style::detect(true, Some("".as_ref())), Style::Ansi);
        assert_eq!(Style::detect(false, None), Style::Plain);
    }

    #[test]
    fn a_line_written_in_pieces_is_rendered_whole() {
        let mut out = Vec::new();
        {
            let mut w = Rendered::new(&mut out, Style::Plain);
            write!(w, "**Peer").unwrap();
            write!(w, " score**\n> ").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "Peer score\n> ");
    }
}
