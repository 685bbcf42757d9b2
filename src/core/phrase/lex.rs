//! The written phrase cut into its pieces: words, `{classes}`, `/regexes/`, gaps, edges,
//! brackets, bars and question marks.

use super::{DEFAULT_GAP, MAX_GAP};

/// One piece of a written phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Item {
    Word { text: String, exact: bool },
    Class(String),
    Regex(String),
    Gap(u32),
    Start,
    End,
    Open,
    Close,
    Bar,
    Optional,
}

/// Cuts a written phrase into its pieces.
pub(super) fn lex(text: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while let Some(c) = rest.chars().next() {
        let (item, len) = match c {
            '(' => (Item::Open, 1),
            ')' => (Item::Close, 1),
            '|' => (Item::Bar, 1),
            '?' => (Item::Optional, 1),
            '^' => (Item::Start, 1),
            // `$` ends a phrase or one of its alternatives: "(again | $)". Followed by anything
            // else it is a word ("$5k").
            '$' if rest.len() == 1
                || rest[1..].starts_with(|c: char| c.is_whitespace() || c == ')' || c == '|') =>
            {
                (Item::End, 1)
            }
            '{' => {
                let end = rest.find('}').ok_or("a `{` is never closed")?;
                let name = &rest[1..end];
                let valid = |part: &str| {
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                };
                if !name.split(':').all(valid) || name.matches(':').count() > 1 {
                    return Err(format!(
                        "`{{{name}}}` is not a class name (letters, digits, _)"
                    ));
                }
                (Item::Class(name.to_string()), end + 1)
            }
            '"' => {
                let end = rest[1..].find('"').ok_or("a `\"` is never closed")? + 1;
                (
                    Item::Word {
                        text: rest[1..end].to_string(),
                        exact: true,
                    },
                    end + 1,
                )
            }
            '/' if rest.len() > 1 && !rest[1..].starts_with(char::is_whitespace) => {
                let end = rest[1..].find('/').ok_or("a `/regex/` is never closed")? + 1;
                (Item::Regex(rest[1..end].to_string()), end + 1)
            }
            '…' | '.' if rest.starts_with('…') || rest.starts_with("...") => {
                let dots = if rest.starts_with('…') {
                    '…'.len_utf8()
                } else {
                    3
                };
                let digits = rest[dots..].bytes().take_while(u8::is_ascii_digit).count();
                let n = if digits == 0 {
                    DEFAULT_GAP
                } else {
                    rest[dots..dots + digits]
                        .parse()
                        .map_err(|_| "a gap's length is a number".to_string())?
                };
                if n == 0 || n > MAX_GAP {
                    return Err(format!("a gap is 1 to {MAX_GAP} words, not {n}"));
                }
                (Item::Gap(n), dots + digits)
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || "(){}|\"^".contains(c))
                    .unwrap_or(rest.len());
                let mut word = &rest[..end];
                // A trailing `?` makes the word optional: "the?".
                let mut len = end;
                if let Some(w) = word.strip_suffix('?') {
                    word = w;
                    len = end - 1;
                }
                (
                    Item::Word {
                        text: word.to_string(),
                        exact: false,
                    },
                    len,
                )
            }
        };
        out.push(item);
        rest = rest[len..].trim_start();
    }
    Ok(out)
}
