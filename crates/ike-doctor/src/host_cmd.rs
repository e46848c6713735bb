//! `ike-doctor host`: what on this machine breaks IKE (daemons and who holds UDP 500/4500, the
//! kernel's ESP support tried for real, interface MTU, reverse-path filtering, XFRM errors), in
//! the contract's verdict and findings. Reads only and sends nothing.
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ike_host::{EspSupport, HostReport, Root};

use crate::Format;

#[derive(Args)]
pub(crate) struct HostArgs {
    /// Read /proc and /sys under DIR instead of / (a copy taken on another host); the kernel's
    /// ESP support is then not tested (it is this machine's kernel).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Do not try an ESP SA in a throw-away network namespace (the kernel's ESP support is then
    /// not reported).
    #[arg(long)]
    no_esp_test: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn run(args: &HostArgs) -> ExitCode {
    let esp = if args.root.is_some() || args.no_esp_test {
        vec![EspSupport::NotTested {
            why: if args.no_esp_test {
                "--no-esp-test".into()
            } else {
                "--root: another host's files; this kernel is not that host's".into()
            },
        }]
    } else {
        ike_host::xfrm::test_esp(ike_host::xfrm::DEFAULT_ALGORITHMS)
    };
    let root = Root::new(args.root.clone().unwrap_or_else(|| PathBuf::from("/")));
    let report = ike_host::check(&root, esp);
    let text = match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("ike-doctor: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Text => text_report(&report),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("ike-doctor: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(u8::from(!report.findings.is_empty()))
}

fn text_report(r: &HostReport) -> String {
    let mut out = String::new();
    let v = &r.verdict;
    match (v.phase, v.category) {
        (Some(p), Some(c)) => {
            let _ = writeln!(out, "Verdict: FAILED in {} ({})", p.as_str(), c.as_str());
        }
        _ => {
            let _ = writeln!(out, "Verdict: NOTHING FOUND THAT STOPS IKE");
        }
    }
    let _ = writeln!(out, "  {}", v.summary);
    for w in &v.warnings {
        let _ = writeln!(out, "  warning: {} [{}]", w.title, w.category.as_str());
    }
    let all = r
        .findings
        .iter()
        .map(|f| ("Finding", f))
        .chain(v.warnings.iter().map(|f| ("Warning", f)));
    for (n, (kind, f)) in all.enumerate() {
        let _ = writeln!(
            out,
            "\n{kind} {}: {} [{} / {}, {:?} confidence, check {}]",
            n + 1,
            f.title,
            f.phase.as_str(),
            f.category.as_str(),
            f.confidence,
            f.check
        );
        for e in &f.evidence {
            let _ = writeln!(out, "  evidence: {e}");
        }
        for x in &f.fix {
            let _ = writeln!(out, "  fix: {x}");
        }
    }
    let facts = &r.facts;
    let _ = writeln!(out, "\nWhat was looked at:");
    let daemons: Vec<String> = facts
        .daemons
        .iter()
        .map(|d| {
            format!(
                "{} (pid {}, {:?})",
                d.process.name, d.process.pid, d.data_plane
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "  IKE daemons: {}",
        if daemons.is_empty() {
            "none".to_owned()
        } else {
            daemons.join(", ")
        }
    );
    for l in &facts.listeners {
        let holders: Vec<String> = l
            .holders
            .iter()
            .map(|p| format!("{} (pid {})", p.name, p.pid))
            .collect();
        let _ = writeln!(
            out,
            "  UDP {} on {}: {}",
            l.port,
            l.address,
            if holders.is_empty() {
                "holder not visible".to_owned()
            } else {
                holders.join(", ")
            }
        );
    }
    for e in &r.esp_test {
        let line = match e {
            EspSupport::Supported { algorithm } => format!("kernel ESP ({algorithm}): accepted"),
            EspSupport::Refused {
                algorithm,
                kernel_said,
            } => {
                format!("kernel ESP ({algorithm}): refused: {kernel_said}")
            }
            EspSupport::NotTested { why } => format!("kernel ESP: not tested ({why})"),
        };
        let _ = writeln!(out, "  {line}");
    }
    for n in &facts.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}
