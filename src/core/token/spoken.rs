//! Numbers said in words, as voice notes say them: which words they are, and the pass over a
//! note's tokens that makes a run of them one number token ("twenty five", "a hundred and
//! twenty", "two point five").
//!
//! **Invariant:** the pass keeps the tokens' order and spans (a run's span covers its words),
//! moves tokens down in place, and turns most words away by their first letter and length.

use super::{Token, TokenKind};

/// A number said in words, as a voice note writes it: "twenty", "fifteen", "twenty-five" (one
/// word alone: not "one", which is mostly a pronoun). Any case.
pub fn is_spelled_number(word: &str) -> bool {
    !word.eq_ignore_ascii_case("one") && spelled_number(word)
}

/// The words a number is said in: the units first ("one" to "nine"), then "zero", the teens
/// and the tens.
#[rustfmt::skip]
pub const NUMBER_WORDS: [&str; 28] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "zero", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Whether `word` (lower case) is one of `NUMBER_WORDS`; `units_only`: "one" to "nine".
fn number_bytes(word: &[u8], units_only: bool) -> bool {
    let words = if units_only {
        &NUMBER_WORDS[..9]
    } else {
        &NUMBER_WORDS[..]
    };
    words.iter().any(|n| n.as_bytes() == word)
}

fn is_tens(word: &[u8]) -> bool {
    NUMBER_WORDS[20..].iter().any(|n| n.as_bytes() == word)
}

/// `word` in lower case, if it is short enough to be a number word (at most 13 bytes:
/// "seventy-seven").
fn lower_short(word: &str) -> Option<([u8; 13], usize)> {
    let b = word.as_bytes();
    if b.len() > 13 {
        return None;
    }
    let mut buf = [0u8; 13];
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    Some((buf, b.len()))
}

/// Whether `word` (any case) is a word a number is said in: "one" to "nineteen", the tens,
/// "twenty-five".
fn spelled_number(word: &str) -> bool {
    lower_short(word).is_some_and(|(buf, len)| spelled_bytes(&buf[..len]))
}

fn spelled_bytes(w: &[u8]) -> bool {
    number_bytes(w, false)
        || w.iter().position(|&c| c == b'-').is_some_and(|at| {
            let unit = &w[at + 1..];
            is_tens(&w[..at]) && (number_bytes(unit, true) || is_ordinal(unit))
        })
}

/// "first" to "ninth" (lower case).
fn is_ordinal(word: &[u8]) -> bool {
    matches!(
        word,
        b"first"
            | b"second"
            | b"third"
            | b"fourth"
            | b"fifth"
            | b"sixth"
            | b"seventh"
            | b"eighth"
            | b"ninth"
    )
}

/// Whether `w` (any case) may be a number word or "hundred": a cheap test every word of a
/// note takes (most fail at the first letter or the length); [`number_word`] decides.
fn may_be_number(w: &[u8]) -> bool {
    let Some(&first) = w.first() else {
        return false;
    };
    // Per first letter: the lengths its number words have (a bit each), and the words.
    #[rustfmt::skip]
    let (lengths, words): (u32, &[&[u8]]) = match first | 0x20 {
        b'o' => (1 << 3, &[b"one"]),
        b't' => (1 << 3 | 1 << 5 | 1 << 6 | 1 << 8,
                 &[b"two", b"ten", b"three", b"twelve", b"twenty", b"thirty", b"thirteen"]),
        b'f' => (1 << 4 | 1 << 5 | 1 << 7 | 1 << 8,
                 &[b"four", b"five", b"forty", b"fifty", b"fifteen", b"fourteen"]),
        b's' => (1 << 3 | 1 << 5 | 1 << 7 | 1 << 9,
                 &[b"six", b"seven", b"sixty", b"sixteen", b"seventy", b"seventeen"]),
        b'e' => (1 << 5 | 1 << 6 | 1 << 8, &[b"eight", b"eleven", b"eighty", b"eighteen"]),
        b'n' => (1 << 4 | 1 << 6 | 1 << 8, &[b"nine", b"ninety", b"nineteen"]),
        b'h' => (1 << 7, &[b"hundred"]),
        b'z' => (1 << 4, &[b"zero"]),
        _ => return false,
    };
    // "twenty-five": a tens word, a hyphen, a unit (7 to 13 bytes).
    if (7..=13).contains(&w.len()) && w[4..].contains(&b'-') {
        return true;
    }
    (lengths >> w.len().min(31)) & 1 == 1
        && words
            .iter()
            .any(|n| n.len() == w.len() && n.eq_ignore_ascii_case(w))
}

/// What a word is to a number said in words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumberWord {
    /// "twenty", "five", "twenty-five".
    Number,
    Hundred,
    /// "a" of "a hundred".
    A,
    /// "and" of "a hundred and twenty".
    And,
    /// "point" of "two point five".
    Point,
}

fn number_word(note: &str, t: &Token) -> Option<NumberWord> {
    if t.kind != TokenKind::Word {
        return None;
    }
    // Every word of a note is asked: one match on its lower-cased bytes.
    let (buf, len) = lower_short(&note[t.span.clone()])?;
    let w = &buf[..len];
    Some(match w {
        b"a" => NumberWord::A,
        b"and" => NumberWord::And,
        b"point" => NumberWord::Point,
        b"hundred" => NumberWord::Hundred,
        _ if spelled_bytes(w) => NumberWord::Number,
        _ => return None,
    })
}

/// Runs of number words said as one number become one number token ("twenty five", "a
/// hundred and twenty", "two point five", "one hundred", "twenty-five", "twenty-first"), so
/// that "twenty five percent" reads as "25 percent" does ("the twenty sixth" stays two words,
/// as the lexicon's dates list it). The words must follow each other with spaces only; a single word
/// stays a word ([`is_spelled_number`] tells the phrases it is a number too).
pub(super) fn merge_spoken_numbers(note: &str, out: &mut Vec<Token>) {
    use NumberWord::*;
    let spaced = |a: &Token, b: &Token| note[a.span.end..b.span.start].bytes().all(|c| c == b' ');
    let word = |t: &Token| (t.kind == TokenKind::Word).then(|| note[t.span.clone()].as_bytes());
    // Tokens are moved down in place: `kept` tokens are final, `i` is the next one read (a
    // run is read from `i` on, so the writes stay behind the reads).
    let mut kept = 0;
    let mut i = 0;
    while i < out.len() {
        // A run starts with a number word, or with "a" before "hundred": every other word is
        // turned away here, by its first letter and its length.
        let starts = word(&out[i]).is_some_and(|w| {
            may_be_number(w)
                || (w.eq_ignore_ascii_case(b"a")
                    && out
                        .get(i + 1)
                        .and_then(word)
                        .is_some_and(|n| n.eq_ignore_ascii_case(b"hundred")))
        });
        let mut end = i;
        let mut numbers = 0;
        if starts {
            // The longest run from `i`: number words and "hundred", with "a" before
            // "hundred", "and" after "hundred" and before a number, "point" between numbers.
            let mut prev: Option<NumberWord> = None;
            let mut j = i;
            while let Some(w) = out.get(j).and_then(|t| number_word(note, t)) {
                if j > i && !spaced(&out[j - 1], &out[j]) {
                    break;
                }
                let next = out
                    .get(j + 1)
                    .filter(|n| spaced(&out[j], n))
                    .and_then(|n| number_word(note, n));
                let takes = match w {
                    Number | Hundred => true,
                    A => j == i && next == Some(Hundred),
                    And => prev == Some(Hundred) && next == Some(Number),
                    Point => prev == Some(Number) && next == Some(Number),
                };
                if !takes {
                    break;
                }
                if matches!(w, Number | Hundred) {
                    numbers += 1;
                    end = j + 1;
                }
                prev = Some(w);
                j += 1;
            }
        }
        // "twenty-five" and "twenty-first" alone are numbers too.
        let hyphenated = numbers == 1 && end == i + 1 && note[out[i].span.clone()].contains('-');
        if numbers >= 2 || hyphenated {
            out[kept] = Token {
                kind: TokenKind::Number,
                span: out[i].span.start..out[end - 1].span.end,
            };
            i = end;
        } else {
            out.swap(kept, i);
            i += 1;
        }
        kept += 1;
    }
    out.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words a number alone is said in, as the phrases know them: every one the tokenizer
    /// takes, but "one" (mostly a pronoun).
    #[test]
    fn the_spelled_numbers_are_the_words_the_tokenizer_takes() {
        let said = [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
        ];
        let mut taken: Vec<&str> = said.into_iter().filter(|w| is_spelled_number(w)).collect();
        let mut listed: Vec<&str> = NUMBER_WORDS
            .into_iter()
            .filter(|w| is_spelled_number(w))
            .collect();
        taken.sort_unstable();
        listed.sort_unstable();
        assert_eq!(taken, listed);
        assert!(said.iter().all(|w| may_be_number(w.as_bytes())));
        assert!(!is_spelled_number("One") && is_spelled_number("Twenty-Five"));
    }
}
