//! `callnudge demo`: replays a realistic month of notes from several reps through the real
//! pipeline (analysis, sled store, trends, digest) and prints some nudges, one rep's trend and
//! the team's digest. Deterministic: the same notes in the same order every time.

use crate::service::Service;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use std::io::Write;

#[derive(Deserialize)]
struct DemoNotes {
    reps: Vec<String>,
    reactive: Vec<String>,
    peer: Vec<String>,
}

/// The demo's team.
pub const TEAM: &str = "demo-team";

/// Replays four weeks ending at `now`; returns how many notes were stored.
pub fn run(service: &Service, now: DateTime<Utc>, out: &mut impl Write) -> anyhow::Result<usize> {
    // A second replay into the same folder would add the month again beside the first.
    let before = service.team_notes(TEAM)?.len();
    if before > 0 {
        anyhow::bail!(
            "team {TEAM} already has {before} notes here from an earlier demo; the demo replays \
             into a fresh folder: pass another --data-dir, or none for a temporary one"
        );
    }
    let text = crate::prompts::embedded_file("demo.toml").unwrap_or_default();
    let demo: DemoNotes = toml::from_str(text)?;
    service.change_settings(
        TEAM,
        [crate::core::settings::SettingChange::AddManager(
            "maria".into(),
        )],
    )?;
    let (mut r, mut p) = (0usize, 0usize);
    let mut stored = 0;
    let mut shown = 0;
    writeln!(out, "Replaying a month of notes for team {TEAM}…\n")?;
    for week in 0..4i64 {
        for (i, rep) in demo.reps.iter().enumerate() {
            // ana improves week by week, ben stays reactive, chloe is a peer, dev goes quiet.
            let peer_share = match i {
                0 => week as usize * 3,
                1 => 1,
                2 => 8,
                _ => 5,
            };
            if i == 3 && week == 3 {
                continue;
            }
            for n in 0..10i64 {
                let peerish = (n as usize) < peer_share;
                let text = if peerish {
                    p += 1;
                    &demo.peer[p % demo.peer.len()]
                } else {
                    r += 7;
                    &demo.reactive[r % demo.reactive.len()]
                };
                let at = now - Duration::weeks(3 - week) - Duration::hours(n * 9 + i as i64);
                let s = service.submit_note(TEAM, rep, text, at)?;
                stored += 1;
                if week == 3 && shown < 3 && ((n == 9 && i < 2) || (n == 0 && i == 2)) {
                    shown += 1;
                    writeln!(out, "── {rep} posts: {text}\n{}\n", s.nudge.text)?;
                }
            }
        }
    }
    writeln!(out, "── ana's /trend\n{}", service.trend(TEAM, "ana")?.1)?;
    let (_, parts) = service.digest(TEAM, None, now)?;
    writeln!(
        out,
        "── the weekly digest maria receives\n{}",
        parts.join("\n")
    )?;
    Ok(stored)
}
