//! Whose step a match describes: the rep's, the client's, or nobody's. Read from the match's
//! `{who}` (or the "our"/"my" it opens on): a name or a client word is the client, "I"/"we"
//! the rep, and the other way round in the client's own quoted or pasted words
//! ([`crate::core::voice`]); a role of something is who acts ("head of tox sends"); no subject
//! is the rep's to-do, except in the client's words; a request, a condition or a question is
//! nobody's step yet.
//!
//! **Invariant:** pure and total; each reading looks at a bounded window around the match.

use crate::core::phrase;
use crate::core::rules::RuleSet;
use crate::core::text;
use crate::core::token;
use crate::core::voice::Voices;
use std::cell::OnceCell;

/// Whether the sentence going on at `at` ends in a question mark (looked for within 160 bytes:
/// a question is short, and a note-long dictated sentence stays linear).
pub(super) fn in_question(note: &str, at: usize) -> bool {
    let end = text::floor_boundary(note, (at + 160).min(note.len()));
    note[at..end]
        .chars()
        .find(|c| matches!(c, '.' | '!' | '?' | ';' | '\n'))
        == Some('?')
}

/// The word at `at` when it is a first-person possessive ("our", "my"): its span. ("I" and
/// "we" are left to the phrase: a rep's own `>` reply line would read as the client's.)
pub(super) fn first_person_at(rules: &RuleSet, note: &str, at: usize) -> Option<(usize, usize)> {
    let word = text::raw_words(&note[at..]).next()?;
    let start = at + (word.as_ptr() as usize - note[at..].as_ptr() as usize);
    if start != at {
        return None;
    }
    let possessive = ["our", "my"].iter().any(|p| word.eq_ignore_ascii_case(p));
    (possessive
        && rules
            .words
            .rep_subjects
            .contains(&word.to_ascii_lowercase()))
    .then_some((start, start + word.len()))
}

/// Who a match's `{owner}` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Party {
    Rep,
    Client,
    /// A word that is neither a known subject nor a name: read as the rep's own to-do.
    Unknown,
}

/// A word without its contraction: "they'll" → "they", and without one written with no
/// apostrophe: "theyll" → "they".
fn base(word: &str) -> &str {
    let word = word.split('\'').next().unwrap_or(word);
    match token::bare_contraction(word) {
        Some(cut) => &word[..cut],
        None => word,
    }
}

/// Whose step a match describes. No subject, or a word that is not a subject ("then"), is the
/// rep's own to-do list, except in the client's words (a request of the rep, or the client's
/// own step: nobody's); a name is the client: a capitalised word unless the lexicon says it
/// is not a subject ("Happy to send"), a first name or a title in any case, or the word after
/// a title ("dr alvi"); after a determiner the noun phrase names the client when
/// one of its words is a client word ("their VP Sales", "their ops manager"; "their plan" is
/// nobody); after "and" the subject of the step before decides. Who "I" and "you" are depends
/// on who speaks: in the note the rep ("I", "we") to the client ("you", "your team"); in the
/// client's quoted or pasted words the client, the other way round ([`super::voice`]).
pub(super) fn party_of(
    rules: &RuleSet,
    note: &str,
    at: usize,
    span: Option<(usize, usize)>,
    voices: &OnceCell<Voices>,
) -> Party {
    // A relative clause's subject is the noun it hangs on ("Camila who makes the purchases
    // will send", "Dana, who runs ops, will send"): read that noun instead (once: a chain of
    // clauses is not followed).
    let span =
        span.map(|(start, end)| relative_antecedent(note, start, end).unwrap_or((start, end)));
    // A role of something is who acts, not the something: "head of tox sends the list", "our
    // head of legal will draft it" (the subject slot took only the word after "of").
    let span = span.map(|(start, end)| (role_before_of(rules, note, start).unwrap_or(start), end));
    let Some((start, end)) = span else {
        // No subject: the rep's own to-do in the rep's words; in the client's words ("Please
        // send the price list", "Will circle back soon") a request of the rep, or the client's
        // own step, so no step of the rep's.
        let voices = voices.get_or_init(|| Voices::of(&rules.words.rep_quote_markers, note));
        if voices.client_speaks_at(at) {
            return Party::Unknown;
        }
        return Party::Rep;
    };
    // A contraction's ending names no one: the word it hangs on does ("'m" of "I'm gonna
    // call", "'re" of "they're pulling the data", "m" of "Im gonna call").
    let hangs_on = note[..start].ends_with(char::is_alphanumeric);
    let start = if note[start..].starts_with(['\'', '’']) || hangs_on {
        note[..start]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map_or(start, |(i, _)| i)
    } else {
        start
    };
    // A question or a request is nobody's step yet ("can you send a price", "could they pull
    // the logs"), and a condition is no step of the client's ("if you can send the NDA"; "they
    // asked if we could send it" is still the rep's to do).
    let before_from = text::floor_boundary(note, start.saturating_sub(16));
    let adjacent = note[..start]
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric());
    if let Some(before) = text::raw_words(&note[before_from..start])
        .next_back()
        .filter(|_| adjacent)
    {
        let is = |list: &[&str]| list.iter().any(|m| before.eq_ignore_ascii_case(m));
        let first_person = || {
            text::raw_words(&note[start..end]).next().is_some_and(|w| {
                let mut word = String::new();
                text::normalize_into(w, &mut word);
                rules.words.rep_subjects.contains(base(&word))
            })
        };
        if is(&REQUEST_MODALS) || (is(&CONDITIONS) && !first_person()) {
            return Party::Unknown;
        }
    }
    let owner = &note[start..end];
    let owner = owner.split('(').next().unwrap_or(owner);
    let words = &rules.words;
    let mut after_determiner = false;
    let mut word = String::new();
    let mut raws = text::raw_words(owner).peekable();
    let speaker = || {
        let voices = voices.get_or_init(|| Voices::of(&rules.words.rep_quote_markers, note));
        if voices.client_speaks_at(start) {
            Party::Client
        } else {
            Party::Rep
        }
    };
    while let Some(raw) = raws.next() {
        text::normalize_into(raw, &mut word);
        let base = base(&word);
        if words.rep_subjects.contains(base) || words.rep_subjects.contains(word.as_str()) {
            return speaker();
        }
        if SECOND_PERSON.contains(&base) {
            return match speaker() {
                Party::Rep => Party::Client,
                _ => Party::Rep,
            };
        }
        if after_determiner {
            // The noun phrase names the client when one of its words does: "their ops
            // manager", "their VP Sales"; "their plan" names nobody.
            // So does "IT" in capitals, a department and not the pronoun once lower-cased:
            // "their IT will set up the sandbox" (other initials, "HR", are client words
            // only when the lexicon lists them).
            let names_client = std::iter::once(raw).chain(raws).any(|w| {
                text::normalize_into(w, &mut word);
                words.client_subjects.contains(self::base(&word))
                    || (is_acronym(w) && words.nobody.contains(word.as_str()))
            });
            return if names_client {
                Party::Client
            } else {
                Party::Unknown
            };
        }
        // A dictated "there" for "their" ("there legal team is drafting"): the encoder read
        // it as either (`token/homophone.rs`), and a subject of more words than it is theirs.
        // A `{who}` span starts on "there" and goes on only through the determiner slot that
        // "their" fills, so the weaker test here agrees with `there_may_be_their`.
        if words.determiners.contains(base) || (base == "there" && raws.peek().is_some()) {
            after_determiner = true;
            continue;
        }
        if words.coordinators.contains(base) {
            return earlier_subject(rules, note, start);
        }
        if words.client_subjects.contains(base) {
            return Party::Client;
        }
        if words.non_subjects.contains(base) {
            return Party::Rep;
        }
        // "It will take two weeks" names nobody; "IT will set up the sandbox" is their IT.
        if words.nobody.contains(base) && !is_acronym(raw) {
            return Party::Unknown;
        }
        // A name: capitalised, or a first name or a title in any case ("anne to share").
        let named = raw.chars().next().is_some_and(char::is_uppercase)
            || words.first_names.contains(base)
            || phrase::is_title(base)
            || after_title(note, start);
        return if named { Party::Client } else { Party::Unknown };
    }
    Party::Unknown
}

/// The word a relative clause hangs on, when the subject at `start..end` is the clause's
/// "who" ("Dana, who runs ops, will send") or follows "who" and its verb ("Camila who makes
/// the purchases will send"): its span.
fn relative_antecedent(note: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let mut before = words_back(note, start, 80).map(|(w, _, _)| w);
    let span_of = |w: &str| {
        let at = w.as_ptr() as usize - note.as_ptr() as usize;
        (at, at + w.len())
    };
    let is_who = |w: &str| w.eq_ignore_ascii_case("who");
    let own_first = text::raw_words(&note[start..end]).next()?;
    let noun = if is_who(own_first) {
        before.next()?
    } else {
        let _verb = before.next()?;
        if !is_who(before.next()?) {
            return None;
        }
        before.next()?
    };
    // Only a noun or a name: "told her who will send" names no one new.
    let lower = noun.to_lowercase();
    if [
        "i", "we", "you", "they", "he", "she", "it", "her", "him", "them", "us", "me", "and", "or",
        "who",
    ]
    .contains(&lower.as_str())
    {
        return None;
    }
    Some(span_of(noun))
}

/// Where the role a subject word belongs to starts, when the word follows "of" and a client
/// role ("head of tox", "VP of ops", "our head of legal"): with the determiner or possessive
/// before the role, if any, so that "our" still reads as the rep's.
fn role_before_of(rules: &RuleSet, note: &str, at: usize) -> Option<usize> {
    let mut before = words_back(note, at, 40);
    // Only spaces between the words: a comma or a line break ends the subject.
    let spaced = |end: usize, start: usize| note[end..start].bytes().all(|b| b == b' ');
    let (of, of_start, of_end) = before.next()?;
    let (role, role_start, role_end) = before.next()?;
    let mut word = String::new();
    text::normalize_into(role, &mut word);
    if !of.eq_ignore_ascii_case("of")
        || !spaced(of_end, at)
        || !spaced(role_end, of_start)
        || !ROLES_OF.contains(&word.as_str())
        || !rules.words.client_subjects.contains(word.as_str())
    {
        return None;
    }
    // The determiner or possessive before the role: "their head of", "our head of" (the rep's).
    let owner = before.next().filter(|&(det, _, det_end)| {
        text::normalize_into(det, &mut word);
        spaced(det_end, role_start)
            && (rules.words.determiners.contains(word.as_str())
                || ["our", "my"].contains(&word.as_str()))
    });
    Some(owner.map_or(role_start, |(_, start, _)| start))
}

/// The words of the `reach` bytes of `note` before `at`, nearest first, each with where it
/// starts and ends in `note`.
fn words_back(note: &str, at: usize, reach: usize) -> impl Iterator<Item = (&str, usize, usize)> {
    let from = text::floor_boundary(note, at.saturating_sub(reach));
    text::raw_words(&note[from..at]).rev().map(move |w| {
        let start = w.as_ptr() as usize - note.as_ptr() as usize;
        (w, start, start + w.len())
    })
}

/// Roles named by what they are over: "head of", "VP of", "director of", "dir of".
#[rustfmt::skip]
const ROLES_OF: [&str; 11] = [
    "head", "vp", "svp", "evp", "director", "dir", "chief", "dean", "president", "manager", "mgr",
];

/// Whether the word at `at` follows a title, with or without its dot ("dr alvi", "Mrs. patel").
fn after_title(note: &str, at: usize) -> bool {
    // On the same line, as the encoder reads it: a line break between them is a boundary.
    let before = note[..at]
        .trim_end_matches([' ', '\t'])
        .trim_end_matches('.');
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(before.len(), |(i, _)| i);
    phrase::is_title(&before[word_start..])
}

/// Words that make a request or a question of the subject after them ("could you send").
const REQUEST_MODALS: [&str; 8] = [
    "can", "could", "would", "will", "please", "pls", "kindly", "may",
];

/// Words that make a condition of the step after them ("if you can send the NDA").
const CONDITIONS: [&str; 5] = ["if", "unless", "whether", "once", "provided"];

/// The second person: whoever the speaker addresses ("you'll confirm", "your team sends").
const SECOND_PERSON: [&str; 5] = ["you", "your", "yours", "y'all", "ya"];

/// "IT", "HR": two or more letters, all capitals.
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().all(|c| !c.is_lowercase())
}

/// The nearest known subject before `at` in the same sentence; none means the rep's to-do.
fn earlier_subject(rules: &RuleSet, note: &str, at: usize) -> Party {
    let sentence = text::sentence_around(note, at..at);
    let mut word = String::new();
    let mut words = text::raw_words(&note[sentence.start..at]).rev().peekable();
    while let Some(raw) = words.next() {
        text::normalize_into(raw, &mut word);
        let base = base(&word);
        if rules.words.rep_subjects.contains(base) {
            return Party::Rep;
        }
        // "both", "all" after a verb are what it takes, not who acts: "I'll send both tonight
        // and set up a call" is the rep's; "both will review it, and ..." is theirs.
        let object = QUANTIFIERS.contains(&base)
            && words.peek().is_some_and(|before| {
                let mut before_word = String::new();
                text::normalize_into(before, &mut before_word);
                !rules.words.coordinators.contains(&before_word)
            });
        if rules.words.client_subjects.contains(base) && !object {
            return Party::Client;
        }
    }
    Party::Rep
}

/// Words that name a group of people as a subject ("both will review it") and, after a verb,
/// what it takes ("send both").
const QUANTIFIERS: [&str; 4] = ["both", "all", "everyone", "everybody"];
