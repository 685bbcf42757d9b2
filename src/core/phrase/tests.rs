//! The phrase compiler and encoder against what phrases mean: examples, broken phrases, and a
//! property test over generated phrases and notes.

use super::*;
use crate::core::program::{Program, Scratch};
use proptest::prelude::*;
use regex_syntax::hir::Look;

fn lexicon() -> PhraseLexicon {
    let at = |v: &[&str]| Located {
        value: v.iter().map(|s| s.to_string()).collect(),
        origin: Origin {
            file: "lexicon.toml".into(),
            line: 1,
        },
    };
    PhraseLexicon {
        classes: [
            (
                "send".to_string(),
                at(&["send", "email", "fire off", "shoot over"]),
            ),
            (
                "collateral".to_string(),
                at(&["quote", "price list", "spec sheet", "{doc}"]),
            ),
            ("doc".to_string(), at(&["brochure", "one-pager"])),
        ]
        .into(),
        spellings: [("tmrw".to_string(), "tomorrow".to_string())].into(),
        determiners: vec!["the".into(), "their".into(), "a".into()],
        first_names: vec!["anne".into(), "greg".into(), "tmrw".into(), "quote".into()],
    }
}

fn origin() -> Origin {
    Origin {
        file: "test.toml".into(),
        line: 3,
    }
}

/// The spans of `phrase` in `note`, as text.
fn find(phrase: &str, note: &str) -> Vec<String> {
    find_beside(phrase, &[], note)
}

/// The matches of `phrase`, compiled with `others` (whose words the lexicon then knows too).
fn find_beside(phrase: &str, others: &[&str], note: &str) -> Vec<String> {
    let lexicon = lexicon();
    let mut c = PhraseCompiler::new(&lexicon);
    for p in std::iter::once(&phrase).chain(others) {
        c.add(&Located {
            value: p.to_string(),
            origin: origin(),
        })
        .unwrap();
    }
    let compiled = c.finish().unwrap();
    let program = Program::compile(&compiled.sources[0], symbol_of).unwrap();
    let tokens = token::tokenize(note);
    let mut symbols = Vec::new();
    compiled.encoder.encode(note, &tokens, &mut symbols);
    let mut spans = Vec::new();
    program.find_iter(
        &symbols,
        0..symbols.len(),
        0..symbols.len() + 1,
        &mut Scratch::default(),
        |m| spans.extend(note_span(&tokens, m.span)),
    );
    spans
        .into_iter()
        .map(|span| note[span].to_string())
        .collect()
}

#[test]
fn words_match_their_inflections_and_classes_their_entries() {
    assert_eq!(
        find(
            "{send} the? {collateral}",
            "Sent the quote. Will email price lists tmrw"
        ),
        ["Sent the quote", "email price lists"]
    );
    assert_eq!(
        find(
            "{send} {collateral}",
            "fired off a one-pager; shot over brochures"
        ),
        ["shot over brochures"]
    );
    assert_eq!(find("\"quote\"", "quoted the quote"), ["quote"]);
    assert_eq!(
        find("send … tomorrow", "send the deck over tmrw"),
        ["send the deck over tmrw"]
    );
}

#[test]
fn a_held_letter_reads_as_the_word() {
    // A run of three or more of a letter is cut to one...
    assert_eq!(
        find("send the {collateral}", "sennnd the quuuote"),
        ["sennnd the quuuote"]
    );
    assert_eq!(
        find("{send} it tomorrow", "emaiiil it tmrwww"),
        ["emaiiil it tmrwww"]
    );
    // ...every such run in the word...
    assert_eq!(find("{collateral}", "the quoooteee"), ["quoooteee"]);
    // ...or to two, where the word has that letter twice; and a word's own double letter
    // beside a held one is kept.
    assert_eq!(find("spec sheet", "spec sheeeet"), ["spec sheeeet"]);
    assert_eq!(find("spec sheet", "spec sheettt"), ["spec sheettt"]);
    // Two of a letter is how a word may be spelt: never cut.
    assert!(find("send", "seend").is_empty());
    // A held letter that makes no known word stays unknown.
    assert!(find("{collateral}", "briiiefing").is_empty());
    // All in capitals is a name or a numeral ("AAA", "III"), not a word held.
    assert!(find("send", "SENNND").is_empty());
}

#[test]
fn a_dictated_there_before_a_noun_fills_their_slots_too() {
    let both = ["there is"];
    assert_eq!(
        find_beside(
            "their {word} manager",
            &both,
            "so there ops manager said yes"
        ),
        ["there ops manager"]
    );
    // "there is" and "over there" keep their own reading, and "there" alone is no "their".
    assert_eq!(
        find_beside("there is", &["their {word} manager"], "there is a gap"),
        ["there is"]
    );
    assert!(find_beside("their {word}", &both, "it is over there now").is_empty());
    assert!(find_beside("their {word}", &both, "there are two bids").is_empty());
}

#[test]
fn an_article_between_fixed_words_may_be_left_out() {
    // "went through new capper", "she owns decision": a second-language rep's phrasing.
    assert_eq!(
        find("went through the new {doc}", "went through new brochure"),
        ["went through new brochure"]
    );
    assert_eq!(
        find("owns the decision", "she owns decision"),
        ["owns decision"]
    );
    assert_eq!(
        find("owns the decision", "she owns the decision"),
        ["owns the decision"]
    );
    // Not one that opens or closes the phrase: "the board" is not "board", "provided the" not
    // "provided".
    assert!(find("the board", "on board with it").is_empty());
    assert!(find("if provided the", "if provided data").is_empty());
    // Not one beside a slot that takes any word: `met {word} the owner` is "met Dana, the
    // owner", and "met the owner" is no such thing.
    assert!(find("met {word} the owner", "met the owner").is_empty());
    assert_eq!(
        find("met {word} the owner", "met dana the owner"),
        ["met dana the owner"]
    );
    // Nor one beside a group whose near edge may take any word or none.
    assert!(find("calls (it | our {word}?) the best", "calls our best rep").is_empty());
    assert!(find("calls (it | our {word}?) the best", "calls it best").is_empty());
    assert_eq!(
        find(
            "(went | ran) through the new {doc}",
            "ran through new brochure"
        ),
        ["ran through new brochure"]
    );
    // Quoted, it must be there.
    assert!(find("owns \"the\" decision", "she owns decision").is_empty());
}

#[test]
fn gaps_never_cross_a_sentence_end() {
    assert!(find("send … tomorrow", "send it. tomorrow").is_empty());
    assert!(find("send … tomorrow", "send it\n- tomorrow").is_empty());
    assert!(find("send …1 tomorrow", "send it over tomorrow").is_empty());
}

#[test]
fn who_kinds_and_names() {
    assert_eq!(
        find("{who} will send", "Their ops manager will send it"),
        ["Their ops manager will send"]
    );
    assert_eq!(find("{who} 'll send", "Dana'll send it"), ["Dana'll send"]);
    assert_eq!(find("{percent} off", "gave 15% off"), ["15% off"]);
    assert_eq!(
        find("{name} to (send|call)", "Priya to call the GM"),
        ["Priya to call"]
    );
    assert_eq!(
        find("/^re-?quot/", "we requoted and re-quoted"),
        ["requoted", "re-quoted"]
    );
}

#[test]
fn who_of_a_class_and_present_forms() {
    assert_eq!(
        find(
            "{who:doc} … {send:present}",
            "the brochure shot over; one-pager emails"
        ),
        ["one-pager emails"]
    );
    assert!(find("{send:present}", "sent it, sending it").is_empty());
    assert_eq!(find("{send:present}", "she sends it"), ["sends"]);
}

#[test]
fn edges_are_sentence_and_line_starts_and_ends() {
    assert_eq!(
        find(
            "^ email from",
            "Email from Dana. Sent email from the portal"
        ),
        ["Email from"]
    );
    assert_eq!(
        find("^ email from", "ok\n- email from Dana"),
        ["email from"]
    );
    assert_eq!(find("crickets $", "crickets. crickets again"), ["crickets"]);
    // A dot that ends no sentence is a token `"."` reads as well as a clause's end.
    let titled = "({name} \".\"?)? {name} only";
    assert_eq!(find(titled, "met Mr. Kulkarni only"), ["Mr. Kulkarni only"]);
    assert_eq!(find(titled, "met Mr Kulkarni only"), ["Mr Kulkarni only"]);
    assert_eq!(find("crickets \".\"", "crickets. more"), ["crickets"]);
    // `$` as the last of alternatives, before `)` ("$5k" stays a word).
    for phrase in ["crickets (again | $)", "crickets ($ | again)"] {
        assert_eq!(find(phrase, "crickets"), ["crickets"], "{phrase}");
        assert_eq!(find(phrase, "crickets. more"), ["crickets"], "{phrase}");
        assert_eq!(
            find(phrase, "crickets again"),
            ["crickets again"],
            "{phrase}"
        );
        assert!(find(phrase, "crickets more").is_empty(), "{phrase}");
    }
}

#[test]
fn broken_phrases_say_where_and_why() {
    let lexicon = lexicon();
    let mut c = PhraseCompiler::new(&lexicon);
    let err = |c: &mut PhraseCompiler, p: &str| {
        c.add(&Located {
            value: p.into(),
            origin: origin(),
        })
        .unwrap_err()
        .to_string()
    };
    assert!(err(&mut c, "(send | email")
        .contains("test.toml:3: `(send | email`: a `(` is never closed"));
    assert!(err(&mut c, "{nosuch} quote").contains("unknown class `{nosuch}`"));
    assert!(err(&mut c, "the?").contains("can match nothing"));
    assert!(err(&mut c, "send …99 quote").contains("a gap is 1 to 12 words"));
    assert!(err(&mut c, "{who} and {who}").contains("one {who}"));
    // A note reads "twenty five" as one number: written as two words it would never match.
    assert!(err(&mut c, "gave twenty five percent")
        .contains("a note reads \"twenty five\" as one number: write {num}"));
}

#[test]
fn a_title_is_part_of_a_name_whatever_other_phrases_say() {
    let name = "{name} {name} will send";
    let note = "Dr Kim will send, dr Kim will send";
    assert_eq!(find(name, note), ["Dr Kim will send", "dr Kim will send"]);
    assert_eq!(
        find_beside(name, &["visit the dr office", "mrs"], note),
        ["Dr Kim will send", "dr Kim will send"]
    );
}

#[test]
fn a_first_name_or_a_word_after_a_title_is_a_name_in_any_case() {
    let name = "{name} will send";
    assert_eq!(
        find(name, "anne will send, Greg will send, greg will send"),
        ["anne will send", "Greg will send", "greg will send"]
    );
    // A first name the lexicon knows as a word ("quote", a class's) or as a spelling ("tmrw")
    // is that word; an unknown lower-case word is a name only after a title.
    assert!(find(name, "quote will send, tmrw will send, alvi will send").is_empty());
    assert_eq!(
        find(
            "{name} {name} will send",
            "dr alvi will send, mrs patel will send"
        ),
        ["dr alvi will send", "mrs patel will send"]
    );
    assert_eq!(find(name, "mrs. patel will send"), ["patel will send"]);
    assert_eq!(find(name, "the alvi will send"), Vec::<String>::new());
}

#[test]
fn a_contraction_without_its_apostrophe_reads_as_with_it() {
    // In a note and in a phrase alike: "theyll" is "they" and "'ll".
    assert_eq!(
        find("they 'll send", "theyll send, they'll send, Theyll send"),
        ["theyll send", "they'll send", "Theyll send"]
    );
    assert_eq!(
        find("theyll send", "theyll send, they'll send"),
        ["theyll send", "they'll send"]
    );
    assert_eq!(find("did n't send", "didnt send"), ["didnt send"]);
    // Not words of their own: "well", "its", "IM".
    assert!(find("we 'll send", "well send").is_empty());
    assert!(find("i 'm", "IM").is_empty());
}

#[test]
fn numbers_said_in_words_are_num() {
    assert_eq!(
        find(
            "{num} percent",
            "twenty five percent, ten percent, one percent, 5 percent"
        ),
        ["twenty five percent", "ten percent", "5 percent"]
    );
    assert_eq!(
        find("\"twenty five\" percent", "twenty five percent"),
        ["twenty five percent"]
    );
    assert_eq!(
        find("{num} million", "two point five million"),
        ["two point five million"]
    );
}

/// What a node matches, by the plain reading of the language: from token `at`, the set
/// of positions where a match can end.
fn ends(
    node: &Node,
    atoms: &[Atom],
    enc: &Encoder,
    names: &BTreeSet<String>,
    note: &str,
    tokens: &[Token],
    at: usize,
) -> BTreeSet<usize> {
    let fills = |atom: usize, at: usize| -> bool {
        let t = &tokens[at];
        if t.kind == TokenKind::Boundary {
            return false;
        }
        let read = enc.forms_at(note, tokens, at);
        let form = read[0].clone();
        match &atoms[atom] {
            Atom::Forms(forms) => read.iter().any(|f| forms.contains(f)),
            Atom::Kind(KindAtom::Number) => {
                t.kind == TokenKind::Number
                    || (t.kind == TokenKind::Word && crate::core::token::is_spelled_number(&form))
            }
            Atom::Kind(KindAtom::Money) => t.kind == TokenKind::Money,
            Atom::Kind(KindAtom::Percent) => t.kind == TokenKind::Percent,
            Atom::Word => t.kind == TokenKind::Word,
            Atom::Name => {
                let lower = |t: &Token| {
                    let mut lower = String::new();
                    crate::core::token::normalize_into(t.text(note), &mut lower);
                    lower
                };
                let is_title =
                    |t: &Token| t.kind == TokenKind::Word && super::is_title(t.text(note));
                // After a title, or after a title and its dot.
                let after_title = match at.checked_sub(1).map(|i| &tokens[i]) {
                    Some(p) if p.kind == TokenKind::Punct && p.text(note) == "." => {
                        at >= 2 && is_title(&tokens[at - 2])
                    }
                    Some(p) => is_title(p),
                    None => false,
                };
                let word = lower(t);
                // A bare contraction's ending ("LL" of "THEYLL") is read as written with its
                // apostrophe, never as a capitalised word.
                let ending = token::bare_ending(note, at.checked_sub(1).map(|i| &tokens[i]), t);
                // A word known once its held letter is cut ("Loooved", "Mrs quuuote") is that
                // word, never a name.
                t.kind == TokenKind::Word
                    && ending.is_none()
                    && (((t.text(note).starts_with(char::is_uppercase) || after_title)
                        && !enc.written.contains(&word)
                        && !enc.written.contains(&form))
                        || super::NAME_TITLES.contains(&word.as_str())
                        || names.contains(&word))
            }
            Atom::Regex(i) => enc.regexes[*i].is_match(&form),
        }
    };
    let one = |atom: usize, at: usize| -> BTreeSet<usize> {
        match tokens.get(at) {
            Some(_) if fills(atom, at) => [at + 1].into(),
            _ => BTreeSet::new(),
        }
    };
    match node {
        Node::Atom(a) => one(*a, at),
        Node::Seq(v) => v.iter().fold([at].into(), |starts, n| {
            starts
                .into_iter()
                .flat_map(|s| ends(n, atoms, enc, names, note, tokens, s))
                .collect()
        }),
        Node::Alt(v) => v
            .iter()
            .flat_map(|n| ends(n, atoms, enc, names, note, tokens, at))
            .collect(),
        Node::Class(inner) => ends(inner, atoms, enc, names, note, tokens, at),
        Node::Optional(n) => {
            let mut e = ends(n, atoms, enc, names, note, tokens, at);
            e.insert(at);
            e
        }
        Node::Gap(n) => (0..=*n as usize)
            .take_while(|k| {
                tokens[at..]
                    .iter()
                    .take(*k)
                    .all(|t| t.kind != TokenKind::Boundary)
                    && at + k <= tokens.len()
            })
            .map(|k| at + k)
            .collect(),
        Node::Who { det, word } => {
            let mut starts: BTreeSet<usize> = [at].into();
            for s in one(*det, at) {
                starts.insert(s);
                starts.extend(one(*word, s));
            }
            starts.into_iter().flat_map(|s| one(*word, s)).collect()
        }
        Node::WhoOf(inner) => ends(inner, atoms, enc, names, note, tokens, at),
        Node::Edge { .. } => unreachable!("not generated"),
    }
}

const WORDS: [&str; 21] = [
    "send", "sent", "the", "quote", "quotes", "price", "list", "Dana", "they", "will", "'ll",
    "tmrw", "their", "ops", "ten", "percent", "mrs", "Dr", "anne", "theyll", "n't",
];

fn arb_node(depth: u32) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(WORDS.to_vec()).prop_map(|w| w.to_string()),
        prop::sample::select(vec![
            "{send}",
            "{collateral}",
            "{who}",
            "{num}",
            "{name}",
            "{word}"
        ])
        .prop_map(str::to_string),
        (1u32..4).prop_map(|n| format!("…{n}")),
    ];
    leaf.prop_recursive(depth, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| v.join(" ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| format!("({})", v.join(" | "))),
            inner.prop_map(|n| format!("({n})?")),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    /// The compiled automaton matches exactly the token spans the language says the phrase
    /// matches, on generated phrases and notes.
    #[test]
    fn the_automaton_matches_what_the_phrase_means(
        phrase in prop::collection::vec(arb_node(2), 1..4).prop_map(|v| v.join(" ")),
        words in prop::collection::vec(
            prop::sample::select(vec![
                "send", "sent", "Sent", "sending", "the", "quote", "quoted", "price", "list", "lists",
                "Dana", "Priya", "they", "They", "will", "they'll", "tmrw", "their", "ops", "manager",
                "15", "$4k", "20%", ".", "\n- ", ",", "email", "emailed", "brochure", "one-pager", "fired", "off",
                "quuuote", "tmrwww", "SENNND", "ten", "Twenty", "five", "one", "percent", "point",
                "Mrs", "dr", "anne", "Greg", "alvi", "Quote", "theyll", "Im", "didnt", "THEYLL", "ILL",
            ]),
            0..12,
        ),
    ) {
        let lexicon = lexicon();
        let mut c = PhraseCompiler::new(&lexicon);
        let located = Located { value: phrase.clone(), origin: origin() };
        let Ok(index) = c.add(&located) else {
            return Ok(()); // a phrase that can match nothing is refused: fine
        };
        let node = c.phrases[index].clone();
        let atoms = c.atoms.clone();
        let compiled = c.finish().unwrap();
        let note = words.join(" ");
        let tokens = token::tokenize(&note);
        let mut symbols = Vec::new();
        compiled.encoder.encode(&note, &tokens, &mut symbols);
        // The phrase over exactly tokens i..j: the program run on that slice, anchored at both
        // ends (printed and parsed again first: the printed form is a regex of its own).
        let printed = regex_syntax::Parser::new()
            .parse(&compiled.sources[index].to_string())
            .unwrap();
        let whole = Hir::concat(vec![Hir::look(Look::Start), printed, Hir::look(Look::End)]);
        let whole = Program::compile(&whole, symbol_of).unwrap();
        let mut scratch = Scratch::default();
        for i in 0..=tokens.len() {
            let expected = ends(&node, &atoms, &compiled.encoder, &compiled.first_names, &note, &tokens, i);
            for j in i..=tokens.len() {
                let slice = &symbols[i..j];
                proptest::prop_assert_eq!(
                    whole.is_match(slice, 0..slice.len(), &mut scratch),
                    expected.contains(&j),
                    "phrase {:?} on tokens {}..{} of {:?}", phrase, i, j, note
                );
            }
        }
    }
}

#[test]
fn clause_punctuation_in_a_phrase_is_a_clause_end_never_nothing() {
    // Read as no token at all, `("," | ";")` matched where there was no comma either.
    assert_eq!(
        find(r#"friday ("," | ";") i"#, "Friday I call"),
        [] as [&str; 0]
    );
    assert_eq!(
        find(r#"friday ("," | ";") i"#, "Friday, I call"),
        ["Friday, I"]
    );
    // At a sentence's end it matches as `$` does; inside one it does not.
    assert_eq!(find(r#"quote ".""#, "Sent the quote. Done"), ["quote"]);
    assert_eq!(find(r#"quote ".""#, "Sent the quote list"), [] as [&str; 0]);
    assert_eq!(find("quote $", "Sent the quote list"), [] as [&str; 0]);
}
