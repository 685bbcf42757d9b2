//! Who speaks in each part of a note. A note is the rep's words, except the client's words
//! pasted or quoted into it:
//!
//! - a quotation ("she said \"we'll sign Friday\"");
//! - a pasted email that has a `From:` line (or "De:", "Von:", … in the client's language), a
//!   forwarded message's own header line ("FW from Linda (HR Director):", "Email from Dana:"),
//!   or a line of the rep's that hands over to it ("Their reply, pasted:", "Rick wrote back:";
//!   "their reply after I sent the benchmark, good sign" with a header or greeting below, the
//!   message then starting below it): from that line to the end of its signature, or to where
//!   the rep's own words take over (a
//!   line that starts with "My reply", "->", a second greeting: the rep's answer; a rule of
//!   dashes followed by words that are no signature);
//! - reply lines quoted with `>` ("> can you send the price list"), unless they are signed by
//!   the one the client's pasted email greets ("Hi Mark," … "> Mark": the rep's own reply),
//!   or stand right under a client's pasted email (the message it answers, or the rep's answer
//!   pasted below it) and are neither signed by its sender nor headed as theirs.
//!
//! Inside the client's words "I" and "we" are the client and "you" the rep. Words led in by one
//! of the lexicon's `rep_quote_markers` ("My reply:", "Email to Dana:") are the rep's own.
//!
//! Where a pasted email starts and ends, and the lines that make one up, are in
//! [`email`]; the `>` reply lines and who writes them are here.
//!
//! **Invariant:** pure and total: any text gives ranges on char boundaries, in order.

mod email;

use super::text;
use email::{from_header_sender, is_greeting, pasted_emails, sender_of, sent_by_me};
use std::ops::Range;

/// The parts of a note in someone else's words, and whether each is the rep's own after all.
pub(crate) struct Voices {
    /// Quotations, in order, each with whether the rep speaks in it.
    quotes: Vec<(Range<usize>, bool)>,
    /// Pasted emails and `>` reply lines, in order, each with whether the rep speaks in it.
    /// They may nest (reply lines around a quoted email): here cut into parts that do not
    /// overlap, each part as the innermost of them reads, so that a lookup is a binary search.
    pasted: Vec<(Range<usize>, bool)>,
}

impl Voices {
    /// Finds the quoted and pasted parts of `note`; `markers` are the lexicon's
    /// `rep_quote_markers`.
    pub(crate) fn of(markers: &[String], note: &str) -> Voices {
        let rep_leads = |at: usize| {
            let before = text::lead_in(note, at);
            markers.iter().any(|m| text::holds_phrase(&before, m))
        };
        // A pasted part is the rep's own only when the line before is a marker and a colon
        // ("Email to Dana:", "My reply:"); "I sent the quote, her answer below" is not.
        let rep_heads = |at: usize| {
            let before = text::lead_in(note, at);
            let before = before.trim();
            before.ends_with(':') && markers.iter().any(|m| before.starts_with(m.as_str()))
        };
        let quotes = text::quoted_ranges(note)
            .into_iter()
            .map(|r| {
                let rep = rep_leads(r.start);
                (r, rep)
            })
            .collect();
        let mut pasted: Vec<(Range<usize>, bool)> = pasted_emails(note, markers)
            .into_iter()
            .map(|r| {
                // "From: me" is the rep's own sent email.
                let rep = rep_heads(r.start) || sent_by_me(note, &r);
                (r, rep)
            })
            .collect();
        let emails = pasted.len();
        // A `>` reply signed by the one a client's pasted email greets ("From: Gail … Hi
        // Mark," … "> Mark") is the rep's own reply.
        let greeted = greeted_in_client_emails(note, &pasted);
        let (mut seen, mut passed): (Vec<&str>, usize) = (Vec::new(), 0);
        for r in reply_lines(note) {
            // Emails do not overlap, in order: the one a run could be inside, and the one
            // above it, are found by where the run starts.
            let inside = pasted[..emails].partition_point(|(e, _)| e.start <= r.start);
            let in_email = inside
                .checked_sub(1)
                .is_some_and(|i| r.end <= pasted[i].0.end);
            if !in_email {
                // The names greeted before this run (each client email read once).
                while let Some(&(_, name)) = greeted.get(passed).filter(|(at, _)| *at < r.start) {
                    seen.push(name);
                    passed += 1;
                }
                let signed_by_greeted = signature(note, &r)
                    .is_some_and(|n| seen.iter().any(|g| g.eq_ignore_ascii_case(n)));
                // Right under a client's pasted email, a run of `>` lines is the message it
                // answers or the rep's answer pasted below it: the rep's, unless the email's
                // sender signs it or is named as its writer ("On 2 Oct, Gail wrote:"). A run
                // with a `From:` line of its own stays the client's: the email above may be
                // the rep's own, sent under the rep's name.
                let above = pasted[..emails].partition_point(|(e, _)| e.end <= r.start);
                let answers_client = above
                    .checked_sub(1)
                    .map(|i| &pasted[i])
                    .filter(|(e, rep)| !rep && note[e.end..r.start].trim_end().is_empty())
                    .is_some_and(|(e, _)| {
                        !written_by(note, &r, &sender_of(note, e))
                            && from_header_sender(first_line(note, &r)).is_none()
                    });
                let rep = rep_heads(r.start) || signed_by_greeted || answers_client;
                pasted.push((r, rep));
            }
        }
        pasted.sort_by_key(|(r, _)| r.start);
        Voices {
            quotes,
            pasted: innermost(&pasted),
        }
    }

    /// Whether the client speaks at byte `at`: inside a quotation, else inside a pasted email
    /// or reply line (the innermost, where a run of reply lines holds an email), that is not
    /// the rep's own.
    pub(crate) fn client_speaks_at(&self, at: usize) -> bool {
        // Quotations never overlap: the one that ends after `at` is the only candidate.
        let i = self.quotes.partition_point(|(r, _)| r.end <= at);
        let quote = self.quotes.get(i).filter(|(r, _)| r.start <= at);
        let pasted = || {
            let i = self.pasted.partition_point(|(r, _)| r.end <= at);
            self.pasted.get(i).filter(|(r, _)| r.start <= at)
        };
        quote.or_else(pasted).is_some_and(|&(_, rep)| !rep)
    }
}

/// `ranges` (sorted by start, any two apart, nested or overlapping) cut into parts that do not
/// overlap, in order, each with the flag of the range that starts last among those holding it
/// (the innermost).
fn innermost(ranges: &[(Range<usize>, bool)]) -> Vec<(Range<usize>, bool)> {
    let mut points: Vec<usize> = ranges.iter().flat_map(|(r, _)| [r.start, r.end]).collect();
    points.sort_unstable();
    points.dedup();
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    let (mut open, mut next): (Vec<usize>, usize) = (Vec::new(), 0);
    for w in points.windows(2) {
        let (from, to) = (w[0], w[1]);
        while next < ranges.len() && ranges[next].0.start <= from {
            open.push(next);
            next += 1;
        }
        while open.last().is_some_and(|&i| ranges[i].0.end <= from) {
            open.pop();
        }
        let Some(&i) = open.last() else { continue };
        match out.last_mut() {
            Some((last, rep)) if last.end == from && *rep == ranges[i].1 => last.end = to,
            _ => out.push((from..to, ranges[i].1)),
        }
    }
    out
}

/// Runs of lines quoted with `>` (an email reply's quoted text), each a range.
fn reply_lines(note: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut at = 0;
    for line in note.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if !line.trim_start().starts_with('>') {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.end == start => last.end = at,
            _ => out.push(start..at),
        }
    }
    out
}

/// The name a run of `>` lines is signed with: its last line, one or two words, the first
/// capitalised ("> Mark", "> — Mark Ellis").
fn signature<'a>(note: &'a str, run: &Range<usize>) -> Option<&'a str> {
    let last = note[run.clone()]
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ', '\t']).trim())
        .rfind(|l| !l.is_empty())?;
    let last = last.trim_start_matches(['-', '—', '–', ' ']);
    let mut words = last.split_whitespace();
    let name = words.next()?;
    (words.count() <= 1
        && name.starts_with(char::is_uppercase)
        && name.chars().all(char::is_alphabetic))
    .then_some(name)
}

/// Whether a run of `>` lines is `sender`'s (a first word, lower case): signed with that name,
/// or opened by a line naming them as its writer ("On 2 Oct, Gail Ostrander wrote:").
fn written_by(note: &str, run: &Range<usize>, sender: &str) -> bool {
    if sender.is_empty() {
        return false;
    }
    if signature(note, run).is_some_and(|n| n.eq_ignore_ascii_case(sender)) {
        return true;
    }
    let first = first_line(note, run).to_lowercase();
    let attributes = ATTRIBUTIONS.iter().any(|w| first.contains(w)) && first.ends_with(':');
    attributes
        && first
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == sender)
}

/// The first line of a run of `>` lines that says something, without its `>`s.
fn first_line<'a>(note: &'a str, run: &Range<usize>) -> &'a str {
    note[run.clone()]
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ', '\t']).trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The words of a reply's attribution line, "On Tue, Gail wrote:", in the languages reps paste.
const ATTRIBUTIONS: [&str; 6] = [
    " wrote",
    " schrieb",
    " escribió",
    " a écrit",
    " ha scritto",
    " schreef",
];

/// Who the greeting lines of the client's pasted emails greet ("Hi Mark," → "Mark"), with
/// where each line starts, in order.
fn greeted_in_client_emails<'a>(
    note: &'a str,
    emails: &[(Range<usize>, bool)],
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    for (email, rep) in emails {
        if *rep {
            continue;
        }
        let mut at = email.start;
        for line in note[email.clone()].split_inclusive('\n') {
            let start = at;
            at += line.len();
            let line = line.trim_start_matches(['>', ' ', '\t']);
            if !is_greeting(line) {
                continue;
            }
            let name = line
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .nth(1);
            out.extend(name.map(|n| (start, n)));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers() -> Vec<String> {
        ["my reply", "my note", "email to"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn client_at(note: &str, words: &str) -> bool {
        Voices::of(&markers(), note).client_speaks_at(note.find(words).unwrap())
    }

    #[test]
    fn a_rule_of_dashes_under_a_pasted_email_hands_back_to_the_rep() {
        let note = "From: Mike Alvarez (Youth Ministry)\nSubject: pricing\nHi Tom, can you send \
                    pricing for 400 members?\n---\nSent the quote ten minutes later. Will \
                    follow up next week.";
        assert!(client_at(note, "can you send"));
        assert!(!client_at(note, "Sent the quote"));
        assert!(!client_at(note, "Will follow up"));
        // A signature's own rule ("--" then a name) is still the client's.
        let signed = "From: Greg Tate <greg@oakfield.edu>\nSubject: Re: proposal\nHi Sam,\nThe \
                      team loves it. Will circle back soon.\n--\nGreg Tate\nFacilities Director";
        assert!(client_at(signed, "Will circle back"));
        assert!(client_at(signed, "Facilities Director"));
    }

    #[test]
    fn a_pasted_email_is_the_client_s_to_its_signature() {
        let note = "From: Gina Park (Category Manager)\nSubject: test\n\nHi Leo,\nWe'll run it \
                    in 40 doors and I'll send the slot by Friday.\n\nGina\nPetNest\n\nI'll call \
                    her Monday.";
        assert!(client_at(note, "I'll send the slot"));
        assert!(client_at(note, "We'll run"));
        assert!(!client_at(note, "I'll call her"));
    }

    #[test]
    fn an_email_that_opens_with_thanks_runs_to_its_signature() {
        let note = "From: Ingrid Solberg, General Manager\nTo: Pieter\n\nThanks Pieter.\n\nAgree \
                    with your read. Our throughput is capped at 1.6M.\n\nBest regards,\nIngrid\n\n\
                    I'll send the phased proposal.";
        assert!(client_at(note, "Our throughput"));
        assert!(!client_at(note, "I'll send the phased"));
        // A thanks after the body still closes the email, and so does the sender's own.
        let note = "From: Gina Park (Buyer)\nWe'll take 40 doors.\nThanks,\nGina\nI'll call her.";
        assert!(client_at(note, "We'll take"));
        assert!(!client_at(note, "I'll call"));
        let note = "From: Gina (Buyer)\nThanks,\nGina\nI'll call her.";
        assert!(!client_at(note, "I'll call"));
        let note = "From: Gina (Buyer)\nThanks, Gina\nI'll call her.";
        assert!(!client_at(note, "I'll call"));
        // A thanks that says more is a first paragraph, as any other.
        let note = "From: Gina Park (Buyer)\nThanks for the call, we'll take 40 doors.\n\n\
                    I'll send the contract tomorrow.";
        assert!(client_at(note, "we'll take"));
        assert!(!client_at(note, "I'll send the contract"));
    }

    #[test]
    fn a_forwarded_message_is_its_sender_s() {
        let note = "FW from Linda (HR Director):\n\nHi Sam, thanks for the session. I'll get our \
                    census file to you by Friday.\n\nLinda\n\nI'll build the model Monday.";
        assert!(client_at(note, "I'll get our census"));
        assert!(!client_at(note, "I'll build"));
        let note = "Email from Dana:\nHi Leo, could you send the price sheet? Thanks, Dana";
        assert!(client_at(note, "could you send"));
        // A line that says where a message came from, in the rep's own sentence, is no header.
        assert!(!client_at(
            "email from Dana: she'll sign, so I'll send the order form",
            "I'll send"
        ));
    }

    #[test]
    fn a_header_in_another_language_opens_an_email() {
        let note = "fwd from Sofia\n\n---------- Forwarded message ----------\nDe: Dra. Sofía \
                    Méndez\nAsunto: RE: Demo\n\nHi Carlos,\nThe team liked it. We will get \
                    back to you.\nRegards,\nSofía\n\nI'll call her Monday.";
        assert!(client_at(note, "We will get back"));
        assert!(!client_at(note, "I'll call her"));
        let note = "Von: Jan Weber <jan@weber.de>\nBetreff: Angebot\n\nWir nehmen 40. I'll \
                    send the PO.\nJan";
        assert!(client_at(note, "I'll send the PO"));
        // A space before the colon, a label in capitals or with a letter ASCII does not fold.
        let note = "De : Sofía <s@x.es>\nObjet : Démo\n\nWe will send the plan.";
        assert!(client_at(note, "We will send"));
        let note = "FRÅN: Eva Lind\nÄMNE: Offert\n\nWe will send the plan.";
        assert!(client_at(note, "We will send"));
    }

    #[test]
    fn greetings_and_sign_offs_in_the_client_s_language() {
        let note = "From: Dr. Katrin Hoffmann\nSubject: AW: next steps\n\nHallo Herr Wagner,\n\n\
                    danke für das Gespräch heute.\n\nI will present the recommendation myself.\n\n\
                    Viele Grüße\nKatrin Hoffmann\n\nI'll send the AVV Friday.";
        assert!(client_at(note, "I will present"));
        assert!(!client_at(note, "I'll send the AVV"));
    }

    #[test]
    fn a_line_that_hands_over_to_the_client_s_message_opens_it() {
        let note = "Their reply, pasted:\n\nHi Jess - the drivers liked the pilot. We'll go \
                    ahead with the rollout and I'll load the logins by the 1st.\n- Rick \
                    Hallstrom, Owner\n\nI'll send the kickoff invite.";
        assert!(client_at(note, "We'll go ahead"));
        assert!(!client_at(note, "I'll send the kickoff"));
        for lead in [
            "Rick's email below:",
            "She wrote back:",
            "Client's response:",
        ] {
            let note = format!("{lead}\nWe'll sign Friday.\n\nI'll send the order form.");
            assert!(client_at(&note, "We'll sign"), "{lead}");
            assert!(!client_at(&note, "I'll send the order"), "{lead}");
        }
        // With no colon, when their message starts below it ("Re: …", "Hi Lauren,").
        let note = "their reply after I sent the benchmark, good sign\n\nRe: benchmark\n\nHi \
                    Lauren,\n\nI'll bring the numbers by the 19th.\n\nThanks,\nDerek\n\nI'll \
                    send the invite.";
        assert!(client_at(note, "I'll bring the numbers"));
        assert!(!client_at(note, "I'll send the invite"));
        // What the rep says on that line stays the rep's.
        let note = "her email below, sent the samples today\n\n> From: Claire Botham\n> Hi Tom, \
                    could you send samples? Claire\n\nmy reply: couriered them";
        assert!(!client_at(note, "sent the samples"));
        assert!(client_at(note, "could you send"));
        for note in [
            "their reply was a flat no so I wrote back\n\nHi Dana,\n\nWe'll hold the price to Friday.",
            "She replied and I answered\n\nHi Dana,\n\nWe'll hold the price to Friday.",
            "My email after the call\n\nHi Derek,\n\nWe'll hold the price to Friday.",
            "Monday's email, resent\n\nHi Derek,\n\nWe'll hold the price to Friday.",
            "their reply was slow so I wrote again\n\nWe'll hold the price to Friday.",
        ] {
            assert!(!client_at(note, "hold the price"), "{note}");
        }
        // The rep's own message, a note's or a day's heading, are not the client's.
        for note in [
            "My reply:\nWe'll hold the price to Friday.",
            "I wrote back:\nWe'll hold the price to Friday.",
            "So I replied:\nWe'll hold the price to Friday.",
            "Our team replied:\nWe'll hold the price to Friday.",
            "Client note:\nWe'll hold the price to Friday.",
            "Monday's email:\nWe'll hold the price to Friday.",
            "Today's note:\nWe'll hold the price to Friday.",
            "DE: 3 plants (Berlin, Köln)\nWe'll hold the price to Friday.",
        ] {
            assert!(!client_at(note, "hold the price"), "{note}");
        }
    }

    #[test]
    fn the_rep_s_words_after_an_email_are_the_rep_s() {
        for (note, rep) in [
            (
                "From: Paul (Purchasing)\nHi, can you match 1,850? Paul\n\nHi Paul, no problem, \
                 we'll match it.",
                "we'll match",
            ),
            (
                "From: Bo\nCould you throw in the bags?\n-> told him of course, we'll add them",
                "we'll add",
            ),
            (
                "From: jess@x.com\n> can you send the price list?\n\nsent it, I'll call Tue",
                "I'll call",
            ),
            (
                "From: Ana\nThanks for today. Thanks, Ana\nMy reply: we will hold the rate",
                "we will hold",
            ),
            (
                "From: Eva (Buyer)\nHi, can you do better? Eva\n---- my reply ----\nEva, we \
                 can go to 38 if you bring the other ports",
                "we can go",
            ),
        ] {
            assert!(!client_at(note, rep), "{note}");
        }
    }

    #[test]
    fn the_edges_of_an_email() {
        // Reply lines around a quoted email: the client's throughout.
        let nested = "> ---Original---\n> From: Gina\n> Hi Leo, sounds good. Thanks, Gina\n\
                      > we'll also take 40 doors\n";
        assert!(client_at(nested, "we'll also take"));
        // A line that only mentions a marker does not make the email the rep's.
        assert!(client_at(
            "I sent the quote, her answer below\nFrom: Gina\nHi Leo, we'll sign Friday",
            "we'll sign"
        ));
        assert!(client_at("My reply: yes\n> can you do 5%?", "can you"));
        // No greeting, no sign-off: the email ends at its first blank line after some body.
        let bare = "From: Paul (Purchasing)\nCan you match 1,850?\n\nI'll call him Tuesday.";
        assert!(client_at(bare, "Can you"));
        assert!(!client_at(bare, "I'll call"));
        // A heading of the rep's that starts "From:" is no email.
        assert!(!client_at(
            "From: Tues call w/ Gina\nWe'll send the quote",
            "We'll send"
        ));
        // "Afternoon slot works" is no second greeting.
        let slot = "From: Gina <g@x.com>\nHi Leo,\nAfternoon slot works, we'll sign then.\n\nGina";
        assert!(client_at(slot, "we'll sign"));
    }

    #[test]
    fn reply_lines_are_the_client_s_unless_the_rep_leads_them_in() {
        assert!(client_at(
            "FYI below\n> we'll sign by Friday\nok",
            "we'll sign"
        ));
        assert!(!client_at(
            "My reply:\n> we'll send it tonight",
            "we'll send"
        ));
        assert!(!client_at("no email here, I'll send it", "I'll send"));
        // A reply signed by the one the client's email greets is the rep's own.
        let thread = "From: Gail <g@x.gov>\nHi Mark,\nWe need the quote by Wed.\nThanks,\nGail\n\n\
                      > Absolutely Gail, I'll have it over tomorrow.\n> Mark\n";
        assert!(!client_at(thread, "I'll have"));
        let other = thread.replace("> Mark", "> Gail");
        assert!(client_at(&other, "I'll have"));
        // Right under the client's email, `>` lines are the rep's: the message it answers or
        // the rep's answer, unless the sender signs them or is named as their writer.
        let answered = "From: procurement@fest.org\nDear supplier,\nPlease price 400m of \
                        barrier.\nRegards,\nProcurement Team\n\n>> quote submitted 3pm. I'll \
                        ring Monday.";
        assert!(client_at(answered, "Please price"));
        assert!(!client_at(answered, "I'll ring"));
        let unsigned = "From: Wendy Tran\nHi Sam, I'll bring the yield maps. Can you bring the \
                        numbers?\n\n> Will do. I'll bring them Tuesday.";
        assert!(client_at(unsigned, "I'll bring the yield"));
        assert!(!client_at(unsigned, "I'll bring them"));
        let quoted = "From: Helen Price <h@nhs.net>\nHi Sam,\nI'll send the summary.\nHelen\n\n\
                      > On 2 Oct, Sam Ellis wrote:\n> Hi Helen, I'll call Friday.";
        assert!(!client_at(quoted, "I'll call"));
        let own = quoted.replace("Sam Ellis wrote", "Helen Price wrote");
        assert!(client_at(&own, "I'll call"));
        // A run with a header of its own is its sender's.
        let headed = "From: Sam <sam@av.co.uk>\nTo: Fiona (COO)\nFiona, peers saved 18%.\n\n\
                      > From: Fiona Walsh\n> Sam - useful call. I'll get our FD in on the 22nd.";
        assert!(client_at(headed, "I'll get our FD"));
        // A sender who writes on after a quote replies inline: all of it is theirs.
        let inline = "From: Gail <g@x.com>\nHi Mark,\nThanks for the quote.\n> Can you commit \
                      to 40 doors?\nWe can't commit until Q3. I'll confirm Friday.\nGail";
        assert!(client_at(inline, "I'll confirm"));
        // A bullet of the client's that opens like a marker is still the client's.
        let bullets = "From: Ann (Ops)\nHi Sam,\nUpdates:\n- I sent the PO to finance\n- we \
                       start Monday\nAnn";
        assert!(client_at(bullets, "I sent the PO"));
        assert!(client_at(bullets, "we start"));
        // "From: me" only when the sender is "me", not an address or a name that starts so.
        let address = "From: me.chen@acme.com\nHi Sam, we'll sign Friday.";
        assert!(client_at(address, "we'll sign"));
        // Under the rep's own sent email, the client's answer.
        let sent = "From: me\nTo: Daniel (VP Ops)\nDaniel, peers pulled renewals forward.\n\n\
                    > Daniel: Good catch. I'll have Ana pull the timing.";
        assert!(!client_at(sent, "peers pulled"));
        assert!(client_at(sent, "I'll have Ana"));
        // Not under an email (words of the rep's between): the client's, as before.
        let apart = answered.replace("\n\n>>", "\nsent it.\n>>");
        assert!(client_at(&apart, "I'll ring"));
        // The rep's own message greets the client, who answers in `>` lines and signs them.
        let asked = "Hi Greg,\nWhat is behind the change?\n\n> We failed the audit. I'll send the \
                     findings.\n> Greg\n";
        assert!(client_at(asked, "I'll send"));
    }

    #[test]
    fn nested_parts_read_as_the_innermost() {
        let parts = innermost(&[(0..10, false), (2..5, true), (5..7, true), (12..15, false)]);
        assert_eq!(
            parts,
            [(0..2, false), (2..7, true), (7..10, false), (12..15, false)]
        );
        // Overlapping: the later start holds where both do.
        assert_eq!(
            innermost(&[(0..6, false), (4..9, true)]),
            [(0..4, false), (4..9, true)]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_without_panic(note in "(From: |> |Hi |Thanks, |[a-zé”“\"\n. ]){0,40}") {
            let v = Voices::of(&markers(), &note);
            for at in 0..=note.len() {
                let _ = v.client_speaks_at(at);
            }
            for (r, _) in v.quotes.iter().chain(&v.pasted) {
                proptest::prop_assert!(note.is_char_boundary(r.start) && note.is_char_boundary(r.end));
            }
        }
    }

    #[test]
    fn any_text_gives_ordered_ranges_on_char_boundaries() {
        for note in [
            "From:",
            "from: é\n>\n> «x»\nFrom: ü\nHi\nHi\n",
            "",
            ">>>\n>",
        ] {
            let v = Voices::of(&markers(), note);
            for (r, _) in v.quotes.iter().chain(&v.pasted) {
                assert!(note.is_char_boundary(r.start) && note.is_char_boundary(r.end));
            }
            assert!(v.pasted.windows(2).all(|w| w[0].0.start <= w[1].0.start));
        }
    }
}
