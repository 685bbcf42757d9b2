//! The labelled evaluation sets: realistic notes with the categories a sales coach would tag.
//! Prints per-category precision and recall.
//!
//! - `tests/eval/notes.jsonl` (785 notes): the rules were tuned on it; fails below micro-F1 0.85.
//! - `tests/eval/holdout.jsonl` (50 notes): written before the last round of rule work and never
//!   tuned on — the honest figure (F1 0.71 when written: precision 0.95, recall 0.57); fails
//!   below 0.65, a guard against regressions, not a target. When the rules are tuned on its
//!   misses, its notes move to the tuned set and a fresh held-out set is written first.

use callnudge::core::{analyze, Category};
use callnudge::prompts::Prompts;
use std::collections::BTreeSet;

#[derive(serde::Deserialize)]
struct Labelled {
    expect: Vec<Category>,
    note: String,
}

const MIN_MICRO_F1: f64 = 0.85;
const MIN_HOLDOUT_F1: f64 = 0.65;

fn parse(text: &str) -> Vec<Labelled> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid eval line"))
        .collect()
}

#[test]
fn evaluation_set_meets_micro_f1() {
    let set = parse(include_str!("eval/notes.jsonl"));
    assert!(set.len() >= 150, "the set needs at least 150 notes");
    let f1 = evaluate("tuned set", &set);
    assert!(
        f1 >= MIN_MICRO_F1,
        "micro-F1 {f1:.3} is below {MIN_MICRO_F1}"
    );
}

#[test]
fn held_out_set_micro_f1() {
    let set = parse(include_str!("eval/holdout.jsonl"));
    let f1 = evaluate("held-out set", &set);
    assert!(
        f1 >= MIN_HOLDOUT_F1,
        "held-out micro-F1 {f1:.3} is below {MIN_HOLDOUT_F1}"
    );
}

/// Prints the per-category table and the misses; returns micro-F1.
fn evaluate(name: &str, set: &[Labelled]) -> f64 {
    let prompts = Prompts::embedded().expect("embedded prompts");
    println!("== {name}");

    let mut counts = std::collections::BTreeMap::<Category, (u32, u32, u32)>::new();
    let mut misses = Vec::new();
    for item in set {
        let found: BTreeSet<Category> = analyze(&prompts.rules, &item.note)
            .categories()
            .into_iter()
            .collect();
        let expected: BTreeSet<Category> = item.expect.iter().copied().collect();
        for c in Category::ALL {
            let e = counts.entry(c).or_default();
            match (expected.contains(&c), found.contains(&c)) {
                (true, true) => e.0 += 1,
                (false, true) => e.1 += 1,
                (true, false) => e.2 += 1,
                (false, false) => {}
            }
        }
        if found != expected {
            misses.push(format!(
                "  expected {:?}, found {:?}: {:?}",
                expected.iter().map(|c| c.id()).collect::<Vec<_>>(),
                found.iter().map(|c| c.id()).collect::<Vec<_>>(),
                item.note
            ));
        }
    }
    let ratio = |a: u32, b: u32| {
        if b == 0 {
            1.0
        } else {
            f64::from(a) / f64::from(b)
        }
    };
    println!(
        "{:<22} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "category", "tp", "fp", "fn", "precision", "recall"
    );
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for (c, (t, p, n)) in &counts {
        println!(
            "{:<22} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            c.id(),
            t,
            p,
            n,
            ratio(*t, t + p),
            ratio(*t, t + n)
        );
        tp += t;
        fp += p;
        fneg += n;
    }
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fneg);
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!(
        "micro: precision {precision:.3} recall {recall:.3} F1 {f1:.3} over {} notes",
        set.len()
    );
    println!(
        "notes where the analysis differs from the labels:\n{}",
        misses.join("\n")
    );
    f1
}
