//! The labelled evaluation sets: realistic notes with the categories a sales coach would tag
//! (labelled by the conventions in `docs/labelling.md`). Prints per-category precision
//! and recall, and for the sets whose notes carry a `style`, per-style figures (shorthand,
//! bullets, full sentences, pasted email, voice-to-text, non-native English, CRM task subjects),
//! and why the missed labels were missed: no candidate of the category anywhere in the note
//! (missing vocabulary or shapes), or a candidate dropped by an exception, by who owns the
//! step, by a negation, as a question, or settled away (how a set is scored and printed is in
//! `tests/eval/score.rs`; the sets, their floors and their history are here).
//!
//! - `tests/eval/notes.jsonl` (785 notes): the rules were tuned on it; fails below micro-F1 0.95.
//! - `tests/eval/holdout.jsonl` (50 notes): written before the last round of rule work and never
//!   tuned on — the honest figure (F1 0.71 when written: precision 0.95, recall 0.57); fails
//!   below 0.80, a guard against regressions, not a target. When the rules are tuned on its
//!   misses, its notes move to the tuned set and a fresh held-out set is written first.
//! - `tests/eval/fresh/round-NN.jsonl`: blind rounds in all seven styles, each written by a
//!   helper who never saw the rules and measured before any rule change it leads to; rule work
//!   reads their misses. Round 01 (120 notes) read F1 0.63 blind, round 02 (120 notes, other
//!   industries) 0.73 (precision 0.87, recall 0.64), round 03 (120 notes, more terse and more
//!   non-native writers) 0.74 (precision 0.92, recall 0.62), round 04 (120 notes, 15 more
//!   industries, a third of them saying things only in meaning) 0.75 (precision 0.89, recall
//!   0.65), round 05 (120 notes, CRM tasks and non-native English weighted) 0.73 (precision
//!   0.87, recall 0.62), round 06 (120 notes, two writers, 16 more industries, reps of many
//!   regions and moods) 0.81 (precision 0.87, recall 0.76), rounds 07, 08 and 09 (120 notes
//!   each, 16 new industries each) 0.82, 0.83 and 0.83 (precision 0.91–0.93, recall 0.75–0.76),
//!   rounds 10 and 11 (120 notes each, four writers, 32 new industries, both read with round
//!   09's rules) 0.89 (precision 0.92, recall 0.86) and 0.83 (precision 0.93, recall 0.75):
//!   together 0.86 (precision 0.92, recall 0.80); round 12 (120 notes, two writers, 16 new
//!   industries, read with the rules after rounds 10 and 11) 0.85 (precision 0.92, recall
//!   0.79; 0.84 with round 09's rules); round 13 (120 notes, two writers, 16 new industries)
//!   0.82 (precision 0.92, recall 0.75) both with the rules before round 12 was worked on
//!   and with those after: working a round does not carry over to the next; round 14 (120
//!   notes, two writers, 16 new industries) 0.785 (precision 0.905, recall 0.692); round 15
//!   (120 notes, two writers, 16 new industries, reps of many regions) 0.79 (precision 0.91,
//!   recall 0.70) with the rules after round 14, 0.77 with those before; round 16 (120 notes,
//!   two writers, 16 new industries) 0.80 (precision 0.92, recall 0.71) with the rules after
//!   round 15, 0.797 with those before it; round 17 (120 notes, two writers, 16 new
//!   industries) 0.82 (precision 0.91, recall 0.74; every style's recall 0.70 or more) with
//!   the rules at the end of the 2026-12-06 night session, 0.81 with those before round 15's
//!   work and 0.805 with those the session began with; round 18 (120 notes, two writers, 16
//!   new industries) 0.795 (precision 0.90, recall 0.71; pasted emails 0.42 recall) with the
//!   rules after round 17's reading, 0.77 with those the session began with; round 19 (120
//!   notes, two writers, 16 industries, mostly new) 0.78 (precision 0.91, recall 0.68) with the
//!   rules after round 18's reading, 0.773 with those the session began with.
//!   Round 20 (120 notes, two writers, 16 new industries) 0.80 (precision 0.88, recall 0.74)
//!   with the rules at the end of the 2026-12-06 night session, 0.765 with those it began with;
//!   read on 2026-12-07 by four helpers (0.98 after).
//!   Round 22 (120 notes, two writers, 16 new industries), written after round 21 was set aside:
//!   0.816 (precision 0.92, recall 0.74) with the rules after rounds 13 and 16-18 were worked,
//!   0.806 with those the 2026-12-07 session began with; 0.95 after four helpers read it.
//!   Rounds 21 and 23 (120 notes each, two writers each, 16 new industries each), written on
//!   2026-12-07 and kept unread through that session: round 21 0.852 with the rules that session
//!   began with, 0.860 with those it ended with; round 23 0.811 and 0.825 (precision 0.91, recall
//!   0.76; CRM tasks 0.61 and pasted emails 0.62 recall). Read by four helpers in the next
//!   session, for general rules.
//!   Round 26 (80 notes, one writer, 10 new industries, weighted to the categories blind rounds
//!   miss most: customer-context, insight, client-commitment, mutual-plan, business-outcome,
//!   decision-process, at least 15 each): 0.748 blind (precision 0.86, recall 0.67; mutual-plan
//!   recall 0.31, client-commitment 0.48, business-outcome precision 0.53), then read by three
//!   helpers (0.913 after).
//!   Rounds 24 and 25 (120 notes each, two writers each, 16 new industries each), written in
//!   the second 2026-12-07 session and kept unread through it: round 24 0.842 with the rules that
//!   session began with and 0.852 with those it ended with (precision 0.94, recall 0.78); round
//!   25 (each note written by hand, after that session's rule work) 0.816 and 0.826 (precision
//!   0.93, recall 0.74; bullets 0.65 recall). Read by four helpers in the next session.
//!   Rounds 27 and 28 (120 notes each, two writers each, 16 new industries each, each note
//!   written by hand), written in the third 2026-12-07 session and kept unread through it:
//!   round 27 0.801 (precision 0.92, recall 0.71; customer-context 0.38 and insight 0.36
//!   recall) with the rules that session began with and with those it ended with (not one
//!   finding moved); round 28 0.803 and 0.813. Read by two helpers in the next session (0.81 ->
//!   0.93 on them).
//!   Rounds 29 and 30 (120 notes each, two writers each, 16 new industries each, each note
//!   written by hand), written in the third and fourth 2026-12-07 sessions and kept unread
//!   through them: round 29 0.848 (precision 0.91, recall 0.79), round 30 0.844 with the rules
//!   the fourth session began with and 0.851 with those it ended with. Read by two helpers in
//!   the fifth session (0.849 -> 0.963 on them).
//!   Round 31 (120 notes, two writers, 16 new industries): written at the end of the fourth
//!   2026-12-07 session, after its rule work, and kept unread through the fifth: 0.879
//!   (precision 0.95, recall 0.82), 0.881 at the fifth's end. Read by two helpers in the sixth
//!   (0.881 -> 0.976 on it).
//!   Round 32 (120 notes, two writers, 16 new industries): written at the start of the fifth
//!   2026-12-07 session, before any rule change, and kept unread through it: 0.851 (precision
//!   0.93, recall 0.79), 0.861 in the sixth before it was read. Read by two helpers in the sixth
//!   (0.861 -> 0.962 on it).
//!   Round 33 (120 notes, two writers, 16 new industries; one writer's reps are small-firm field
//!   reps typing on a phone, the other's enterprise account managers, several in a second
//!   language): written at the start of the sixth 2026-12-07 session, before any rule change,
//!   and kept unread through two readings: 0.790 (precision 0.89, recall 0.71), 0.802 before it
//!   was read. Read by two helpers in the sixth (0.802 -> 0.942 on it).
//!   Round 34 (120 notes, two writers, 16 new industries, each note written by hand; one
//!   writer's reps are inside sales at software and services firms, the other's distributors'
//!   field reps in Latin America, Africa and Asia): written in the sixth 2026-12-07 session
//!   after round 31 was read, before round 32 was: 0.847 (precision 0.93, recall 0.78). Round
//!   35 (120 notes; field reps who paste customers' text messages, services sellers who
//!   dictate run-ons or fill terse CRM fields): written in the sixth, 0.814 (precision 0.90,
//!   recall 0.74). Both read by two helpers each in the seventh (0.850 -> 0.932, 0.816 ->
//!   0.910). Round 36 (120 notes; sales engineers, veterans' long chat messages, public-sector
//!   tender reps, UK/Australian/NZ idiom, CRM fields in capitals): written in the seventh before
//!   its rule work, 0.821 (precision 0.92, recall 0.75), 0.824 after it; read by two helpers in
//!   the eighth (0.824 -> 0.938 on it).
//!   Round 37 (120 notes, two writers, 12 new industries; agency and venue account managers
//!   with emoji and pasted chat lines, formal insurance and FX brokers, route and van sales,
//!   enterprise-software jargon): written in the seventh session after its rule work, 0.805
//!   (precision 0.90, recall 0.73), 0.806 in the eighth before it was read; read by two helpers
//!   in the eighth (0.806 -> 0.917 on it).
//!   Round 38 (120 notes, two writers, 16 new industries; recruiters on phones, telecom and
//!   energy reps dictating in the car, construction-materials and heavy-equipment dealers,
//!   sellers to universities, school districts and hospitals): written at the start of the
//!   eighth session, before any of its changes, 0.837 (precision 0.90, recall 0.78), 0.833 at
//!   its end; read by two helpers in the ninth (0.833 -> 0.928 on it).
//!   Round 39 (120 notes, two writers, 16 new industries; sellers to farms, food processors
//!   and kitchens, professional-services sellers writing reflective paragraphs, transport and
//!   fleet services, security and safety products; timestamped lines, a comment under a
//!   forwarded thread, voice memos with no punctuation, two languages in a sentence): written in
//!   the eighth session after round 36 was read, 0.782 (precision 0.91, recall 0.68) until read
//!   by two helpers in the ninth (0.782 -> 0.925 on it).
//!   Round 40 (120 notes, two writers, 16 new industries; agency, hospitality and event account
//!   managers texting their manager with emoji, dental, veterinary and lab-supply reps filling a
//!   recap template in the wrong fields, property and facilities sellers writing long site-visit
//!   notes with headers, pharmacy and retail reps with store codes and promo terms): written at
//!   the start of the ninth session, 0.806 (precision 0.93, recall 0.71), 0.817 after the
//!   session's engine changes; read by two helpers in the ninth (0.817 -> 0.923 on it).
//!   Round 41 (120 notes, two writers, 16 new industries; automation, robotics and
//!   test-equipment sellers writing part numbers, small-business insurance and benefits
//!   brokers, notes typed by an assistant in the third person, trade-show notes covering
//!   several accounts, workwear, linen and hygiene services, training and consulting sold to HR
//!   leaders, chat-thread replies to a manager, sales-methodology jargon): written in the ninth
//!   session after round 38 was read, 0.803 (precision 0.90, recall 0.72), 0.809 at the start
//!   of the tenth; read by two helpers in the tenth (0.809 -> 0.945 on it).
//!   Round 42 (120 notes, two writers, 16 new industries; data, cloud and security sellers
//!   writing acronyms, food-ingredient and packaging sellers writing about trials and
//!   launches, printing and signage sellers to franchise owners, pumps and water equipment
//!   sold to utilities by tender; lists of open questions, notes dictated on a noisy line,
//!   reminders to self, agenda lines, hedges): written in the ninth session after round 39 was
//!   read, 0.835 (precision 0.93, recall 0.76), unchanged until read by two helpers in the
//!   tenth (0.835 -> 0.952 on it).
//!   Round 43 (120 notes, two writers, 16 new industries; payroll, HR and scheduling software
//!   sold to owners of restaurants, clinics and trades, service contracts for imaging and lab
//!   equipment sold to hospital biomed and lab directors, solar, batteries and energy services
//!   sold to farms, co-ops and cold stores, fleet telematics, tyres and bus leasing; brand-new
//!   reps who over-explain, two calls in one note, timestamped call logs, sarcasm, emoji and
//!   capitals): written at the start of the tenth session, before any of its changes, 0.800
//!   (precision 0.91, recall 0.71), 0.809 at its end; read by two helpers in the eleventh
//!   (0.809 -> 0.936 on it).
//!   Round 44 (120 notes, two writers, 16 new industries; estimating and document software
//!   sold to contractors, clinical-trial and lab services sold to small biotechs, office
//!   coffee, plants and reception services, job boards and employer branding; autocorrect
//!   slips on a phone, notes mostly in the client's own quoted words, a manager writing about a
//!   rep's call, little tables of figures): written in the tenth session after round 41 was
//!   read and the blind banks were covered, 0.846 (precision 0.89, recall 0.80; 0.841 with the
//!   session's first build), 0.845 at the eleventh's middle; read by two helpers in the
//!   eleventh (0.845 -> 0.965 on it).
//! - `tests/eval/fresh/round-45.jsonl` (120 notes, two writers, 16 new industries; irrigation,
//!   seed and crop inputs sold to growers and co-ops, managed IT and security sold to
//!   accounting and law firms, packaging, labels and print sold to consumer brands, fleet
//!   telematics, fuel and charging sold to transport and utility fleets; one long line with no
//!   capitals, a client's forwarded chat, dictation with "period" said aloud, a first-month rep
//!   over-explaining): written at the start of the eleventh session, before any of its
//!   changes: 0.826 (precision 0.94, recall 0.74), 0.831 at the eleventh's end; read by two
//!   helpers in the twelfth (0.831 -> 0.934 on it).
//! - `tests/eval/fresh/round-46.jsonl` (120 notes, two writers, 16 new industries; kitchen
//!   equipment, refrigeration service and food-safety monitoring sold to restaurant groups and
//!   hotels, simulation and CAD software sold to manufacturers, physiotherapy and
//!   occupational-health programmes sold to plant and HR managers, water treatment and
//!   wastewater services sold to plants and towns; a rep's message to their manager in a team
//!   chat, a table of options pasted from a spreadsheet, open questions, a client's voicemail
//!   word for word): written in the eleventh session after round 43 was read, never read:
//!   0.820 with the session's first build (precision 0.89, recall 0.76), 0.825 at the
//!   twelfth's middle; read by two helpers in the twelfth (0.825 -> 0.933 on it).
//! - `tests/eval/next/round-47.jsonl` (120 notes, two writers, 16 new industries; door,
//!   shutter and barrier maintenance sold to property managers, e-learning sold to HR and L&D
//!   teams in banks and hospitals, pay-at-table, loyalty and shop tills sold to cafes and
//!   independent shops, trench shoring, powered access and site cabins hired to builders; a
//!   voice assistant's transcript with wrong words, checklists of two or three words a line,
//!   questions for the manager, notes hedged from memory the next morning): written late in
//!   the eleventh session after rounds 43 and 44 were read, never read: 0.861 (precision 0.93,
//!   recall 0.81); 0.854 with the session's first build.
//! - `tests/eval/next/round-48.jsonl` (120 notes, two writers, 16 new industries; farm risk
//!   cover and grain hedging sold to growers and co-ops, dental imaging and practice software
//!   sold to clinics and DSOs, translation, localisation and interpreting sold to law, pharma
//!   and game studios, waste, skip and compactor hire sold to factories and councils; dictation
//!   while driving, a client's reply pasted under the rep's, a CRM title with one line, what
//!   the client said quoted word for word): written at the start of the twelfth session, before
//!   any of its changes, never read: 0.812 (precision 0.89, recall 0.74).
//! - `tests/eval/next/round-49.jsonl` (120 notes, two writers, 16 new industries; boilers,
//!   burners and steam service sold to food plants, laundries and hospitals, cash advances,
//!   invoice finance and loans sold to small firms, vet supplies and practice software sold to
//!   clinics, rail, intermodal and drayage sold to shippers; typed on a phone with autocorrect,
//!   a rep asking their manager for help, a template's Situation / Pain / Next step, two calls
//!   in one note): written in the twelfth session after round 45 was read, never read: 0.873
//!   (precision 0.93, recall 0.83); 0.871 with the session's first build.
//! - `tests/eval/banks/*.jsonl` (720 short notes, four blind banks of one to three categories
//!   each, written in the tenth session from design.md alone, then covered): scored on their
//!   own categories only; fails below 0.95.
//! - `tests/eval/holdout-styles.jsonl` (105 notes, 15 per style): written the same way and never
//!   read by rule work; only its figures are printed, never its notes. (Once, on 2026-12-06,
//!   its six leader-access false positives were read and two exceptions written from them:
//!   its leader-access figure is no longer blind.)

#[path = "eval/score.rs"]
mod score;

use callnudge::core::{analyze, Category};
use callnudge::prompts::Prompts;
use score::{evaluate, parse, ratio, STYLES};
use std::collections::BTreeSet;

// Floors: each set's figure of 2026-12-06 less 0.03, so a real drop fails.
// Third round of 2026-12-06: tuned 0.983, held-out 0.835, fresh rounds 0.984, styled 0.841.
// Fourth round (after round 04): tuned 0.984, held-out 0.828, fresh rounds 0.985, styled 0.856.
// Fifth round (after round 05): tuned 0.984, held-out 0.822, fresh rounds 0.986, styled 0.868.
// Sixth round (after round 06): tuned 0.985, held-out 0.822, fresh rounds 0.977 (round 06: 0.81
// blind, 0.92 after), styled 0.878.
// Seventh round (after round 07): tuned 0.985, held-out 0.822, fresh rounds 0.975 (round 07:
// 0.82 blind, 0.96 after; round 06 0.926), styled 0.881.
// Eighth round (after round 08): tuned 0.985, held-out 0.822, fresh rounds 0.975 (round 08:
// 0.83 blind with round 07's rules, 0.97 after), styled 0.883.
// Tuned set relabelled to design.md (29 notes: dated check-ins are one-sided, "get back to me
// next week" is no commitment, a demo only liked is a feature pitch, a client's metric with its
// value is customer context): tuned 0.987, held-out 0.822, fresh rounds 0.979, styled 0.886.
// Ninth round (after round 09): tuned 0.987, held-out 0.831, fresh rounds 0.980 (round 09:
// 0.83 blind with round 08's rules, 0.98 after), styled 0.889.
// Tenth round (after rounds 10 and 11, worked together): tuned 0.988, held-out 0.831, fresh
// rounds 0.979 (rounds 10 and 11: 0.89 and 0.83 blind with round 09's rules, 0.97 and 0.97
// after), styled 0.891.
// Eleventh round (after round 12): tuned 0.988, held-out 0.831, fresh rounds 0.979 (round 12:
// 0.85 blind with the rules after rounds 10 and 11, 0.97 after), styled 0.899.
// Three tuned notes relabelled to design.md (a CFO who signs past a threshold and a board that
// approved are leaders only mentioned; an email's "happy to jump on a call whenever works" is
// no people-pleasing, as eight of the ten blind notes with it are labelled): tuned 0.988, fresh
// rounds 0.969.
// Engine, from blind notes: exceptions reach 25 tokens, not 40; in a run-on, "so", "then",
// "but", "also" end the clause a negation looks back over: tuned 0.988, held-out 0.831, fresh
// rounds 0.970 (round 13, never worked on: 0.830), styled 0.904.
// Twelfth round (after round 14; quoted clause punctuation in a phrase is a clause end, no
// longer nothing): tuned 0.988, held-out 0.831, fresh rounds 0.972 (round 14: 0.785 blind,
// 0.994 after; round 13 0.833), styled 0.904.
// Thirteenth round (after round 15; a {who} that is a contraction's ending reads by its word;
// one tuned note relabelled: a buyer who is the only contact is gatekeeper-only): tuned 0.988,
// held-out 0.831, fresh rounds 0.974 (round 15: 0.79 blind, 0.994 after; round 13 0.835),
// styled 0.902.
// Fourteenth (customer context as something of theirs failing; counted peers' moves as insight;
// round 16 read after scoring): tuned 0.988, held-out 0.831, styled 0.905, fresh rounds 01-17
// 0.956 (round 16: 0.80 blind, 0.82 after; round 17, blind with these rules: 0.82).
// Fifteenth (decisions dated in any body's words, evidence handed over as data; "no" in an
// idiom negates nothing after it): tuned 0.988, held-out 0.840, styled 0.905, fresh rounds
// 01-18 0.951 (round 17 0.85 after reading; round 18, blind: 0.795).
// Sixteenth (trades written to the client; who speaks in a quote, "you", requests and
// conditions nobody's step): tuned 0.988, held-out 0.840, styled 0.905, fresh rounds 01-18
// 0.951 (round 18 0.807 after reading, its pasted emails' recall 0.42 -> 0.55).
// Seventeenth (after round 19, four helpers): tuned 0.988, held-out 0.848, styled 0.905, fresh
// rounds 01-19 0.951 (round 19: 0.78 blind, 0.936 after).
// Eighteenth (after round 20, four helpers): tuned 0.988, held-out 0.848, styled 0.905, fresh
// rounds 01-20 0.953 (round 20: 0.80 blind, 0.979 after); round 21, unread: 0.852 before and after.
// Nineteenth (a pasted client email and > reply lines are the client's words; rounds 13 and 16-18
// worked for general rules): tuned 0.988, held-out 0.848, styled 0.910, fresh rounds 01-20 0.968
// (rounds 13, 16-18: 0.84 -> 0.92); round 21, unread: 0.860.
// Twentieth (after round 22, four helpers): tuned 0.988, fresh rounds 01-22 (but 21) 0.969 (round 22:
// 0.816 blind, 0.951 after); round 21, unread: 0.860 before and after.
// Twenty-first (pasted client emails are the client's words; non-native and shorthand shapes,
// two helpers): tuned 0.988, held-out 0.848, styled 0.910, fresh rounds 0.969; unread round 21
// 0.860 (0.852 with the session's first rules), round 23 0.825 (0.811).
// Twenty-second (rounds 21 and 23 read by four helpers for general shapes, then two widened the
// lexicon with other trades' titles, metrics and suppliers): tuned 0.988, held-out 0.842, styled
// 0.905, fresh rounds 01-23 0.968 (rounds 21 and 23: 0.842 -> 0.949); unread round 24 0.848
// (0.842 with the session's first rules), round 25 0.824 (0.816).
// Twenty-third (round 26, weighted to the weakest categories, three helpers): tuned 0.988,
// held-out 0.851, styled 0.908, fresh rounds 01-23 and 26 0.966 (round 26: 0.748 blind, 0.913
// after); unread round 24 0.852, round 25 0.824.
// Twenty-fourth (customer context in general shapes across every round, one helper; its misses
// there 82 -> 33): tuned 0.988, held-out 0.851, styled 0.910, fresh rounds 0.970; unread round
// 24 0.852, round 25 0.826.
// Twenty-fifth (rounds 24 and 25 read by four helpers for general shapes; 0.839 -> 0.941 on
// them): tuned 0.988, held-out 0.851, styled 0.913, fresh rounds 01-26 0.968; unread round 27
// 0.801 before and after (not one finding moved).
// Twenty-sixth (breadth: helpers wrote their own phrasings of every category, 340 fixtures;
// then forwarded-message headers open the sender's words, filler words open a clause, person
// nouns name the client): tuned 0.988, held-out 0.851, styled 0.913, fresh rounds 01-26 0.970;
// unread rounds 27 0.801, 28 0.813, 29 0.848 (not one finding moved by the breadth cycle).
// Twenty-seventh (plurals, shorthand and a department's initials name the client; rounds 27 and
// 28 read by two helpers, 0.810 -> 0.934): tuned 0.988, held-out 0.842 (one business-outcome
// finding lost), styled 0.913, fresh rounds 01-28 0.968; unread round 29 0.848 before and
// after, round 30 0.844 -> 0.849.
// Twenty-eighth (CRM record layouts, 506 shorthand and misspelt forms, a held letter read as the
// word): tuned 0.988, held-out 0.842, styled 0.916, fresh rounds 01-28 0.968; unread round 29
// 0.848, round 30 0.851, round 31 (written after) 0.879 (0.877 with the session's first rules).
// Twenty-ninth (rounds 29 and 30 read by two helpers, 0.849 -> 0.963; two-word idioms after
// "no", "incl." within a sentence, letter currencies): tuned 0.988, held-out 0.861, styled
// 0.918, fresh rounds 01-30 0.968; unread round 31 0.881, round 32 (written before) 0.851 ->
// 0.854.
// Thirtieth (rounds 31, 32 and 33 read by two helpers each: 0.881 -> 0.976, 0.861 -> 0.962,
// 0.802 -> 0.942; numbers said in words are numbers; an email that opens with a thanks; a short
// month's dot goes on with its date; an emoji ends a clause; "instead" negates only as
// "instead of"; a relative clause's "who" reads as its noun): tuned 0.988, held-out 0.861,
// styled 0.918 -> 0.921, fresh rounds 01-33 0.968; unread round 32 0.854 -> 0.861 before it
// was read, round 33 0.790 -> 0.802, round 34 (written after round 31's reading) 0.847 ->
// 0.850, round 35 (after round 32's) 0.814 -> 0.815.
// Thirty-first (rounds 34 and 35 read by two helpers each: 0.850 -> 0.932, 0.815 -> 0.910;
// first names and a word after a title are names in any case; contractions typed without
// their apostrophe; a capitalised opener after a lower-case word opens a sentence; "our" in a
// client's email is the client; a '>' reply signed by the one the client greets is the rep's):
// tuned 0.988, held-out 0.861, styled 0.921, fresh rounds 01-35 0.965; unread round 36 0.821 ->
// 0.824, round 37 (written after the rule work) 0.805 (0.802 with the session's first build).
// Thirty-second (rounds 36 and 37 read by two helpers each: 0.824 -> 0.938, 0.806 -> 0.917; '$'
// as the last alternative of a group ends the phrase, as meant; '"."' reads a title's dot; an
// amount with a currency code is money): tuned 0.988, held-out 0.861, styled 0.923, fresh
// rounds 01-37 0.963; unread round 38 (written before the session's changes) 0.837 -> 0.833,
// round 39 (written after round 36's reading) 0.781 -> 0.782.
// Thirty-third (rounds 38, 39 and 40 read by two helpers each: 0.833 -> 0.928, 0.782 -> 0.925,
// 0.817 -> 0.923; conditions read before overlaps are settled; `except_in_note`; a question is
// nobody's step; an imperative task subject is the rep's; a negation stops at a subject of its
// own; a slash between two lower-case words parts them; lakhs and crores are money; a step
// with no subject in the client's email is not the rep's): tuned 0.988, held-out 0.861 ->
// 0.878, styled 0.923 -> 0.926, fresh rounds 01-40 0.961; unread round 40 (written at the
// start) 0.806 -> 0.817 before it was read, round 41 (after round 38's reading) 0.803 ->
// 0.809, round 42 (after round 39's) 0.835 -> 0.835.
// Thirty-fourth (rounds 41 and 42 read by two helpers each: 0.809 -> 0.946, 0.835 -> 0.952;
// four blind banks of 180 notes written from design.md alone and covered, bank F1 0.66-0.81 ->
// 0.98-1.00; an exception in the first person cancels nothing in the client's own words;
// '>' lines under a client's email are the rep's; a day's dot before its month): tuned
// 0.988, held-out 0.878 -> 0.865 (two false findings from the banks' rules), styled 0.926,
// fresh rounds 01-42 0.961; unread round 43 (written at the start) 0.800 -> 0.809, round 44
// (written after round 41's reading and the banks) 0.846 -> 0.846.
// Thirty-fifth (rounds 43 and 44 read by two helpers each: 0.809 -> 0.940, 0.845 -> 0.968; a
// dictated 'there' before a noun may be 'their'; an article between two fixed words may be
// missing; a pasted email opens on a header or greeting in the client's language and on the
// rep's 'Their reply, pasted:'; 'both' after a verb is no subject; 'TCO/km' is two words; the
// eval says why each missed label was missed): tuned 0.988, held-out 0.865, styled 0.926, fresh
// rounds 01-44 0.961; unread round 45 (written at the start) 0.826 -> 0.831, round 46 (after
// the first changes) 0.820 -> 0.825, round 47 (near the end) 0.854 -> 0.861 (each first figure
// with the session's first build).
// Thirty-sixth (rounds 45 and 46 read by two helpers each: 0.831 -> 0.934, 0.825 -> 0.933; a
// role of something acts; a step opening on its own subject is a clause of its own; a line
// naming their message opens it on the next line; vocabulary lists of many trades tried and
// dropped, no effect; two plan-line rules dropped for their cost): tuned 0.989, held-out 0.865 -> 0.873, styled 0.926, fresh rounds 01-46
// 0.961; unread round 48 (written at the start) 0.812 -> 0.817, round 49 (after round 45's
// reading) 0.871 -> 0.874, round 47 0.861 -> 0.866; rounds 47-49 together 0.852.
const MIN_MICRO_F1: f64 = 0.95;
const MIN_HOLDOUT_F1: f64 = 0.80;
const MIN_FRESH_F1: f64 = 0.95;
const MIN_HOLDOUT_STYLES_F1: f64 = 0.835;

#[test]
fn evaluation_set_meets_micro_f1() {
    let set = parse(include_str!("eval/notes.jsonl"));
    assert!(set.len() >= 150, "the set needs at least 150 notes");
    let f1 = evaluate("tuned set", &set, true);
    assert!(
        f1 >= MIN_MICRO_F1,
        "micro-F1 {f1:.3} is below {MIN_MICRO_F1}"
    );
}

#[test]
fn held_out_set_micro_f1() {
    let set = parse(include_str!("eval/holdout.jsonl"));
    let f1 = evaluate("held-out set", &set, true);
    assert!(
        f1 >= MIN_HOLDOUT_F1,
        "held-out micro-F1 {f1:.3} is below {MIN_HOLDOUT_F1}"
    );
}

/// The blind rounds, each then all together: a floor under their figure, against regressions.
#[test]
fn fresh_rounds_micro_f1() {
    let rounds = [
        ("round 01", include_str!("eval/fresh/round-01.jsonl")),
        ("round 02", include_str!("eval/fresh/round-02.jsonl")),
        ("round 03", include_str!("eval/fresh/round-03.jsonl")),
        ("round 04", include_str!("eval/fresh/round-04.jsonl")),
        ("round 05", include_str!("eval/fresh/round-05.jsonl")),
        ("round 06", include_str!("eval/fresh/round-06.jsonl")),
        ("round 07", include_str!("eval/fresh/round-07.jsonl")),
        ("round 08", include_str!("eval/fresh/round-08.jsonl")),
        ("round 09", include_str!("eval/fresh/round-09.jsonl")),
        ("round 10", include_str!("eval/fresh/round-10.jsonl")),
        ("round 11", include_str!("eval/fresh/round-11.jsonl")),
        ("round 12", include_str!("eval/fresh/round-12.jsonl")),
        ("round 13", include_str!("eval/fresh/round-13.jsonl")),
        ("round 14", include_str!("eval/fresh/round-14.jsonl")),
        ("round 15", include_str!("eval/fresh/round-15.jsonl")),
        ("round 16", include_str!("eval/fresh/round-16.jsonl")),
        ("round 17", include_str!("eval/fresh/round-17.jsonl")),
        ("round 18", include_str!("eval/fresh/round-18.jsonl")),
        ("round 19", include_str!("eval/fresh/round-19.jsonl")),
        ("round 20", include_str!("eval/fresh/round-20.jsonl")),
        ("round 21", include_str!("eval/fresh/round-21.jsonl")),
        ("round 22", include_str!("eval/fresh/round-22.jsonl")),
        ("round 23", include_str!("eval/fresh/round-23.jsonl")),
        ("round 24", include_str!("eval/fresh/round-24.jsonl")),
        ("round 25", include_str!("eval/fresh/round-25.jsonl")),
        ("round 26", include_str!("eval/fresh/round-26.jsonl")),
        ("round 27", include_str!("eval/fresh/round-27.jsonl")),
        ("round 28", include_str!("eval/fresh/round-28.jsonl")),
        ("round 29", include_str!("eval/fresh/round-29.jsonl")),
        ("round 30", include_str!("eval/fresh/round-30.jsonl")),
        ("round 31", include_str!("eval/fresh/round-31.jsonl")),
        ("round 32", include_str!("eval/fresh/round-32.jsonl")),
        ("round 33", include_str!("eval/fresh/round-33.jsonl")),
        ("round 34", include_str!("eval/fresh/round-34.jsonl")),
        ("round 35", include_str!("eval/fresh/round-35.jsonl")),
        ("round 36", include_str!("eval/fresh/round-36.jsonl")),
        ("round 37", include_str!("eval/fresh/round-37.jsonl")),
        ("round 38", include_str!("eval/fresh/round-38.jsonl")),
        ("round 39", include_str!("eval/fresh/round-39.jsonl")),
        ("round 40", include_str!("eval/fresh/round-40.jsonl")),
        ("round 41", include_str!("eval/fresh/round-41.jsonl")),
        ("round 42", include_str!("eval/fresh/round-42.jsonl")),
        ("round 43", include_str!("eval/fresh/round-43.jsonl")),
        ("round 44", include_str!("eval/fresh/round-44.jsonl")),
        ("round 45", include_str!("eval/fresh/round-45.jsonl")),
        ("round 46", include_str!("eval/fresh/round-46.jsonl")),
    ];
    let mut set = Vec::new();
    for (name, text) in rounds {
        let round = parse(text);
        assert!(round
            .iter()
            .all(|n| n.style.as_deref().is_some_and(|s| STYLES.contains(&s))));
        evaluate(&format!("fresh {name}"), &round, false);
        set.extend(round);
    }
    let f1 = evaluate("fresh rounds", &set, true);
    assert!(
        f1 >= MIN_FRESH_F1,
        "fresh-round micro-F1 {f1:.3} is below {MIN_FRESH_F1}"
    );
}

/// The unread blind rounds, each with a floor a little under its figure when it was written.
const UNREAD_ROUNDS: [(&str, &str, f64); 3] = [
    ("round 47", include_str!("eval/next/round-47.jsonl"), 0.82),
    ("round 48", include_str!("eval/next/round-48.jsonl"), 0.78),
    ("round 49", include_str!("eval/next/round-49.jsonl"), 0.84),
];

/// The blind banks: 180 short notes each, written by a helper from design.md alone before
/// reading any rule, for one to three categories (and look-alikes of them), then covered in
/// general shapes. Scored on their own categories only (their other labels were not the
/// writers' focus); a floor against regressions. Fit, not a forecast: covering them moved the
/// unread rounds by under a point.
const BANKS: [(&str, &str, &[&str]); 4] = [
    (
        "customer-context",
        include_str!("eval/banks/customer-context.jsonl"),
        &["customer-context"],
    ),
    (
        "decision-process, business-outcome",
        include_str!("eval/banks/decision-process-business-outcome.jsonl"),
        &["decision-process", "business-outcome"],
    ),
    (
        "leader-access, insight",
        include_str!("eval/banks/leader-access-insight.jsonl"),
        &["leader-access", "insight"],
    ),
    (
        "unearned-concession, happy-ears, feature-pitch",
        include_str!("eval/banks/unearned-concession-happy-ears-feature-pitch.jsonl"),
        &["unearned-concession", "happy-ears", "feature-pitch"],
    ),
];

#[test]
fn blind_banks_on_their_categories() {
    let prompts = Prompts::embedded().expect("embedded prompts");
    for (name, text, ids) in BANKS {
        let categories: BTreeSet<Category> = ids
            .iter()
            .map(|id| Category::from_id(id).expect("a category id"))
            .collect();
        let (mut tp, mut fp, mut fneg) = (0, 0, 0);
        for item in parse(text) {
            let found: BTreeSet<Category> = analyze(&prompts.rules, &item.note)
                .categories()
                .into_iter()
                .filter(|c| categories.contains(c))
                .collect();
            let expected: BTreeSet<Category> = item
                .expect
                .iter()
                .copied()
                .filter(|c| categories.contains(c))
                .collect();
            tp += found.intersection(&expected).count() as u32;
            fp += found.difference(&expected).count() as u32;
            fneg += expected.difference(&found).count() as u32;
        }
        let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fneg));
        let f1 = 2.0 * precision * recall / (precision + recall);
        println!("== bank {name}: precision {precision:.3} recall {recall:.3} F1 {f1:.3}");
        assert!(f1 >= 0.95, "bank {name} micro-F1 {f1:.3} is below 0.95");
    }
}

/// The blind rounds kept for the next reading: figures only (their notes are not printed), with
/// a floor under their figures when written, against regressions.
#[test]
fn unread_blind_rounds_micro_f1() {
    for (name, text, floor) in UNREAD_ROUNDS {
        let set = parse(text);
        assert!(set
            .iter()
            .all(|n| n.style.as_deref().is_some_and(|s| STYLES.contains(&s))));
        let f1 = evaluate(&format!("unread blind {name}"), &set, false);
        assert!(
            f1 >= floor,
            "unread blind {name} micro-F1 {f1:.3} is below {floor}"
        );
    }
}

/// The styled held-out set: figures only (rule work must not read its notes).
#[test]
fn held_out_styles_micro_f1() {
    let set = parse(include_str!("eval/holdout-styles.jsonl"));
    assert_eq!(set.len(), 105);
    for style in STYLES {
        let n = set
            .iter()
            .filter(|n| n.style.as_deref() == Some(style))
            .count();
        assert_eq!(n, 15, "15 notes of style {style}");
    }
    let f1 = evaluate("held-out set by style", &set, false);
    assert!(
        f1 >= MIN_HOLDOUT_STYLES_F1,
        "styled held-out micro-F1 {f1:.3} is below {MIN_HOLDOUT_STYLES_F1}"
    );
}
