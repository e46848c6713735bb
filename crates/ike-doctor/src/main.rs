//! `ike-doctor`: the command line. Thin by design: it finds the inputs, detects what each is,
//! hands them to the library crates and prints the report.

mod cert_cmd;
mod collect_cmd;
mod config_cmd;
mod host_cmd;
mod inputs;
mod keys_cmd;
mod live;
mod probe_cmd;
mod watch_cmd;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use ike_capture::DissectorConfig;
use ike_timeline::{Limits, TimelineBuilder};

/// A gateway's capture makes a few small allocations per IKE message and per finding, which
/// glibc's malloc made a sixth of the run; mimalloc's per-size free lists make them cheap (see
/// the README's performance section). [`commit_on_demand`] and [`return_freed_pages_at_once`]
/// keep its memory as small.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc by default commits its arenas eagerly, which costs a gateway's capture over a
/// quarter more resident memory than glibc. The first arena is reserved by the first Rust
/// allocation, which the standard library makes before `main`, so this option is set from the
/// ELF constructors, which run before it. The numbers here and in
/// [`return_freed_pages_at_once`] are the options' places in `mi_option_t` of the mimalloc
/// version `libmimalloc-sys` builds (2.x), which its crate does not name.
#[cfg_attr(
    not(any(target_os = "linux", target_os = "android", target_os = "freebsd")),
    allow(dead_code)
)]
extern "C" fn commit_on_demand() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: setting an option is a plain store into mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

/// ELF's constructor list; elsewhere mimalloc keeps its defaults.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[link_section = ".init_array"]
static COMMIT_ON_DEMAND: extern "C" fn() = commit_on_demand;

/// mimalloc returns freed pages after a delay (10 ms); a run that ends once its report is
/// written peaks lower when they go back at once. `watch` keeps the delay: it frees and
/// allocates the same sizes all day, and pages returned at once would be faulted back at once
/// (measured: twice the CPU and dropped frames on a flood of half-open SAs). The delay is
/// read at each purge, so setting it in `main` takes effect.
fn return_freed_pages_at_once() {
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: as in `commit_on_demand`.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

/// The version with the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("IKE_DOCTOR_COMMIT"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "ike-doctor",
    version = VERSION,
    about = "Finds out why an IKEv2 VPN connection fails, and proves it."
)]
struct Cli {
    /// Colour the terminal report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`to_terminal`) or elsewhere.
    fn enabled(self, to_terminal: bool) -> bool {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && !no_color && !dumb,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    /// One self-contained page (no request leaves it): verdict, findings, a ladder per IKE SA.
    Html,
}

#[derive(Subcommand)]
enum Command {
    /// Read captures, logs, configurations, certificates and key tables (or a paste on standard input) and name the phase, the cause and its evidence.
    Diagnose {
        /// Files or folders (read recursively), or `-` for standard input; each input's kind is
        /// detected from its content (captures, logs, certificates, key tables; gzip or xz
        /// compressed ones too).
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
        /// IKE SA keys to decrypt IKE_AUTH and later exchanges: Wireshark's ikev2_decryption_table,
        /// strongSwan's save-keys table, or a charon log at `ike` level 4 (detected from content).
        /// May be repeated. Key material is never printed.
        #[arg(long = "keys", value_name = "FILE")]
        keys: Vec<PathBuf>,
        /// CA certificate(s) the verifying peer trusts (PEM or DER); may be repeated. Chains seen
        /// in decrypted CERT payloads and certificate files are verified against them. Without
        /// it, CA certificates among the PATHs are used (narrowed by the peer's CERTREQ).
        #[arg(long = "ca", value_name = "FILE")]
        cas: Vec<PathBuf>,
        /// Print nothing; the exit code says the outcome (0 established, 1 failed or
        /// inconclusive, 2 nothing readable).
        #[arg(short, long)]
        quiet: bool,
        /// Write the report to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace public addresses, identities and certificate subjects by placeholders (the
        /// same value by the same placeholder), for posting the report in a public thread.
        #[arg(long)]
        redact: bool,
        /// Keep only the evidence of this peer: packets from or to it, log lines naming it (or
        /// only hosts the captures showed talking with it, or no address). May be repeated:
        /// behind NAT, name both the private and the translated address.
        #[arg(long = "peer", value_name = "ADDR")]
        peers: Vec<std::net::IpAddr>,
        /// Keep only the IKE SA with this SPI (initiator's or responder's, hex) or the ESP
        /// packets with this SPI; may be repeated.
        #[arg(long = "spi", value_name = "SPI", value_parser = parse_spi)]
        spis: Vec<u64>,
        /// Keep only what happened at or after TIME: RFC 3339 (`2025-06-15T15:06:40Z`,
        /// `...+02:00`) or a date and time without an offset, read as UTC.
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        since: Option<ike_timeline::Timestamp>,
        /// Keep only what happened at or before TIME (as for --since).
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        until: Option<ike_timeline::Timestamp>,
        /// Threads to use: with 2, one reads and dissects captures while the other builds the
        /// timeline, and both build the JSON report's records (the report is the same bytes);
        /// default: 2 when the machine has two cores.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=2))]
        threads: Option<u16>,
        /// Most IKE SAs kept in detail; the messages of later ones are counted, not kept (the
        /// report's `limits` says how many). Bounds memory on a flood of SAs.
        #[arg(long, value_name = "N", default_value_t = Limits::default().max_sessions as u64,
              value_parser = clap::value_parser!(u64).range(1..))]
        max_sas: u64,
        /// Most IKE messages kept in detail (about 130 bytes each); later ones are counted.
        #[arg(long, value_name = "N", default_value_t = Limits::default().max_ike_events as u64,
              value_parser = clap::value_parser!(u64).range(1..))]
        max_messages: u64,
        /// Most ESP and NAT-T keepalive flows tracked (about 150 bytes each).
        #[arg(long, value_name = "N", default_value_t = Limits::default().max_flows as u64,
              value_parser = clap::value_parser!(u64).range(1..))]
        max_flows: u64,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `ike-doctor man | man -l -`.
    Man,
    /// Explain a notify type, a log message or a client error code (e.g. NO_PROPOSAL_CHOSEN,
    /// 13801, "MAC mismatched"): its usual causes and the checks that tell them apart. `-`
    /// explains every line of a paste on standard input. Text that holds no known line but
    /// speaks of IKE gets the causes its words point at, as possibilities (exit 1); exit 2 when
    /// nothing in it is known.
    Explain {
        /// The term (several words are joined with spaces).
        #[arg(required = true, num_args = 1..)]
        term: Vec<String>,
    },
    /// Test an IKEv2 gateway from the outside: reachability on UDP 500/4500, NAT, accepted
    /// proposals, fragmentation, implementation; see `probe --help`.
    Probe(probe_cmd::ProbeArgs),
    /// Check certificates (PEM or DER): chain to a CA, validity at a time and now, identity in
    /// the SAN, EKU and key usage per client, key and signature strength.
    Cert(cert_cmd::CertArgs),
    /// Read IKE configurations (strongSwan, Libreswan, the Android, Apple, NetworkManager and
    /// Windows clients', cloud exports) and predict the failure before connecting; see
    /// `config check --help`.
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    /// Gather what `diagnose` needs from this host into one folder (or tarball): the IKE
    /// daemon's log, its configuration with secrets redacted, the host report, optionally a
    /// short capture of UDP 500/4500 and ESP.
    Collect(collect_cmd::CollectArgs),
    /// Check this machine for what breaks IKE: daemons and who holds UDP 500/4500, the
    /// kernel's ESP support (tried in a throw-away namespace), interface MTU, reverse-path
    /// filtering, XFRM errors. Reads only; sends nothing.
    Host(host_cmd::HostArgs),
    /// Diagnose continuously: capture on interfaces and follow logs, print one JSON line per
    /// finished IKE SA attempt or lost SA, keep each one's evidence, serve Prometheus metrics.
    Watch(watch_cmd::WatchArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = cli.color;
    if !matches!(cli.command, Command::Watch(_)) {
        return_freed_pages_at_once();
    }
    match cli.command {
        Command::Diagnose {
            paths,
            format,
            ike_ports,
            no_progress,
            keys,
            cas,
            quiet,
            output,
            redact,
            peers,
            spis,
            since,
            until,
            threads,
            max_sas,
            max_messages,
            max_flows,
        } => diagnose(
            &Reading {
                paths,
                extra_ports: ike_ports,
                no_progress,
                key_files: keys,
                ca_files: cas,
                selection: ike_timeline::Selection {
                    peers,
                    spis,
                    since,
                    until,
                },
                threads: threads.map_or_else(default_threads, usize::from),
                // Beyond the address space any cap is no cap.
                limits: Limits {
                    max_sessions: usize::try_from(max_sas).unwrap_or(usize::MAX),
                    max_ike_events: usize::try_from(max_messages).unwrap_or(usize::MAX),
                    max_flows: usize::try_from(max_flows).unwrap_or(usize::MAX),
                    ..Limits::default()
                },
            },
            format,
            &Output {
                quiet,
                file: output,
                color,
                redact,
                threads: threads.map_or_else(default_threads, usize::from),
            },
        ),
        Command::Config(command) => config_cmd::run(command, color),
        Command::Host(args) => host_cmd::run(&args),
        Command::Watch(args) => watch_cmd::run(&args),
        Command::Collect(args) => collect_cmd::run(&args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "ike-doctor", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(2),
            }
        }
        Command::Explain { term } => explain(&term.join(" ")),
        Command::Probe(args) => probe_cmd::run(&args),
        Command::Cert(args) => cert_cmd::run(&args),
    }
}

fn explain(term: &str) -> ExitCode {
    if term == "-" {
        return explain_paste();
    }
    let explanations = ike_logs::explain::explain(term);
    if explanations.is_empty() {
        if let Some(code) = explain_words(term) {
            return code;
        }
        eprintln!("ike-doctor: nothing known about {term:?} (try a notify name, a Windows error code or a piece of a log line)");
        return ExitCode::from(2);
    }
    print!("{}", ike_logs::explain::render(&explanations));
    ExitCode::SUCCESS
}

/// `explain -`: every line of a paste on standard input, each explanation once.
fn explain_paste() -> ExitCode {
    use std::io::Read;
    let mut text = String::new();
    if let Err(e) = std::io::stdin()
        .take(ike_logs::explain::MAX_PASTE)
        .read_to_string(&mut text)
    {
        eprintln!("ike-doctor: <stdin>: {e}");
        return ExitCode::from(2);
    }
    let explanations = ike_logs::explain::explain_paste(&text);
    if explanations.is_empty() {
        if let Some(code) = explain_words(&text) {
            return code;
        }
        eprintln!("ike-doctor: nothing known in the text given (no notify, error code or log line ike-doctor knows)");
        return ExitCode::from(2);
    }
    print!("{}", ike_logs::explain::render(&explanations));
    ExitCode::SUCCESS
}

/// For text with no known line that speaks of IKE: its lines and the causes their words point
/// at, said to be words only (exit 1). `None` when it does not speak of IKE.
fn explain_words(text: &str) -> Option<ExitCode> {
    let wording = ike_logs::vocabulary::wording(text.as_bytes());
    if wording.lines.is_empty() {
        return None;
    }
    println!(
        "No line ike-doctor knows; {} line(s) speak of IKE/IPsec:",
        wording.count
    );
    for line in &wording.lines {
        println!("  line {}: {}", line.line, line.text);
    }
    let hints = wording.hints(3);
    if hints.is_empty() {
        println!("Their words point at no cause in particular.");
    } else {
        println!("Their words point at (possibilities, not a diagnosis):");
        for hint in hints {
            println!(
                "  {} {}: {}",
                hint.phase.as_str(),
                hint.category.as_str(),
                hint.why()
            );
        }
    }
    println!("A log of either peer's daemon, or a capture of the attempt, decides.");
    Some(ExitCode::from(1))
}

/// Where and how the report goes.
pub(crate) struct Output {
    quiet: bool,
    redact: bool,
    file: Option<PathBuf>,
    color: ColorChoice,
    /// Threads that may build the JSON report's records.
    threads: usize,
}

/// ANSI styles for the lines a reader looks for first: the verdict, each finding and warning,
/// each fix.
fn colorize(report: &str) -> String {
    const RED: &str = "\x1b[1;31m";
    const GREEN: &str = "\x1b[1;32m";
    const YELLOW: &str = "\x1b[1;33m";
    const BOLD: &str = "\x1b[1m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(report.len() + 256);
    for line in report.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let style = if let Some(rest) = body.strip_prefix("Verdict: ") {
            Some(if rest.starts_with("FAILED") {
                RED
            } else if rest.starts_with("ESTABLISHED") {
                GREEN
            } else {
                YELLOW
            })
        } else if body.starts_with("Finding ") {
            Some(RED)
        } else if body.starts_with("Warning ") || body.starts_with("  warning: ") {
            Some(YELLOW)
        } else if body.starts_with("  fix: ") {
            Some(GREEN)
        } else if body.starts_with("  still possible:") {
            Some(BOLD)
        } else {
            None
        };
        match style {
            Some(style) => {
                out.push_str(style);
                out.push_str(body);
                out.push_str(RESET);
            }
            None => out.push_str(body),
        }
        out.push_str(newline);
    }
    out
}

/// Two threads when there are two cores to run them: more would have nothing to do (reading and
/// building the timeline are the two halves; the JSON records are dealt in turn).
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

/// An SPI as tools print it: hex with or without `0x` (`c0ffee00d15ea5e5`, `0xc2a1b3f4`).
fn parse_spi(text: &str) -> Result<u64, String> {
    let digits = text
        .trim()
        .trim_start_matches("0x")
        .trim_start_matches("0X");
    let digits = digits.replace(['_', ':'], "");
    match u64::from_str_radix(&digits, 16) {
        Ok(0) => Err("an SPI of 0 names no SA".to_string()),
        Ok(spi) => Ok(spi),
        Err(e) => Err(format!("not a hex SPI ({e})")),
    }
}

/// A time for --since/--until: RFC 3339 with an offset, or a civil date and time taken as UTC.
fn parse_time(text: &str) -> Result<ike_timeline::Timestamp, String> {
    let text = text.trim();
    let instant = match text.parse::<jiff::Timestamp>() {
        Ok(t) => t,
        Err(_) => text
            .parse::<jiff::civil::DateTime>()
            .and_then(|civil| civil.to_zoned(jiff::tz::TimeZone::UTC))
            .map(|zoned| zoned.timestamp())
            .map_err(|e| format!("not a time like 2025-06-15T15:06:40Z ({e})"))?,
    };
    i64::try_from(instant.as_nanosecond())
        .map(ike_timeline::Timestamp)
        .map_err(|_| "time out of range".to_string())
}

/// What `diagnose` reads and how.
struct Reading {
    paths: Vec<PathBuf>,
    /// UDP ports taken as IKE besides 500 and 4500.
    extra_ports: Vec<u16>,
    no_progress: bool,
    key_files: Vec<PathBuf>,
    ca_files: Vec<PathBuf>,
    /// The part of the evidence kept (a peer, an SA, a window).
    selection: ike_timeline::Selection,
    threads: usize,
    /// Caps on what is kept in detail.
    limits: Limits,
}

fn diagnose(reading: &Reading, format: Format, output: &Output) -> ExitCode {
    let Reading {
        paths,
        extra_ports,
        no_progress,
        key_files,
        ca_files,
        selection,
        threads,
        limits,
    } = reading;
    let (no_progress, threads) = (*no_progress, *threads);
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

    let mut builder = TimelineBuilder::new(limits.clone());
    builder.select(selection.clone());
    builder.set_threads(threads);
    // Keys are read before the captures, which are decrypted as they are read.
    if let Err(message) = keys_cmd::load(&mut builder, key_files, &files) {
        eprintln!("ike-doctor: {message}");
        return ExitCode::from(2);
    }
    // Why each input that gave nothing was not read, for the exit-2 message.
    let mut not_read: Vec<String> = Vec::new();
    let mut done_before = 0u64;
    // Logs are read after the captures: the first packet places year-less log times.
    let mut logs: Vec<(&inputs::InputFile, ike_logs::Format)> = Vec::new();
    let mut certificates: Vec<&inputs::InputFile> = Vec::new();
    let mut configs: Vec<&inputs::InputFile> = Vec::new();
    let mut host_reports: Vec<&inputs::InputFile> = Vec::new();
    let mut worded: Vec<(ike_timeline::SourceId, ike_logs::vocabulary::Wording)> = Vec::new();
    for file in &files {
        match file.detect() {
            Ok((inputs::Kind::Capture, compression)) => {
                let mut progress = |consumed: u64| {
                    // Bytes of a compressed capture are not bytes on disk.
                    if let (Some(bar), None) = (&bar, compression) {
                        bar.set_position(done_before + consumed);
                    }
                };
                match file.open() {
                    Ok(opened) => {
                        ike_timeline::ingest::capture_stream(
                            &mut builder,
                            opened.content,
                            &file.display,
                            &config,
                            &mut progress,
                        );
                    }
                    Err(e) => {
                        not_read.push(format!("{}: cannot read: {e}", file.display));
                        builder.note(None, None, format!("{}: cannot read: {e}", file.display));
                    }
                }
            }
            Ok((inputs::Kind::Log(log_format), _)) => logs.push((file, log_format)),
            Ok((inputs::Kind::Keys, _)) => {}
            Ok((inputs::Kind::Certificate, _)) => certificates.push(file),
            Ok((inputs::Kind::Config, _)) => configs.push(file),
            Ok((inputs::Kind::HostReport, _)) => host_reports.push(file),
            Ok((inputs::Kind::IkeWording, _)) => match read_wording(&mut builder, file) {
                Ok(text) => worded.push(text),
                Err(e) => {
                    not_read.push(format!("{}: cannot read: {e}", file.display));
                    builder.note(None, None, format!("{}: cannot read: {e}", file.display));
                }
            },
            Ok((inputs::Kind::Unrecognised(why), _)) => {
                not_read.push(format!("{}: {why}", file.display));
                builder.note(None, None, format!("{}: {why}; skipped", file.display));
            }
            Err(e) => {
                not_read.push(format!("{}: cannot read: {e}", file.display));
                builder.note(None, None, format!("{}: cannot read: {e}", file.display));
            }
        }
        done_before += file.size;
    }
    if let Err(message) = cert_cmd::load_certificates(&mut builder, &certificates, ca_files) {
        eprintln!("ike-doctor: {message}");
        return ExitCode::from(2);
    }
    for (file, log_format) in logs {
        let mtime_ns = std::fs::metadata(&file.path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_nanos()).ok());
        let config = ike_logs::ScanConfig {
            reference_ns: builder.earliest_capture_time().map(|t| t.0).or(mtime_ns),
            ..Default::default()
        };
        match file.open() {
            Ok(opened) => {
                // Its first bytes, to be read as IKE's words if no line of it is known.
                let head = opened.content.get_ref().0.get_ref().clone();
                let events_before = builder.event_count();
                let source = ike_timeline::ingest_log::log_stream(
                    &mut builder,
                    opened.content,
                    &file.display,
                    log_format,
                    &config,
                );
                // With a selection, lines it left out are not unknown lines.
                if selection.is_everything() && builder.event_count() == events_before {
                    let wording = ike_logs::vocabulary::wording(&head);
                    if wording.count > 0 {
                        worded.push((source, wording));
                    }
                }
            }
            Err(e) => {
                not_read.push(format!("{}: cannot read: {e}", file.display));
                builder.note(None, None, format!("{}: cannot read: {e}", file.display));
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if not_read.len() == files.len() {
        eprintln!("ike-doctor: nothing given could be read:");
        for why in &not_read {
            eprintln!("  {why}");
        }
        return ExitCode::from(2);
    }
    let config_ends = config_cmd::read_ends(&mut builder, &configs);
    let host_findings = host_cmd::read_reports(&mut builder, &host_reports);
    let mut timeline = builder.finish();
    note_caps_reached(&mut timeline, limits);
    let mut diagnosis = ike_diagnose::diagnose_with_threads(&timeline, threads);
    if let Some((ends, first_sources)) = config_ends {
        let prediction = ike_diagnose::config::predict_cited(&ends, &first_sources);
        ike_diagnose::config::refine(&mut diagnosis, &prediction, "the configurations decide");
    }
    for found in &host_findings {
        ike_diagnose::config::refine(&mut diagnosis, found, "the host report decides");
    }
    ike_diagnose::wording::apply(&mut diagnosis, &worded);
    write_report(&timeline, &diagnosis, format, output)
}

/// Says in the report's notes which cap was reached and the option that raises it: past a cap
/// the evidence is counted, not kept, and the verdict rests on the part kept.
fn note_caps_reached(timeline: &mut ike_timeline::Timeline, limits: &Limits) {
    let reached = [
        (
            timeline.sessions_untracked,
            "further IKE SAs were counted, not kept",
            limits.max_sessions,
            "SAs",
            "--max-sas",
        ),
        (
            timeline.ike_events_past_message_cap,
            "IKE messages were counted, not kept",
            limits.max_ike_events,
            "messages",
            "--max-messages",
        ),
        (
            timeline.flows_dropped,
            "ESP or keepalive packets of further flows were not counted",
            limits.max_flows,
            "flows",
            "--max-flows",
        ),
    ];
    for (count, what, cap, unit, option) in reached {
        if count > 0 {
            timeline.notes.push(ike_timeline::IngestNote {
                source: None,
                at: None,
                message: format!(
                    "{count} {what}: the cap of {cap} {unit} was reached ({option} N raises it)"
                ),
            });
        }
    }
}

/// Reads a text that speaks of IKE in lines no known log holds: its first
/// [`WORDING_READ`] bytes, as words (a paste or a status output; a longer text of this kind is
/// a log of a product ike-doctor does not read, and its head says as much as the rest).
fn read_wording(
    builder: &mut TimelineBuilder,
    file: &inputs::InputFile,
) -> std::io::Result<(ike_timeline::SourceId, ike_logs::vocabulary::Wording)> {
    const WORDING_READ: u64 = 1 << 20;
    let mut text = Vec::new();
    let opened = file.open()?;
    let read = opened.content.take(WORDING_READ).read_to_end(&mut text)?;
    let wording = ike_logs::vocabulary::wording(&text);
    let source = builder.add_source(file.display.clone(), ike_timeline::SourceKind::Log);
    if let Some(s) = builder.source_mut(source) {
        s.units_read = text.iter().filter(|&&b| b == b'\n').count() as u64;
        s.bytes_read = read as u64;
    }
    let cut = if read as u64 == WORDING_READ {
        format!(" (its first {} KiB read)", WORDING_READ >> 10)
    } else {
        String::new()
    };
    builder.note(
        Some(source),
        None,
        format!(
            "no line is one of a log ike-doctor knows; {} line(s) speak of IKE and were read as words{cut}",
            wording.count
        ),
    );
    Ok((source, wording))
}

/// Writes the report of `diagnosis` as `output` asks; the exit code is the outcome's (2 when
/// the report could not be written).
pub(crate) fn write_report(
    timeline: &ike_timeline::Timeline,
    diagnosis: &ike_diagnose::Diagnosis,
    format: Format,
    output: &Output,
) -> ExitCode {
    let code = ExitCode::from(diagnosis.exit_code() as u8);
    if output.quiet {
        return code;
    }
    let (mut sink, to_terminal): (Box<dyn Write>, bool) = match &output.file {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => (Box::new(std::io::BufWriter::new(file)), false),
            Err(e) => {
                eprintln!("ike-doctor: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            std::io::stdout().is_terminal(),
        ),
    };
    let redactor = output
        .redact
        .then(|| ike_report::redact::Redactor::from_timeline(timeline));
    let written = match (format, &redactor) {
        (Format::Json, None) => {
            ike_report::json::write_with_threads(&mut sink, timeline, diagnosis, output.threads)
        }
        (Format::Json, Some(redactor)) => {
            let mut json = Vec::new();
            let threads = output.threads;
            ike_report::json::write_with_threads(&mut json, timeline, diagnosis, threads).and_then(
                |()| sink.write_all(redactor.apply(&String::from_utf8_lossy(&json)).as_bytes()),
            )
        }
        (Format::Html, redactor) => {
            let redact = |text: &str| {
                redactor
                    .as_ref()
                    .map_or_else(|| text.to_owned(), |r| r.apply(text))
            };
            let redact: Option<&dyn Fn(&str) -> String> = redactor.is_some().then_some(&redact);
            ike_report::html::write(&mut sink, timeline, diagnosis, redact)
        }
        (Format::Text, _) => {
            let mut report = ike_report::text::render(timeline, diagnosis);
            if let Some(redactor) = &redactor {
                report = redactor.apply(&report);
            }
            if output.color.enabled(to_terminal) {
                report = colorize(&report);
            }
            writeln!(sink, "{report}")
        }
    };
    if let Err(e) = written.and_then(|()| sink.flush()) {
        // A closed pipe (`| head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("ike-doctor: writing the report: {e}");
        }
        return ExitCode::from(2);
    }
    code
}
