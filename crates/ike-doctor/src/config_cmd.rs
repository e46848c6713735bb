//! `ike-doctor config check`: both ends' configurations read into the peer model, paired, and
//! every reason they cannot establish reported in the contract's verdict and findings.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::{write_report, ColorChoice, Format, Output};

#[derive(Subcommand)]
pub(crate) enum ConfigCommand {
    /// Predict whether two ends' connections establish, and why not: IKE version, proposals
    /// (algorithm, DH group, PFS), identities, pre-shared keys and EAP passwords (compared,
    /// never printed), ESP proposals, traffic selectors, virtual IP pools; lints go to warnings.
    Check(CheckArgs),
}

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Configuration files or folders: swanctl.conf (includes followed), Libreswan ipsec.conf
    /// and ipsec.secrets; the kind of each is found from its content. Files in one folder are
    /// one end (ipsec.conf with its ipsec.secrets); give each end's folder or files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print nothing; the exit code says the prediction (0 establishes, 1 fails or cannot tell,
    /// 2 nothing readable).
    #[arg(short, long)]
    quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn run(command: ConfigCommand, color: ColorChoice) -> ExitCode {
    let ConfigCommand::Check(args) = command;
    let mut by_end: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in &args.paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            by_end.entry(path.clone()).or_default().extend(files);
        } else {
            let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
            by_end.entry(folder).or_default().push(path.clone());
        }
    }
    let mut ends = Vec::new();
    let mut problems = Vec::new();
    let mut any_read = false;
    for (folder, files) in by_end {
        // A folder's files that are not configurations (captures, logs) are passed over
        // quietly; a file named on its own must be one.
        let named: Vec<&PathBuf> = files.iter().filter(|f| args.paths.contains(f)).collect();
        let (set, errors) = ike_config::read_end(&files);
        for e in errors {
            let quiet_skip =
                matches!(&e, ike_config::ReadError::NotAConfig { path } if !named.contains(&path));
            if !quiet_skip {
                problems.push(e.to_string());
            }
        }
        if set.files.is_empty() {
            continue;
        }
        any_read = true;
        let name = if folder.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            folder.display().to_string()
        };
        ends.push(ike_diagnose::config::ConfigEnd { name, set });
    }
    for p in &problems {
        eprintln!("ike-doctor: {p}");
    }
    if !any_read {
        eprintln!("ike-doctor: no configuration could be read");
        return ExitCode::from(2);
    }
    let (timeline, diagnosis) = ike_diagnose::config::predict(&ends);
    write_report(
        &timeline,
        &diagnosis,
        args.format,
        &Output {
            quiet: args.quiet,
            redact: false,
            file: args.output,
            color,
        },
    )
}
