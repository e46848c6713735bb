//! The probe's report: what was found, the verdict in the contract's phases and categories,
//! the JSON object of `--format json` and the text of the terminal.
use std::fmt::Write as _;

use ike_wire::{vendor, NotifyType, PayloadRepr};
use serde::Serialize;

use crate::algorithms::AcceptedProposal;
use crate::auth::AuthOutcome;
use crate::certs::{self, CertSummary, ChainChecks};
use crate::exchange::{AnswerKind, NatCheck};
use crate::message::{redirect_target, signature_hash_names};
use crate::probe::{Port, PortResult, ProbeConfig, ProbeResult};

pub use ike_contract::{Category, Confidence, FailurePhase, Outcome};

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub host: String,
    pub address: String,
    pub ike_port: u16,
    pub nat_t_port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reachable {
    /// The IKE port (500 unless HOST:PORT says otherwise) answered with IKE.
    pub udp500: bool,
    /// UDP 4500 (non-ESP marker) answered with IKE.
    pub udp4500: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerEntry {
    pub port: u16,
    pub purpose: &'static str,
    /// KE group of the request.
    pub ke_group: String,
    /// response, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, COOKIE, no-answer, icmp-unreachable, ...
    pub answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<crate::exchange::Unreachable>,
    pub transmissions: u8,
    pub time_ms: u64,
    pub length: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Nat {
    pub port: u16,
    pub prober_behind_nat: Option<bool>,
    pub gateway_behind_nat: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enumeration {
    pub port: u16,
    pub complete: bool,
    /// IKE_SA_INIT exchanges the search sent (INVALID_KE and cookie rounds included).
    pub queries: u32,
    /// What trying every combination would have cost.
    pub combinations: u64,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorIdEntry {
    pub data: String,
    pub implementation: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Certificates {
    pub idr: Option<String>,
    pub chain: Vec<CertSummary>,
    pub unparsed: Vec<String>,
    pub checks: Option<ChainChecks>,
    /// Which checks ran.
    pub checks_by: &'static str,
    pub auth_method: Option<String>,
    pub eap: Option<String>,
    pub error: Option<String>,
    pub answer: String,
    pub detail: Option<String>,
    pub fragments: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictOut {
    pub outcome: Outcome,
    pub phase: Option<FailurePhase>,
    pub category: Option<Category>,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    pub phase: FailurePhase,
    pub category: Category,
    pub confidence: Confidence,
    pub title: String,
    pub fix: Vec<String>,
    /// True when this finding means a client would fail.
    #[serde(skip)]
    pub fails: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub exchanges: u32,
    pub datagrams_sent: u32,
    pub datagrams_received: u32,
    pub elapsed_ms: u64,
    pub retransmit_waits_ms: Vec<u64>,
    pub min_interval_ms: u64,
    pub max_exchanges: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub target: Target,
    pub reachable: Reachable,
    pub answers: Vec<AnswerEntry>,
    /// The suite the gateway chose from the probe's full offer.
    pub selected: Option<AcceptedProposal>,
    pub nat: Option<Nat>,
    /// `--enumerate`: every accepted suite (empty without it).
    pub accepted: Vec<AcceptedProposal>,
    pub enumeration: Option<Enumeration>,
    pub vendor_ids: Vec<VendorIdEntry>,
    pub implementation: Option<String>,
    pub fragmentation: Option<bool>,
    pub signature_hash_algorithms: Vec<String>,
    pub redirect: Option<String>,
    /// Status notifies of the IKE_SA_INIT response.
    pub notifies: Vec<String>,
    pub certificates: Option<Certificates>,
    pub verdict: VerdictOut,
    pub findings: Vec<FindingOut>,
    pub stats: Stats,
}

impl ProbeReport {
    /// The contract's exit status: 0 when nothing wrong was found.
    pub fn exit_code(&self) -> u8 {
        match self.verdict.outcome {
            Outcome::Established => 0,
            _ => 1,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

fn hex(data: &[u8]) -> String {
    hex::encode(data)
}

/// Everything a responder's IKE_SA_INIT response announces.
#[derive(Default)]
struct Announced {
    vendor_ids: Vec<VendorIdEntry>,
    implementation: Option<String>,
    fragmentation: Option<bool>,
    hashes: Vec<String>,
    redirect: Option<String>,
    notifies: Vec<String>,
}

fn announced(result: &PortResult) -> Option<Announced> {
    let accepted = result.accepted.as_ref()?;
    let mut a = Announced {
        fragmentation: Some(false),
        ..Announced::default()
    };
    for p in &accepted.response.payloads {
        match &p.body {
            PayloadRepr::VendorId(data) => {
                let info = vendor::identify(data);
                if let Some(i) = info.as_ref().filter(|i| !i.capability) {
                    a.implementation
                        .get_or_insert_with(|| format!("{} ({})", i.implementation, i.detail));
                }
                if info
                    .as_ref()
                    .is_some_and(|i| i.implementation == "IKE fragmentation")
                {
                    a.fragmentation = Some(true);
                }
                a.vendor_ids.push(VendorIdEntry {
                    data: hex(data),
                    implementation: info.as_ref().map(|i| i.implementation.to_string()),
                    detail: info.map(|i| i.detail),
                });
            }
            PayloadRepr::Notify(n) => {
                match n.notify_type {
                    NotifyType::FRAGMENTATION_SUPPORTED => a.fragmentation = Some(true),
                    NotifyType::SIGNATURE_HASH_ALGORITHMS => {
                        a.hashes = signature_hash_names(&n.data)
                    }
                    NotifyType::REDIRECT => a.redirect = Some(redirect_target(&n.data)),
                    _ => {}
                }
                a.notifies.push(n.notify_type.to_string());
            }
            _ => {}
        }
    }
    if a.implementation.is_none() {
        a.implementation = fingerprint(&accepted.response);
    }
    Some(a)
}

/// A guess from the notifies when no Vendor ID names the implementation (strongSwan and
/// Libreswan send none by default). Marked as a guess in the text.
fn fingerprint(response: &ike_wire::MessageRepr) -> Option<String> {
    let names: Vec<NotifyType> = crate::message::notifies(response)
        .map(|n| n.notify_type)
        .collect();
    let has = |t: NotifyType| names.contains(&t);
    if has(NotifyType::MULTIPLE_AUTH_SUPPORTED) && has(NotifyType::CHILDLESS_IKEV2_SUPPORTED) {
        return Some("strongSwan (guessed from its notifies: MULTIPLE_AUTH_SUPPORTED, CHILDLESS_IKEV2_SUPPORTED)".into());
    }
    if has(NotifyType::MULTIPLE_AUTH_SUPPORTED) {
        return Some("strongSwan (guessed from its notifies: MULTIPLE_AUTH_SUPPORTED)".into());
    }
    // Libreswan puts FRAGMENTATION_SUPPORTED before the NAT detection notifies.
    let position = |t: NotifyType| names.iter().position(|n| *n == t);
    if let (Some(frag), Some(natd)) = (
        position(NotifyType::FRAGMENTATION_SUPPORTED),
        position(NotifyType::NAT_DETECTION_SOURCE_IP),
    ) {
        if frag < natd {
            return Some("Libreswan (guessed from the order of its notifies)".into());
        }
    }
    None
}

fn port_number(config: &ProbeConfig, port: Port) -> u16 {
    match port {
        Port::Ike => config.ike.port(),
        Port::NatT => config.nat_t.port(),
    }
}

fn finding(
    phase: FailurePhase,
    category: Category,
    confidence: Confidence,
    fails: bool,
    title: String,
    fix: &[&str],
) -> FindingOut {
    FindingOut {
        phase,
        category,
        confidence,
        title,
        fix: fix.iter().map(|s| s.to_string()).collect(),
        fails,
    }
}

/// Builds the report. `host` is the name as given; `now_unix` is used for the validity check.
pub fn build(host: &str, config: &ProbeConfig, result: &ProbeResult, now_unix: i64) -> ProbeReport {
    use Category as C;
    use Confidence as K;
    use FailurePhase as P;
    let ike_port = config.ike.port();
    let nat_port = config.nat_t.port();
    let tries = config.retransmit.waits.len();
    let answered = |r: &Option<PortResult>| r.as_ref().is_some_and(|r| r.answered());
    let reachable = Reachable {
        udp500: answered(&result.ike),
        udp4500: answered(&result.nat_t),
    };
    let answers = result
        .answers
        .iter()
        .map(|a| AnswerEntry {
            port: port_number(config, a.port),
            purpose: a.purpose.as_str(),
            ke_group: a.ke_group.to_string(),
            answer: a.answer.kind.label(),
            requested_group: match &a.answer.kind {
                AnswerKind::InvalidKe { requested } => requested.map(|g| g.to_string()),
                _ => None,
            },
            unreachable: match &a.answer.kind {
                AnswerKind::IcmpUnreachable(u) => Some(*u),
                _ => None,
            },
            transmissions: a.answer.transmissions,
            time_ms: a.answer.elapsed.as_millis() as u64,
            length: a.answer.length,
        })
        .collect();

    // Information from the first IKE_SA_INIT response (IKE port first).
    let first_ok = [(Port::Ike, &result.ike), (Port::NatT, &result.nat_t)]
        .into_iter()
        .find_map(|(p, r)| r.as_ref().filter(|r| r.accepted.is_some()).map(|r| (p, r)));
    let info = first_ok.and_then(|(_, r)| announced(r)).unwrap_or_default();
    let selected = first_ok
        .and_then(|(_, r)| r.accepted.as_ref()?.suite)
        .map(|s| s.to_accepted());
    let nat = first_ok.and_then(|(p, r)| {
        let check: NatCheck = r.accepted.as_ref()?.nat;
        Some(Nat {
            port: port_number(config, p),
            prober_behind_nat: check.prober_behind_nat,
            gateway_behind_nat: check.gateway_behind_nat,
        })
    });
    let behind_nat = nat
        .as_ref()
        .is_some_and(|n| n.prober_behind_nat == Some(true) || n.gateway_behind_nat == Some(true));

    let mut findings = Vec::new();
    if let Some(ike) = &result.ike {
        match &ike.kind {
            AnswerKind::Response => {}
            AnswerKind::NoAnswer if reachable.udp4500 => findings.push(finding(
                P::IkeSaInit, C::UdpBlocked, K::High, true,
                format!("no answer on UDP {ike_port} after {tries} transmissions, while UDP {nat_port} answers"),
                &["allow UDP 500 to and from the gateway on every firewall on the path", "check that the gateway's daemon listens on UDP 500"],
            )),
            AnswerKind::NoAnswer => findings.push(finding(
                P::IkeSaInit, C::UdpBlocked, K::High, true,
                format!("no answer on UDP {ike_port} nor UDP {nat_port} after {tries} transmissions each: the gateway does not respond"),
                &["check the address (DNS) and that the gateway is up", "allow UDP 500 and 4500 to and from the gateway on every firewall on the path", "check that the IKE daemon runs and listens on the public address"],
            )),
            AnswerKind::IcmpUnreachable(kind) => findings.push(finding(
                P::IkeSaInit, C::UdpBlocked, K::High, true,
                format!("UDP {ike_port} is answered with ICMP {} unreachable: {}", format!("{kind:?}").to_lowercase(),
                    if matches!(kind, crate::exchange::Unreachable::Port) { "nothing listens on the IKE port" } else { "the host is not reachable" }),
                &["start the IKE daemon or make it listen on this address", "check routing and the address"],
            )),
            AnswerKind::NoProposalChosen => findings.push(finding(
                P::IkeSaInit, C::ProposalIke, K::High, true,
                "the gateway answers NO_PROPOSAL_CHOSEN to every algorithm the probe offers (AES, ChaCha20, 3DES; SHA1/SHA2, MD5; MODP, ECP, Curve25519/448)".into(),
                &["compare the gateway's IKE proposals with what clients offer", "the gateway may use algorithms outside the probe's set (Brainpool, ML-KEM, GOST)"],
            )),
            AnswerKind::InvalidKe { requested } => findings.push(finding(
                P::IkeSaInit, C::ProposalDh, K::Medium, false,
                format!("the gateway keeps asking for another DH group ({}), which the probe cannot supply", requested.map(|g| g.to_string()).unwrap_or_else(|| "none named".into())),
                &["check the gateway's DH groups against what clients support"],
            )),
            AnswerKind::Cookie => findings.push(finding(
                P::IkeSaInit, C::Implementation, K::Medium, true,
                "the gateway asks for a COOKIE again after receiving it (a cookie loop)".into(),
                &["check the gateway's DoS protection (strongSwan: charon.cookie_threshold); a load balancer may send the requests to different nodes"],
            )),
            AnswerKind::Error(t) => findings.push(finding(
                P::IkeSaInit, C::ConfigOther, K::Medium, true,
                format!("the gateway answers IKE_SA_INIT with {t}"),
                &["look up the notify in the gateway's log"],
            )),
            AnswerKind::NotIkev2 { major, minor } => findings.push(finding(
                P::IkeSaInit, C::ConfigOther, K::High, true,
                format!("the gateway answers with IKE version {major}.{minor}: it does not speak IKEv2"),
                &["enable IKEv2 on the gateway, or configure clients for IKEv1"],
            )),
            AnswerKind::Malformed(why) => findings.push(finding(
                P::IkeSaInit, C::Implementation, K::Medium, true,
                format!("the gateway's answer does not parse: {why}"),
                &["capture the exchange and compare with a working client"],
            )),
        }
        if !ike.invalid_ke.is_empty() && matches!(ike.kind, AnswerKind::Response) {
            // Normal IKEv2 behaviour, worth a line in the text but not a finding.
        }
    }
    if reachable.udp500 && !reachable.udp4500 {
        let title = format!(
            "UDP {nat_port} (NAT traversal) gets no answer while UDP {ike_port} does{}",
            if behind_nat {
                ", and a NAT is on the path: IKE moves to UDP 4500 after IKE_SA_INIT and fails there"
            } else {
                ""
            }
        );
        findings.push(finding(
            P::IkeSaInit,
            C::Nat,
            if behind_nat { K::High } else { K::Medium },
            behind_nat,
            title,
            &[
                "allow UDP 4500 to and from the gateway",
                "check that the gateway listens on UDP 4500",
            ],
        ));
    }
    if let Some(redirect) = &info.redirect {
        findings.push(finding(
            P::IkeSaInit,
            C::ConfigOther,
            K::Medium,
            false,
            format!("the gateway redirects clients to {redirect} (RFC 5685)"),
            &["probe the gateway it redirects to"],
        ));
    }

    // Enumeration.
    let (accepted, enumeration) = match &result.enumerated {
        Some(e) => {
            let mut list: Vec<AcceptedProposal> =
                e.suites.iter().map(|s| s.to_accepted()).collect();
            list.sort();
            (
                list,
                Some(Enumeration {
                    port: port_number(config, e.port),
                    complete: e.complete,
                    queries: e.queries,
                    combinations: e.combinations,
                    notes: e.notes.clone(),
                }),
            )
        }
        None => (Vec::new(), None),
    };

    // Certificates.
    let certificates = if config.eap_identity.is_some() {
        Some(certificates_section(host, result, now_unix, &mut findings))
    } else {
        None
    };

    // The verdict follows the most likely finding that makes clients fail.
    findings.sort_by(|a, b| b.fails.cmp(&a.fails).then(b.confidence.cmp(&a.confidence)));
    let verdict = match findings.first() {
        Some(f) if f.fails => VerdictOut {
            outcome: Outcome::Failed,
            phase: Some(f.phase),
            category: Some(f.category),
            summary: f.title.clone(),
        },
        _ if reachable.udp500 => VerdictOut {
            outcome: Outcome::Established,
            phase: None,
            category: None,
            summary: format!(
                "the gateway completes IKE_SA_INIT on UDP {ike_port}{}",
                if reachable.udp4500 {
                    format!(" and UDP {nat_port}")
                } else {
                    String::new()
                }
            ),
        },
        Some(f) => VerdictOut {
            outcome: Outcome::Inconclusive,
            phase: Some(f.phase),
            category: Some(f.category),
            summary: f.title.clone(),
        },
        None => VerdictOut {
            outcome: Outcome::Inconclusive,
            phase: None,
            category: None,
            summary: "the probe could not decide".into(),
        },
    };

    ProbeReport {
        target: Target {
            host: host.to_string(),
            address: config.ike.ip().to_string(),
            ike_port,
            nat_t_port: nat_port,
        },
        reachable,
        answers,
        selected,
        nat,
        accepted,
        enumeration,
        vendor_ids: info.vendor_ids,
        implementation: info.implementation,
        fragmentation: info.fragmentation,
        signature_hash_algorithms: info.hashes,
        redirect: info.redirect,
        notifies: info.notifies,
        certificates,
        verdict,
        findings,
        stats: Stats {
            exchanges: result.exchanges,
            datagrams_sent: result.datagrams_sent,
            datagrams_received: result.datagrams_received,
            elapsed_ms: result.elapsed.as_millis() as u64,
            retransmit_waits_ms: config
                .retransmit
                .waits
                .iter()
                .map(|w| w.as_millis() as u64)
                .collect(),
            min_interval_ms: config.min_interval.as_millis() as u64,
            max_exchanges: config.max_exchanges,
        },
    }
}

fn certificates_section(
    host: &str,
    result: &ProbeResult,
    now_unix: i64,
    findings: &mut Vec<FindingOut>,
) -> Certificates {
    use Category as C;
    use Confidence as K;
    use FailurePhase as P;
    let empty = AuthOutcome::default();
    let auth = result.auth.as_ref().unwrap_or(&empty);
    let mut chain = Vec::new();
    let mut unparsed = Vec::new();
    for der in &auth.certificates {
        match certs::summarize(der) {
            Ok(c) => chain.push(c),
            Err(e) => unparsed.push(e),
        }
    }
    let checks =
        (!chain.is_empty()).then(|| certs::check_chain(&auth.certificates, &chain, host, now_unix));
    if let Some(checks) = &checks {
        if !checks.host_in_san {
            findings.push(finding(P::IkeAuth, C::AuthId, K::High, true,
                format!("the gateway's certificate does not name {host} in its subjectAltName: clients that check the server name (Windows, macOS/iOS, Android) refuse it"),
                &["issue the gateway certificate with a SAN for the name clients connect to", "or connect with the name the certificate carries"]));
        }
        if !checks.valid_now {
            findings.push(finding(
                P::IkeAuth,
                C::AuthCert,
                K::High,
                true,
                "a certificate of the gateway's chain is outside its validity period".into(),
                &[
                    "renew the certificate",
                    "check the gateway's clock if the dates look right",
                ],
            ));
        }
        if !checks.chain_linked {
            findings.push(finding(
                P::IkeAuth,
                C::AuthCert,
                K::Medium,
                false,
                "the gateway's certificates are not sent as an ordered chain".into(),
                &["send the end-entity certificate first, then its issuers"],
            ));
        }
        if !checks.eku_ok {
            findings.push(finding(
                P::IkeAuth,
                C::AuthCert,
                K::Medium,
                true,
                "the gateway certificate's extended key usage allows neither serverAuth nor IKE"
                    .into(),
                &["issue the certificate with serverAuth (and ikeIntermediate for macOS/iOS)"],
            ));
        }
    }
    match (auth.answer.as_str(), &result.auth_skipped) {
        (_, Some(why)) => findings.push(finding(P::IkeAuth, C::ConfigOther, K::Low, false,
            format!("IKE_AUTH was not tried: {why}"), &[])),
        ("response", _) => {
            if let Some(error) = &auth.error {
                findings.push(finding(P::IkeAuth, C::ConfigOther, K::Medium, true,
                    format!("the gateway answers the EAP request with {error}"),
                    &["check that the gateway has an EAP connection for this identity", "look for the identity in the gateway's log"]));
            } else if auth.certificates.is_empty() {
                findings.push(finding(P::IkeAuth, C::AuthCert, K::Low, false,
                    "the gateway sent no certificate (it may authenticate with a PSK or send certificates only to known clients)".into(), &[]));
            }
        }
        ("no-answer", _) => findings.push(finding(P::IkeAuth, C::MtuFragmentation, K::Medium, true,
            format!("IKE_AUTH gets no (complete) answer{}: a large answer (certificates) may be lost in IP fragments",
                auth.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()),
            &["enable IKEv2 fragmentation (RFC 7383) on the gateway", "allow IP fragments on the path"])),
        (other, _) => findings.push(finding(P::IkeAuth, C::Implementation, K::Low, false,
            format!("IKE_AUTH answer: {other}{}", auth.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()), &[])),
    }
    Certificates {
        idr: auth.idr.clone(),
        chain,
        unparsed,
        checks,
        checks_by: "ike-cert on the end-entity certificate (identity in the SAN against the host name, validity, EKU per client, key, signature hash), validity and order of the chain sent (trust anchors and revocation are not judged)",
        auth_method: auth.auth_method.clone(),
        eap: auth.eap.clone(),
        error: auth.error.clone(),
        answer: if result.auth_skipped.is_some() { "not-tried".into() } else { auth.answer.clone() },
        detail: auth.detail.clone(),
        fragments: auth.fragments,
    }
}

/// The terminal report.
pub fn render_text(report: &ProbeReport) -> String {
    let mut out = String::new();
    let v = &report.verdict;
    let _ = writeln!(
        out,
        "ike-doctor probe {} ({})",
        report.target.host, report.target.address
    );
    let _ = writeln!(
        out,
        "verdict: {}{}  {}",
        serde_json::to_value(v.outcome)
            .ok()
            .and_then(|x| x.as_str().map(str::to_string))
            .unwrap_or_default(),
        match (v.phase, v.category) {
            (Some(p), Some(c)) => format!(" [{} / {}]", p.as_str(), c.as_str()),
            _ => String::new(),
        },
        v.summary
    );
    let yes = |b: bool| if b { "answers" } else { "no answer" };
    let _ = writeln!(
        out,
        "\nreachability: UDP {} {}; UDP {} (non-ESP marker) {}",
        report.target.ike_port,
        yes(report.reachable.udp500),
        report.target.nat_t_port,
        yes(report.reachable.udp4500)
    );
    let _ = writeln!(out, "  port  purpose       KE           answer");
    for a in &report.answers {
        let _ = writeln!(
            out,
            "  {:<5} {:<13} {:<12} {}{}  ({} sent, {} ms)",
            a.port,
            a.purpose,
            a.ke_group,
            a.answer,
            a.requested_group
                .as_ref()
                .map(|g| format!(" (wants {g})"))
                .unwrap_or_default(),
            a.transmissions,
            a.time_ms
        );
    }
    if let Some(s) = &report.selected {
        let _ = writeln!(out, "\nselected from the full offer: {}", s.proposal);
    }
    if let Some(n) = &report.nat {
        let b = |x: Option<bool>| match x {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let _ = writeln!(
            out,
            "NAT (from the gateway's NAT_DETECTION payloads on UDP {}): prober behind NAT: {}; gateway behind NAT: {}",
            n.port,
            b(n.prober_behind_nat),
            b(n.gateway_behind_nat)
        );
    }
    if let Some(i) = &report.implementation {
        let _ = writeln!(out, "implementation: {i}");
    }
    for vid in &report.vendor_ids {
        let _ = writeln!(
            out,
            "vendor ID: {} {}",
            vid.data,
            vid.detail.as_deref().unwrap_or("(unknown)")
        );
    }
    if let Some(f) = report.fragmentation {
        let _ = writeln!(
            out,
            "IKEv2 fragmentation (RFC 7383): {}",
            if f { "supported" } else { "not announced" }
        );
    }
    if !report.signature_hash_algorithms.is_empty() {
        let _ = writeln!(
            out,
            "signature hash algorithms (RFC 7427): {}",
            report.signature_hash_algorithms.join(", ")
        );
    }
    if let Some(r) = &report.redirect {
        let _ = writeln!(out, "REDIRECT to {r}");
    }
    if !report.notifies.is_empty() {
        let _ = writeln!(out, "notifies: {}", report.notifies.join(" "));
    }
    if let Some(e) = &report.enumeration {
        let _ = writeln!(
            out,
            "\naccepted IKE proposals ({} found with {} exchanges instead of {} combinations{}):",
            report.accepted.len(),
            e.queries,
            e.combinations,
            if e.complete { "" } else { "; INCOMPLETE" }
        );
        for a in &report.accepted {
            let _ = writeln!(out, "  {}", a.proposal);
        }
        for n in &e.notes {
            let _ = writeln!(out, "  note: {n}");
        }
    }
    if let Some(c) = &report.certificates {
        let _ = writeln!(
            out,
            "\nIKE_AUTH (EAP requested, no credential sent): {}",
            c.answer
        );
        if let Some(idr) = &c.idr {
            let _ = writeln!(out, "  IDr: {idr}");
        }
        if let Some(eap) = &c.eap {
            let _ = writeln!(out, "  EAP: {eap}");
        }
        for (i, cert) in c.chain.iter().enumerate() {
            let _ = writeln!(out, "  certificate {}: {}", i + 1, cert.subject);
            let _ = writeln!(out, "    issuer: {}", cert.issuer);
            let _ = writeln!(out, "    valid: {} .. {}", cert.not_before, cert.not_after);
            if !cert.san.is_empty() {
                let _ = writeln!(out, "    SAN: {}", cert.san.join(", "));
            }
        }
        if let Some(checks) = &c.checks {
            if checks.problems.is_empty() {
                let _ = writeln!(out, "  checks against {}: ok", checks.host);
            }
            for p in &checks.problems {
                let _ = writeln!(out, "  problem: {p}");
            }
        }
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nfindings:");
        for f in &report.findings {
            let _ = writeln!(
                out,
                "  [{} / {}] {}",
                f.phase.as_str(),
                f.category.as_str(),
                f.title
            );
            for fix in &f.fix {
                let _ = writeln!(out, "      fix: {fix}");
            }
        }
    }
    let s = &report.stats;
    let _ = writeln!(
        out,
        "\n{} exchanges, {} datagrams sent, {} received, {} ms",
        s.exchanges, s.datagrams_sent, s.datagrams_received, s.elapsed_ms
    );
    out
}
