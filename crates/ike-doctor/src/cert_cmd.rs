//! `ike-doctor cert FILE... [--ca FILE] [--id ID] [--at TIME] [--client]`: the certificate
//! checks of the diagnosis, on files. The first certificate is the one checked; the others are
//! taken as intermediates.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CertArgs {
    /// PEM or DER files: the certificate to check first, then any intermediates.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// CA certificate(s) to build the chain to (PEM or DER); may be repeated.
    #[arg(long = "ca", value_name = "FILE")]
    cas: Vec<PathBuf>,
    /// The identity the peer is expected to have (FQDN, IP address, email or DN).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// The time of the failure (RFC 3339, e.g. 2025-01-31T12:00:00Z, or Unix seconds): validity
    /// is checked then and now, to tell an expired certificate from a wrong clock.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Check as a client certificate (default: a client certificate when its EKU says so, i.e.
    /// clientAuth without serverAuth; otherwise a gateway certificate, with each client's EKU rules).
    #[arg(long)]
    client: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CertFormat::Text)]
    format: CertFormat,
}

/// `cert` reports a list of checks: text or JSON (no ladder to draw).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CertFormat {
    Text,
    Json,
}

fn parse_time(text: &str) -> Option<i64> {
    if let Ok(secs) = text.parse::<i64>() {
        return Some(secs);
    }
    // YYYY-MM-DDTHH:MM:SS[Z]
    let t = text.trim_end_matches('Z');
    let (date, time) = t.split_once(['T', ' ']).unwrap_or((t, "00:00:00"));
    let d: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let h: Vec<i64> = time.split(':').filter_map(|p| p.parse().ok()).collect();
    let (&[y, m, day], [hh, mm, ss, ..]) = (
        d.as_slice(),
        [
            h.first().copied().unwrap_or(0),
            h.get(1).copied().unwrap_or(0),
            h.get(2).copied().unwrap_or(0),
        ],
    ) else {
        return None;
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn read_certs(path: &PathBuf) -> Result<Vec<Vec<u8>>, String> {
    let content = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let certs = ike_cert::certificates_in(&content);
    if certs.is_empty() {
        return Err(format!(
            "{}: no certificate (PEM or DER) found",
            path.display()
        ));
    }
    Ok(certs)
}

pub fn run(args: &CertArgs) -> ExitCode {
    let mut chain = Vec::new();
    let mut cas = Vec::new();
    for path in &args.files {
        match read_certs(path) {
            Ok(c) => chain.extend(c),
            Err(e) => {
                eprintln!("ike-doctor: {e}");
                return ExitCode::from(2);
            }
        }
    }
    for path in &args.cas {
        match read_certs(path) {
            Ok(c) => cas.extend(c),
            Err(e) => {
                eprintln!("ike-doctor: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let at = match args.at.as_deref().map(parse_time) {
        Some(None) => {
            eprintln!("ike-doctor: --at: not a time (RFC 3339 or Unix seconds)");
            return ExitCode::from(2);
        }
        Some(t) => t,
        None => None,
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let Some((leaf, intermediates)) = chain.split_first() else {
        return ExitCode::from(2);
    };
    let info = match ike_cert::parse(leaf) {
        Ok(info) => info,
        Err(e) => {
            eprintln!("ike-doctor: {e}");
            return ExitCode::from(2);
        }
    };
    // A certificate whose EKU makes it a client's is checked as one.
    let client_by_eku = info.has_eku && info.eku_client_auth && !info.eku_server_auth;
    let as_client = args.client || client_by_eku;
    let role = match (args.client, client_by_eku) {
        (true, _) => "client certificate (--client)",
        (false, true) => "client certificate (its EKU holds clientAuth, not serverAuth)",
        (false, false) => "gateway certificate",
    };
    let mut checks = ike_cert::check(&info, args.id.as_deref(), at, now, !as_client);
    if !cas.is_empty() {
        let when = at.unwrap_or(now);
        let result = ike_cert::verify_chain(leaf, intermediates, &cas, when);
        checks.insert(
            0,
            ike_cert::Check {
                name: "chain to the CA",
                ok: result.is_ok(),
                detail: result.err().unwrap_or_else(|| {
                    format!(
                        "chain and signatures verify at {}",
                        ike_cert::format_time(when)
                    )
                }),
            },
        );
    }
    // What could not be checked with what was given: said, never passed silently.
    let mut unchecked = Vec::new();
    if cas.is_empty() {
        unchecked.push("chain to a trusted CA: no --ca given");
    }
    if args.id.is_none() {
        unchecked.push("identity in the subjectAltName: no --id given");
    }
    if at.is_none() {
        unchecked.push("validity at the time of the failure: no --at given (checked now only)");
    }
    let mut note = None;
    if let (Some(then), Some(now_check)) = (
        checks
            .iter()
            .find(|c| c.name == "validity at the time of the evidence"),
        checks.iter().find(|c| c.name == "validity now"),
    ) {
        if at.is_some() && then.ok != now_check.ok {
            note = Some(format!(
                "valid {} but not {}: {}",
                if then.ok { "at the time given" } else { "now" },
                if then.ok { "now" } else { "at the time given" },
                if then.ok {
                    "the certificate has expired since (or is not yet valid now)"
                } else {
                    "the clock of the peer that failed was likely wrong at that time"
                }
            ));
        }
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    match args.format {
        CertFormat::Json => {
            let report = serde_json::json!({
                "subject": info.subject,
                "issuer": info.issuer,
                "not_before": ike_cert::format_time(info.not_before),
                "not_after": ike_cert::format_time(info.not_after),
                "san": info.san_list(),
                "checked_as": if as_client { "client" } else { "gateway" },
                "role": role,
                "checks": checks.iter().map(|c| serde_json::json!({
                    "name": c.name, "ok": c.ok, "detail": c.detail,
                })).collect::<Vec<_>>(),
                "unchecked": unchecked,
                "note": note,
                "failed": failed,
            });
            println!("{report}");
        }
        CertFormat::Text => {
            println!("certificate  {}", info.subject);
            println!("issuer       {}", info.issuer);
            println!(
                "validity     {} .. {}",
                ike_cert::format_time(info.not_before),
                ike_cert::format_time(info.not_after)
            );
            println!("SAN          {}", info.san_list().join(", "));
            println!("checked as   {role}");
            for c in &checks {
                println!(
                    "{}  {:<40} {}",
                    if c.ok { "ok  " } else { "FAIL" },
                    c.name,
                    c.detail
                );
            }
            for u in &unchecked {
                println!("not checked  {u}");
            }
            if let Some(note) = &note {
                println!("note: {note}");
            }
        }
    }
    ExitCode::from(if failed == 0 { 0 } else { 1 })
}

/// Certificates given to `diagnose`: the `--ca` files (trusted as given) and the certificate
/// files among the inputs become certificate evidence on the timeline, which the diagnosis
/// checks against the captures. Each certificate's own checks at the time of the captures and
/// now are also noted. Fails only on an unreadable or certificate-less `--ca` file.
pub fn load_certificates(
    builder: &mut ike_timeline::TimelineBuilder,
    files: &[&crate::inputs::InputFile],
    ca_files: &[PathBuf],
) -> Result<(), String> {
    let mut explicit = Vec::new();
    let mut read = Vec::new();
    for path in ca_files {
        read_certs(path)?;
        explicit.push(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
        read.extend(ike_timeline::cert::certificate_file(
            builder,
            path,
            &path.display().to_string(),
            true,
        ));
    }
    for file in files {
        // A `--ca` file also found among the inputs is read once, as trusted.
        let canonical = std::fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone());
        if explicit.contains(&canonical) {
            continue;
        }
        match file.open() {
            Ok(opened) => read.extend(ike_timeline::cert::certificate_stream(
                builder,
                opened.content,
                &file.display,
                false,
            )),
            Err(e) => builder.note(None, None, format!("{}: cannot read: {e}", file.display)),
        }
    }
    note_certificates(builder, &read);
    Ok(())
}

/// One note per certificate read: the checks that fail at the time of the captures and now,
/// as a gateway certificate unless its EKU makes it a client's.
fn note_certificates(
    builder: &mut ike_timeline::TimelineBuilder,
    read: &[(ike_timeline::SourceId, ike_timeline::cert::CertificateEvent)],
) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let at = builder.earliest_capture_time().map(|t| t.0 / 1_000_000_000);
    let mut notes = Vec::new();
    for (source, cert) in read {
        let info = &cert.info;
        let client_cert = info.has_eku && info.eku_client_auth && !info.eku_server_auth;
        let failed: Vec<String> = ike_cert::check(info, None, at, now, !info.is_ca && !client_cert)
            .into_iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        let summary = if failed.is_empty() {
            "all checks pass".to_string()
        } else {
            failed.join("; ")
        };
        let role = if cert.trusted_explicitly {
            "trusted CA certificate (--ca)"
        } else if info.is_ca {
            "CA certificate"
        } else if client_cert {
            "client certificate"
        } else {
            "certificate"
        };
        notes.push((
            *source,
            cert.locator(),
            format!(
                "{role} {} (issuer {}): {summary}",
                info.subject, info.issuer
            ),
        ));
    }
    for (source, at, message) in notes {
        builder.note(Some(source), at, message);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times() {
        assert_eq!(super::parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(super::parse_time("2000-03-01T00:00:01Z"), Some(951_868_801));
        assert_eq!(super::parse_time("12345"), Some(12345));
        assert_eq!(super::parse_time("garbage"), None);
    }
}
