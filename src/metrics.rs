//! Counters of what the adapters did, shared by Discord and Slack and served at `GET /metrics`
//! in the Prometheus text format. Counts only: no ids, no text.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Process-wide counters; cheap to bump from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    pub notes_analysed: AtomicU64,
    pub nudges_sent: AtomicU64,
    pub digests_sent: AtomicU64,
    pub disputes: AtomicU64,
    pub requests_rejected: AtomicU64,
    pub errors: AtomicU64,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, c) in [
            (
                "callnudge_notes_analysed_total",
                "Notes analysed and stored.",
                &self.notes_analysed,
            ),
            (
                "callnudge_nudges_sent_total",
                "Nudges delivered to reps.",
                &self.nudges_sent,
            ),
            (
                "callnudge_digests_sent_total",
                "Weekly digests posted.",
                &self.digests_sent,
            ),
            (
                "callnudge_disputes_total",
                "Not-reactive-here presses stored.",
                &self.disputes,
            ),
            (
                "callnudge_requests_rejected_total",
                "Requests refused: bad signature or token, stale, too large.",
                &self.requests_rejected,
            ),
            (
                "callnudge_errors_total",
                "Requests or tasks that failed.",
                &self.errors,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", c.load(Ordering::Relaxed));
        }
        out
    }
}
