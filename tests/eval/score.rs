//! How a labelled set is scored and printed: per category, per style, and why the missed
//! labels were missed (see the sets themselves, and their history, in `tests/eval.rs`).

use callnudge::core::{analyze, Category};
use callnudge::prompts::Prompts;
use std::collections::BTreeSet;

#[derive(serde::Deserialize)]
pub struct Labelled {
    pub expect: Vec<Category>,
    pub note: String,
    #[serde(default)]
    pub style: Option<String>,
}

/// The seven ways reps write, as the styled sets name them.
pub const STYLES: [&str; 7] = [
    "shorthand",
    "bullets",
    "full-sentences",
    "pasted-email",
    "voice-to-text",
    "non-native",
    "crm-task",
];

pub fn parse(text: &str) -> Vec<Labelled> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid eval line"))
        .collect()
}

/// Why the engine missed the labels it missed: for each, the best that became of a candidate
/// of that category in the note (none at all means no phrase of it matched: vocabulary and
/// shapes are missing, not the engine's reading of who, negation or exceptions).
#[derive(Default)]
struct WhyMissed {
    no_candidate: u32,
    excepted: u32,
    owner: u32,
    negated: u32,
    question: u32,
    settled: u32,
}

impl WhyMissed {
    fn add(
        &mut self,
        rules: &callnudge::core::RuleSet,
        note: &str,
        expected: &BTreeSet<Category>,
        found: &BTreeSet<Category>,
    ) {
        use callnudge::core::analyze::Dropped;
        use callnudge::core::explain::Verdict;
        let candidates = callnudge::core::explain::explain(rules, note).candidates;
        for c in expected.difference(found) {
            // The candidate that came nearest to a finding decides.
            let rank = |v: &Verdict| match v {
                Verdict::Found | Verdict::Settled => 0,
                Verdict::Dropped(Dropped::Excepted { .. }) => 1,
                Verdict::Dropped(Dropped::Owner { .. }) => 2,
                Verdict::Dropped(Dropped::Negated) => 3,
                Verdict::Dropped(Dropped::Question) => 4,
            };
            let fate = candidates
                .iter()
                .filter(|k| k.category == *c)
                .map(|k| k.verdict)
                .min_by_key(rank);
            let counter = match fate {
                None => &mut self.no_candidate,
                Some(Verdict::Found | Verdict::Settled) => &mut self.settled,
                Some(Verdict::Dropped(Dropped::Excepted { .. })) => &mut self.excepted,
                Some(Verdict::Dropped(Dropped::Owner { .. })) => &mut self.owner,
                Some(Verdict::Dropped(Dropped::Negated)) => &mut self.negated,
                Some(Verdict::Dropped(Dropped::Question)) => &mut self.question,
            };
            *counter += 1;
        }
    }

    fn print(&self) {
        println!(
            "labels missed: {} with no candidate of the category in the note; of the rest, dropped \
             by an exception {}, by who owns the step {}, by a negation {}, as a question {}, \
             settled away {}",
            self.no_candidate, self.excepted, self.owner, self.negated, self.question, self.settled
        );
    }
}

/// Counts of true positives, false positives and false negatives.
#[derive(Clone, Copy, Default)]
struct Counts {
    tp: u32,
    fp: u32,
    fneg: u32,
}

impl Counts {
    fn add(&mut self, expected: &BTreeSet<Category>, found: &BTreeSet<Category>) {
        self.tp += expected.intersection(found).count() as u32;
        self.fp += found.difference(expected).count() as u32;
        self.fneg += expected.difference(found).count() as u32;
    }
    fn precision(self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(self) -> f64 {
        ratio(self.tp, self.tp + self.fneg)
    }
    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

pub fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Prints the per-category table, the per-style one (when notes carry a style) and, when
/// `show_notes`, the notes the analysis gets wrong; returns micro-F1.
pub fn evaluate(name: &str, set: &[Labelled], show_notes: bool) -> f64 {
    let prompts = Prompts::embedded().expect("embedded prompts");
    println!("== {name}");

    let mut counts = std::collections::BTreeMap::<Category, (u32, u32, u32)>::new();
    let mut misses = Vec::new();
    let mut styles = std::collections::BTreeMap::<String, Counts>::new();
    let mut why_missed = WhyMissed::default();
    for item in set {
        let found: BTreeSet<Category> = analyze(&prompts.rules, &item.note)
            .categories()
            .into_iter()
            .collect();
        let expected: BTreeSet<Category> = item.expect.iter().copied().collect();
        if let Some(style) = &item.style {
            styles
                .entry(style.clone())
                .or_default()
                .add(&expected, &found);
        }
        for c in Category::ALL {
            let e = counts.entry(c).or_default();
            match (expected.contains(&c), found.contains(&c)) {
                (true, true) => e.0 += 1,
                (false, true) => e.1 += 1,
                (true, false) => e.2 += 1,
                (false, false) => {}
            }
        }
        if !expected.is_subset(&found) {
            why_missed.add(&prompts.rules, &item.note, &expected, &found);
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
    if !styles.is_empty() {
        println!(
            "{:<22} {:>5} {:>9} {:>7} {:>6}",
            "style", "notes", "precision", "recall", "F1"
        );
        for style in STYLES {
            let notes = set
                .iter()
                .filter(|n| n.style.as_deref() == Some(style))
                .count();
            if let Some(c) = styles.get(style) {
                println!(
                    "{style:<22} {notes:>5} {:>9.2} {:>7.2} {:>6.2}",
                    c.precision(),
                    c.recall(),
                    c.f1()
                );
            }
        }
    }
    why_missed.print();
    if show_notes {
        println!(
            "notes where the analysis differs from the labels:\n{}",
            misses.join("\n")
        );
    }
    f1
}
