//! `ike-doctor collect`: one folder (or tarball) with what `diagnose` needs from this host: the
//! IKE daemon's log for a time window, its configuration with the secrets taken out, the host
//! report, and on request a short capture of UDP 500/4500 and ESP. Hand the folder over, run
//! `ike-doctor diagnose FOLDER` on it. Nothing is sent anywhere; a capture only listens.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use clap::Args;
use std::os::unix::fs::DirBuilderExt as _;

/// Largest log file copied (its last bytes: the recent events).
const MAX_LOG_BYTES: u64 = 32 << 20;
/// Longest capture asked for.
const MAX_CAPTURE_SECONDS: u64 = 600;
/// Most configuration files copied from one folder.
const MAX_CONFIG_FILES: usize = 256;

#[derive(Args)]
pub(crate) struct CollectArgs {
    /// The folder to write (default: ike-doctor-collect-HOST-TIME in the current folder).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The daemon's log from this long ago (journalctl's --since: "1 hour ago", "2026-12-06
    /// 10:00").
    #[arg(long, value_name = "TIME", default_value = "1 hour ago")]
    since: String,
    /// Also capture UDP 500, UDP 4500 and ESP for SECONDS (tcpdump, all interfaces), e.g. while
    /// the peer retries.
    #[arg(long, value_name = "SECONDS")]
    capture: Option<u64>,
    /// The peer whose packets the firewall is evaluated for in the host report.
    #[arg(long, value_name = "ADDR")]
    peer: Option<std::net::IpAddr>,
    /// Also write FOLDER.tar.gz.
    #[arg(long)]
    tar: bool,
    /// Keep the hex dumps of key material that charon writes at `ike` level 4 (they let
    /// `diagnose` decrypt IKE_AUTH, and let anyone holding the folder do the same); by default
    /// they are taken out of the logs.
    #[arg(long)]
    keep_keys: bool,
    /// Read /etc, /var/log, /proc and /sys under DIR instead of / (no journal, no capture, no
    /// ESP test: they are this machine's).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

pub(crate) fn run(args: &CollectArgs) -> ExitCode {
    let root = args.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    let live = args.root.is_none();
    let out = args.output.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string(root.join("etc/hostname"))
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "host".into());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        PathBuf::from(format!("ike-doctor-collect-{host}-{now}"))
    });
    // Only its owner reads the folder: logs and configurations say much about the host.
    let created = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&out)
        // A folder that existed keeps its mode otherwise.
        .and_then(|()| {
            std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        })
        .and_then(|()| std::fs::create_dir_all(out.join("configs")))
        .and_then(|()| std::fs::create_dir_all(out.join("logs")));
    if let Err(e) = created {
        eprintln!("ike-doctor: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut manifest =
        String::from("What `ike-doctor collect` gathered (secrets redacted; nothing sent):\n");
    collect_configs(&root, &out.join("configs"), &mut manifest);
    collect_logs(
        &root,
        &out.join("logs"),
        live,
        &args.since,
        args.keep_keys,
        &mut manifest,
    );
    // The host report, as `ike-doctor host --format json` writes it.
    let host_args = crate::host_cmd::HostArgs::live_json(args.root.clone(), args.peer, true);
    // Without a route to the peer the report is still worth having, without its firewall part.
    let report = crate::host_cmd::build_report(&host_args).or_else(|e| {
        let _ = writeln!(manifest, "  firewall not evaluated: {e}");
        crate::host_cmd::build_report(&crate::host_cmd::HostArgs {
            peer: None,
            ..host_args
        })
    });
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            eprintln!("ike-doctor: the host report: {e}");
            return ExitCode::from(2);
        }
    };
    let written = serde_json::to_string_pretty(&report)
        .ok()
        .is_some_and(|json| std::fs::write(out.join("host.json"), json + "\n").is_ok());
    match written {
        true => {
            let _ = writeln!(
                manifest,
                "  host.json: the host report ({} finding(s))",
                report.findings.len()
            );
        }
        false => {
            let _ = writeln!(manifest, "  host.json: could not be written");
        }
    }
    if let Some(seconds) = args.capture {
        if live {
            capture(&out, seconds.min(MAX_CAPTURE_SECONDS), &mut manifest);
        } else {
            let _ = writeln!(manifest, "  capture: not with --root");
        }
    }
    let _ = std::fs::write(out.join("MANIFEST.txt"), &manifest);
    print!("{manifest}");
    println!(
        "Folder: {}  (ike-doctor diagnose {} reads it)",
        out.display(),
        out.display()
    );
    if args.tar {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tarball = parent.join(format!("{name}.tar.gz"));
        let status = Command::new("tar")
            .arg("czf")
            .arg(&tarball)
            .arg("-C")
            .arg(parent)
            .arg(&name)
            .status();
        // The tarball holds what the folder does: its owner's only.
        let private = || {
            std::fs::set_permissions(
                &tarball,
                std::os::unix::fs::PermissionsExt::from_mode(0o600),
            )
        };
        match status {
            Ok(s) if s.success() && private().is_ok() => {
                println!("Tarball: {}", tarball.display())
            }
            _ => {
                eprintln!("ike-doctor: tar could not write {}", tarball.display());
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The daemons' configuration files, each end's in one folder, secrets redacted.
fn collect_configs(root: &Path, out: &Path, manifest: &mut String) {
    let mut files: Vec<PathBuf> = [
        "etc/swanctl/swanctl.conf",
        "etc/strongswan/swanctl/swanctl.conf",
        "etc/ipsec.conf",
        "etc/ipsec.secrets",
        "etc/strongswan/ipsec.conf",
        "etc/strongswan/ipsec.secrets",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    for dir in [
        "etc/swanctl/conf.d",
        "etc/strongswan/swanctl/conf.d",
        "etc/ipsec.d",
    ] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|e| e == "conf" || e == "secrets")
                })
                .collect();
            found.sort();
            files.extend(found.into_iter().take(MAX_CONFIG_FILES));
        }
    }
    for path in files.iter().filter(|p| p.is_file()) {
        let Ok(text) = std::fs::read_to_string(path) else {
            let _ = writeln!(manifest, "  {}: not readable; skipped", path.display());
            continue;
        };
        let (redacted, secrets) = ike_config::redact::redact_secrets(&text);
        // Flattened names keep every file distinct in one folder (one end).
        let rel = path.strip_prefix(root).unwrap_or(path);
        let name = rel.to_string_lossy().replace('/', "_");
        if std::fs::write(out.join(&name), redacted).is_ok() {
            let _ = writeln!(
                manifest,
                "  configs/{name}: /{} ({secrets} secret(s) redacted)",
                rel.display()
            );
        }
    }
}

/// The daemon's log: the journal of the IKE services for the window, and log files it may
/// write to (their last bytes).
fn collect_logs(
    root: &Path,
    out: &Path,
    live: bool,
    since: &str,
    keep_keys: bool,
    manifest: &mut String,
) {
    if live {
        let output = Command::new("journalctl")
            .args([
                "--no-pager",
                "-o",
                "short-iso",
                "--since",
                since,
                "-u",
                "strongswan",
                "-u",
                "strongswan-starter",
                "-u",
                "strongswan-swanctl",
                "-u",
                "ipsec",
                "-u",
                "charon-systemd",
            ])
            .stdin(Stdio::null())
            .output();
        match output {
            Ok(o)
                if o.status.success()
                    && !String::from_utf8_lossy(&o.stdout).trim().is_empty()
                    && String::from_utf8_lossy(&o.stdout).trim() != "-- No entries --" =>
            {
                let (text, note) = without_keys(&String::from_utf8_lossy(&o.stdout), keep_keys);
                if std::fs::write(out.join("journal.log"), text).is_ok() {
                    let _ = writeln!(
                        manifest,
                        "  logs/journal.log: the IKE services' journal since {since}{note}"
                    );
                }
            }
            Ok(o) => {
                let _ = writeln!(
                    manifest,
                    "  journal: nothing for the IKE services since {since} ({})",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
            }
            Err(e) => {
                let _ = writeln!(manifest, "  journal: journalctl could not run: {e}");
            }
        }
    }
    for file in [
        "var/log/charon.log",
        "var/log/pluto.log",
        "var/log/strongswan.log",
        "var/log/secure",
    ] {
        let path = root.join(file);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let Ok(mut f) = std::fs::File::open(&path) else {
            continue;
        };
        // The last bytes: the recent events.
        let skip = meta.len().saturating_sub(MAX_LOG_BYTES);
        let mut bytes = Vec::new();
        let read = std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(skip)).and_then(|_| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_LOG_BYTES), &mut bytes)
        });
        let name = file.rsplit('/').next().unwrap_or(file);
        if read.is_err() {
            let _ = writeln!(manifest, "  /{file}: not readable; skipped");
            continue;
        }
        let (text, note) = without_keys(&String::from_utf8_lossy(&bytes), keep_keys);
        if std::fs::write(out.join(name), text).is_ok() {
            let cut = if skip > 0 {
                format!(" (its last {MAX_LOG_BYTES} bytes)")
            } else {
                String::new()
            };
            let _ = writeln!(manifest, "  logs/{name}: /{file}{cut}{note}");
        }
    }
}

/// A log's text without charon's key dumps (unless kept), and what the manifest says of it.
fn without_keys(text: &str, keep_keys: bool) -> (String, String) {
    if keep_keys {
        return (text.to_owned(), String::new());
    }
    match ike_keys::strip_key_material(text) {
        (text, 0) => (text, String::new()),
        (text, n) => (
            text,
            format!(
                " ({n} hex dump(s) of keys and decrypted payloads removed; --keep-keys keeps them)"
            ),
        ),
    }
}

/// tcpdump of UDP 500/4500 and ESP on every interface for `seconds`.
fn capture(out: &Path, seconds: u64, manifest: &mut String) {
    let file = out.join("capture.pcap");
    let status = Command::new("timeout")
        .arg(seconds.to_string())
        .args(["tcpdump", "-i", "any", "-n", "-s", "0", "-w"])
        .arg(&file)
        .arg("udp port 500 or udp port 4500 or ip proto 50 or ip6 proto 50")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    // timeout's own status is 124 when it stopped tcpdump, as asked.
    match status {
        Ok(s) if file.exists() && (s.success() || s.code() == Some(124)) => {
            let _ = writeln!(
                manifest,
                "  capture.pcap: UDP 500/4500 and ESP, {seconds} s, all interfaces"
            );
        }
        _ => {
            let _ = writeln!(
                manifest,
                "  capture: tcpdump could not capture (installed? root?)"
            );
        }
    }
}
