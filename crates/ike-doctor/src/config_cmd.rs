//! `ike-doctor config check`: both ends' configurations read into the peer model, paired, and
//! every reason they cannot establish reported in the contract's verdict and findings.
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
    /// Configuration files or folders: swanctl.conf (includes followed), ipsec.conf
    /// (Libreswan's or strongSwan's) and ipsec.secrets, .sswan, .mobileconfig, NetworkManager
    /// connections, the Windows client's PowerShell output or commands, rasphone.pbk and
    /// registry value, AWS/Azure/Google Cloud tunnel exports; the kind of each is found from
    /// its content. Files in one folder are one end; give each end's folder or files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Pair the gateway's configuration with a built-in client that cannot be configured (its
    /// proposals as it sends them unconfigured, from a public source): windows-10, windows-11,
    /// windows-11-dh2048, macos, ios, android, strongswan, libreswan.
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
    client: Option<&'static ike_config::profiles::Profile>,
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

fn parse_profile(name: &str) -> Result<&'static ike_config::profiles::Profile, String> {
    ike_config::profiles::find(name).ok_or_else(|| {
        format!(
            "no built-in client `{name}`; one of: {}",
            ike_config::profiles::names().join(", ")
        )
    })
}

pub(crate) fn run(command: ConfigCommand, color: ColorChoice) -> ExitCode {
    let ConfigCommand::Check(args) = command;
    // Ends keep the order they were given in: the first is taken as `left` where a Libreswan
    // conn does not say which side its host is.
    let mut by_end: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
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
            end_of(&mut by_end, path.clone()).extend(files);
        } else {
            let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
            end_of(&mut by_end, folder).push(path.clone());
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
    if let Some(profile) = args.client {
        ends.push(ike_diagnose::config::ConfigEnd {
            name: format!("{} ({})", profile.name, profile.description),
            set: profile.end(),
        });
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
            threads: 1,
        },
    )
}

/// The files of the end in `folder`, added after the others when new.
fn end_of<T>(ends: &mut Vec<(PathBuf, Vec<T>)>, folder: PathBuf) -> &mut Vec<T> {
    let index = match ends.iter().position(|(f, _)| *f == folder) {
        Some(i) => i,
        None => {
            ends.push((folder, Vec::new()));
            ends.len() - 1
        }
    };
    &mut ends[index].1
}

/// Largest configuration read from an input given to `diagnose` (as `ike-config` reads files).
const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Reads the configurations given to `diagnose` as evidence: the files of one folder are one
/// end; each file becomes a source the report can cite. Read through the input (compressed or
/// standard input as any other), never again from its path. Returns the ends and each end's
/// first source, or `None` when no configuration was given.
pub(crate) fn read_ends(
    builder: &mut ike_timeline::TimelineBuilder,
    files: &[&crate::inputs::InputFile],
) -> Option<(Vec<ike_diagnose::config::ConfigEnd>, Vec<usize>)> {
    if files.is_empty() {
        return None;
    }
    let mut by_end: Vec<(PathBuf, Vec<&crate::inputs::InputFile>)> = Vec::new();
    for file in files {
        let folder = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        end_of(&mut by_end, folder).push(file);
    }
    let mut ends = Vec::new();
    let mut first_sources = Vec::new();
    for (folder, inputs) in by_end {
        // Standard input has no folder: the end is named by the input.
        let name = match (folder.as_os_str().is_empty(), inputs.first()) {
            (true, Some(input)) => input.display.clone(),
            _ => folder.display().to_string(),
        };
        let mut set = ike_config::ConfigSet::default();
        let mut errors = Vec::new();
        for input in inputs {
            let mut text = Vec::new();
            let read = input.open().and_then(|opened| {
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(opened.content, MAX_CONFIG_BYTES),
                    &mut text,
                )
            });
            if let Err(e) = read {
                builder.note(None, None, format!("{}: cannot read: {e}", input.display));
                continue;
            }
            match ike_config::detect(&text) {
                Some(kind) => {
                    ike_config::read_as(&mut set, &input.display, &text, kind, &mut errors)
                }
                None => builder.note(
                    None,
                    None,
                    format!("{}: not a configuration; skipped", input.display),
                ),
            }
        }
        for e in errors {
            builder.note(None, None, format!("{e}; skipped"));
        }
        ike_config::finish_end(&mut set);
        let mut first = None;
        for name in &set.files {
            let id = builder.add_source(name.clone(), ike_timeline::SourceKind::Config);
            first.get_or_insert(id.0 as usize);
        }
        let Some(first) = first else {
            continue;
        };
        let end = ike_diagnose::config::ConfigEnd { name, set };
        for n in ike_diagnose::config::notes(&end, first) {
            builder.note(n.source, n.at, n.message);
        }
        ends.push(end);
        first_sources.push(first);
    }
    Some((ends, first_sources))
}
