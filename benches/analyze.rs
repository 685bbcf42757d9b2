//! Analysis speed: throughput over 10,000 varied notes (criterion), then per-note latency
//! percentiles for notes up to 4,000 characters, printed after criterion's report.
//!
//! Targets (issue #2): ≥ 100,000 notes/s on one core; p99 < 50 µs per note up to 4,000 chars.
//! A second case runs the same notes for a team with a rule override (its own copy of the rules).
//! Last, two 1 MB notes (with sentences, and as one long sentence) show time stays linear.

use callnudge::core::{analyze, RuleOverride};
use callnudge::prompts::Prompts;
use criterion::{black_box, criterion_group, Criterion, Throughput};
use std::time::Instant;

/// Deterministic pseudo-random numbers (no dependency, same corpus every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// The evaluation set's first notes seed the corpus: a fixed number, so that the corpus stays
/// the same when later rounds add notes to the set and figures stay comparable across them.
const SEED_NOTES: usize = 705;

/// 10,000 notes built from the labelled evaluation set: single notes, and several joined into
/// longer ones (bullets, line breaks), from a few words up to 4,000 characters.
fn corpus() -> Vec<String> {
    let seeds: Vec<String> = include_str!("../tests/eval/notes.jsonl")
        .lines()
        .take(SEED_NOTES)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["note"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut rng = Lcg(42);
    (0..10_000)
        .map(|i| {
            let target = match i % 10 {
                0..=5 => 0,   // a single note, as most are
                6..=8 => 600, // a longer write-up
                _ => 4_000,   // a long one
            };
            let mut note = seeds[rng.next() % seeds.len()].clone();
            while note.len() < target {
                note.push_str(if rng.next().is_multiple_of(2) {
                    "\n- "
                } else {
                    ". "
                });
                note.push_str(&seeds[rng.next() % seeds.len()]);
            }
            if note.len() > 4_000 {
                let mut cut = 4_000;
                while !note.is_char_boundary(cut) {
                    cut -= 1;
                }
                note.truncate(cut);
            }
            note
        })
        .collect()
}

fn throughput(c: &mut Criterion) {
    let prompts = Prompts::embedded().unwrap();
    let notes = corpus();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Elements(notes.len() as u64));
    group.sample_size(10);
    group.bench_function("10k varied notes", |b| {
        b.iter(|| {
            for n in &notes {
                black_box(analyze(&prompts.rules, n));
            }
        })
    });
    // A team with a rule override gets its own copy of the rules for each note (as
    // `Service::prepare_note` does); the copy must share the compiled automata and their caches.
    let id = prompts.rules.rules()[0].id.to_string();
    group.bench_function("10k varied notes, team with an override", |b| {
        b.iter(|| {
            for n in &notes {
                let rules = prompts
                    .rules
                    .with_overrides([(id.as_str(), RuleOverride::Off)]);
                black_box(analyze(&rules, n));
            }
        })
    });
    group.finish();
}

fn latency() {
    let prompts = Prompts::embedded().unwrap();
    let notes = corpus();
    for n in &notes {
        black_box(analyze(&prompts.rules, n)); // warm the lazy DFA caches
    }
    let mut times: Vec<(u128, usize)> = Vec::with_capacity(notes.len() * 3);
    for _ in 0..3 {
        for n in &notes {
            let t = Instant::now();
            black_box(analyze(&prompts.rules, n));
            times.push((t.elapsed().as_nanos(), n.len()));
        }
    }
    let total: u128 = times.iter().map(|t| t.0).sum();
    println!(
        "analyze latency over {} runs (notes up to 4,000 chars): {}; {:.0} notes/s",
        times.len(),
        percentiles(&times),
        times.len() as f64 / (total as f64 / 1e9)
    );
    // The same runs by length, with the findings a note of that length carries on average.
    for (label, lo, hi) in [
        ("under 200 chars", 0, 200),
        ("200 to 1,000", 200, 1_000),
        ("1,000 to 4,000", 1_000, 4_001),
    ] {
        let class: Vec<(u128, usize)> = times
            .iter()
            .copied()
            .filter(|&(_, len)| (lo..hi).contains(&len))
            .collect();
        let picked: Vec<&String> = notes
            .iter()
            .filter(|n| (lo..hi).contains(&n.len()))
            .collect();
        let findings: usize = picked
            .iter()
            .map(|n| analyze(&prompts.rules, n).findings.len())
            .sum();
        println!(
            "  {label}: {} notes, {:.1} findings each: {}",
            picked.len(),
            findings as f64 / picked.len().max(1) as f64,
            percentiles(&class)
        );
    }
}

/// p50, p99 and max of `(nanoseconds, length)` samples, in µs.
fn percentiles(times: &[(u128, usize)]) -> String {
    let mut ns: Vec<u128> = times.iter().map(|t| t.0).collect();
    if ns.is_empty() {
        return "no notes".into();
    }
    ns.sort_unstable();
    let pct = |p: f64| ns[((ns.len() as f64 * p) as usize).min(ns.len() - 1)] as f64 / 1000.0;
    format!(
        "p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        pct(0.50),
        pct(0.99),
        pct(1.0)
    )
}

/// The largest notes the analysis accepts in a file: 1 MB, with sentences and as one long
/// sentence (time must stay linear in the length, however the text is cut).
fn huge() {
    let prompts = Prompts::embedded().unwrap();
    for (label, piece) in [
        (
            "sentences",
            "They asked for a quote and I'll send it. Dana will pull the numbers. ",
        ),
        ("one sentence", "I'll send the quote, "),
    ] {
        let note = piece.repeat(1_000_000 / piece.len() + 1);
        let t = Instant::now();
        let report = black_box(analyze(&prompts.rules, &note));
        println!(
            "1 MB note ({label}): {} findings in {:.0} ms",
            report.findings.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}

criterion_group!(benches, throughput);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    latency();
    huge();
}
