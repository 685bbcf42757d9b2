//! The note as tokens: cut once, then every later stage of the phrase engine works on tokens.
//!
//! A token is a word, a number, an amount of money, a percentage, a piece of punctuation, or a
//! boundary (the end of a sentence or clause, a line break, a bullet), each with its exact byte
//! span in the note. Contractions are split the way spaCy splits them ("they'll" → "they",
//! "'ll"; "don't" → "do", "n't"), so "they'll send" and "they will send" read alike; so are
//! those typed without the apostrophe ("theyll" → "they", "ll", read as "'ll"; not "well",
//! "its"). A capitalised sentence opener after a lower-case word ("…the answer Tomorrow I
//! call") gets an empty boundary before it, whose text is "".
//! A number said in words ("twenty five", "a hundred and twenty") is one number token, and so
//! is an amount with a currency code beside it ("CAD 500,000", "Rs 4,500") one money token.
//! **Invariant:** spans are in order, do not overlap, lie on char boundaries, and a word's span
//! holds exactly its text; one pass over the note, then one over its tokens for numbers said in
//! words, one for currency codes and one for lakhs and crores (in place); no allocation per
//! token beyond the vector.

use currency::{is_amount_unit, is_currency, letter_money};
use std::ops::Range;

mod contraction;
mod currency;
mod dots;
mod homophone;
mod spoken;
pub use contraction::{bare_contraction, bare_ending, bare_ending_form};
pub use homophone::there_may_be_their;
pub use spoken::{is_spelled_number, NUMBER_WORDS};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, maybe with digits, inner hyphens, dots or slashes: "follow-up", "w/", "f/u",
    /// "Q3", "e.g", or a contraction's second part ("'ll", "n't").
    Word,
    /// "15", "3.5", "1,200", "2nd", "twenty five", "two point five".
    Number,
    /// "$40k", "€5,000", "₩8M", "40k" after a currency sign; "CAD 500,000", "Rs 4,500",
    /// "R$ 3M" with a code or letters beside it (`token/currency.rs`).
    Money,
    /// "15%".
    Percent,
    /// A comma, colon, dash, bracket, quote or other sign inside a sentence.
    Punct,
    /// The end of a sentence or clause (. ! ? ;), a line break or a bullet, or an empty span
    /// before a sentence begun without a full stop: no pattern reaches over it.
    Boundary,
}

/// One token: its kind and where it stands in the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte offsets into the note: `note[span]` is the token as written.
    pub span: Range<usize>,
}

impl Token {
    /// The token as written in `note`.
    pub fn text<'a>(&self, note: &'a str) -> &'a str {
        &note[self.span.clone()]
    }
}

/// Cuts a note into tokens.
pub fn tokenize(note: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(note.len() / 5 + 1);
    let mut i = 0;
    let mut line_start = true;
    while i < note.len() {
        let c = char_at(note, i);
        let len = c.len_utf8();
        if c == '\n' || c == '\r' {
            push_boundary(&mut out, i..i + len);
            line_start = true;
            i += len;
            continue;
        }
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if line_start {
            line_start = false;
            // A bullet: "-", "*", "•", "1." or "2)" at the start of a line, then a space.
            if let Some(end) = bullet_end(note, i) {
                push_boundary(&mut out, i..end);
                i = end;
                continue;
            }
        }
        if c.is_alphanumeric() || is_currency(c) {
            let end = word_end(note, i);
            push_word(note, i..end, &mut out);
            i = end;
            continue;
        }
        if is_emoji(c) {
            // An emoji stands where a phone-typed note ends a clause ("loved it 👍 sending the
            // catalog tmrw"): a boundary, with its modifiers and joined emoji.
            let mut end = i + len;
            while let Some(next) = note[end..]
                .chars()
                .next()
                .filter(|&n| is_emoji(n) || n == '\u{FE0F}' || n == '\u{200D}')
            {
                end += next.len_utf8();
            }
            push_boundary(&mut out, i..end);
            i = end;
            continue;
        }
        let kind = match c {
            '!' | '?' | ';' => TokenKind::Boundary,
            // The dot of "Dr. Patel", "approx. 40k": not a sentence's end.
            '.' if dots::goes_on(note, &out, i) => TokenKind::Punct,
            // A full stop ends a sentence; "..." and "…" too.
            '.' | '…' => TokenKind::Boundary,
            _ => TokenKind::Punct,
        };
        // Runs of the same sign ("!!!", "...", "--") are one token.
        let mut end = i + len;
        while end < note.len() && char_at(note, end) == c {
            end += len;
        }
        if kind == TokenKind::Boundary {
            push_boundary(&mut out, i..end);
        } else {
            out.push(Token { kind, span: i..end });
        }
        i = end;
    }
    spoken::merge_spoken_numbers(note, &mut out);
    currency::merge_currency_codes(note, &mut out);
    currency::mark_lakhs_and_crores(note, &mut out);
    out
}

/// Pictographs and symbols used as emoji ("👍", "😍", "✅", "🙏🏽").
fn is_emoji(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}')
}

/// Boundaries in a row are one.
fn push_boundary(out: &mut Vec<Token>, span: Range<usize>) {
    match out.last_mut() {
        Some(last) if last.kind == TokenKind::Boundary && last.span.end <= span.start => {
            // Keep the first one's start; the gap between them is only white space or signs
            // already read as boundaries.
            last.span.end = span.end;
        }
        _ => out.push(Token {
            kind: TokenKind::Boundary,
            span,
        }),
    }
}

fn char_at(note: &str, i: usize) -> char {
    match note.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => char::from(b),
        _ => note.get(i..).and_then(|s| s.chars().next()).unwrap_or('\0'),
    }
}

/// Where a bullet that starts at `i` ends (after its space), if one does.
fn bullet_end(note: &str, i: usize) -> Option<usize> {
    let rest = &note[i..];
    let marker_len = if rest.starts_with(['-', '*', '•', '–', '·', '>']) {
        rest.chars().next().map_or(1, char::len_utf8)
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 2 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker_len..];
    after.starts_with([' ', '\t']).then_some(i + marker_len + 1)
}

/// The end of the word, number or amount that starts at `i`: letters and digits, with inner
/// `'` `’` `-` `.` `/` `,` `&` when a letter or digit follows them ("follow-up", "w/", "1,200",
/// "3.5", "p&l"), and a trailing `%`.
fn word_end(note: &str, start: usize) -> usize {
    let bytes = note.as_bytes();
    let mut end = start;
    let mut at = start;
    loop {
        // The bulk of a word: a run of ASCII letters and digits, read byte by byte.
        while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
            at += 1;
            end = at;
        }
        let Some(c) = note[at..].chars().next() else {
            break;
        };
        let after = at + c.len_utf8();
        if c.is_alphanumeric() || (at == start && is_currency(c)) {
            at = after;
            end = at;
            continue;
        }
        let next = note[after..].chars().next();
        let inner = matches!(c, '\'' | '’' | '-' | '.' | ',' | '&' | '/');
        if inner && next.is_some_and(char::is_alphanumeric) {
            // "3.5" and "1,200" only between digits; "e.g" between letters; "w/o" and "f/u".
            let prev = note[..at].chars().next_back().unwrap_or(' ');
            let digits = prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit());
            let ok = match c {
                '.' | ',' => digits || (c == '.' && prev.is_alphabetic() && at - start == 1),
                '/' => !joins_two_words(&note[start..at], &note[after..]),
                _ => true,
            };
            if ok {
                at = after;
                end = at;
                continue;
            }
        }
        if c == '/' && end > start && next.is_none_or(|n| !n.is_alphanumeric()) {
            // "w/" as in "w/ Dana": the slash belongs to the abbreviation.
            let word = &note[start..end];
            if word.len() <= 2 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                end = at + 1;
            }
        }
        if c == '%' {
            end = at + 1;
        }
        break;
    }
    end.max(start + note[start..].chars().next().map_or(1, char::len_utf8))
}

/// Whether a slash between `left` (the word so far) and `right` (the rest of the note) joins
/// two words, each read on its own ("breakdowns/wk", "buyer/owner", "TCO/km"), rather than
/// making one ("w/o", "f/u", "km/h", "24/7", "go/no-go", and names in capitals, "CIPS/DCVG"):
/// at least three lower-case letters before it, since the last slash or hyphen, or an
/// acronym of two or more capitals that is no currency code, and two lower-case letters after.
fn joins_two_words(left: &str, right: &str) -> bool {
    let before = left.rsplit(['/', '-']).next().unwrap_or(left);
    let after = right
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let word = before.len() >= 3 && before.bytes().all(|b| b.is_ascii_lowercase());
    // Not a currency's code or a scale: "EUR/yr", "$2 MM/yr" are an amount's unit, read with
    // its amount.
    let acronym = before.len() >= 2
        && before.bytes().all(|b| b.is_ascii_uppercase())
        && !currency::is_code(before)
        && !["MM", "BN", "MN", "MIO", "MLN"].contains(&before);
    (word || acronym) && after.len() >= 2 && after.bytes().all(|b| b.is_ascii_lowercase())
}

/// Pushes a word, number or amount, splitting off a contraction's ending.
fn push_word(note: &str, span: Range<usize>, out: &mut Vec<Token>) {
    let text = &note[span.clone()];
    let kind = kind_of(text);
    if kind == TokenKind::Word && opens_unmarked_sentence(note, out.last(), text) {
        out.push(Token {
            kind: TokenKind::Boundary,
            span: span.start..span.start,
        });
    }
    if kind == TokenKind::Word {
        if let Some(cut) = contraction::cut(text) {
            push_split(out, span, cut);
            return;
        }
    }
    out.push(Token { kind, span });
}

/// Pushes a word cut in two at `cut`: a contraction and its ending.
fn push_split(out: &mut Vec<Token>, span: Range<usize>, cut: usize) {
    let at = span.start + cut;
    out.push(Token {
        kind: TokenKind::Word,
        span: span.start..at,
    });
    out.push(Token {
        kind: TokenKind::Word,
        span: at..span.end,
    });
}

/// A sentence begun with no full stop before it ("for know the answer Tomorrow I call him",
/// "about 40 minutes Their biggest worry is"): a capitalised opener right after a lower-case
/// word, a number or a closing bracket. Not after a capitalised word ("Call With The Buyer"
/// is a title), a colon or a comma.
fn opens_unmarked_sentence(note: &str, before: Option<&Token>, word: &str) -> bool {
    let Some(before) = before else {
        return false;
    };
    if !super::text::is_sentence_opener(word) {
        return false;
    }
    match before.kind {
        TokenKind::Word => before.text(note).chars().all(|c| !c.is_uppercase()),
        TokenKind::Number | TokenKind::Money | TokenKind::Percent => true,
        TokenKind::Punct => before.text(note) == ")",
        TokenKind::Boundary => false,
    }
}

fn kind_of(text: &str) -> TokenKind {
    if text.starts_with(is_currency) {
        return TokenKind::Money;
    }
    if text.ends_with('%') {
        return TokenKind::Percent;
    }
    let (mut digits, mut letters) = (false, false);
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits = true;
        } else if c.is_alphabetic() {
            letters = true;
        }
    }
    if digits && !letters {
        return TokenKind::Number;
    }
    // Letters and digits: "R90k" (asked only here, as most words have no digit).
    if digits && letter_money(text) {
        return TokenKind::Money;
    }
    // "40k", "2.5m": an amount; "2nd", "3rd": a number; "Q3", "SOC2": a word.
    if digits && text.starts_with(|c: char| c.is_ascii_digit()) {
        let tail = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
        if is_amount_unit(tail) {
            return TokenKind::Money;
        }
        return TokenKind::Number;
    }
    TokenKind::Word
}

/// The form a word is looked up by: lower case, curly apostrophes straight.
pub fn normalize_into(word: &str, out: &mut String) {
    super::text::normalize_into(word, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(note: &str) -> Vec<(TokenKind, &str)> {
        tokenize(note)
            .into_iter()
            .map(|t| (t.kind, &note[t.span]))
            .collect()
    }

    #[test]
    fn contractions_without_their_apostrophe_split_as_with_it() {
        use TokenKind::*;
        assert_eq!(
            show("theyll send, Im on it, didnt"),
            vec![
                (Word, "they"),
                (Word, "ll"),
                (Word, "send"),
                (Punct, ","),
                (Word, "I"),
                (Word, "m"),
                (Word, "on"),
                (Word, "it"),
                (Punct, ","),
                (Word, "did"),
                (Word, "nt"),
            ]
        );
        // Words of their own stay whole: "well", "its", "IM" (a message), "id".
        assert_eq!(show("well its IM id").len(), 4);
        let tokens = tokenize("theyll");
        assert_eq!(
            bare_ending("theyll", tokens.first(), &tokens[1]),
            Some("'ll")
        );
        let apart = tokenize("they ll");
        assert_eq!(bare_ending("they ll", apart.first(), &apart[1]), None);
    }

    #[test]
    fn a_sentence_opener_after_a_lower_case_word_opens_a_sentence() {
        use TokenKind::*;
        let note = "for know the answer Tomorrow I call";
        let tokens = tokenize(note);
        let at = tokens.iter().position(|t| t.kind == Boundary).unwrap();
        assert_eq!(tokens[at].span, 20..20, "an empty boundary before Tomorrow");
        assert_eq!(tokens[at + 1].text(note), "Tomorrow");
        // Not in a title, after a colon or a comma, nor a word in capitals.
        for note in [
            "Call With The Buyer",
            "plan: They send",
            "sent it, They liked",
            "met THEIR cfo",
        ] {
            assert!(tokenize(note).iter().all(|t| t.kind != Boundary), "{note}");
        }
        let note = "(head of ops) They have";
        let tokens = tokenize(note);
        let they = tokens.iter().position(|t| t.text(note) == "They").unwrap();
        assert_eq!(tokens[they - 1].kind, Boundary);
        assert!(tokens[they - 1].span.is_empty());
    }

    #[test]
    fn numbers_said_in_words_are_one_number() {
        use TokenKind::*;
        assert_eq!(
            show("twenty five percent off, a hundred and twenty thousand"),
            vec![
                (Number, "twenty five"),
                (Word, "percent"),
                (Word, "off"),
                (Punct, ","),
                (Number, "a hundred and twenty"),
                (Word, "thousand"),
            ]
        );
        assert_eq!(
            show("two point five million, one hundred sites, twenty-five"),
            vec![
                (Number, "two point five"),
                (Word, "million"),
                (Punct, ","),
                (Number, "one hundred"),
                (Word, "sites"),
                (Punct, ","),
                (Number, "twenty-five"),
            ]
        );
        // A date said stays words ("the twenty sixth": the lexicon lists it so), written with a
        // hyphen it is a number; and "zero" counts.
        assert_eq!(
            show("the twenty sixth or twenty-first, zero point five"),
            vec![
                (Word, "the"),
                (Word, "twenty"),
                (Word, "sixth"),
                (Word, "or"),
                (Number, "twenty-first"),
                (Punct, ","),
                (Number, "zero point five"),
            ]
        );
        // Any case, and runs back to back; tokens after a run keep their places.
        assert_eq!(
            show("TWENTY FIVE % then Ten Ten"),
            vec![
                (Number, "TWENTY FIVE"),
                (Punct, "%"),
                (Word, "then"),
                (Number, "Ten Ten"),
            ]
        );
        // A word alone stays a word (the phrases read it as a number too), and so do words
        // that only look like part of a number.
        assert_eq!(
            show("ten of them and a hundred, the one and only point"),
            vec![
                (Word, "ten"),
                (Word, "of"),
                (Word, "them"),
                (Word, "and"),
                (Word, "a"),
                (Word, "hundred"),
                (Punct, ","),
                (Word, "the"),
                (Word, "one"),
                (Word, "and"),
                (Word, "only"),
                (Word, "point"),
            ]
        );
        // Only spaces join them: not a comma, a line or a sentence's end.
        assert_eq!(
            show("two, three\nfour. Five"),
            vec![
                (Word, "two"),
                (Punct, ","),
                (Word, "three"),
                (Boundary, "\n"),
                (Word, "four"),
                (Boundary, "."),
                (Word, "Five"),
            ]
        );
    }

    #[test]
    fn an_emoji_ends_a_clause() {
        use TokenKind::*;
        assert_eq!(
            show("loved it 👍🏽 sending catalog ✅️ done"),
            vec![
                (Word, "loved"),
                (Word, "it"),
                (Boundary, "👍🏽"),
                (Word, "sending"),
                (Word, "catalog"),
                (Boundary, "✅\u{FE0F}"),
                (Word, "done"),
            ]
        );
    }

    #[test]
    fn words_contractions_and_boundaries() {
        use TokenKind::*;
        assert_eq!(
            show("They’ll send the quote. I don't"),
            vec![
                (Word, "They"),
                (Word, "’ll"),
                (Word, "send"),
                (Word, "the"),
                (Word, "quote"),
                (Boundary, "."),
                (Word, "I"),
                (Word, "do"),
                (Word, "n't"),
            ]
        );
    }

    /// The dot of a title goes on with the sentence; a title's dot at a sentence's or a
    /// line's end, and any other word's, ends it.
    #[test]
    fn a_titles_dot_does_not_end_the_sentence() {
        let boundaries = |note: &str| -> Vec<usize> {
            tokenize(note)
                .into_iter()
                .filter(|t| t.kind == TokenKind::Boundary)
                .map(|t| t.span.start)
                .collect()
        };
        let note = "Met Dr. Patel and Mrs. Weber at St. Mary's, approx. 40 beds. Then lunch.";
        assert_eq!(
            boundaries(note),
            [note.find(". Then").unwrap(), note.len() - 1]
        );
        assert_eq!(boundaries("Call with the Dr.\nNext"), [16]);
        assert_eq!(boundaries("Ask the dr."), [10]);
        assert_eq!(boundaries("Sent the quote. Next"), [14]);
        // Before an amount too: "c. £80k", "est. $12k".
        assert_eq!(
            boundaries("they spend c. £80k a yr, est. $12k on it"),
            Vec::<usize>::new()
        );
        assert_eq!(boundaries("plan c. Then"), [6]);
        // Shorthand goes on before a lower-case word, not before a capital.
        assert_eq!(
            boundaries("team v. excited abt. the range"),
            Vec::<usize>::new()
        );
        assert_eq!(boundaries("tried plan v. Then called"), [12]);
        // "incl." and the like go on with what they include.
        assert_eq!(
            boundaries("said yes to the lot incl. free mob/demob, excl. VAT"),
            Vec::<usize>::new()
        );
        // A month or a weekday written short goes on with its date, not with a word.
        assert_eq!(
            boundaries("call him Sept. 15 or Thu. 3/12, start Jan. 2027"),
            Vec::<usize>::new()
        );
        assert_eq!(boundaries("from 1 Sept. Status: done"), [11]);
        assert_eq!(boundaries("site visit Sat. 14th"), Vec::<usize>::new());
        assert_eq!(boundaries("we sat. 2 hours later"), [6]);
        // A day's dot before its month, as in European dates; not a count's before a word.
        assert_eq!(
            boundaries("presents to the CPO on 3. October, then 15. Sept"),
            Vec::<usize>::new()
        );
        assert_eq!(boundaries("ordered 3. may need more"), [9]);
        assert_eq!(boundaries("sent 40. October is busy"), [7]);
        assert_eq!(boundaries("sent 3. Then called"), [6]);
        assert_eq!(boundaries("on 1. Dec and 2. Mar"), Vec::<usize>::new());
        assert_eq!(boundaries("we did 3. mar the finish"), [8]);
    }

    #[test]
    fn money_numbers_percent_and_shorthand() {
        use TokenKind::*;
        assert_eq!(
            show("gave 15% off $40k, 1,200 units w/ f/u on 3.5"),
            vec![
                (Word, "gave"),
                (Percent, "15%"),
                (Word, "off"),
                (Money, "$40k"),
                (Punct, ","),
                (Number, "1,200"),
                (Word, "units"),
                (Word, "w/"),
                (Word, "f/u"),
                (Word, "on"),
                (Number, "3.5"),
            ]
        );
        // A slash between two lower-case words parts them; one in a shorthand, a date or a
        // name in capitals does not.
        let words = |note| -> Vec<&str> { show(note).into_iter().map(|(_, w)| w).collect() };
        assert_eq!(
            words("~2 breakdowns/wk, buyer/owner"),
            [
                "~",
                "2",
                "breakdowns",
                "/",
                "wk",
                ",",
                "buyer",
                "/",
                "owner"
            ]
        );
        assert_eq!(
            words("w/o f/u km/h 24/7 go/no-go CIPS/DCVG I/O"),
            ["w/o", "f/u", "km/h", "24/7", "go/no-go", "CIPS/DCVG", "I/O"]
        );
        // So does one between an acronym and a lower-case word: a figure per unit.
        assert_eq!(
            words("TCO/km EUR/yr MM/yr"),
            ["TCO", "/", "km", "EUR/yr", "MM/yr"]
        );
        assert_eq!(
            show("rework eat ~₩8M/month, ₹2,00,000"),
            vec![
                (Word, "rework"),
                (Word, "eat"),
                (Punct, "~"),
                (Money, "₩8M/month"),
                (Punct, ","),
                (Money, "₹2,00,000"),
            ]
        );
        // What an amount in letters is per goes with it, as with a sign ("₩8M/month").
        assert_eq!(
            show("R2.4m/yr, R2/yr, R101/B"),
            vec![
                (Money, "R2.4m/yr"),
                (Punct, ","),
                (Word, "R2/yr"),
                (Punct, ","),
                (Word, "R101/B")
            ]
        );
        // Letters before the amount: rand, rupees, ringgit; not a release or a room.
        assert_eq!(
            show("costs R90k a month, R6.50 a litre, Rs4,500 each, RM2.5m, R2 of the tender, R1.5"),
            vec![
                (Word, "costs"),
                (Money, "R90k"),
                (Word, "a"),
                (Word, "month"),
                (Punct, ","),
                (Money, "R6.50"),
                (Word, "a"),
                (Word, "litre"),
                (Punct, ","),
                (Money, "Rs4,500"),
                (Word, "each"),
                (Punct, ","),
                (Money, "RM2.5m"),
                (Punct, ","),
                (Word, "R2"),
                (Word, "of"),
                (Word, "the"),
                (Word, "tender"),
                (Punct, ","),
                (Word, "R1.5"),
            ]
        );
    }

    #[test]
    fn bullets_and_lines_are_boundaries() {
        use TokenKind::*;
        assert_eq!(
            show("- they asked\n- I'll send\n2) follow-up"),
            vec![
                (Boundary, "- "),
                (Word, "they"),
                (Word, "asked"),
                (Boundary, "\n- "),
                (Word, "I"),
                (Word, "'ll"),
                (Word, "send"),
                (Boundary, "\n2) "),
                (Word, "follow-up"),
            ]
        );
    }
}
