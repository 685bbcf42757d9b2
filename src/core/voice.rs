//! Who speaks in each part of a note. A note is the rep's words, except the client's words
//! pasted or quoted into it:
//!
//! - a quotation ("she said \"we'll sign Friday\"");
//! - a pasted email that has a `From:` line, or a forwarded message's own header line ("FW from
//!   Linda (HR Director):", "Email from Dana:"): from that line to the end of its signature, or to
//!   where the rep's own words take over (a line that starts with "My reply", "->", a second
//!   greeting: the rep's answer; a rule of dashes followed by words that are no signature);
//! - reply lines quoted with `>` ("> can you send the price list"), unless they are signed by
//!   the one the client's pasted email greets ("Hi Mark," … "> Mark": the rep's own reply),
//!   or stand right under a client's pasted email (the message it answers, or the rep's answer
//!   pasted below it) and are neither signed by its sender nor headed as theirs.
//!
//! Inside the client's words "I" and "we" are the client and "you" the rep. Words led in by one
//! of the lexicon's `rep_quote_markers` ("My reply:", "Email to Dana:") are the rep's own.
//!
//! **Invariant:** pure and total: any text gives ranges on char boundaries, in order.

use super::text;
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

/// A pasted email being read: where it starts, whether its greeting and its sign-off have
/// been seen.
struct Email {
    start: usize,
    greeted: bool,
    signed: bool,
    /// Whether the line before was blank (a name alone after one signs the email off).
    blank_before: bool,
    /// Whether its body is quoted with `>` (then it ends with the first line that is not; if
    /// not, it ends at a quote below it that no line of its own follows).
    quoted: Option<bool>,
    /// Whether a line of its body (not a header, not the greeting) has been read.
    body: bool,
    /// The first word of the sender's name on the `From:` line, lower case ("gina").
    sender: String,
}

/// The pasted emails of `note` that have a `From:` line, each from that line to the end of its
/// signature, to a line where the rep's words take over (one led by a rep marker or an arrow),
/// to a second greeting (the rep's answer below it), to a quote below its unquoted body, or,
/// for an email with no greeting, to its first blank line after some body. Another `From:` line starts another. A `From:` line opens
/// an email only when it looks like a header: an address, a name with a title or company
/// ("Gina Park (Category Manager)", "QA, Northfield Creamery"), or a header or greeting next
/// ("From: Tues call w/ Gina" is the rep's own heading).
fn pasted_emails(note: &str, markers: &[String]) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut at = 0;
    for line in note.split_inclusive('\n') {
        let raw = line.trim();
        lines.push((at, raw, raw.trim_start_matches(['>', ' ', '\t'])));
        at += line.len();
    }
    let opens = |i: usize| {
        let line = lines[i].2;
        let Some(sender) = from_header_sender(line) else {
            return false;
        };
        let next = lines[i + 1..].iter().map(|l| l.2).find(|l| !l.is_empty());
        sender.contains(['@', '(', ',', '<'])
            || next.is_some_and(|l| is_header(l) || is_greeting(l))
    };
    let mut out = Vec::new();
    let mut open: Option<Email> = None;
    for (i, &(start, raw, line)) in lines.iter().enumerate() {
        if let Some(email) = &mut open {
            let body = !line.is_empty() && !is_header(line);
            if email.quoted.is_none() && body {
                email.quoted = Some(raw.starts_with('>'));
            }
            // A rule of dashes under the email's body, then words that are no signature: the
            // rep's comment below what was pasted ("---\nSent the quote 10 min later").
            let ruled_off = || {
                (email.body || email.greeted)
                    && line.chars().count() >= 2
                    && line
                        .chars()
                        .all(|c| matches!(c, '-' | '_' | '—' | '–' | '='))
                    && lines[i + 1..]
                        .iter()
                        .map(|l| l.2)
                        .find(|l| !l.is_empty())
                        .is_some_and(|l| !is_signature(l) && from_header_sender(l).is_none())
            };
            // An email whose body is not quoted ends where quoted lines start, the earlier
            // message it answers below it; not where the sender goes on writing after the
            // quote (an inline reply: "> Can you commit to 40 doors?\nWe can't until Q3").
            let quote_below = || {
                raw.starts_with('>')
                    && lines[i..]
                        .iter()
                        .find(|l| !l.1.starts_with('>'))
                        .is_none_or(|l| l.1.is_empty())
            };
            let ends = opens(i)
                || (email.quoted == Some(true) && !raw.is_empty() && !raw.starts_with('>'))
                || (email.quoted == Some(false) && quote_below())
                || ruled_off()
                || rep_takes_over(line, markers)
                || (email.greeted && is_greeting(line))
                || (email.signed && !line.is_empty() && !is_signature(line))
                || (line.is_empty() && email.body && !email.greeted && email.quoted != Some(true));
            if ends {
                out.push(email.start..start);
                open = None;
            } else {
                let name_alone = email.blank_before
                    && !line.is_empty()
                    && line.split_whitespace().count() <= 3
                    && is_signature(line);
                // "Thanks Pieter." before any body opens the email, as "Hi Pieter," does: a
                // thanks to someone who is not its sender ("Thanks,\nGina" from Gina, or
                // "Thanks for the call, we'll take 40 doors", stay what they were).
                let opening = !email.body && !email.greeted && thanks_someone(line, &email.sender);
                email.signed |= !opening && (is_sign_off(line) || (email.greeted && name_alone));
                email.greeted |= opening || is_greeting(line);
                email.body |= body && !is_greeting(line);
                email.blank_before = line.is_empty();
                continue;
            }
        }
        if opens(i) {
            let sender = from_header_sender(line)
                .and_then(|s| {
                    s.split(|c: char| !c.is_alphanumeric())
                        .find(|w| !w.is_empty())
                })
                .unwrap_or_default()
                .to_lowercase();
            open = Some(Email {
                sender,
                start,
                greeted: false,
                signed: false,
                blank_before: false,
                quoted: None,
                body: false,
            });
        }
    }
    if let Some(email) = open {
        out.push(email.start..note.len());
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

/// The first word of the sender a pasted email's header line names, lower case ("gail").
fn sender_of(note: &str, email: &Range<usize>) -> String {
    let first = note[email.clone()].lines().next().unwrap_or("");
    from_header_sender(first.trim().trim_start_matches(['>', ' ', '\t']))
        .and_then(|s| {
            s.split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
        })
        .unwrap_or_default()
        .to_lowercase()
}

/// Whether a pasted email's header line names the rep as its sender: "From: me", "from: Me
/// (sent 9:14)" (not "From: me.chen@acme.com", "From: ME Foods").
fn sent_by_me(note: &str, email: &Range<usize>) -> bool {
    let first = note[email.clone()].lines().next().unwrap_or("");
    from_header_sender(first.trim().trim_start_matches(['>', ' ', '\t'])).is_some_and(|s| {
        let s = s.trim();
        let word = s.split([' ', '(', ',', '→', '-']).next().unwrap_or("");
        word.eq_ignore_ascii_case("me")
    })
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

/// The sender a message's header line names: "From: Gina Park (Category Manager)", "from:
/// purchasing@…", or a line of its own such as "FW from Linda (HR Director):" or "Email from
/// Dana:"; `None` for any other line.
fn from_header_sender(line: &str) -> Option<&str> {
    let starts = |head: &str| {
        line.get(..head.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(head))
    };
    if starts("from:") {
        return line.get(5..);
    }
    // "FW from Linda (HR Director):", "fwd from Dr. Nguyen's office mgr:", "Email from Dana:":
    // a line of its own that names who wrote what follows.
    FORWARD_HEADS
        .iter()
        .find(|head| starts(head))
        .filter(|_| line.ends_with(':'))
        .and_then(|head| line.get(head.len()..line.len() - 1))
}

/// How a forwarded or pasted message's header line may start, before the sender's name.
const FORWARD_HEADS: [&str; 10] = [
    "fw from ",
    "fwd from ",
    "fw: from ",
    "fwd: from ",
    "forwarded from ",
    "email from ",
    "e-mail from ",
    "message from ",
    "msg from ",
    "reply from ",
];

/// An email header line: "To: …", "Sent: …", "Subject: …".
fn is_header(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or("");
    line.contains(':')
        && ["from", "to", "sent", "date", "subject", "cc", "re"]
            .iter()
            .any(|h| name.trim().eq_ignore_ascii_case(h))
}

/// A line where the rep's own words start again: one led by a rep marker ("My reply: …",
/// "my note: …", "---- my reply ----") or an arrow ("-> told him…", "→ done").
fn rep_takes_over(line: &str, markers: &[String]) -> bool {
    if ["->", "→", "=>", "—>", "-->"]
        .iter()
        .any(|a| line.starts_with(a))
    {
        return true;
    }
    // A marker between rules of signs ("---- my reply ----"); not after a bullet ("- I sent
    // the PO to finance" in the client's list goes on being theirs).
    let signs = ['-', '—', '–', '=', '*', '_'];
    let rule = line.chars().take_while(|c| signs.contains(c)).count();
    let line = if rule >= 2 {
        line.trim_start_matches(signs).trim_start()
    } else {
        line
    };
    let head: String = line.chars().take(24).collect::<String>().to_lowercase();
    markers
        .iter()
        .any(|m| head.starts_with(m.as_str()) && text::holds_phrase(&head, m))
}

/// "Hi Paul,", "Hello team", "Dear Ms Ruiz", "Hi, can you…" (a greeting opening a message:
/// the greeting word, and the words before the first comma few).
fn is_greeting(line: &str) -> bool {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([',', '!', ':'])
        .to_lowercase();
    let head = line.split(',').next().unwrap_or("");
    let short = line.split_whitespace().count() <= 4 || head.split_whitespace().count() <= 3;
    (["hi", "hello", "dear", "hey", "hiya"].contains(&first.as_str()) && short)
        // "Morning Dave," but not "Afternoon slot works".
        || (["morning", "afternoon", "evening"].contains(&first.as_str())
            && line.contains(',')
            && head.split_whitespace().count() <= 2)
}

/// A line that only thanks someone by name ("Thanks Pieter.", "Thank you, Pieter!"), someone
/// who is not `sender` (the first word of the sender's name, lower case).
fn thanks_someone(line: &str, sender: &str) -> bool {
    let words: Vec<String> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let name = match words.as_slice() {
        [thanks, name] if ["thanks", "thx", "ta"].contains(&thanks.as_str()) => name,
        [a, b, name] if (a == "thank" && b == "you") || (a == "many" && b == "thanks") => name,
        _ => return false,
    };
    let capitalised = line
        .split_whitespace()
        .last()
        .is_some_and(|w| w.starts_with(char::is_uppercase));
    capitalised && name != sender
}

/// A closing ("Thanks,", "Kind regards, James", "— Ben", "Sent from my iPhone"), alone on its
/// line or ending it ("…at the lobby desk. Thanks, Gary"): the closing word, then at most a
/// name. "Thanks for the time today" is no closing.
fn is_sign_off(line: &str) -> bool {
    if ["— ", "-- ", "– "].iter().any(|d| line.starts_with(d))
        || line.to_lowercase().starts_with("sent from my")
    {
        return true;
    }
    let last = line
        .rsplit(['.', '!', '?'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or("")
        .trim();
    [
        "many thanks",
        "thank you",
        "thanks",
        "thx",
        "kind regards",
        "best regards",
        "warm regards",
        "regards",
        "best",
        "cheers",
        "sincerely",
        "rgds",
    ]
    .iter()
    .find_map(|c| {
        let head = last.get(..c.len())?;
        head.eq_ignore_ascii_case(c).then(|| &last[c.len()..])
    })
    .is_some_and(|rest| {
        let rest = rest.trim_start_matches([',', ' ', '!']);
        (rest.is_empty() || rest.starts_with(char::is_uppercase))
            && rest.split_whitespace().count() <= 3
            && is_signature(rest)
    })
}

/// A line of a signature: a name, a title, a company, a phone number; short, no sentence end,
/// every word capitalised or not a word ("Gail Ostrander", "COO, Heartland Ag Mutual").
fn is_signature(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.len() <= 6
        && !line.ends_with(['.', '!', '?'])
        && words.iter().all(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_none_or(char::is_uppercase)
        })
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
