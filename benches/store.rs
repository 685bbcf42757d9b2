//! Storage benchmarks (issue #3), a bench command: `cargo bench --bench store`.
//!
//! 1. Durable ingestion (flush before the ack) with 1 writer — which is one flush per note —
//!    and with 64 concurrent writers sharing flushes (group commit): notes per second and the
//!    ratio (target ≥ 10×). Both paths the product has: threads that wait for the disk (the
//!    console, `Store::add_note` / `Service::submit_note`) and async tasks that do not (the
//!    chat adapters, `Store::add_note_then` / `Service::submit_note_async`, on a tokio runtime
//!    with one worker per core); and the chat adapters' previous way, a blocking-pool thread
//!    per note. Plus raw sled with a flush per note, 1 and 64 writers, as a baseline outside
//!    callnudge's code. Each figure is the median of five runs (one run on this VM can be 30%
//!    off).
//! 2. The digest of a team of 1,000 reps × 52 weeks × 10 notes a week (520,000 notes), timed in
//!    a fresh child process that also reports its peak memory (targets: < 1 s, < 200 MB).
//!
//! 3. With `CALLNUDGE_BENCH_DATABASE_URL=postgres://…` (a server where the bench may create
//!    databases), the store's durable ingestion again on PostgreSQL, 1 and 64 writers, each
//!    run in a fresh database, beside sled's figures from the same run.
//!
//! `CALLNUDGE_BENCH_QUICK=1` shrinks both for a smoke run; `CALLNUDGE_BENCH_ONLY=ingestion` or
//! `=digest` runs one part.

#[path = "support/bench_db.rs"]
mod bench_db;

use bench_db::BenchDb;
use callnudge::core::{analyze, NoteRecord, Week};
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::{PgStore, SledStore, Store};
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;
use std::time::Instant;

const NOTES: [&str; 4] = [
    "Acme - they asked for an updated quote for 500 units. I'll send it over by EOD.",
    "Met their CFO about cutting churn 10% this year; she owns the pilot plan and will book the review.",
    "Just checking in again, no reply yet. I'll follow up Friday with the deck.",
    "Demoed the dashboards and integrations; they loved it. Procurement wants our security docs.",
];

fn service(dir: &std::path::Path) -> Service {
    let store = SledStore::open(dir).expect("open the store");
    Service::new(Arc::new(store), Arc::new(Prompts::load(None).unwrap()))
}

/// Where a run's notes go: a fresh sled folder, or a fresh database on a PostgreSQL server.
#[derive(Clone, Copy)]
enum Backend<'a> {
    Sled,
    Postgres(&'a str),
}

/// A fresh store of `backend`'s kind, and what keeps it alive (dropped after the run).
fn fresh(backend: Backend) -> (Service, Box<dyn std::any::Any>) {
    let prompts = Arc::new(Prompts::load(None).unwrap());
    match backend {
        Backend::Sled => {
            let dir = tempfile::tempdir().unwrap();
            let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
            (Service::new(store, prompts), Box::new(dir))
        }
        Backend::Postgres(server) => {
            let db = BenchDb::new(server);
            let store: Arc<dyn Store> = Arc::new(PgStore::open(&db.url).unwrap());
            (Service::new(store, prompts), Box::new(db))
        }
    }
}

fn quick() -> bool {
    std::env::var("CALLNUDGE_BENCH_QUICK").is_ok()
}

/// How concurrent writers reach the store.
#[derive(Clone, Copy, PartialEq)]
enum Path {
    /// OS threads that wait for the disk (the console).
    Threads,
    /// Tokio tasks that leave a callback and await it (the chat adapters).
    Tasks,
    /// Tokio tasks each running the blocking call on tokio's blocking pool (the chat
    /// adapters before `add_note_then`).
    BlockingPool,
}

/// Notes per second with `writers` concurrent writers each storing `each` notes along `path`,
/// through the whole use case (`full`: analysis + store + flush) or the store alone
/// (pre-analysed records).
fn rate(backend: Backend, path: Path, writers: usize, each: usize, full: bool) -> f64 {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let (s, _keep) = fresh(backend);
    let s = Arc::new(s);
    let records: Arc<Vec<NoteRecord>> = Arc::new(
        NOTES
            .iter()
            .map(|t| s.prepare_note("bench", "x", t, now).unwrap().0)
            .collect(),
    );
    let record = move |records: &[NoteRecord], i: usize, rep: &str| {
        let mut r = records[i % 4].clone();
        r.rep = rep.to_string();
        r
    };
    let t = Instant::now();
    if path == Path::Threads {
        std::thread::scope(|scope| {
            for w in 0..writers {
                let (s, records) = (s.clone(), &records);
                scope.spawn(move || {
                    let rep = format!("rep{w}");
                    for i in 0..each {
                        if full {
                            s.submit_note("bench", &rep, NOTES[(i + w) % 4], now)
                                .unwrap();
                        } else {
                            s.store().add_note(record(records, i + w, &rep)).unwrap();
                        }
                    }
                });
            }
        });
    } else {
        let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
        rt.block_on(async {
            let tasks: Vec<_> = (0..writers)
                .map(|w| {
                    let (s, records) = (s.clone(), records.clone());
                    tokio::spawn(async move {
                        let rep = format!("rep{w}");
                        for i in 0..each {
                            let text = NOTES[(i + w) % 4];
                            match (path, full) {
                                (Path::Tasks, true) => {
                                    s.submit_note_async("bench", &rep, text, now).await.unwrap();
                                }
                                (Path::Tasks, false) => {
                                    let (tx, rx) = tokio::sync::oneshot::channel();
                                    let r = record(&records, i + w, &rep);
                                    s.store().add_note_then(
                                        r,
                                        Box::new(move |stored| {
                                            let _ = tx.send(stored);
                                        }),
                                    );
                                    rx.await.unwrap().unwrap();
                                }
                                (_, true) => {
                                    let (s, rep) = (s.clone(), rep.clone());
                                    tokio::task::spawn_blocking(move || {
                                        s.submit_note("bench", &rep, text, now)
                                    })
                                    .await
                                    .unwrap()
                                    .unwrap();
                                }
                                (_, false) => {
                                    let (s, r) = (s.clone(), record(&records, i + w, &rep));
                                    tokio::task::spawn_blocking(move || s.store().add_note(r))
                                        .await
                                        .unwrap()
                                        .unwrap();
                                }
                            }
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        });
    }
    let rate = (writers * each) as f64 / t.elapsed().as_secs_f64();
    let stored = s.store().notes("bench", None).unwrap().len();
    assert_eq!(stored, writers * each, "every acknowledged note is stored");
    rate
}

/// The baseline without group commit: `writers` threads each inserting a note straight into
/// sled and flushing before the next, one flush per note.
fn flush_per_note(writers: usize, each: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::open(dir.path()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let s = service(tempfile::tempdir().unwrap().path());
    let value =
        serde_json::to_vec(&s.prepare_note("bench", "x", NOTES[0], now).unwrap().0).unwrap();
    let t = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..writers {
            let (db, value) = (&db, &value);
            scope.spawn(move || {
                for i in 0..each {
                    db.insert(format!("{w:03}-{i:06}"), value.as_slice())
                        .unwrap();
                    db.flush().unwrap();
                }
            });
        }
    });
    (writers * each) as f64 / t.elapsed().as_secs_f64()
}

/// The median of `runs` measurements, and their range: this VM's disk and CPU are noisy, one
/// run of a quarter second can be 30% off.
fn median(runs: usize, measure: impl Fn() -> f64) -> (f64, f64, f64) {
    let mut v: Vec<f64> = (0..runs).map(|_| measure()).collect();
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn ingestion() {
    let (single, each, runs) = if quick() {
        (200, 20, 1)
    } else {
        (3000, 300, 5)
    };
    let (base1, _, _) = median(runs, || flush_per_note(1, single));
    let (base64, _, _) = median(runs, || flush_per_note(64, each));
    // `rate(1, …)` is itself one flush per note (a lone writer has no one to share with).
    println!("ingestion, durable (flush before ack), median of {runs} runs [range]:");
    println!("  baseline, raw sled insert + flush per note: 1 writer {base1:.0}/s, 64 writers {base64:.0}/s");
    for (label, full) in [
        ("store (add_note / add_note_then)", false),
        (
            "use case (submit_note / submit_note_async: analyse + store)",
            true,
        ),
    ] {
        println!("  {label}:");
        let mut lone_thread = 0.0;
        for (path, name) in [
            (Path::Threads, "threads waiting for the disk (console)"),
            (Path::Tasks, "async tasks (chat adapters)"),
            (
                Path::BlockingPool,
                "a blocking-pool thread per note (chat adapters before)",
            ),
        ] {
            let (one, lo1, hi1) = median(runs, || rate(Backend::Sled, path, 1, single, full));
            let (many, lo, hi) = median(runs, || rate(Backend::Sled, path, 64, each, full));
            if path == Path::Threads {
                lone_thread = one;
            }
            println!("    {name}:");
            println!("      1 writer  : {one:>9.0} notes/s [{lo1:.0}–{hi1:.0}]");
            println!(
                "      64 writers: {many:>9.0} notes/s [{lo:.0}–{hi:.0}] = {:.1}× its 1 writer (one flush per note; target ≥ 10×), {:.1}× the lone thread, {:.1}× the 64-writer baseline",
                many / one,
                many / lone_thread,
                many / base64
            );
        }
    }
}

/// The store's durable ingestion on PostgreSQL beside sled's, when a server is given.
fn ingestion_postgres() {
    let Ok(server) = std::env::var("CALLNUDGE_BENCH_DATABASE_URL") else {
        println!("PostgreSQL: skipped (set CALLNUDGE_BENCH_DATABASE_URL=postgres://… to run it)");
        return;
    };
    let (single, each, runs) = if quick() {
        (200, 20, 1)
    } else {
        (2000, 100, 3)
    };
    println!("ingestion, durable, store alone (add_note / add_note_then), median of {runs} runs [range]:");
    for (name, backend) in [
        ("sled", Backend::Sled),
        ("PostgreSQL", Backend::Postgres(&server)),
    ] {
        for (path, how) in [(Path::Threads, "threads"), (Path::Tasks, "async tasks")] {
            let (one, lo1, hi1) = median(runs, || rate(backend, path, 1, single, false));
            let (many, lo, hi) = median(runs, || rate(backend, path, 64, each, false));
            println!(
                "  {name:<10} {how:<11}: 1 writer {one:>7.0}/s [{lo1:.0}–{hi1:.0}], 64 writers {many:>7.0}/s [{lo:.0}–{hi:.0}] ({:.1}×)",
                many / one
            );
        }
    }
}

fn seed(dir: &std::path::Path) -> usize {
    let (reps, weeks, per_week) = if quick() {
        (100, 52, 10)
    } else {
        (1000, 52, 10)
    };
    let prompts = Prompts::load(None).unwrap();
    let templates: Vec<NoteRecord> = NOTES
        .iter()
        .map(|t| NoteRecord::new("big", "x", Utc::now(), t, &analyze(&prompts.rules, t)))
        .collect();
    let s = service(dir);
    let start = Utc.with_ymd_and_hms(2025, 12, 1, 9, 0, 0).unwrap();
    let mut batch = Vec::with_capacity(10_000);
    let mut n = 0;
    for r in 0..reps {
        let rep = format!("rep{r:04}");
        for w in 0..weeks {
            for k in 0..per_week {
                let mut note = templates[(r + w + k) % 4].clone();
                note.rep.clone_from(&rep);
                note.at = start + Duration::weeks(w as i64) + Duration::hours((k * 7) as i64);
                batch.push(note);
                n += 1;
                if batch.len() == 10_000 {
                    s.store().add_notes(std::mem::take(&mut batch)).unwrap();
                }
            }
        }
    }
    s.store().add_notes(batch).unwrap();
    n
}

/// In the child: open, build the digest of the last seeded week, report time and peak memory.
fn digest_child(dir: &str) {
    let s = service(std::path::Path::new(dir));
    let week: Week = "2026-W48".parse().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let t = Instant::now();
    let (d, parts) = s.digest("big", Some(week), now).unwrap();
    let took = t.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: ? kB")
        .to_string();
    println!(
        "  digest of {week}: {} reps active, {} parts, {:.0} ms; peak memory {}",
        d.active_reps,
        parts.len(),
        took.as_secs_f64() * 1000.0,
        hwm.trim_start_matches("VmHWM:").trim()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list
    }
    if let Ok(dir) = std::env::var("CALLNUDGE_BENCH_DIGEST_DIR") {
        digest_child(&dir);
        return;
    }
    let only = std::env::var("CALLNUDGE_BENCH_ONLY").unwrap_or_default();
    if only != "digest" {
        ingestion();
        ingestion_postgres();
    }
    if only == "ingestion" {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let n = seed(dir.path());
    println!("digest (targets < 1 s, < 200 MB):");
    println!("  seeded {n} notes in {:.1} s", t.elapsed().as_secs_f64());
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .env("CALLNUDGE_BENCH_DIGEST_DIR", dir.path())
        .status()
        .unwrap();
    assert!(status.success());
}
