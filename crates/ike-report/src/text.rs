//! The terminal report: verdict first, then findings with evidence and fix, then the ladder of
//! each IKE SA the way a person reads a handshake.
use std::fmt::Write as _;

use ike_diagnose::{Diagnosis, Outcome};
use ike_timeline::time::{rfc3339_micros, seconds_between};
use ike_timeline::{EventKind, Locator, Session, Timeline};

use crate::json::{evidence_json, ikev1_exchange_name};
use crate::{proposal_string, spi_hex};

/// Sessions shown with their full ladder; the rest are summarised in one line each.
const LADDERS_SHOWN: usize = 50;
/// Rungs shown per ladder before the middle is elided.
const RUNGS_SHOWN: usize = 200;

pub fn render(timeline: &Timeline, diagnosis: &Diagnosis) -> String {
    let mut out = String::new();
    let v = &diagnosis.verdict;
    let outcome = match v.outcome {
        Outcome::Failed => "FAILED",
        Outcome::Established => "ESTABLISHED",
        Outcome::NoIkeTraffic => "NO IKE TRAFFIC",
        Outcome::Inconclusive => "INCONCLUSIVE",
    };
    let _ = write!(out, "Verdict: {outcome}");
    if let Some(p) = v.phase {
        let _ = write!(out, " in {}", p.as_str());
    }
    match (v.outcome, v.category) {
        (_, Some(c)) => {
            let _ = write!(out, " ({})", c.as_str());
        }
        (Outcome::Failed, None) => out.push_str(" (cause not decided by this evidence)"),
        _ => {}
    }
    let _ = writeln!(out, "\n  {}", v.summary);
    if !v.candidates.is_empty() {
        let _ = writeln!(out, "  still possible:");
        for c in &v.candidates {
            let _ = writeln!(
                out,
                "    {} {}: {} (decided by {})",
                c.phase.as_str(),
                c.category.as_str(),
                c.why,
                c.decided_by
            );
        }
    }
    for w in &v.warnings {
        let _ = writeln!(
            out,
            "  warning: {} [{}]",
            w.title,
            w.category.map(|c| c.as_str()).unwrap_or("-")
        );
    }

    let findings = diagnosis.findings.iter().chain(&v.warnings);
    for (n, f) in findings.enumerate() {
        let kind = if f.severity == ike_diagnose::Severity::Warning {
            "Warning"
        } else {
            "Finding"
        };
        let _ = writeln!(
            out,
            "\n{kind} {}: {} [{} / {}, {:?} confidence, rule {}{}]",
            n + 1,
            f.title,
            f.common_phase().map_or("phase open", |p| p.as_str()),
            f.category.map(|c| c.as_str()).unwrap_or("category open"),
            f.confidence,
            f.rule,
            if f.attempts > 1 {
                format!(", {} attempts", f.attempts)
            } else {
                String::new()
            }
        );
        for c in &f.candidates {
            let _ = writeln!(
                out,
                "  could be: {} {} ({})",
                c.phase.as_str(),
                c.category.as_str(),
                c.why
            );
        }
        for e in &f.evidence {
            let e = evidence_json(timeline, e);
            let place = match (e.frame, e.line) {
                (Some(frame), _) => format!("{} frame {frame}", e.source),
                (_, Some(line)) => format!("{} line {line}", e.source),
                _ => e.source.clone(),
            };
            let _ = writeln!(out, "  evidence: {place}: {}", e.note);
            if let Some(text) = &e.text {
                let _ = writeln!(out, "      | {text}");
            }
        }
        for fix in &f.fix {
            let _ = writeln!(out, "  fix: {}", fix.text);
        }
    }

    for c in &timeline.clock_offsets {
        let _ = writeln!(
            out,
            "\nClock: {} runs {:+.6} s against {} (from {} datagrams both hold)",
            timeline.source_name(c.other),
            c.offset_seconds,
            timeline.source_name(c.reference),
            c.matched_datagrams
        );
    }

    if !diagnosis.peers.is_empty() {
        let _ = writeln!(out, "\nPeers: {}", diagnosis.peers.len());
        let _ = writeln!(
            out,
            "  {:<40} {:>8} {:>11}  failed",
            "initiator => responder", "attempts", "established"
        );
        for p in diagnosis.peers.iter().take(LADDERS_SHOWN) {
            let failed = failed_summary(p);
            let _ = writeln!(
                out,
                "  {:<40} {:>8} {:>11}  {}",
                format!("{} => {}", p.initiator, p.responder),
                p.attempts,
                p.established,
                failed
            );
        }
    }

    let sessions = &timeline.sessions;
    if !sessions.is_empty() {
        let _ = writeln!(out, "\nIKE SAs: {}", sessions.len());
    }
    for (i, s) in sessions.iter().enumerate() {
        if i < LADDERS_SHOWN {
            ladder(&mut out, timeline, i, s, diagnosis.sessions.get(i));
        } else {
            let _ = writeln!(
                out,
                "IKE SA #{} {}_i {}_r {} => {} reached {}, {} messages",
                i + 1,
                spi_hex(s.spi_i),
                spi_hex(s.spi_r),
                s.initiator(),
                s.responder(),
                s.phase_reached.as_str(),
                s.messages.len()
            );
        }
    }
    if timeline.sessions_untracked > 0 {
        let _ = writeln!(
            out,
            "\n{} further IKE SAs were seen but not tracked (session cap reached)",
            timeline.sessions_untracked
        );
    }

    if !timeline.esp_flows.is_empty() {
        let _ = writeln!(out, "\nESP:");
        for f in timeline.esp_flows.iter().take(LADDERS_SHOWN) {
            let _ = writeln!(
                out,
                "  SPI {:08x} {} -> {}{}: {} packets, {} bytes, largest {} bytes, frames {}-{}",
                f.spi,
                f.src,
                f.dst,
                if f.udp_ports.is_some() { " (UDP)" } else { "" },
                f.packets,
                f.bytes,
                f.max_ip_len,
                f.first_frame,
                f.last_frame
            );
        }
    }

    let mut skipped = 0usize;
    for e in &timeline.events {
        let Some(text) = network_error(&e.kind) else {
            continue;
        };
        if skipped == 0 {
            out.push_str("\nNetwork errors:\n");
        }
        skipped += 1;
        if skipped <= LADDERS_SHOWN {
            let _ = writeln!(
                out,
                "  {} frame {}: {text}",
                timeline.source_name(e.source()),
                frame(e.at())
            );
        }
    }

    if !timeline.notes.is_empty() {
        out.push_str("\nInput notes:\n");
        for n in &timeline.notes {
            match n.source {
                Some(s) => {
                    // Most readers' notes already begin with the input's name.
                    let name = timeline.source_name(s);
                    if n.message.starts_with(&format!("{name}:")) {
                        let _ = writeln!(out, "  {}", n.message);
                    } else {
                        let _ = writeln!(out, "  {name}: {}", n.message);
                    }
                }
                None => {
                    let _ = writeln!(out, "  {}", n.message);
                }
            }
        }
    }
    out
}

/// A pair of peers' failed attempts in a few words: `2 IKE_AUTH auth-psk, 1 IKE_SA_INIT open`
/// (`1 open` when even the phase is open).
pub(crate) fn failed_summary(p: &ike_diagnose::PeerRow) -> String {
    p.failed
        .iter()
        .map(|(phase, category, n)| {
            let category = category.map(|c| c.as_str()).unwrap_or("open");
            match phase {
                Some(phase) => format!("{n} {} {category}", phase.as_str()),
                None => format!("{n} {category}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An ICMP error or a datagram never reassembled, in a line (`None` for other events).
pub(crate) fn network_error(kind: &EventKind) -> Option<String> {
    Some(match kind {
        EventKind::Icmp(i) => {
            let (kind, mtu) = crate::json::icmp_kind(i.kind);
            format!(
                "ICMP {kind}{} from {} quoting {} -> {} ({} bytes)",
                mtu.map(|m| format!(" (MTU {m})")).unwrap_or_default(),
                i.from,
                i.quoted.src,
                i.quoted.dst,
                i.quoted.quoted_ip_len
            )
        }
        EventKind::Incomplete(d) => format!(
            "IP datagram {} -> {} never reassembled: {} fragments, {} bytes seen",
            d.src, d.dst, d.fragments_seen, d.bytes_seen
        ),
        _ => return None,
    })
}

fn frame(at: Locator) -> String {
    match at {
        Locator::Frame(f) => f.to_string(),
        Locator::Line(l) => format!("line {l}"),
    }
}

fn ladder(
    out: &mut String,
    timeline: &Timeline,
    i: usize,
    s: &Session,
    verdict: Option<&ike_diagnose::Verdict>,
) {
    let sources: Vec<&str> = s.sources.iter().map(|&x| timeline.source_name(x)).collect();
    let _ = writeln!(
        out,
        "\nIKE SA #{} IKEv{} {}_i {}_r  {} => {}  ({})",
        i + 1,
        s.ike_major_version,
        spi_hex(s.spi_i),
        spi_hex(s.spi_r),
        s.initiator(),
        s.responder(),
        sources.join(", ")
    );
    if let Some(v) = verdict {
        let _ = write!(out, "  verdict: {:?}", v.outcome);
        if let Some(p) = v.phase {
            let _ = write!(out, " in {}", p.as_str());
        }
        if let Some(c) = v.category {
            let _ = write!(out, " ({})", c.as_str());
        }
        let _ = writeln!(out, ": {}", v.summary);
    }
    let _ = write!(out, "  reached {}", s.phase_reached.as_str());
    if let Some(why) = &s.established_by {
        let _ = write!(out, " ({why})");
    }
    out.push('\n');
    if let Some(r) = s.restart_of() {
        let _ = writeln!(
            out,
            "  restarts IKE SA #{} after {}",
            r.session + 1,
            r.reason
        );
    }
    if let Some(p) = s.chosen() {
        let _ = writeln!(out, "  chosen: {}", proposal_string(p));
    } else if let Some(offered) = &s.offered {
        let list: Vec<String> = offered.iter().map(proposal_string).collect();
        let _ = writeln!(out, "  offered: {}", list.join(", "));
    }
    for c in s.endpoint_changes() {
        let _ = writeln!(
            out,
            "  {} moved {} -> {}",
            if c.initiator_side {
                "initiator"
            } else {
                "responder"
            },
            c.from,
            c.to
        );
    }
    let start = s
        .messages
        .first()
        .and_then(|r| timeline.events.get(r.event()))
        .map(|e| e.time);
    if let Some(t) = start {
        let _ = writeln!(out, "  first message at {}", rfc3339_micros(t));
    }
    let _ = writeln!(
        out,
        "  {:>7} {:>11}  {:<2}  {:<15} {:>4} {:<4} {:>5}  payloads",
        "frame", "+seconds", "", "exchange", "id", "", "bytes"
    );
    let total = s.messages.len();
    for (n, r) in s.messages.iter().enumerate() {
        if total > RUNGS_SHOWN && n == RUNGS_SHOWN / 2 {
            let _ = writeln!(out, "  ... {} more ...", total - RUNGS_SHOWN);
        }
        if total > RUNGS_SHOWN && n >= RUNGS_SHOWN / 2 && n < total - RUNGS_SHOWN / 2 {
            continue;
        }
        let Some(e) = timeline.events.get(r.event()) else {
            continue;
        };
        let rel = start.map(|t| seconds_between(t, e.time)).unwrap_or(0.0);
        let retransmit = r.retransmit();
        match &e.kind {
            EventKind::Ike(m) => {
                let arrow = if m.from_initiator { "->" } else { "<-" };
                let mut tail = String::new();
                if retransmit {
                    tail.push_str("  (retransmit)");
                }
                if let Some(seen) = s.seen_in().get(n).filter(|seen| !seen.is_empty()) {
                    let also: Vec<String> = seen
                        .iter()
                        .filter_map(|&o| timeline.events.get(o))
                        .map(|o| {
                            format!(
                                "{} frame {}",
                                timeline.source_name(o.source()),
                                frame(o.at())
                            )
                        })
                        .collect();
                    let _ = write!(tail, "  (also {})", also.join(", "));
                }
                if !m.ip_fragments().is_empty() {
                    let _ = write!(tail, "  (IP fragments: {} frames)", m.ip_fragments().len());
                }
                if let Some(err) = m.malformed() {
                    let _ = write!(tail, "  (malformed: {err})");
                }
                if let Some(inner) = m.inner() {
                    let d = crate::inner_json::decrypted(inner);
                    if d.status == "decrypted" {
                        let _ = write!(tail, "  decrypted [ {} ]", d.payloads.join(" "));
                    } else {
                        let _ = write!(tail, "  ({})", d.status);
                    }
                }
                let _ = writeln!(
                    out,
                    "  {:>7} {:>11.6}  {arrow}  {:<15} {:>4} {:<4} {:>5}  [ {} ]{tail}",
                    frame(e.at()),
                    rel,
                    m.exchange.to_string(),
                    m.message_id,
                    if m.response { "resp" } else { "req" },
                    m.length,
                    m.payloads.join(" ")
                );
            }
            EventKind::IkeV1(v1) => {
                let _ = writeln!(
                    out,
                    "  {:>7} {:>11.6}  {}  {:<15} {:>4} {:<4} {:>5}  (IKEv{}.{}: not parsed)",
                    frame(e.at()),
                    rel,
                    if s.sent_by_initiator(v1.src) {
                        "->"
                    } else {
                        "<-"
                    },
                    ikev1_exchange_name(v1.exchange),
                    v1.message_id,
                    "",
                    v1.length,
                    v1.major_version,
                    v1.minor_version
                );
            }
            _ => {}
        }
    }
}
