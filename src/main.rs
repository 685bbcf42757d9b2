//! The `callnudge` binary: parses the command line, loads the prompts, and hands over to the
//! library's adapters. Errors end here: printed with their cause, exit status 2.

use anyhow::Context;
use callnudge::console::admin::AdminCommand;
use callnudge::console::terminal::{Rendered, Style};
use callnudge::console::{self, analyze as analyze_cmd, calibrate, demo, session, team, transfer};
use callnudge::control::{self, ControlError};
use callnudge::core::wording::count;
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::{self, Location, SledStore, StoreError};
use chrono::Utc;
use clap::Parser;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

mod cli;

// Start-up compiles the rules: thousands of small allocations, which mimalloc serves faster.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use cli::{AnalyzeArgs, Cli, Command, ExportFormat, Format, RulesArgs, RulesCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        // `callnudge … | head` closing the pipe early is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("callnudge: error: {}", report(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, outermost first, each said once: a message that already quotes
/// its cause (the store's errors do, so that logs carry it) is not followed by it again.
fn report(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// `callnudge serve`: settings from the environment over an optional TOML file.
fn serve(a: cli::ServeArgs, prompts: Arc<Prompts>) -> anyhow::Result<()> {
    let file: std::collections::BTreeMap<String, toml::Value> = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str(&text)
                .with_context(|| format!("{} is not valid TOML", path.display()))?
        }
        None => Default::default(),
    };
    let var = |k: &str| {
        std::env::var(k).ok().or_else(|| {
            file.get(k).map(|v| match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
    };
    let mut config = callnudge::serve::ServeConfig::from_vars(var)?;
    // The admin socket lets console commands reach a bot that holds its sled folder; on a
    // database they open it themselves, so none is needed.
    if let Location::Dir(dir) = a.data.location() {
        config.control = Some(dir);
    }
    // Opened outside the runtime: a database store blocks on its own runtime while it opens.
    let store = store::open(&a.data.location())?;
    let service = Arc::new(Service::new(store, prompts));
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        callnudge::serve::serve(
            config,
            service,
            Arc::new(callnudge::clock::SystemClock),
            callnudge::serve::signal(),
        )
        .await?;
        anyhow::Ok(())
    })
}

fn init_tracing() {
    let filter = callnudge::logging::filter(std::env::var("CALLNUDGE_LOG").ok().as_deref());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Rules(RulesArgs {
        command: RulesCommand::Test { dir },
    }) = &cli.command
    {
        let dir = dir.as_deref().or(cli.rules.as_deref());
        let passed = callnudge::console::rules::test(dir, &mut std::io::stdout().lock())?;
        return Ok(if passed {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let prompts = Prompts::load(cli.rules.as_deref()).context("the rules could not be loaded")?;
    let prompts = Arc::new(prompts);
    let open = |location: &Location| -> anyhow::Result<Service> {
        let service = Service::new(store::open(location)?, prompts.clone());
        // Note text past retention goes away however callnudge is used (at most daily). A purge
        // that cannot write (a full disk) must not stop reading or exporting: warn and go on.
        match service.purge_if_due(Utc::now()) {
            Ok(Some(n)) => tracing::info!(notes = n, "note text past retention purged"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "retention purge skipped"),
        }
        Ok(service)
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // The bot's Markdown: styled on a terminal, plain text in a pipe or with NO_COLOR.
    let style = {
        use std::io::IsTerminal;
        Style::detect(
            stdout.is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    };
    match cli.command {
        Command::Analyze(args) => return analyze(&prompts, args),
        Command::Rules(RulesArgs { command }) => {
            if let RulesCommand::Explain { note } = command {
                let mut text = note.join(" ");
                if note.is_empty() {
                    std::io::stdin().read_to_string(&mut text)?;
                }
                callnudge::console::rules::explain(&prompts, &text, &mut out)?;
            }
        }
        Command::Demo(args) => {
            let temp;
            let dir = match &args.data_dir {
                Some(d) => d.as_path(),
                None => {
                    temp = tempfile::tempdir()?;
                    temp.path()
                }
            };
            let n = demo::run(
                &open(&Location::Dir(dir.to_path_buf()))?,
                Utc::now(),
                &mut Rendered::new(&mut out, style),
            )?;
            match &args.data_dir {
                Some(d) => writeln!(out, "\n{} stored in {}", count(n as u64, "note", "notes"), d.display())?,
                None => writeln!(out, "\n{} stored in a temporary directory (removed now; pass --data-dir to keep them)", count(n as u64, "note", "notes"))?,
            }
        }
        Command::Note(a) => {
            // `-` reads standard input, as for `analyze` and `calibrate`.
            let text = match a.text.as_slice() {
                [] => None,
                [dash] if dash == "-" => None,
                words => Some(words.join(" ")),
            };
            let text = match text {
                Some(t) => t,
                None => {
                    use std::io::IsTerminal;
                    if std::io::stdin().is_terminal() {
                        eprintln!("Type the note, then press Ctrl-D on a new line to send it.");
                    }
                    // The newline that ends typed or piped input is not part of the note.
                    read_stdin()?.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            let command = AdminCommand::Note {
                team: a.who.team,
                rep: a.who.rep,
                text,
            };
            admin(&a.data, command, &open, style, &mut out)?;
        }
        Command::Console(a) => {
            use std::io::IsTerminal;
            let stdin = std::io::stdin();
            // On a terminal, ask for bracketed paste: a pasted note with paragraphs then stays
            // one note (see `session::console`).
            let terminal = stdin.is_terminal() && std::io::stdout().is_terminal();
            if terminal {
                write!(out, "\x1b[?2004h")?;
            }
            let result = session::console(
                &open(&a.data.location())?,
                &a.who.team,
                &a.who.rep,
                stdin.lock(),
                &mut Rendered::new(&mut out, style),
                Utc::now,
            );
            if terminal {
                write!(out, "\x1b[?2004l")?;
            }
            result?;
        }
        Command::Trend(a) => {
            let command = AdminCommand::Trend {
                team: a.who.team,
                rep: a.who.rep,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Digest(a) => {
            let command = AdminCommand::Digest {
                team: a.team,
                week: a.week,
                png: a.png.map(std::path::absolute).transpose()?,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Snooze(a) => {
            let command = AdminCommand::Snooze {
                team: a.who.team,
                rep: a.who.rep,
                length: a.length.unwrap_or_default(),
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Dispute(a) => {
            let command = AdminCommand::Dispute {
                team: a.who.team,
                rep: a.who.rep,
                note: a.note,
                rule: a.rule,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Forget(a) => {
            use std::io::{BufRead, IsTerminal};
            if !a.yes && std::io::stdin().is_terminal() {
                eprint!(
                    "Delete every record of {} in team {} (notes, disputes, settings)? This \
                     cannot be undone. Type yes to go on: ",
                    a.who.rep, a.who.team
                );
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if answer.trim() != "yes" {
                    anyhow::bail!(
                        "nothing deleted (the answer was not yes; --yes skips the question)"
                    );
                }
            }
            let command = AdminCommand::Forget {
                team: a.who.team,
                rep: a.who.rep,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Team(a) => {
            let changes = team::TeamChanges {
                tz: a.tz,
                weekday: a.weekday,
                hour: a.hour,
                managers: a.managers,
                retention_days: a.retention_days,
                rules: a.rule_overrides,
            };
            let command = AdminCommand::Team {
                team: a.team,
                changes,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Export(a) => {
            let command = AdminCommand::Export {
                team: a.team,
                json: a.format == ExportFormat::Json,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Backup(a) => {
            let command = AdminCommand::Backup {
                to: std::path::absolute(&a.to)?,
            };
            admin(&a.data, command, &open, style, &mut out)?
        }
        Command::Serve(a) => serve(a, prompts.clone())?,
        Command::Restore(a) => {
            if let Location::Postgres(_) = a.data.location() {
                anyhow::bail!(
                    "restore writes a data directory; to load the backup {} into the database, \
                     run `callnudge migrate --from {} --to URL`",
                    a.from.display(),
                    a.from.display()
                );
            }
            let into = &a.data.data_dir;
            if std::fs::read_dir(into).is_ok_and(|mut d| d.next().is_some()) {
                anyhow::bail!(
                    "the data directory {} is not empty: move it away (or pass another \
                     --data-dir), then restore; nothing was changed",
                    into.display()
                );
            }
            if !a.from.join("db").exists() {
                anyhow::bail!(
                    "{} is not a callnudge backup (no `db` file in it)",
                    a.from.display()
                );
            }
            let backup = SledStore::open(&a.from)
                .with_context(|| format!("cannot read the backup {}", a.from.display()))?;
            let n = callnudge::store::Store::backup(&backup, into)?;
            writeln!(
                out,
                "restored {} into {}",
                count(n, "note", "notes"),
                into.display()
            )?;
        }
        Command::Migrate(a) => migrate(a, &mut out)?,
        Command::Calibrate(a) => {
            let input = if a.file.as_os_str() == "-" {
                read_stdin()?
            } else {
                let bytes = std::fs::read(&a.file)
                    .with_context(|| format!("cannot read {}", a.file.display()))?;
                String::from_utf8(bytes).map_err(|e| {
                    anyhow::anyhow!(
                        "{} is not UTF-8 text (invalid byte at offset {})",
                        a.file.display(),
                        e.utf8_error().valid_up_to()
                    )
                })?
            };
            let notes = calibrate::notes_of(&input);
            let result = calibrate::calibrate(&prompts.rules, &notes);
            calibrate::print(&prompts.rules, &result, &mut out)?;
        }
        Command::Import(a) => {
            // `-` reads standard input (no size known: no progress bar).
            let (input, size): (Box<dyn Read>, u64) = if a.file.as_os_str() == "-" {
                (Box::new(std::io::stdin().lock()), 0)
            } else {
                let file = std::fs::File::open(&a.file)
                    .with_context(|| format!("cannot read {}", a.file.display()))?;
                let size = file.metadata().map_or(0, |m| m.len());
                (Box::new(file), size)
            };
            let service = open(&a.data.location())?;
            // Drawn only when stderr is a terminal.
            let bar = if size > 0 {
                indicatif::ProgressBar::new(size)
            } else {
                indicatif::ProgressBar::hidden()
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "importing {bar:40} {bytes}/{total_bytes} ({eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let result = transfer::import(&service, std::io::BufReader::new(input), |bytes| {
                bar.set_position(bytes)
            });
            bar.finish_and_clear();
            let result = result?;
            for (line, reason) in &result.skipped {
                eprintln!("{}:{line}: skipped: {reason}", a.file.display());
            }
            writeln!(
                out,
                "stored {}, {} already stored by an earlier import, skipped {}",
                count(result.stored as u64, "note", "notes"),
                result.already,
                count(result.skipped.len() as u64, "row", "rows")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The store's opener, as `run` builds it (with the prompts and a retention purge).
type Open<'a> = &'a dyn Fn(&Location) -> anyhow::Result<Service>;

/// Runs a command on the store `data` names: in this process, or, when a running `serve`
/// holds the sled directory, in that process through its admin socket (same output). A
/// database is shared: the command always runs here.
fn admin(
    data: &cli::DataArgs,
    command: AdminCommand,
    open: Open<'_>,
    style: Style,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if command.prints_markdown() {
        let mut rendered = Rendered::new(out, style);
        run_admin(data, command, open, &mut rendered)?;
        rendered.flush()?;
        return Ok(());
    }
    run_admin(data, command, open, out)
}

fn run_admin(
    data: &cli::DataArgs,
    command: AdminCommand,
    open: Open<'_>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let location = data.location();
    let dir = data.data_dir.as_path();
    // A command that only reads, on a directory that does not exist: a typo or the wrong
    // folder, not an empty team (opening it would create it).
    let is_dir = matches!(location, Location::Dir(_));
    if is_dir && command.reads_only() && !dir.join("db").exists() && !dir.join("conf").exists() {
        anyhow::bail!(
            "no callnudge data in {}: check --data-dir (or CALLNUDGE_DATA_DIR); the first note \
             creates it (`callnudge note`, `serve`, `import`)",
            dir.display()
        );
    }
    let service = match open(&location) {
        Ok(service) => service,
        Err(e) if matches!(e.downcast_ref(), Some(StoreError::Locked { .. })) => {
            let reply = match control::send(dir, &command) {
                Ok(reply) => reply,
                Err(ControlError::NotRunning(_)) => return Err(e),
                Err(other) => return Err(other.into()),
            };
            out.write_all(reply.output.as_bytes())?;
            return match reply.error {
                Some(error) => Err(anyhow::anyhow!(error)),
                None => Ok(()),
            };
        }
        Err(e) => return Err(e),
    };
    console::admin::run(&service, command, Utc::now(), out)
}

/// `callnudge migrate`: every record of a sled folder into a database, with a progress bar,
/// then the copy checked against the folder.
fn migrate(a: cli::MigrateArgs, out: &mut impl Write) -> anyhow::Result<()> {
    use callnudge::store::copy;
    if !a.from.join("db").exists() {
        anyhow::bail!(
            "{} is not a callnudge data directory (no `db` file in it)",
            a.from.display()
        );
    }
    let from =
        SledStore::open(&a.from).with_context(|| format!("cannot read {}", a.from.display()))?;
    let to = store::PgStore::open(&a.to)?;
    let total = copy::count(&from)?.values().sum();
    // Drawn only when stderr is a terminal.
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("migrating {bar:40} {pos}/{len} records ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let copied = copy::copy(&from, &to, &mut |n| bar.set_position(n));
    bar.finish_and_clear();
    let copied = copied?;
    copy::verify(&to, &copied).map_err(|e| {
        anyhow::anyhow!("the copy is incomplete: {e}; run the same command again to finish it")
    })?;
    let kinds: Vec<String> = copied
        .read
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    writeln!(
        out,
        "copied {} into {}: {} ({} notes new there); checked: every record is there",
        a.from.display(),
        to.target(),
        if kinds.is_empty() {
            "nothing (the folder is empty)".to_string()
        } else {
            kinds.join(", ")
        },
        copied.new_notes
    )?;
    Ok(())
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the note from standard input (is it UTF-8?)")?;
    Ok(text)
}

fn analyze(prompts: &Prompts, args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = Vec::new();
    let files = if args.files.is_empty() {
        vec!["-".into()]
    } else {
        args.files
    };
    for path in files {
        let (name, bytes) = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            ("-".to_string(), bytes)
        } else {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            (path.display().to_string(), bytes)
        };
        inputs.extend(analyze_cmd::inputs_from(&name, bytes, args.lines)?);
    }
    if inputs.is_empty() {
        return Err(analyze_cmd::InputError::NoNotes.into());
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let failed = analyze_cmd::run(
        &prompts.rules,
        &inputs,
        args.format == Format::Json,
        &mut out,
    )?;
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
