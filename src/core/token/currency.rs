//! Amounts written with a currency code beside them, as reps abroad write them: "KES 14
//! million", "CAD 500,000", "500,000 CAD", "Rs 4,500", "R$ 3M", "US$ 40k". The pass over a
//! note's tokens that makes the code and its number one amount of money (`{money}`).
//!
//! **Invariant:** the pass keeps the tokens' order and spans (an amount's span covers its
//! code and number), merges only a code and a number separated by one space or nothing, and
//! moves tokens down in place.

use super::{Token, TokenKind};

/// ISO codes, as written in capitals ("CAD 500,000"); in lower case only where the code is no
/// word of its own ("usd 500", but not "cad", "try", "pen", "php", "all").
#[rustfmt::skip]
const CODES: [&str; 46] = [
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "RMB", "HKD", "SGD", "INR",
    "PKR", "BDT", "LKR", "AED", "SAR", "QAR", "KWD", "EGP", "KES", "NGN", "GHS", "ZAR", "MXN",
    "BRL", "ARS", "CLP", "COP", "PEN", "PHP", "MYR", "IDR", "THB", "VND", "KRW", "SEK", "NOK",
    "DKK", "PLN", "CZK", "HUF", "TRY", "RON", "ILS",
];

/// Codes read in any case: none of them is a word a note would write before a number.
#[rustfmt::skip]
const ANY_CASE: [&str; 24] = [
    "usd", "eur", "gbp", "aud", "nzd", "chf", "jpy", "sgd", "inr", "aed", "sar", "kes", "ngn",
    "ghs", "zar", "mxn", "brl", "myr", "idr", "vnd", "sek", "nok", "dkk", "pln",
];

/// Letter signs written apart from the amount, as written: "Rs 4,500", "Ksh 20,000", "RM 2.5m".
const LETTER_SIGNS: [&str; 6] = ["Rs", "Ksh", "KSh", "Kshs", "Rp", "RM"];

/// Letters written against a dollar sign: "R$ 3M", "US$40k", "A$", "NZ$", "S$", "HK$", "C$".
const DOLLAR_PREFIXES: [&str; 7] = ["R", "US", "A", "C", "NZ", "S", "HK"];

/// Whether `word` names a currency before or after an amount.
fn is_code(word: &str) -> bool {
    CODES.contains(&word)
        || LETTER_SIGNS.contains(&word)
        || (word.len() == 3 && ANY_CASE.iter().any(|c| c.eq_ignore_ascii_case(word)))
}

fn is_amount(t: &Token) -> bool {
    matches!(t.kind, TokenKind::Number | TokenKind::Money)
}

/// Whether `a` then `b` make one amount of money in `note`.
fn one_amount(note: &str, a: &Token, b: &Token) -> bool {
    let between = &note[a.span.end..b.span.start];
    if !(between.is_empty() || between == " ") {
        return false;
    }
    let word = |t: &Token| (t.kind == TokenKind::Word).then(|| &note[t.span.clone()]);
    match (word(a), word(b)) {
        // "KES 14 million", "Rs 4,500"; "R$ 3M" (a dollar sign read alone, then the amount).
        (Some(code), None) => is_amount(b) && is_code(code),
        // "500,000 CAD".
        (None, Some(code)) => {
            is_amount(a) && code.len() == 3 && is_code(code) && !between.is_empty()
        }
        _ => false,
    }
}

/// Makes each code and its number one token of money, in place.
pub fn merge_currency_codes(note: &str, tokens: &mut Vec<Token>) {
    let mut i = 0;
    let mut kept = 0;
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
        // A lone sign ("R$", "$") or a code, then the amount; or the amount, then the code.
        let lone_sign = t.kind == TokenKind::Money
            && note[t.span.clone()]
                .trim_start_matches(|c: char| c.is_ascii_uppercase())
                .chars()
                .all(|c| !c.is_alphanumeric());
        if let Some(next) = tokens.get(i) {
            let sign_then_amount = lone_sign
                && is_amount(next)
                && matches!(&note[t.span.end..next.span.start], "" | " ");
            if sign_then_amount || one_amount(note, &t, next) {
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

#[cfg(test)]
mod tests {
    use crate::core::token::{tokenize, TokenKind};

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
    }

    #[test]
    fn codes_that_are_words_or_far_from_a_number_are_not() {
        assert!(money("updated the cad 3 drawings").is_empty());
        assert!(money("try 2 weeks, USD later").is_empty());
        assert!(money("CAD files: 12").is_empty());
        assert!(money("USD\n500").is_empty());
    }

    /// Spans stay in order and cover the note's text, merged or not.
    #[test]
    fn spans_stay_in_order() {
        let note = "KES 14 million, 500 CAD; R$ 3M";
        let tokens = tokenize(note);
        assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }
}
