//! Properties of the analysis for any input: no panic, spans on char boundaries equal to the
//! quoted text, score in range, and the score's monotonic law.

use callnudge::core::score::{peer_score, NEUTRAL};
use callnudge::core::{analyze, Category, Finding, Level, Polarity};
use callnudge::prompts::Prompts;
use proptest::prelude::*;
use std::sync::OnceLock;

fn prompts() -> &'static Prompts {
    static P: OnceLock<Prompts> = OnceLock::new();
    P.get_or_init(|| Prompts::embedded().unwrap())
}

/// Text built from sales phrases, odd Unicode and noise, so that rules actually fire.
fn note_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("they asked for a quote ".to_string()),
        Just("I'll send it EOD. ".to_string()),
        Just("Dana will pull the numbers ".to_string()),
        Just("gave them 10% off ".to_string()),
        Just("didn't ".to_string()),
        Just("\"we'll send\" ".to_string()),
        Just("CFO ".to_string()),
        Just("— 😀 مرحبا שלום ".to_string()),
        Just("\n- ".to_string()),
        Just("e\u{301}\u{200d} ".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn finding(polarity: Polarity, weight: u8) -> Finding {
    Finding {
        rule: "r".into(),
        category: if polarity == Polarity::Peer {
            Category::Insight
        } else {
            Category::Chasing
        },
        polarity,
        level: Level::Warning,
        weight,
        start: 0,
        end: 0,
        text: String::new(),
        message: "".into(),
        suggestion: "".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_string_gives_valid_spans_and_score(note in note_strategy()) {
        let report = analyze(&prompts().rules, &note);
        prop_assert!(report.score <= 100);
        for f in &report.findings {
            prop_assert!(note.is_char_boundary(f.start) && note.is_char_boundary(f.end));
            prop_assert!(f.start < f.end);
            prop_assert_eq!(&note[f.start..f.end], f.text.as_str());
            prop_assert_eq!(f.polarity, f.category.polarity());
        }
        let nudge = callnudge::core::nudge(&prompts().rules, &prompts().nudge, &report, &note);
        prop_assert!(nudge.text.chars().count() <= callnudge::core::nudge::MAX_CHARS);
        prop_assert!(nudge.shown.len() <= 2);
    }

    #[test]
    fn arbitrary_unicode_never_panics(note in "\\PC{0,300}") {
        let report = analyze(&prompts().rules, &note);
        prop_assert!(report.score <= 100);
    }

    #[test]
    fn score_is_monotonic(
        peer in prop::collection::vec(1u8..=5, 0..8),
        reactive in prop::collection::vec(1u8..=5, 0..8),
        extra in 1u8..=5,
    ) {
        let mut findings: Vec<Finding> = peer.iter().map(|&w| finding(Polarity::Peer, w)).collect();
        findings.extend(reactive.iter().map(|&w| finding(Polarity::Reactive, w)));
        let base = peer_score(&findings);
        let mut more_reactive = findings.clone();
        more_reactive.push(finding(Polarity::Reactive, extra));
        prop_assert!(peer_score(&more_reactive) <= base);
        let mut more_peer = findings.clone();
        more_peer.push(finding(Polarity::Peer, extra));
        prop_assert!(peer_score(&more_peer) >= base);
    }
}

#[test]
fn notes_without_findings_score_neutral() {
    for note in ["", "   ", "Lunch at noon.", "😀😀😀"] {
        let report = analyze(&prompts().rules, note);
        assert!(report.findings.is_empty(), "{note:?}");
        assert_eq!(report.score, NEUTRAL);
    }
}

#[test]
fn adding_a_reactive_sentence_to_a_real_note_never_raises_its_score() {
    let base = "Dana will pull the churn numbers; CFO joins next week.";
    let worse = format!("{base} Gave them 20% off to close.");
    let p = prompts();
    assert!(analyze(&p.rules, &worse).score < analyze(&p.rules, base).score);
}
