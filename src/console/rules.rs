//! `callnudge rules test [DIR]` and `callnudge rules explain NOTE`: tools for whoever writes
//! rules. `test` runs a rules folder's fixtures and prints each that fails; `explain` shows how
//! one note is read (tokens, classes, matches and why a match was dropped).

use crate::core::explain::explain as explain_note;
use crate::core::fixtures;
use crate::prompts::{self, Prompts};
use std::io::Write;
use std::path::Path;

/// Runs the fixtures of `dir` (or the built-in rules' own) against those rules; prints every
/// failure, then a summary. Returns whether all held.
pub fn test(dir: Option<&Path>, out: &mut impl Write) -> anyhow::Result<bool> {
    let prompts = Prompts::load(dir)?;
    let files = prompts::load_fixtures(dir)?;
    if files.is_empty() {
        let place = dir.map_or("the built-in rules".to_string(), |d| {
            d.join("fixtures").display().to_string()
        });
        anyhow::bail!(
            "no fixtures in {place}: write fixtures/<category>.toml with `fire = [...]` (notes that must \
             show the category) and `quiet = [...]` (look-alikes that must not)"
        );
    }
    let (mut notes, mut failed) = (0, 0);
    for (file, text) in &files {
        let (category, f) = fixtures::parse(file, text)?;
        notes += f.fire.len() + f.quiet.len();
        for failure in fixtures::check(&prompts.rules, category, &f) {
            failed += 1;
            writeln!(out, "FAIL {failure}")?;
        }
    }
    writeln!(
        out,
        "{} fixtures, {} passed, {failed} failed",
        notes,
        notes - failed
    )?;
    Ok(failed == 0)
}

/// Prints how `note` is read with `prompts`' rules.
pub fn explain(prompts: &Prompts, note: &str, out: &mut impl Write) -> anyhow::Result<()> {
    if note.trim().is_empty() {
        anyhow::bail!("give the note to explain, in quotes: callnudge rules explain \"sent the quote they asked for\"");
    }
    write!(out, "{}", explain_note(&prompts.rules, note).render())?;
    Ok(())
}
