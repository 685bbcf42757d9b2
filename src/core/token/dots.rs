//! Dots that end no sentence: a title's ("Dr. Patel"), a shorthand's before what it goes on
//! to ("approx. 120k", "v. excited", "Sept. 15"), a day's before its month, as in European
//! dates ("on 3. October"). The tokenizer asks here before it makes a `.` a sentence's end.
//!
//! **Invariant:** only a single `.` right after a word or a day's number, then one space and a
//! word, a number or an amount on the same line, goes on; every other dot ends its sentence as
//! before.

use super::currency::is_currency;
use super::{Token, TokenKind};

/// Abbreviations whose dot does not end a sentence when the sentence goes on ("Dr. Patel",
/// "Mrs. Weber", "St. Mary's", "approx. 120k", "incl. free delivery").
const TITLES: [&str; 15] = [
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "approx", "vs", "jr", "sr", "mt", "incl", "excl",
    "esp",
];

/// Abbreviations whose dot does not end a sentence when an amount follows ("c. £80k", "est.
/// 40 units"); before a word it may ("plan c. Then").
const BEFORE_AMOUNTS: [&str; 7] = ["c", "ca", "est", "abt", "approx", "incl", "excl"];

/// Shorthand whose dot does not end a sentence when a lower-case word follows ("v. excited",
/// "abt. the new range", "avg. lead time"); before a capital it may.
const BEFORE_LOWER: [&str; 8] = ["v", "vv", "abt", "avg", "qty", "dept", "mgmt", "appt"];

/// Months and weekdays written short, whose dot does not end a sentence when a day or a year
/// follows ("Sept. 15", "Jan. 2027", "Thu. 3/12"); before a word it may ("from 1 Sept. Status").
const BEFORE_NUMBERS: [&str; 22] = [
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

/// Months, whose name after a day's number and a dot goes on with the date ("3. October",
/// "15. Sept", "1. Dec"); "may", "march" and "mar" only with a capital.
#[rustfmt::skip]
const MONTHS: [&str; 24] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
];

/// Whether the `.` at `i` closes a day's number that a month's name follows ("presents to the
/// CPO on 3. October").
fn day_before_month(note: &str, out: &[Token], i: usize) -> bool {
    let is_day = out
        .last()
        .filter(|t| t.kind == TokenKind::Number && t.span.end == i)
        .map(|t| &note[t.span.clone()])
        .is_some_and(|d| {
            d.len() <= 2
                && d.bytes().all(|b| b.is_ascii_digit())
                && (1..=31).contains(&d.parse::<u8>().unwrap_or(0))
        });
    if !is_day {
        return false;
    }
    let Some(after) = note[i + 1..].strip_prefix(' ') else {
        return false;
    };
    let month = &after[..after.bytes().take_while(u8::is_ascii_alphabetic).count()];
    MONTHS.iter().any(|m| month.eq_ignore_ascii_case(m))
        && (!["may", "march", "mar"]
            .iter()
            .any(|m| month.eq_ignore_ascii_case(m))
            || month.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Whether the single `.` at `i` closes a title or a shorthand just before it, or a day before
/// its month, that the text after it (one space, then a word, a number or an amount) goes on
/// from.
pub(super) fn goes_on(note: &str, out: &[Token], i: usize) -> bool {
    if day_before_month(note, out, i) {
        return true;
    }
    let Some(last) = out
        .last()
        .filter(|t| t.kind == TokenKind::Word && t.span.end == i)
    else {
        return false;
    };
    let word = &note[last.span.clone()];
    let is = |list: &[&str]| list.iter().any(|t| word.eq_ignore_ascii_case(t));
    let mut rest = note[i + 1..].chars();
    if rest.next() != Some(' ') {
        return false;
    }
    let next = rest.next();
    let amount = next.is_some_and(|c| c.is_ascii_digit() || c == '~' || is_currency(c));
    (is(&TITLES) && next.is_some_and(char::is_alphanumeric))
        || (is(&BEFORE_AMOUNTS) && amount)
        || (is(&BEFORE_LOWER) && next.is_some_and(|c| c.is_ascii_lowercase()))
        || (is(&BEFORE_NUMBERS)
            && next.is_some_and(|c| c.is_ascii_digit())
            // "we sat. 2 hours later": the words that are also verbs only with a capital.
            && (!is(&["sat", "sun", "wed", "mar"]) || word.starts_with(char::is_uppercase)))
}
