//! What a VPN client reports: Windows RAS/IKE error codes and the Apple and appliance lines that
//! name an error without the daemon's detail. The code decides the category where the client's
//! documentation says it does; otherwise the candidates it allows.
use ike_contract::{Category, FailurePhase, Knowledge};
use ike_logs::Fact;

use super::{candidate, open_cause_candidates, Rule};
use crate::context::SaContext;
use crate::fix;
use crate::model::{Candidate, Finding};

pub const RULES: &[&dyn Rule] = &[&ClientErrorCode];

/// The candidates a code leaves open, from the causes its documentation lists.
fn code_candidates(code: u32, phase: FailurePhase) -> Vec<Candidate> {
    let decided_by = "a capture at the client, or the gateway's log";
    let c = |category: Category, why: &'static str| candidate(phase, category, why, decided_by);
    match code {
        809 => vec![
            c(
                Category::UdpBlocked,
                "UDP 500/4500 blocked: the server never answered",
            ),
            // The IKE_AUTH request is the one dropped: the phase is open with it.
            candidate(
                FailurePhase::IkeAuth,
                Category::MtuFragmentation,
                "IKE_AUTH with certificates fragmented and dropped",
                decided_by,
            ),
            c(
                Category::Nat,
                "the server or client behind NAT without NAT-T",
            ),
        ],
        13801 => vec![
            c(
                Category::AuthCert,
                "the server certificate's CA is not trusted, or its EKU is wrong",
            ),
            c(
                Category::AuthId,
                "the server certificate's SAN does not hold the name the client dials",
            ),
            c(
                Category::AuthPsk,
                "with a pre-shared key (site-to-site): the keys differ",
            ),
        ],
        13843 => vec![
            c(
                Category::Implementation,
                "the peer sends a payload Windows does not accept",
            ),
            c(
                Category::AuthPsk,
                "IKEv1: a message decrypted with a different pre-shared key is garbage",
            ),
        ],
        800 => vec![
            c(
                Category::UdpBlocked,
                "the server is unreachable on UDP 500/4500",
            ),
            candidate(
                FailurePhase::IkeAuth,
                Category::AuthCert,
                "IKEv2's certificate was refused",
                decided_by,
            ),
            c(
                Category::ConfigOther,
                "the tunnel type or its settings are wrong",
            ),
        ],
        13805 => vec![
            c(
                Category::UdpBlocked,
                "the peer's address is wrong or UDP 500/4500 is blocked",
            ),
            c(
                Category::ConfigOther,
                "the peer has no connection for this address or IKE version",
            ),
            c(
                Category::ProposalIke,
                "the peer silently drops proposals it does not accept",
            ),
        ],
        13868 => vec![
            c(Category::ProposalIke, "the IKE (phase 1) proposals differ"),
            c(
                Category::ProposalEsp,
                "the IPsec (phase 2) proposals differ",
            ),
        ],
        0x8009_0326 => vec![
            c(
                Category::AuthCert,
                "the server does not trust the client certificate's root",
            ),
            c(Category::AuthEap, "the EAP-TLS exchange is refused"),
        ],
        _ => vec![
            c(Category::AuthCert, "a certificate problem"),
            c(Category::AuthId, "an identity problem"),
        ],
    }
}

/// What an NPS event's reason code says (the RADIUS server's own statement about the EAP
/// exchange it refused).
fn nps_reason_finding(
    rule: &'static str,
    sa: &SaContext<'_, '_>,
    line: &crate::context::Line<'_>,
    code: u32,
) -> Vec<Finding> {
    let phase = FailurePhase::IkeAuth;
    let Some(reason) = ike_logs::knowledge::nps_reason(code) else {
        let title =
            format!("NPS reason code {code} (not in the reason-code reference ike-doctor knows)");
        let candidates = vec![
            candidate(
                phase,
                Category::AuthEap,
                "NPS refused the EAP credentials",
                "the Reason line of the same event",
            ),
            candidate(
                phase,
                Category::AuthCert,
                "NPS refused the client's certificate",
                "the Reason line of the same event",
            ),
        ];
        return vec![
            Finding::open(rule, phase, Knowledge::OwnStatement, title, candidates)
                .evidence([line.cite_meaning()]),
        ];
    };
    let title = format!("NPS reason code {code}: {}", reason.meaning);
    let checks = reason.checks.iter().map(|c| fix::Fix::text(*c));
    let finding = match reason.category {
        Some(category) => Finding::decided(rule, phase, category, Knowledge::OwnStatement, title)
            .fix(checks)
            .fix(fix::for_category(category, &sa.fix_values())),
        None => {
            let candidates = open_cause_candidates(
                reason.open,
                "the NPS EAP log, or a capture between gateway and NPS",
            );
            Finding::open(rule, phase, Knowledge::OwnStatement, title, candidates).fix(checks)
        }
    };
    vec![finding.evidence([line.cite_meaning()])]
}

/// A Windows client's error code (RasClient events, dialogs).
pub struct ClientErrorCode;

impl Rule for ClientErrorCode {
    fn id(&self) -> &'static str {
        "client-error-code"
    }

    fn check(&self, sa: &SaContext<'_, '_>) -> Vec<Finding> {
        let Some(line) = sa.lines(Fact::ErrorCode).next() else {
            return Vec::new();
        };
        let Some(code) = line.log.number.and_then(|n| u32::try_from(n).ok()) else {
            return Vec::new();
        };
        if line.log.entry.implementation == ike_logs::Implementation::Radius {
            return nps_reason_finding(self.id(), sa, &line, code);
        }
        let azure = line.log.entry.implementation == ike_logs::Implementation::Azure;
        let known = if azure {
            ike_logs::knowledge::azure_code(code)
        } else {
            ike_logs::knowledge::windows_code(code)
        };
        let writer = if azure { "Azure gateway" } else { "Windows" };
        let phase = known.map_or(FailurePhase::IkeAuth, |k| k.phase);
        let title = match known {
            Some(k) => format!("{writer} error {code} ({}): {}", k.name, k.meaning),
            None => format!("{writer} VPN error {code}"),
        };
        let checks: Vec<fix::Fix> = known
            .map(|k| k.checks.iter().map(|c| fix::Fix::text(*c)).collect())
            .unwrap_or_default();
        let finding = match known.and_then(|k| k.category) {
            Some(category) => {
                Finding::decided(self.id(), phase, category, Knowledge::PeerReading, title)
                    .fix(fix::for_category(category, &sa.fix_values()))
            }
            None => Finding::open(
                self.id(),
                phase,
                Knowledge::PeerReading,
                title,
                code_candidates(code, phase),
            ),
        };
        vec![finding.evidence([line.cite_meaning()]).fix(checks)]
    }
}
