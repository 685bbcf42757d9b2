//! Pasted emails: where a message pasted into a note starts (a `From:` line that looks like a
//! header, in English or in the client's language, a forwarded message's own header line, or
//! a line of the rep's that hands over to it: "Their reply, pasted:", or that names their
//! message and says more, with a header or greeting below: the message starts below it) and
//! where it ends (its signature, a line where the rep's words take over, a second greeting, a
//! quote below it, a rule of dashes); and the lines that make one up: headers, greetings,
//! sign-offs, signatures.
//!
//! **Invariant:** pure and total: any text gives ranges on line starts, in order, that do not
//! overlap.

use crate::core::text;
use std::ops::Range;

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

/// The pasted emails of `note` that have a `From:` line (or one of the other lines of
/// [`header_line`]), each from that line to the end of its signature, to a line where the
/// rep's words take over (one led by a rep marker or an arrow), to a second greeting (the
/// rep's answer below it), to a quote below its unquoted body, or, for an email with no
/// greeting, to its first blank line after some body. Another `From:` line starts another. A
/// `From:` line opens an email only when it looks like a header: an address, a name with a
/// title or company ("Gina Park (Category Manager)", "QA, Northfield Creamery"), or a header or
/// greeting next ("From: Tues call w/ Gina" is the rep's own heading); one in another language
/// only with an address or a header next; a lead-in line always; a line that names their
/// message with more words and no colon ("their reply after I sent the benchmark, good sign")
/// when a header or a greeting comes next, the email then starting on that next line.
pub(super) fn pasted_emails(note: &str, markers: &[String]) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut at = 0;
    for line in note.split_inclusive('\n') {
        let raw = line.trim();
        lines.push((at, raw, raw.trim_start_matches(['>', ' ', '\t'])));
        at += line.len();
    }
    // Where an email that line `i` opens starts: on that line, or on the first line below a
    // line of the rep's that names their message and says more ("her email below, sent the
    // samples today": the samples are the rep's).
    let opens = |i: usize| -> Option<usize> {
        let line = lines[i].2;
        let mut below = lines[i + 1..].iter().filter(|l| !l.2.is_empty());
        let next = below.clone().next().map(|l| l.2);
        let Some((head, sender)) = header_line(line) else {
            // "their reply after I sent the benchmark, good sign", then "Re: …" or "Hi Lauren,".
            let starts_below =
                next.is_some_and(|l| is_header(l) || is_greeting(l)) && names_their_message(line);
            return below.next().filter(|_| starts_below).map(|l| l.0);
        };
        let opens = match head {
            Head::LeadIn => true,
            // "DE: 3 plants (Berlin, Köln)" is the rep's own line.
            Head::Foreign => sender.contains(['@', '<']) || next.is_some_and(is_header),
            Head::From | Head::Forward => {
                sender.contains(['@', '(', ',', '<'])
                    || next.is_some_and(|l| is_header(l) || is_greeting(l))
            }
        };
        opens.then_some(lines[i].0)
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
            let ends = opens(i).is_some()
                || (email.quoted == Some(true) && !raw.is_empty() && !raw.starts_with('>'))
                || (email.quoted == Some(false) && quote_below())
                || ruled_off()
                || rep_takes_over(line, markers)
                || (email.greeted && is_greeting(line))
                || (email.signed && !line.is_empty() && !is_signature(line))
                || (line.is_empty() && email.body && !email.greeted && email.quoted != Some(true));
            if ends {
                if email.start < start {
                    out.push(email.start..start);
                }
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
        if let Some(start) = opens(i) {
            let sender = first_name_of(from_header_sender(line));
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

/// The first word of the sender a pasted email's header line names, lower case ("gail").
pub(super) fn sender_of(note: &str, email: &Range<usize>) -> String {
    first_name_of(header_sender(note, email))
}

/// Whether a pasted email's header line names the rep as its sender: "From: me", "from: Me
/// (sent 9:14)" (not "From: me.chen@acme.com", "From: ME Foods").
pub(super) fn sent_by_me(note: &str, email: &Range<usize>) -> bool {
    header_sender(note, email).is_some_and(|s| {
        let word = s
            .trim()
            .split([' ', '(', ',', '→', '-'])
            .next()
            .unwrap_or("");
        word.eq_ignore_ascii_case("me")
    })
}

/// The sender the header line of a pasted email (its first line) names.
fn header_sender<'a>(note: &'a str, email: &Range<usize>) -> Option<&'a str> {
    let first = note[email.clone()].lines().next().unwrap_or("");
    from_header_sender(first.trim().trim_start_matches(['>', ' ', '\t']))
}

/// The first word of a sender, lower case ("Gina Park (Buyer)" → "gina"); empty for none.
fn first_name_of(sender: Option<&str>) -> String {
    sender
        .and_then(|s| {
            s.split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
        })
        .unwrap_or_default()
        .to_lowercase()
}

/// What kind of line opens a pasted message (see [`header_line`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    /// "From: Gina Park (Category Manager)".
    From,
    /// The same in another language: "De: Dra. Sofía Méndez", "Von: jan@weber.de".
    Foreign,
    /// A forwarded message's own line: "FW from Linda (HR Director):", "Email from Dana:".
    Forward,
    /// A line of the rep's that hands over to the client's message: "Their reply, pasted:".
    LeadIn,
}

/// The sender a message's header line names (see [`header_line`]); `None` for any other line.
pub(super) fn from_header_sender(line: &str) -> Option<&str> {
    header_line(line).map(|(_, sender)| sender)
}

/// A line that opens a pasted message, and the sender it names: "From: Gina Park (Category
/// Manager)", "from: purchasing@…", "De : Sofía <s@x.es>", a line of its own such as "FW from
/// Linda (HR Director):" or "Email from Dana:", or a lead-in ("Their reply, pasted:", "Rick
/// wrote back:"; the sender "" for a pronoun).
fn header_line(line: &str) -> Option<(Head, &str)> {
    let starts = |head: &str| {
        line.get(..head.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(head))
    };
    if starts("from:") {
        return line.get(5..).map(|s| (Head::From, s));
    }
    // The same header in the languages a client may write in, the label in any case and with
    // or without a space before its colon ("De : …", "VON: …").
    if let Some((label, sender)) = line.split_once(':') {
        let label = label.trim_end().to_lowercase();
        if label.len() <= 12 && FOREIGN_FROM.contains(&label.as_str()) {
            return Some((Head::Foreign, sender));
        }
    }
    if let Some(sender) = client_lead_in(line) {
        return Some((Head::LeadIn, sender));
    }
    FORWARD_HEADS
        .iter()
        .find(|head| starts(head))
        .filter(|_| line.ends_with(':'))
        .and_then(|head| line.get(head.len()..line.len() - 1))
        .map(|s| (Head::Forward, s))
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

/// "From" in the languages clients write in: Spanish, French and Portuguese ("de"), German,
/// Dutch, Italian, Swedish, Polish, Danish and Norwegian, Turkish, Portuguese ("remetente").
/// Short and common
/// ("DE: 3 plants", "Van: Ford Transit"): such a line opens an email only with an address or
/// a header line after it.
const FOREIGN_FROM: [&str; 9] = [
    "de",
    "von",
    "van",
    "da",
    "från",
    "od",
    "fra",
    "kimden",
    "remetente",
];

/// An email header line: "To: …", "Sent: …", "Subject: …", or the same in another language
/// ("Asunto: …", "Betreff: …", "Objet : …").
fn is_header(line: &str) -> bool {
    let Some((name, _)) = line.split_once(':') else {
        return false;
    };
    let name = name.trim();
    if name.len() > 12 {
        return false;
    }
    let name = name.to_lowercase();
    ["from", "to", "sent", "date", "subject", "cc", "bcc", "re"]
        .iter()
        .chain(&FOREIGN_HEADERS)
        .any(|h| name == *h)
}

/// Header names other than "From" in the languages of [`FOREIGN_FROM`] (not the ones that are
/// common English words or labels: "data", "an", "till", "para").
#[rustfmt::skip]
const FOREIGN_HEADERS: [&str; 26] = [
    "asunto", "enviado", "fecha", "cco", "à", "objet", "envoyé", "betreff", "gesendet", "datum",
    "aan", "onderwerp", "verzonden", "oggetto", "inviato", "ämne", "skickat", "temat", "wysłano",
    "emne", "sendt", "kime", "konu", "tarih", "assunto", "enviada",
];

/// A line of the rep's that hands over to the client's message below it: a message of
/// theirs ("Their reply, pasted:", "Rick's email below:", "Client email:") or one of them
/// writing ("She wrote back:", "Dana replied:"). Not the rep's own ("My reply:", "So I
/// replied:", "Our team replied:"), not a day's or a note's ("Monday's email:", "Client
/// note:"). Returns who wrote it as the line names them ("Rick"; "" for a pronoun).
fn client_lead_in(line: &str) -> Option<&str> {
    const MESSAGES: [&str; 10] = [
        "reply", "email", "e-mail", "response", "answer", "message", "mail", "text", "msg", "words",
    ];
    const WROTE: [&str; 6] = [
        "replied",
        "wrote",
        "responded",
        "answered",
        "writes",
        "replies",
    ];
    // Possessives that name no client: days, times, and the rep's own side.
    #[rustfmt::skip]
    const NOT_A_CLIENT: [&str; 27] = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
        "yesterday", "tonight", "tomorrow", "week", "morning", "afternoon", "evening", "rep",
        "manager", "boss", "team", "company", "everyone", "nobody", "someone", "my", "our", "i",
        "we",
    ];
    let head = line.strip_suffix(':')?.trim_end();
    let mut words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    while words.last().is_some_and(|w| {
        [
            "pasted", "below", "back", "in", "here", "verbatim", "attached",
        ]
        .iter()
        .any(|t| w.eq_ignore_ascii_case(t))
    }) {
        words.pop();
    }
    let is = |list: &[&str], w: &str| list.iter().any(|l| l.eq_ignore_ascii_case(w));
    if !(2..=4).contains(&words.len())
        || words
            .iter()
            .any(|w| is(&["i", "we", "my", "our", "me", "us"], w))
    {
        return None;
    }
    let (first, last) = (words[0], words[words.len() - 1]);
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    if is(&MESSAGES, last) {
        // "Their reply", "Rick's email", "the client's latest response".
        let first = if is(&["the"], first) { words[1] } else { first };
        if is(&["their", "his", "her"], first) {
            return Some("");
        }
        if is(
            &[
                "client's",
                "customer's",
                "buyer's",
                "client’s",
                "customer’s",
                "buyer’s",
            ],
            first,
        ) {
            return Some("");
        }
        // "Client email:", "Customer reply:" (not "Client note:", "Client meeting notes:").
        if words.len() == 2 && is(&["client", "customer"], first) {
            return Some("");
        }
        let name = first
            .strip_suffix("'s")
            .or_else(|| first.strip_suffix("’s"))?;
        return (capitalised(name) && !is(&NOT_A_CLIENT, name)).then_some(name);
    }
    // "She wrote", "Dana replied": the writer right before the verb, and nothing before them.
    if words.len() == 2 && is(&WROTE, last) {
        if is(&["they", "she", "he"], first) {
            return Some("");
        }
        return (capitalised(first) && !is(&NOT_A_CLIENT, first)).then_some(first);
    }
    None
}

/// A line that opens on a message of theirs ("their reply after I sent the benchmark",
/// "Rick's email this morning"), as a lead-in names one ([`client_lead_in`]) but with more
/// words after it and no colon; not one where the rep then writes back ("their reply was a
/// flat no so I wrote back", "She replied and I answered"; "after I sent" is when it came).
fn names_their_message(line: &str) -> bool {
    const REP_WRITES: [&str; 8] = [
        "i wrote",
        "wrote back",
        "i replied",
        "i answered",
        "i responded",
        "my reply",
        "my answer",
        "i emailed",
    ];
    let lower = line.to_lowercase();
    if line.ends_with(':') || REP_WRITES.iter().any(|w| text::holds_phrase(&lower, w)) {
        return false;
    }
    let mut words = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    let mut head = first.to_string();
    if first.eq_ignore_ascii_case("the") {
        head.push(' ');
        head.push_str(words.next().unwrap_or_default());
    }
    let Some(message) = words.next() else {
        return false;
    };
    client_lead_in(&format!("{head} {message}:")).is_some()
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
/// The first word of a greeting, in English and in the languages clients write in ("Hallo
/// Herr Wagner,", "Estimado Carlos:", "Sehr geehrte Frau Dr. Hoffmann,").
#[rustfmt::skip]
const GREETINGS: [&str; 27] = [
    "hi", "hello", "dear", "hey", "hiya", "hallo", "hola", "bonjour", "salut", "ciao", "olá", "ola",
    "hej", "hei", "merhaba", "estimado", "estimada", "caro", "cara", "cher", "chère", "liebe",
    "lieber", "sehr", "geachte", "szanowny", "szanowna",
];

pub(super) fn is_greeting(line: &str) -> bool {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([',', '!', ':'])
        .to_lowercase();
    let head = line.split(',').next().unwrap_or("");
    let short = line.split_whitespace().count() <= 4 || head.split_whitespace().count() <= 3;
    (GREETINGS.contains(&first.as_str()) && short)
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
        // The same in the languages clients write in.
        "mit freundlichen grüßen",
        "viele grüße",
        "beste grüße",
        "liebe grüße",
        "grüße",
        "un saludo",
        "saludos",
        "atentamente",
        "bien cordialement",
        "cordialement",
        "cordiali saluti",
        "saluti",
        "atenciosamente",
        "met vriendelijke groet",
        "groeten",
        "pozdrawiam",
        "saygılarımla",
        "med vänlig hälsning",
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
