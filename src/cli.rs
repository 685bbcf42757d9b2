//! The command line as typed: clap definitions only. `main.rs` validates these into the
//! library's types and calls the adapters.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// callnudge — nudges sales reps from order-taking toward peer selling, from their call notes.
#[derive(Debug, Parser)]
#[command(name = "callnudge", version, about, long_about = None)]
pub struct Cli {
    /// Read the rules from this directory instead of the built-in ones (same layout as
    /// prompts/rules: one TOML file per category, plus an optional lexicon.toml).
    #[arg(long, global = true, env = "CALLNUDGE_RULES", value_name = "DIR")]
    pub rules: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse notes like a linter: files (or stdin) in, findings out. Exit 0 when nothing
    /// reactive at level warning was found, 1 when something was, 2 on an error.
    Analyze(AnalyzeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable, with the matched text marked.
    Human,
    /// JSON Lines: one object per note (see README "JSON output").
    Json,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files to analyse, each one note; standard input when none is given ("-" is stdin too).
    pub files: Vec<PathBuf>,
    /// Treat each non-blank input line as a note of its own.
    #[arg(long)]
    pub lines: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}
