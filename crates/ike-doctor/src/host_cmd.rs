//! `ike-doctor host`: what on this machine breaks IKE (daemons and who holds UDP 500/4500, the
//! kernel's ESP support tried for real, interface MTU, reverse-path filtering, XFRM errors), in
//! the contract's verdict and findings. Reads only and sends nothing.
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;
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
    pub(crate) root: Option<PathBuf>,
    /// Do not try an ESP SA in a throw-away network namespace (the kernel's ESP support is then
    /// not reported).
    #[arg(long)]
    pub(crate) no_esp_test: bool,
    /// The peer whose UDP 500, UDP 4500 and ESP packets the firewall rules are evaluated for
    /// (both ways; the interface and local address are the route's to it). Nothing is sent.
    #[arg(long, value_name = "ADDR")]
    pub(crate) peer: Option<IpAddr>,
    /// Evaluate this `nft -j list ruleset` output instead of the live rule set (with --root,
    /// the other host's; its local address is then --local).
    #[arg(long, value_name = "FILE")]
    pub(crate) nft_json: Option<PathBuf>,
    /// `iptables-save` output of the same host as --nft-json: the arguments of iptables
    /// matches (`-m conntrack`, `-m multiport`) that nft lists without them (read from the
    /// live host otherwise).
    #[arg(long, value_name = "FILE")]
    pub(crate) iptables_save: Option<PathBuf>,
    /// This host's address toward the peer, when it cannot be taken from the route.
    #[arg(long, value_name = "ADDR")]
    pub(crate) local: Option<IpAddr>,
    /// A cloud firewall export to evaluate for the peer's packets (AWS `describe-security-groups`
    /// or `describe-network-acls`, Azure NSG, Google Cloud firewall rules JSON; needs --peer);
    /// may be repeated.
    #[arg(long = "cloud-firewall", value_name = "FILE")]
    pub(crate) cloud_firewalls: Vec<PathBuf>,
    /// The interface the peer's packets use, when it cannot be taken from the route (with
    /// --nft-json or --root); without it, rules matching interface names cannot be evaluated.
    #[arg(long, value_name = "IF")]
    pub(crate) interface: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

impl HostArgs {
    /// The live host's report for `peer`, as JSON, as `collect` and `watch` make it.
    pub(crate) fn live_json(
        root: Option<PathBuf>,
        peer: Option<IpAddr>,
        esp_test: bool,
    ) -> HostArgs {
        HostArgs {
            root,
            no_esp_test: !esp_test,
            peer,
            nft_json: None,
            iptables_save: None,
            local: None,
            cloud_firewalls: Vec::new(),
            interface: None,
            format: Format::Json,
            output: None,
        }
    }
}

pub(crate) fn run(args: &HostArgs) -> ExitCode {
    let report = match build_report(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ike-doctor: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("ike-doctor: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Text => text_report(&report),
        Format::Html => html_report(&report),
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

/// The host report as one self-contained page: the verdict and findings as `diagnose`'s page
/// shows them, then what was looked at.
fn html_report(report: &HostReport) -> String {
    use ike_report::html::{escape, EvidenceView, FindingView, Page, VerdictView};
    let view = |f: &ike_host::checks::HostFinding, warning: bool| FindingView {
        warning,
        title: f.title.clone(),
        phase: f.phase.as_str(),
        category: Some(f.category.as_str()),
        confidence: f.confidence.as_str(),
        by: format!("check {}", f.check),
        attempts: 1,
        candidates: Vec::new(),
        evidence: f
            .evidence
            .iter()
            .map(|e| EvidenceView {
                place: e.clone(),
                href: None,
                note: String::new(),
                text: None,
            })
            .collect(),
        fix: f.fix.clone(),
    };
    let v = &report.verdict;
    let text = text_report(report);
    let looked_at = text
        .split_once("\nWhat was looked at:\n")
        .map_or("", |(_, rest)| rest);
    let page = Page {
        title: format!("ike-doctor host: {}", v.outcome.as_str()),
        subtitle: "host check of the machine it ran on".to_string(),
        verdict: VerdictView {
            outcome: v.outcome,
            phase: v.phase.map(|p| p.as_str()),
            category: v.category.map(|c| c.as_str()),
            summary: v.summary.clone(),
            candidates: Vec::new(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| view(f, false))
            .chain(v.warnings.iter().map(|f| view(f, true)))
            .collect(),
        sections: vec![(
            "What was looked at".to_string(),
            format!("<pre>{}</pre>", escape(looked_at)),
        )],
        data: None,
    };
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = ike_report::html::write_page(&mut out, &page);
    String::from_utf8_lossy(&out).into_owned()
}

/// The host report as `args` ask for it (`host` and `collect` both make it here); an error
/// names what the user gave that cannot be used.
pub(crate) fn build_report(args: &HostArgs) -> Result<HostReport, String> {
    let root = Root::new(args.root.clone().unwrap_or_else(|| PathBuf::from("/")));
    let live = args.root.is_none() && args.nft_json.is_none();
    let mut facts = ike_host::facts::gather(&root);
    let esp = if args.root.is_some() || args.no_esp_test {
        vec![EspSupport::NotTested {
            why: if args.no_esp_test {
                "--no-esp-test".into()
            } else {
                "--root: another host's files; this kernel is not that host's".into()
            },
        }]
    } else {
        ike_host::xfrm::test_esp(&esp_algorithms(&facts))
    };
    // The rule set: the file given, or the live one (without nft on the host: not evaluated).
    let ruleset = match &args.nft_json {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|t| ike_host::nft::Ruleset::from_json(&t))
        {
            Ok(r) => Some(r),
            Err(e) => return Err(e),
        },
        None if live => match run_tool("nft", &["-j", "list", "ruleset"])
            .and_then(|t| ike_host::nft::Ruleset::from_json(&t))
        {
            Ok(r) => Some(r),
            Err(e) => {
                facts
                    .notes
                    .push(format!("the nftables rule set was not read: {e}"));
                None
            }
        },
        None => None,
    };
    let mut ruleset = ruleset;
    if let Some(ruleset) = ruleset.as_mut() {
        match &args.iptables_save {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                ruleset.add_iptables_save("ip", &text);
            }
            // Only the nf_tables backend's rules are the ones nft listed.
            None if live => {
                for (family, tool) in [("ip", "iptables-save"), ("ip6", "ip6tables-save")] {
                    if let Ok(text) = run_tool(tool, &[]) {
                        if text.contains("(nf_tables)") {
                            ruleset.add_iptables_save(family, &text);
                        }
                    }
                }
            }
            None => {}
        }
    }
    let firewall = match (args.peer, &ruleset) {
        (Some(peer), Some(ruleset)) => {
            let (dev, src) = if live { route_to(peer) } else { (None, None) };
            let dev = args.interface.clone().or(dev);
            match args.local.or(src) {
                Some(local) => ike_host::nft::with_legacy_tables(
                    ike_host::nft::for_peer(ruleset, peer, local, dev.as_deref()),
                    &facts.legacy_iptables,
                ),
                None => {
                    return Err(
                        "no local address toward the peer (no route to it?): give --local".into(),
                    )
                }
            }
        }
        _ => Vec::new(),
    };
    if live {
        facts.reverse_paths = reverse_paths(&facts);
    }
    facts.mss_clamped = ruleset.as_ref().map(ike_host::nft::Ruleset::clamps_mss);
    let nat = match &ruleset {
        Some(ruleset) => ike_host::nft::tunnels_nat(ruleset, &facts.tunnels, |to| {
            if live {
                route_to(to).0
            } else {
                args.interface.clone()
            }
        }),
        None => Vec::new(),
    };
    let mut cloud = Vec::new();
    for file in &args.cloud_firewalls {
        let Some(peer) = args.peer else {
            return Err("--cloud-firewall needs --peer (whose packets to evaluate)".into());
        };
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => return Err(format!("{}: {e}", file.display())),
        };
        let Some(kind) = ike_host::cloudfw::detect(&text) else {
            return Err(format!(
                "{}: not a cloud firewall export this tool reads",
                file.display()
            ));
        };
        match ike_host::cloudfw::evaluate(&text, kind, peer) {
            Ok(verdicts) => {
                cloud.extend(
                    verdicts
                        .into_iter()
                        .map(|verdict| ike_host::checks::CloudFinding {
                            file: file.display().to_string(),
                            kind,
                            verdict,
                        }),
                )
            }
            Err(e) => return Err(format!("{}: {e}", file.display())),
        }
    }
    let mut forward = match &ruleset {
        Some(ruleset) => ike_host::nft::tunnels_forward(ruleset, &facts.reverse_paths),
        None => Vec::new(),
    };
    let mut nat = nat;
    ike_host::nft::forward_and_nat_with_legacy_tables(
        &mut forward,
        &mut nat,
        &facts.legacy_iptables,
    );
    Ok(ike_host::check_facts(
        facts, esp, firewall, nat, cloud, forward,
    ))
}

/// Host reports given to `diagnose`: each a source, its failures as findings citing it.
pub(crate) fn read_reports(
    builder: &mut ike_timeline::TimelineBuilder,
    files: &[&crate::inputs::InputFile],
) -> Vec<ike_diagnose::Diagnosis> {
    let mut out = Vec::new();
    for file in files {
        let mut text = String::new();
        let read = file.open().and_then(|opened| {
            std::io::Read::read_to_string(
                &mut std::io::Read::take(opened.content, 16 << 20),
                &mut text,
            )
        });
        if let Err(e) = read {
            builder.note(None, None, format!("{}: cannot read: {e}", file.display));
            continue;
        }
        let source = builder.add_source(file.display.clone(), ike_timeline::SourceKind::HostReport);
        match ike_diagnose::host::findings_of(&text, source) {
            Ok(found) => out.push(found),
            Err(e) => builder.note(
                Some(source),
                None,
                format!("{}: {e}; skipped", file.display),
            ),
        }
    }
    out
}

/// Each site-to-site tunnel's decapsulated traffic: where it arrives (kernel-libipsec's TUN,
/// else the interface toward the peer, where the kernel's XFRM re-injects it) and where the
/// host routes its source. Tunnels whose peer or routes are unknown are left out.
fn reverse_paths(facts: &ike_host::HostFacts) -> Vec<ike_host::facts::ReversePath> {
    let libipsec = facts
        .daemons
        .iter()
        .any(|d| d.data_plane == ike_host::facts::DataPlane::Libipsec);
    let mut out = Vec::new();
    for tunnel in facts.tunnels.iter().take(64) {
        let arrives_on = match (libipsec, tunnel.peer) {
            (true, _) => Some("ipsec0".to_owned()),
            (false, Some(peer)) => route_to(peer).0,
            (false, None) => None,
        };
        let Some(arrives_on) = arrives_on else {
            continue;
        };
        let Ok(routed_back_via) = route_dev(tunnel.to) else {
            continue;
        };
        // The local network's first host, or the next one when the first is this host's
        // (`ip route get` names `lo` for a local address).
        let mut local_host = tunnel.from;
        let mut local_via = route_dev(local_host).ok().flatten();
        if local_via.as_deref() == Some("lo") {
            local_host = next_address(local_host);
            local_via = route_dev(local_host).ok().flatten();
        }
        out.push(ike_host::facts::ReversePath {
            connection: tunnel.connection.clone(),
            remote_ts: tunnel.remote_ts.clone(),
            source: tunnel.to,
            arrives_on,
            routed_back_via,
            local_host,
            local_via,
            kernel_xfrm: !libipsec,
        });
    }
    out
}

/// The address after `addr` (the same at the top of the space).
fn next_address(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(a) => IpAddr::V4(u32::from(a).saturating_add(1).into()),
        IpAddr::V6(a) => IpAddr::V6(u128::from(a).saturating_add(1).into()),
    }
}

/// The interface `ip route get ADDR` names; `Ok(None)` when the kernel has no route to it.
fn route_dev(addr: IpAddr) -> Result<Option<String>, String> {
    let out = std::process::Command::new("ip")
        .args(["-j", "route", "get", &addr.to_string()])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("`ip` could not run: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        // The kernel's own answer that there is no way there.
        return match said.contains("unreachable") {
            true => Ok(None),
            false => Err(said.trim().to_owned()),
        };
    }
    let routes: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    Ok(routes
        .get(0)
        .and_then(|r| r.get("dev"))
        .and_then(|d| d.as_str())
        .map(str::to_owned))
}

/// `ip -j route get PEER`: the interface and source address packets to the peer take.
fn route_to(peer: IpAddr) -> (Option<String>, Option<IpAddr>) {
    let Ok(text) = run_tool("ip", &["-j", "route", "get", &peer.to_string()]) else {
        return (None, None);
    };
    let Ok(serde_json::Value::Array(routes)) = serde_json::from_str::<serde_json::Value>(&text)
    else {
        return (None, None);
    };
    let Some(route) = routes.first() else {
        return (None, None);
    };
    (
        route.get("dev").and_then(|d| d.as_str()).map(str::to_owned),
        route
            .get("prefsrc")
            .and_then(|a| a.as_str())
            .and_then(|a| a.parse().ok()),
    )
}

/// The ESP algorithms to try: the local configuration's, else the daemons' defaults.
pub(crate) fn esp_algorithms(facts: &ike_host::HostFacts) -> Vec<ike_host::xfrm::EspAlgorithm> {
    let configured: Vec<_> = facts
        .esp_algorithms
        .iter()
        .filter_map(|(e, i)| ike_host::xfrm::algorithm_for(e, i.as_deref()))
        .collect();
    if configured.is_empty() {
        ike_host::xfrm::default_algorithms()
    } else {
        configured
    }
}

fn run_tool(program: &str, args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("`{program}` could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
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
    for v in &r.firewall {
        let verdict = match &v.verdict {
            ike_host::nft::Verdict::Accepted => "accepted".to_owned(),
            ike_host::nft::Verdict::Dropped {
                table,
                chain,
                handle,
                ..
            } => format!(
                "dropped in table {table}, chain {chain}{}",
                handle
                    .map(|h| format!(", rule handle {h}"))
                    .unwrap_or_else(|| " (policy)".into())
            ),
            ike_host::nft::Verdict::CannotEvaluate {
                chain, expression, ..
            } => {
                format!("cannot evaluate ({chain}: {expression})")
            }
        };
        let _ = writeln!(out, "  firewall: {}: {verdict}", v.packet);
    }
    for n in &facts.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}
