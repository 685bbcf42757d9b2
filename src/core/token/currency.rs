//! Money: the signs and letter currencies that make a word an amount ("$40k", "€5,000",
//! "R90k", "40k"), and amounts written with a currency code beside them, as reps abroad write
//! them: "CAD 500,000", "500,000 CAD", "KES 14 million" ("KES 14", then the word, as "$14
//! million" reads), "Rs 4,500", "R$ 3M", "US$40k". The pass over a note's tokens that makes
//! the code and its number one amount of money (`{money}`) is here too, and the one that reads
//! a number in lakhs or crores as money with no currency named ("2.4 lakh a month").
//!
//! **Invariant:** the pass keeps the tokens' order and spans (an amount's span covers its
//! code and number), joins only a code and a number one space apart or touching, and moves
//! tokens down in place; a note with no code in it is not written at all.

use super::{Token, TokenKind};

/// A currency sign that starts an amount: "$40k", "€5,000", "₹2 lakh", "₩8M".
pub(super) fn is_currency(c: char) -> bool {
    CURRENCIES.contains(&c)
}

/// The signs [`is_currency`] knows (a scan of this array, not a search of a string).
const CURRENCIES: [char; 15] = [
    '$', '€', '£', '¥', '₹', '₩', '₱', '₦', '₺', '₽', '₪', '฿', '₫', '₴', '₡',
];

/// Currencies written as letters against the amount, capitalised as here: rand, rupees,
/// ringgit, rupiah, shillings ("R90k", "Rs4,500"; with a space, "Rs 4,500",
/// [`merge_currency_codes`] joins them). The longer signs come first, so "Rs450" is not read
/// as "R" and "s450".
const LETTER_CURRENCIES: [&str; 6] = ["Rs", "RM", "Rp", "Ksh", "KSh", "R"];

/// Whether `text` is an amount after a letter currency: "R90k", "R6.50", "R1,200", "Rs450",
/// with what it is per ("R2.4m/yr", as "₩8M/month"); not "R2", "R1.5" or "RM3" (a release, a
/// round, a room): an amount takes a unit, cents or three digits.
pub(super) fn letter_money(text: &str) -> bool {
    LETTER_CURRENCIES.iter().any(|sign| {
        let Some(amount) = text.strip_prefix(sign) else {
            return false;
        };
        let amount = match amount.split_once('/') {
            Some((amount, per)) if PER_UNITS.iter().any(|u| per.eq_ignore_ascii_case(u)) => amount,
            _ => amount,
        };
        let digits = amount.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let number = amount.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = &amount[number.len()..];
        let well_formed = number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
        let cents = number
            .split_once('.')
            .is_some_and(|(_, c)| c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()));
        well_formed
            && (is_amount_unit(unit)
                || (unit.is_empty()
                    && (cents || number.bytes().filter(u8::is_ascii_digit).count() >= 3)))
    })
}

/// What an amount in letters may be per ("R2.4m/yr"): not any letters ("R101/B" is a room).
#[rustfmt::skip]
const PER_UNITS: [&str; 16] = [
    "yr", "year", "pa", "mo", "mth", "month", "wk", "week", "day", "hr", "hour", "unit", "ea",
    "kg", "ton", "site",
];

/// Whether `unit` makes the number before it an amount of money: "40k", "2.5m", "R90k".
pub(super) fn is_amount_unit(unit: &str) -> bool {
    ["k", "m", "mm", "bn", "b"]
        .iter()
        .any(|u| unit.eq_ignore_ascii_case(u))
}

/// ISO codes, as written in capitals ("CAD 500,000"); in lower case only those of
/// [`ANY_CASE`] ("usd 500", but not "cad", "try", "pen", "php"). Sorted, as both are.
#[rustfmt::skip]
const CODES: [&str; 87] = [
    "AED", "AOA", "ARS", "AUD", "AZN", "BDT", "BGN", "BHD", "BRL", "BWP", "CAD", "CHF", "CLP",
    "CNY", "COP", "CRC", "CZK", "DKK", "DOP", "DZD", "EGP", "ETB", "EUR", "FJD", "GBP", "GHS",
    "GTQ", "HKD", "HUF", "IDR", "ILS", "INR", "IQD", "ISK", "JMD", "JOD", "JPY", "KES", "KHR",
    "KRW", "KWD", "KZT", "LBP", "LKR", "MMK", "MUR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
    "NOK", "NPR", "NZD", "OMR", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RMB", "RON",
    "RSD", "RUB", "RWF", "SAR", "SEK", "SGD", "THB", "TND", "TRY", "TTD", "TWD", "TZS", "UAH",
    "UGX", "USD", "UYU", "UZS", "VND", "XAF", "XOF", "ZAR", "ZMW",
];

/// Codes read in any case: none of them is a word a note would write before a number.
#[rustfmt::skip]
const ANY_CASE: [&str; 24] = [
    "aed", "aud", "brl", "chf", "dkk", "eur", "gbp", "ghs", "idr", "inr", "jpy", "kes", "mxn",
    "myr", "ngn", "nok", "nzd", "pln", "sar", "sek", "sgd", "usd", "vnd", "zar",
];

/// Letter signs written apart from the amount, as written: "Rs 4,500", "Ksh 20,000", "RM 2.5m".
const LETTER_SIGNS: [&str; 6] = ["Rs", "Ksh", "KSh", "Kshs", "Rp", "RM"];

/// Letters written against a dollar sign: "R$ 3M", "US$40k", "A$", "NZ$", "S$", "HK$", "C$".
const DOLLAR_PREFIXES: [&str; 7] = ["R", "US", "A", "C", "NZ", "S", "HK"];

/// Codes that are words too ("3 CAD drawings", "2 PHP devs", "RM 3", a room): money only
/// beside an amount that looks like one (see [`looks_like_amount`]).
const ALSO_WORDS: [&str; 7] = ["CAD", "PHP", "TRY", "PEN", "COP", "RM", "Rp"];

/// Words that scale the number before them: "KES 14 million", "Rp 1.5 juta" (Indonesian and
/// Malay), "PLN 8 mln", "EUR 2 Mio".
const SCALES: [&str; 14] = [
    "thousand", "million", "mil", "mn", "billion", "bn", "lakh", "lakhs", "crore", "juta", "ribu",
    "miliar", "mln", "mio",
];

/// Whether `word` names a currency before or after an amount. Asked of every short word of a
/// note: a length and a first byte, then a binary search of three letters.
pub(super) fn is_code(word: &str) -> bool {
    let b = word.as_bytes();
    if matches!(b.first(), Some(b'R' | b'K')) && LETTER_SIGNS.contains(&word) {
        return true;
    }
    let [x, y, z] = *b else {
        return false;
    };
    let upper = [x, y, z].map(|c| c.to_ascii_uppercase());
    let lower = upper.map(|c| c.to_ascii_lowercase());
    let find = |list: &[&str], key: &[u8; 3]| {
        list.binary_search_by(|c| c.as_bytes().cmp(&key[..]))
            .is_ok()
    };
    (b == upper && find(&CODES, &upper)) || (b == lower && find(&ANY_CASE, &lower))
}

/// A number or an amount: what a code is joined to.
fn is_amount(t: &Token) -> bool {
    matches!(t.kind, TokenKind::Number | TokenKind::Money)
}

/// Whether the `i`th of `tokens`, a number or an amount, reads as money on its own terms:
/// already an amount ("5k"), three digits or more, cents, or a scale word after it.
fn looks_like_amount(note: &str, tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    let text = &note[t.span.clone()];
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let cents = text
        .rsplit_once('.')
        .is_some_and(|(_, c)| c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()));
    let scaled = tokens.get(i + 1).is_some_and(|n| {
        SCALES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&note[n.span.clone()]))
    });
    t.kind == TokenKind::Money || digits >= 3 || cents || scaled
}

/// Whether `a` (the token before the `i`th of `tokens`, maybe joined already) and the `i`th
/// make one amount of money.
fn one_amount(note: &str, a: &Token, tokens: &[Token], i: usize) -> bool {
    let b = &tokens[i];
    let between = &note[a.span.end..b.span.start];
    if !(between.is_empty() || between == " ") {
        return false;
    }
    let word = |t: &Token| (t.kind == TokenKind::Word).then(|| &note[t.span.clone()]);
    let plain = |code: &str| !ALSO_WORDS.contains(&code);
    match (word(a), word(b)) {
        // "CAD 500,000", "Rs 4,500", "KES 14 million".
        (Some(code), None) => {
            is_amount(b) && is_code(code) && (plain(code) || looks_like_amount(note, tokens, i))
        }
        // "500,000 CAD": the amount is the token before `i`.
        (None, Some(code)) => {
            is_amount(a)
                && code.len() == 3
                && is_code(code)
                && !between.is_empty()
                && (plain(code) || looks_like_amount(note, tokens, i - 1))
        }
        _ => false,
    }
}

/// Whether `t` may begin or end an amount this pass joins: a short word that is a code, a
/// letter sign or letters glued to a dollar sign, or a sign alone ("$"). Every token of every
/// note is asked, so its length and first byte turn most away before any list is read.
fn may_join(note: &str, t: &Token) -> bool {
    let text = &note[t.span.clone()];
    if !(1..=4).contains(&text.len()) {
        return false;
    }
    match t.kind {
        TokenKind::Word => {
            let upper = text.as_bytes()[0].is_ascii_uppercase();
            let glued_to_dollar = note.as_bytes().get(t.span.end) == Some(&b'$');
            (upper && (is_code(text) || (glued_to_dollar && DOLLAR_PREFIXES.contains(&text))))
                || (!upper && text.len() == 3 && is_code(text))
        }
        TokenKind::Money => !text.chars().any(char::is_alphanumeric),
        _ => false,
    }
}

/// Makes each code and its number one token of money, in place.
pub(super) fn merge_currency_codes(note: &str, tokens: &mut Vec<Token>) {
    // Most notes name no currency: one cheap look, and they are left as they are.
    let Some(first) = tokens.iter().position(|t| may_join(note, t)) else {
        return;
    };
    // An amount written before its code ("500,000 CAD") starts one token earlier.
    let mut i = first.saturating_sub(1);
    let mut kept = i;
    while i < tokens.len() {
        let mut t = tokens[i].clone();
        i += 1;
        // "R$ 3M", "US$40k": letters glued to a dollar sign are part of the amount.
        if t.kind == TokenKind::Word && DOLLAR_PREFIXES.contains(&&note[t.span.clone()]) {
            if let Some(next) = tokens.get(i).filter(|n| {
                n.kind == TokenKind::Money
                    && n.span.start == t.span.end
                    && note[n.span.clone()].starts_with('$')
            }) {
                t = Token {
                    kind: TokenKind::Money,
                    span: t.span.start..next.span.end,
                };
                i += 1;
            }
        }
        // A sign alone ("$", "R$") or a code, then the amount; or the amount, then the code.
        let lone_sign = t.kind == TokenKind::Money
            && note[t.span.clone()]
                .trim_start_matches(|c: char| c.is_ascii_uppercase())
                .chars()
                .all(|c| !c.is_alphanumeric());
        if let Some(next) = tokens.get(i) {
            let sign_then_amount = lone_sign
                && is_amount(next)
                && matches!(&note[t.span.end..next.span.start], "" | " ");
            if sign_then_amount || one_amount(note, &t, tokens, i) {
                t = Token {
                    kind: TokenKind::Money,
                    span: t.span.start..next.span.end,
                };
                i += 1;
            }
        }
        tokens[kept] = t;
        kept += 1;
    }
    tokens.truncate(kept);
}

/// Words that make the number before them an amount of money on their own, with no currency
/// named: Indian notes count rupees in lakhs and crores ("2.4 lakh", "1.1 lakh per month").
const MONEY_SCALES: [&str; 6] = ["lakh", "lakhs", "lac", "lacs", "crore", "crores"];

/// Makes each number before a [`MONEY_SCALES`] word an amount of money, in place: the number
/// alone, as "KES 14" of "KES 14 million" is.
pub(super) fn mark_lakhs_and_crores(note: &str, tokens: &mut [Token]) {
    for i in 1..tokens.len() {
        let text = &note[tokens[i].span.clone()];
        // Most words are turned away by their first letter and length.
        if tokens[i - 1].kind == TokenKind::Number
            && matches!(text.as_bytes().first(), Some(b'l' | b'L' | b'c' | b'C'))
            && (3..=6).contains(&text.len())
            && MONEY_SCALES.iter().any(|s| s.eq_ignore_ascii_case(text))
        {
            tokens[i - 1].kind = TokenKind::Money;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::token::{tokenize, TokenKind};

    #[test]
    fn a_number_in_lakhs_or_crores_is_money() {
        let note = "paying 2.4 lakh a month, 1 crore budget, 12 lacquer tins";
        let money: Vec<_> = tokenize(note)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Money)
            .map(|t| &note[t.span])
            .collect();
        assert_eq!(money, ["2.4", "1"]);
    }

    fn money(note: &str) -> Vec<&str> {
        tokenize(note)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Money)
            .map(|t| &note[t.span])
            .collect()
    }

    #[test]
    fn a_code_beside_its_amount_is_money() {
        assert_eq!(money("around KES 14 million loss"), ["KES 14"]);
        assert_eq!(money("below CAD 500,000 a year"), ["CAD 500,000"]);
        assert_eq!(money("budget 500,000 CAD total"), ["500,000 CAD"]);
        assert_eq!(money("usd 12k per site"), ["usd 12k"]);
        assert_eq!(
            money("Rs 4,500 per unit, Ksh 20,000"),
            ["Rs 4,500", "Ksh 20,000"]
        );
        assert_eq!(money("R$ 3M/yr and US$40k"), ["R$ 3M/yr", "US$40k"]);
        assert_eq!(money("$ 400 off"), ["$ 400"]);
        // Codes of the regions reps write from, and scales in their languages.
        assert_eq!(
            money("TZS 9 million lost, UAH 40,000 a month, OMR 95,000 a year"),
            ["TZS 9", "UAH 40,000", "OMR 95,000"]
        );
        assert_eq!(
            money("Rp 1.5 juta per bulan, PLN 8 mln"),
            ["Rp 1.5", "PLN 8"]
        );
    }

    #[test]
    fn codes_that_are_words_or_far_from_a_number_are_not() {
        assert!(money("updated the cad 3 drawings").is_empty());
        assert!(money("sent 3 CAD drawings, CAD 2 days ago, 2 PHP devs, RM 3").is_empty());
        assert_eq!(money("CAD 1,200 or 40 CAD"), ["CAD 1,200"]);
        assert!(money("try 2 weeks, USD later").is_empty());
        assert!(money("CAD files: 12").is_empty());
        assert!(money("USD\n500").is_empty());
        assert!(money("A $ sign").len() <= 1);
    }

    /// The code lists are searched by halves: they must stay sorted.
    #[test]
    fn code_lists_are_sorted() {
        assert!(super::CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(super::ANY_CASE.windows(2).all(|w| w[0] < w[1]));
        assert!(super::ANY_CASE
            .iter()
            .all(|c| super::CODES.contains(&c.to_ascii_uppercase().as_str())));
    }

    /// Spans stay in order on char boundaries, merged or not, beside any text.
    #[test]
    fn spans_stay_in_order() {
        let note = "KES 14 million, 500 CAD; R$ 3M, ₫500 USD, 👍USD 500, Bảo 500 VND, US$👍";
        let tokens = tokenize(note);
        assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        assert!(tokens
            .iter()
            .all(|t| note.is_char_boundary(t.span.start) && note.is_char_boundary(t.span.end)));
    }
}
