//! `ike-doctor`: the command line. Thin by design: it finds the inputs, detects what each is,
//! hands them to the library crates and prints the report.

mod inputs;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ike_capture::DissectorConfig;
use ike_timeline::{Limits, TimelineBuilder};

#[derive(Parser)]
#[command(
    name = "ike-doctor",
    version,
    about = "Finds out why an IKEv2 VPN connection fails, and proves it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Read captures (and, as support lands, logs, configs, certificates, keys) and diagnose.
    Diagnose {
        /// Files or folders (read recursively); each file's kind is detected from its content.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Treat UDP on this port as IKE too (besides 500 and 4500); may be repeated.
        #[arg(long = "ike-port", value_name = "PORT")]
        ike_ports: Vec<u16>,
        /// Never show a progress bar.
        #[arg(long)]
        no_progress: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Diagnose {
            paths,
            format,
            ike_ports,
            no_progress,
        } => diagnose(&paths, format, &ike_ports, no_progress),
    }
}

fn diagnose(paths: &[PathBuf], format: Format, extra_ports: &[u16], no_progress: bool) -> ExitCode {
    let files = match inputs::expand(paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("ike-doctor: {message}");
            return ExitCode::from(2);
        }
    };
    let mut config = DissectorConfig::default();
    for &port in extra_ports {
        if !config.ike_ports.contains(&port) {
            config.ike_ports.push(port);
        }
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    let bar = (!no_progress && std::io::stderr().is_terminal() && total >= 64 << 20)
        .then(|| inputs::progress_bar(total));

    let mut builder = TimelineBuilder::new(Limits::default());
    let mut unreadable = 0usize;
    let mut done_before = 0u64;
    for file in &files {
        match inputs::detect(&file.path) {
            Ok(inputs::Kind::Capture) => {
                let mut progress = |consumed: u64| {
                    if let Some(bar) = &bar {
                        bar.set_position(done_before + consumed);
                    }
                };
                ike_timeline::ingest::capture_file(
                    &mut builder,
                    &file.path,
                    &file.display,
                    &config,
                    &mut progress,
                );
            }
            Ok(inputs::Kind::Unrecognised(why)) => {
                builder.note(None, None, format!("{}: {why}; skipped", file.display));
            }
            Err(e) => {
                unreadable += 1;
                builder.note(None, None, format!("{}: cannot read: {e}", file.display));
            }
        }
        done_before += file.size;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if unreadable == files.len() {
        eprintln!("ike-doctor: none of the inputs could be read");
        return ExitCode::from(2);
    }
    let timeline = builder.finish();
    let diagnosis = ike_diagnose::diagnose(&timeline);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        Format::Json => ike_report::json::write(&mut stdout, &timeline, &diagnosis),
        Format::Text => writeln!(
            stdout,
            "{}",
            ike_report::text::render(&timeline, &diagnosis)
        ),
    };
    if written.and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(diagnosis.exit_code() as u8)
}
