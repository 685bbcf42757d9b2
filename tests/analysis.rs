//! The engine's reading of real-note features: ownership, quotes, negation, conditional rules,
//! exceptions, shorthand, team overrides, and the nudge built from a report.

use callnudge::core::{analyze, nudge, Category, Level, RuleOverride};
use callnudge::prompts::Prompts;

/// The built-in prompts, compiled once for every test of this file.
fn prompts() -> &'static Prompts {
    static PROMPTS: std::sync::OnceLock<Prompts> = std::sync::OnceLock::new();
    PROMPTS.get_or_init(|| Prompts::embedded().expect("the built-in prompts compile"))
}

fn cats(note: &str) -> Vec<Category> {
    analyze(&prompts().rules, note).categories()
}

#[test]
fn ownership_decides_whose_step_it_is() {
    assert!(cats("They will send the usage data.").contains(&Category::ClientCommitment));
    assert!(cats("Dana will pull the numbers").contains(&Category::ClientCommitment));
    assert!(cats("their ops manager will run the numbers").contains(&Category::ClientCommitment));
    let mine = cats("I'll send the usage data.");
    assert!(mine.contains(&Category::OneSidedFollowUp));
    assert!(!mine.contains(&Category::ClientCommitment));
    assert!(cats("we will follow up on Friday").contains(&Category::OneSidedFollowUp));
    // The second step takes the first step's subject.
    assert!(!cats("They will review it and send feedback").contains(&Category::OneSidedFollowUp));
}

#[test]
fn a_role_of_something_is_who_acts() {
    // The subject slot takes the word after "of"; the role before it says whose step it is.
    for note in [
        "CEO agreed. head of tox sends current study list thurs, we return revised gantt mon",
        "their vp of ops will pull the downtime logs by friday",
    ] {
        let c = cats(note);
        assert!(c.contains(&Category::ClientCommitment), "{note}: {c:?}");
    }
    // "me" before the role is no possessive: the role is still theirs.
    let c = cats("CFO told me head of ops will send the logs friday");
    assert!(c.contains(&Category::ClientCommitment), "{c:?}");
    let ours = cats("our head of legal will send the redlines by friday");
    assert!(!ours.contains(&Category::ClientCommitment), "{ours:?}");
    assert!(ours.contains(&Category::OneSidedFollowUp), "{ours:?}");
}

#[test]
fn first_person_in_quotes_is_the_client_speaking() {
    let c = cats("She said \"we'll send the data over by Friday\".");
    assert!(c.contains(&Category::ClientCommitment), "{c:?}");
    assert!(!c.contains(&Category::OneSidedFollowUp), "{c:?}");
}

#[test]
fn negation_suppresses_a_phrase() {
    for note in [
        "We did not offer a discount.",
        "no discount this time",
        "I didn't agree to net 90",
        "we never waived the setup fee",
    ] {
        assert!(
            !cats(note).contains(&Category::UnearnedConcession),
            "{note:?}"
        );
    }
    assert!(cats("We offered a discount.").contains(&Category::UnearnedConcession));
    // "Instead of" negates what follows; "instead" opening a clause does not.
    assert!(
        !cats("instead of offering a discount we asked about their volumes")
            .contains(&Category::UnearnedConcession)
    );
    let c = cats("No discount. Instead I showed him what other clinics did");
    assert!(c.contains(&Category::Insight), "{c:?}");
    // A step that opens on its own subject is a clause of its own: the negation before it
    // stays behind, unless a verb of thinking carries it on.
    let c = cats("we give sixty day credit no interest and I'll bring the samples next week");
    assert!(c.contains(&Category::OneSidedFollowUp), "{c:?}");
    for note in [
        "not sure I'll bring the samples next week",
        "not sure if I'll bring the samples next week",
    ] {
        let c = cats(note);
        assert!(!c.contains(&Category::OneSidedFollowUp), "{note}: {c:?}");
    }
}

/// Asserts that `note` shows every category of `has` and none of `lacks`.
fn reads(note: &str, has: &[Category], lacks: &[Category]) {
    let c = cats(note);
    assert!(
        has.iter().all(|x| c.contains(x)) && !lacks.iter().any(|x| c.contains(x)),
        "{note}: {c:?}"
    );
}

#[test]
fn a_name_in_lower_case_is_still_the_client() {
    use Category::*;
    // Typed on a phone or dictated: a first name, or any word after a title, in lower case.
    for note in [
        "stevie (prod mgr) clearing it w/ his boss by fri",
        "dr alvi will send the case list by friday",
        "mrs. okafor will send the site list tmrw",
    ] {
        reads(note, &[ClientCommitment], &[OneSidedFollowUp]);
    }
    reads(
        "so um talked to the owner greg and he wants the numbers",
        &[LeaderAccess],
        &[],
    );
    reads("- contact: tom reyes, buyer", &[GatekeeperOnly], &[]);
    // A listed name a rule uses as a word is that word: "lois", letters of intent.
    reads(
        "good call and anne will send the logs",
        &[ClientCommitment],
        &[],
    );
    reads(
        "good call and lois will send the logs",
        &[],
        &[ClientCommitment],
    );
}

#[test]
fn a_contraction_without_its_apostrophe_is_read_as_with_it() {
    use Category::*;
    // Typed on a phone: "youll", "theyre", "Im" are "you'll", "they're", "I'm".
    reads(
        "Hi Beatriz, as discussed youll send the signed NDA by Wednesday.",
        &[ClientCommitment],
        &[],
    );
    reads(
        "so theyre sending us the last three months of invoices by wednesday",
        &[ClientCommitment],
        &[],
    );
    reads(
        "Im going to send the deck and the price list tonight",
        &[OneSidedFollowUp],
        &[ClientCommitment],
    );
}

#[test]
fn a_sentence_begun_without_a_full_stop_is_a_sentence_of_its_own() {
    use Category::*;
    // The "instead of" before it negates nothing in it.
    reads(
        "I shared how another firm cut excursions with phase-change packs instead of active \
         reefers He agreed to send us the excursion logs by next Friday",
        &[ClientCommitment],
        &[],
    );
    // A to-do that opens its sentence: "Tomorrow I call him".
    reads(
        "he like very much our product Tomorrow I call him again for know the answer",
        &[OneSidedFollowUp],
        &[],
    );
}

#[test]
fn our_in_a_clients_pasted_email_is_the_client() {
    use Category::*;
    reads(
        "From: Jana Lindqvist (Fleet Director)\nHi Sam,\nThanks for the demo. Our fleet manager \
         will send you the mileage logs by Friday.\nBest,\nJana\n",
        &[ClientCommitment],
        &[OneSidedFollowUp],
    );
    // In the rep's own words "our" is the rep's company.
    reads(
        "Our fleet manager will send you the mileage logs by Friday.",
        &[],
        &[ClientCommitment],
    );
}

#[test]
fn a_relative_clause_names_the_client_and_a_long_chain_of_them_is_fine() {
    let c = cats("his daughter Camila who make the purchases will send me the list by friday");
    assert!(c.contains(&Category::ClientCommitment), "{c:?}");
    // Clauses hanging on clauses, a note long: read once each, no deeper.
    let chain = "Lee who met ".repeat(50_000) + "Lee will send the logs by Friday";
    let _ = cats(&chain);
}

#[test]
fn a_trade_is_not_an_unearned_concession() {
    let c = cats("Offered 10% off in exchange for a 3-year term.");
    assert!(c.contains(&Category::TradedConcession));
    assert!(!c.contains(&Category::UnearnedConcession));
}

#[test]
fn one_sided_follow_up_is_conditional_on_no_client_step() {
    assert!(cats("I'll send the recap.").contains(&Category::OneSidedFollowUp));
    assert!(!cats("I'll send the recap. Dana will pull the churn data.")
        .contains(&Category::OneSidedFollowUp));
}

#[test]
fn shorthand_case_and_bullets_are_read() {
    let c = cats("- acme call w/ procurement\n- they want a QUOTE asap\n- will send eod");
    assert!(c.contains(&Category::OrderTaking), "{c:?}");
    assert!(c.contains(&Category::OneSidedFollowUp), "{c:?}");
    assert!(c.contains(&Category::GatekeeperOnly), "{c:?}");
    // Common typos still read.
    assert!(cats("gave them a discont").contains(&Category::UnearnedConcession));
    assert!(cats("folow up again on the qoute").contains(&Category::Chasing));
    assert!(cats("they asked for a qoute").contains(&Category::OrderTaking));
    assert!(cats("Following-up again for the third time").contains(&Category::Chasing));
}

#[test]
fn team_overrides_switch_rules_off_and_change_levels() {
    let p = prompts();
    let note = "Just checking in on the proposal.";
    let report = analyze(&p.rules, note);
    assert!(report.has_reactive_warning());
    let off = p.rules.with_overrides([("checking-in", RuleOverride::Off)]);
    assert!(analyze(&off, note).findings.is_empty());
    let quiet = p
        .rules
        .with_overrides([("checking-in", RuleOverride::Level(Level::Suggestion))]);
    let r = analyze(&quiet, note);
    assert_eq!(r.findings.len(), 1);
    assert!(!r.has_reactive_warning());
}

#[test]
fn spans_are_byte_offsets_into_the_note() {
    let note = "Café 😀 — they asked for a quote, I’ll send it EOD";
    let report = analyze(&prompts().rules, note);
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(&note[f.start..f.end], f.text);
    }
}

#[test]
fn the_nudge_is_short_ranked_and_names_peer_signals() {
    let p = prompts();
    let note = "They loved the demo. Asked for a quote, I'll send it tonight. Gave them 10% off. \
                Just checking in tomorrow. Their churn is up and the CFO cares.";
    let report = analyze(&p.rules, note);
    let n = nudge(&p.rules, &p.nudge, &report, note);
    assert!(n.shown.len() <= 2);
    assert!(n.shown.len() == 2, "{:?}", n.shown);
    // Warnings of higher weight come first.
    assert!(n.shown[0].weight >= n.shown[1].weight);
    assert!(n.text.contains(&n.shown[0].text), "the finding is quoted");
    assert!(n.text.contains("Next call"));
    assert!(n.peer_signals.contains(&Category::BusinessOutcome));
    assert!(n.text.contains("Business outcome"));
    assert!(n.text.chars().count() <= 2000);
}

#[test]
fn a_peer_note_gets_reinforcement_not_correction() {
    let p = prompts();
    let note = "Dana will pull the churn numbers; the CFO joins Tuesday.";
    let report = analyze(&p.rules, note);
    let n = nudge(&p.rules, &p.nudge, &report, note);
    assert!(n.shown.is_empty());
    assert!(n.text.contains(&p.nudge.all_peer));
    assert!(report.score > 50);
    // The client owns a step already: the move builds on the note, it does not ask for one.
    assert_ne!(&*n.next_move, p.nudge.keep_going_move.as_str());
    let first = p.rules.category(n.peer_signals[0]);
    assert_eq!(&*n.next_move, first.moves[0].as_str());

    // Peer signals but no step on the client's side: the move is to get them one.
    let note = "Their CFO wants churn down 10% this year.";
    let report = analyze(&p.rules, note);
    let n = nudge(&p.rules, &p.nudge, &report, note);
    assert!(n.shown.is_empty() && !n.peer_signals.is_empty(), "{n:?}");
    assert_eq!(&*n.next_move, p.nudge.keep_going_move.as_str());
}

#[test]
fn a_huge_note_is_analysed() {
    let p = prompts();
    let chunk = "They asked for a quote and I'll send it. Dana will pull the numbers. ";
    let note = chunk.repeat(1_000_000 / chunk.len() + 1);
    let report = analyze(&p.rules, &note);
    assert!(report.findings.len() > 10_000);
    let n = nudge(&p.rules, &p.nudge, &report, &note);
    assert!(n.text.chars().count() <= 2000);
}

#[test]
fn a_long_note_without_a_full_stop_finds_every_repetition() {
    // One chunk of 100 KB with the same step 5,000 times: each one is found once.
    let p = prompts();
    let note = "I'll send the quote, ".repeat(5_000);
    let report = analyze(&p.rules, &note);
    let order_taking = report
        .findings
        .iter()
        .filter(|f| f.category == Category::OrderTaking)
        .count();
    assert_eq!(order_taking, 5_000);
    assert!(report
        .findings
        .iter()
        .all(|f| note[f.start..f.end] == f.text));
}

#[test]
fn a_note_of_one_word_is_read() {
    assert!(cats("crickets").contains(&Category::Chasing));
    assert!(cats("crickets.").contains(&Category::Chasing));
    assert!(cats("\n- crickets").contains(&Category::Chasing));
}

#[test]
fn a_rule_with_a_condition_fires_only_beside_that_category() {
    let dir = tempfile::tempdir().unwrap();
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/rules");
    for entry in std::fs::read_dir(rules).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let file = dir.path().join("mutual-plan.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\n[[rule]]\nid = \"both-sides-own-steps\"\nlevel = \"suggestion\"\nweight = 2\n\
         phrases = [\"we model the savings\"]\nwith = [\"client-commitment\"]\n",
    );
    std::fs::write(&file, text).unwrap();
    let p = Prompts::load(Some(dir.path())).unwrap();
    let alone = analyze(&p.rules, "Next: we model the savings.").categories();
    assert!(!alone.contains(&Category::MutualPlan), "{alone:?}");
    let both = analyze(
        &p.rules,
        "Next: we model the savings. Dana will pull the load data by Fri.",
    )
    .categories();
    assert!(both.contains(&Category::MutualPlan), "{both:?}");
}
