//! The command line as typed: clap definitions only. `main.rs` validates these into the
//! library's types and calls the adapters.

use callnudge::store::Location;
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
    /// Replay a month of realistic notes from several reps into a data directory and show
    /// nudges, a trend and the team's digest.
    Demo(DemoArgs),
    /// Store a note and print the nudge.
    Note(NoteArgs),
    /// An interactive loop of notes, with :dispute N, :snooze 2d, :trend, :digest and :quit.
    Console(WhoArgs),
    /// A rep's weekly trend (exactly what their manager sees).
    Trend(WhoArgs),
    /// Hold a rep's nudges back for a while (notes are still stored and counted), or turn them
    /// back on; without a length, says whether they are snoozed.
    Snooze(SnoozeArgs),
    /// The team's weekly digest.
    Digest(DigestArgs),
    /// Show or change a team's settings: time zone, digest schedule, managers, retention,
    /// rule overrides.
    Team(TeamArgs),
    /// Say a finding was "not reactive here" (the console's dispute button): a rule the team
    /// keeps disputing is turned down for everyone. `note` prints the command to run.
    Dispute(DisputeArgs),
    /// Delete every record of a rep (on a terminal it asks first, unless --yes).
    Forget(ForgetArgs),
    /// Export a team's notes as CSV or JSON (to standard output).
    Export(ExportArgs),
    /// Import historic notes from CSV (team, rep, time, text); bad rows are reported and
    /// skipped, good rows stored.
    Import(ImportArgs),
    /// Copy the whole store into a new folder, safely while `serve` runs (the copy is read
    /// back and its notes counted). Restore it with `callnudge restore`.
    Backup(BackupArgs),
    /// Make a backup folder the data directory: the data directory must be new or empty
    /// (move the old one away first), and no callnudge may be running on it.
    Restore(RestoreArgs),
    /// Copy a sled data directory into a PostgreSQL database: notes with their ids, team
    /// settings, disputes, digest claims, chat event ids and reps' preferences. Safe to run
    /// again (nothing is copied twice); the copy's counts are checked at the end. Stop any
    /// `serve` on the folder first.
    Migrate(MigrateArgs),
    /// Dry run over a file of notes (CSV with a text column, or one note per line): how often
    /// each rule fires, with examples. Nothing is stored.
    Calibrate(CalibrateArgs),
    /// Tools for whoever writes rules: run a rules folder's fixtures, or see how a note is
    /// read.
    Rules(RulesArgs),
    /// Run the chat bot: Discord (DISCORD_TOKEN) and/or the HTTP server for Slack and
    /// Mattermost (SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN, MATTERMOST_TOKEN). See README.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Run the fixtures of a rules folder (fixtures/<category>.toml: `fire`, notes that must
    /// show the category, and `quiet`, look-alikes that must not) and print each that fails:
    /// the category, the note, what was expected and what was found. Exit 1 when any fails.
    Test {
        /// The rules folder (default: --rules, else the built-in rules and their fixtures).
        dir: Option<PathBuf>,
    },
    /// Show how a note is read: its tokens and the lexicon classes of each word, every phrase
    /// or pattern that matched (and where it is written), and why a match was dropped
    /// (negation, owner, a question, or an exception, named with its file and line) or settled
    /// away.
    Explain {
        /// The note, in quotes (standard input when none is given).
        note: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The notes ("-" for standard input).
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A TOML file of settings named like the environment variables
    /// (`DISCORD_TOKEN = "…"`); the environment wins over the file.
    #[arg(long, env = "CALLNUDGE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
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

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// The sled data directory (unused with --database-url).
    #[arg(
        long,
        env = "CALLNUDGE_DATA_DIR",
        default_value = "./callnudge-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// A PostgreSQL database to keep the data in instead (`postgres://USER:PASSWORD@HOST/DB`,
    /// `?sslmode=verify-full` for checked TLS): several `serve` processes can share it.
    #[arg(
        long,
        env = "CALLNUDGE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

impl DataArgs {
    /// The store these arguments name.
    pub fn location(&self) -> Location {
        Location::new(&self.data_dir, self.database_url.as_deref())
    }
}

/// A rep of a team.
#[derive(Debug, Args, Clone)]
pub struct Who {
    /// The team id (a Discord server is `discord-GUILD_ID`, a Slack team `slack-TEAM_ID`).
    #[arg(long)]
    pub team: String,
    /// The rep's id within the team (on Discord and Slack, the user id).
    #[arg(long)]
    pub rep: String,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub data: DataArgs,
    /// The note (in quotes, or as words: they are joined with spaces); read from standard
    /// input when absent or `-`.
    pub text: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub data: DataArgs,
    /// 4h, 2d or 1w (up to 30 days), or off.
    pub length: Option<String>,
}

#[derive(Debug, Args)]
pub struct DisputeArgs {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub data: DataArgs,
    /// The note's id (printed under its nudge).
    #[arg(long)]
    pub note: u64,
    /// The rule id of the finding (printed under the nudge).
    #[arg(long)]
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub data: DataArgs,
    /// Do not ask (a terminal is asked to type "yes" first).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct WhoArgs {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// The team id (a Discord server is `discord-GUILD_ID`, a Slack team `slack-TEAM_ID`).
    #[arg(long)]
    pub team: String,
    /// The ISO week, e.g. 2026-W48 (default: this week).
    #[arg(long)]
    pub week: Option<String>,
    /// Also write the team's weekly-score chart to this PNG file.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    /// The team id (a Discord server is `discord-GUILD_ID`, a Slack team `slack-TEAM_ID`).
    #[arg(long)]
    pub team: String,
    /// IANA time zone, e.g. America/Los_Angeles.
    #[arg(long)]
    pub tz: Option<String>,
    /// Digest weekday (mon…sun).
    #[arg(long)]
    pub weekday: Option<String>,
    /// Digest hour, 0–23, in the team's time zone.
    #[arg(long)]
    pub hour: Option<u8>,
    /// Add a manager (user id); repeatable.
    #[arg(long = "manager")]
    pub managers: Vec<String>,
    /// Days the note text is kept, 1–3650, or `none` to keep no note text (the analysis is
    /// kept regardless).
    #[arg(long, value_name = "DAYS|none")]
    pub retention_days: Option<String>,
    /// Rule override `ID=off|suggestion|warning|default`; repeatable.
    // Its own id: the global `--rules DIR` already takes the name `rules`.
    #[arg(long = "rule", id = "rule_overrides")]
    pub rule_overrides: Vec<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The team id (a Discord server is `discord-GUILD_ID`, a Slack team `slack-TEAM_ID`).
    #[arg(long)]
    pub team: String,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV with a header: team, rep, time (RFC 3339), text; `-` reads standard input.
    /// Importing the same rows again stores nothing twice.
    pub file: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The folder to write the copy into: new, or empty.
    pub to: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A folder written by `callnudge backup`.
    pub from: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The sled data directory to copy.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The database to copy into (`postgres://USER:PASSWORD@HOST/DB`).
    #[arg(
        long,
        value_name = "URL",
        env = "CALLNUDGE_DATABASE_URL",
        hide_env_values = true
    )]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's data here (default: a fresh temporary directory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}
