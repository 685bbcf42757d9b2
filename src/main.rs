//! The `callnudge` binary: parses the command line, loads the prompts, and hands over to the
//! library's adapters. Errors end here: printed with their cause, exit status 2.

use anyhow::Context;
use callnudge::console::analyze as analyze_cmd;
use callnudge::prompts::Prompts;
use clap::Parser;
use std::io::{Read, Write};
use std::process::ExitCode;

mod cli;
use cli::{AnalyzeArgs, Cli, Command, Format};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("callnudge: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CALLNUDGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let prompts = Prompts::load(cli.rules.as_deref()).context("the rules could not be loaded")?;
    match cli.command {
        Command::Analyze(args) => analyze(&prompts, args),
    }
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
