//! Certificates given as files (PEM/DER, on the timeline as `ike_timeline::cert` events) as
//! evidence:
//! - the CA certificates among them (`--ca`, or files whose basicConstraints say CA) are the trust
//!   anchors against which the chains seen in decrypted CERT payloads are verified
//!   (`ike_cert::verify_chain`), at the time of the capture and now: the decrypted-evidence rules
//!   (`rules/auth.rs`) use [`CertFiles::verify`] and [`judge_rejected`] instead of guessing;
//! - without keys, each end-entity certificate is checked against the time of a failed IKE_AUTH
//!   attempt whose peer it names ([`file_at_attempt`]): a weaker statement (Medium), since the
//!   wire does not show that this certificate was the one used.
//!
//! Which CAs a verifying peer trusts is taken from its CERTREQ payloads when it sent some (they
//! name each trusted CA by the SHA-1 of its public key), so a folder holding both ends' CAs does
//! not make every chain look trusted. `--ca` states the trust explicitly and is used as given.

use std::collections::HashSet;
use std::net::IpAddr;

use ike_cert::{CertInfo, ChainError, Validity};
use ike_timeline::cert::CertificateEvent;
use ike_timeline::{Phase, SourceId, Timeline};

use crate::model::{Category, Confidence, EvidenceRef, FailurePhase, Finding};

/// Seconds since the epoch, now: validity now against validity at the capture time tells an
/// expired certificate from a wrong clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// One certificate of a file, with the file.
#[derive(Clone, Copy)]
pub struct CertFile<'t> {
    pub source: SourceId,
    pub cert: &'t CertificateEvent,
}

impl<'t> CertFile<'t> {
    pub fn info(&self) -> &'t CertInfo {
        &self.cert.info
    }

    /// Cites the file (and the line of the PEM block).
    pub fn evidence(&self, note: impl Into<String>) -> EvidenceRef {
        EvidenceRef {
            source: self.source,
            at: self.cert.locator(),
            note: note.into(),
        }
    }

    fn name(&self, timeline: &Timeline) -> String {
        format!(
            "{} ({})",
            file_name(timeline.source_name(self.source)),
            self.cert.info.subject
        )
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Every certificate given as a file.
pub struct CertFiles<'t> {
    pub all: Vec<CertFile<'t>>,
}

/// The anchors a verifying peer is taken to trust, and why.
struct Anchors<'t> {
    certs: Vec<CertFile<'t>>,
    /// Chosen by the peer's CERTREQ (some given CAs left out).
    by_certreq: bool,
}

impl<'t> CertFiles<'t> {
    pub fn from_timeline(timeline: &'t Timeline) -> Self {
        const MAX_FILE_CERTS: usize = 256;
        CertFiles {
            all: ike_timeline::cert::certificates(timeline)
                .map(|(source, cert)| CertFile { source, cert })
                .take(MAX_FILE_CERTS)
                .collect(),
        }
    }

    fn explicit(&self) -> impl Iterator<Item = CertFile<'t>> + '_ {
        self.all
            .iter()
            .copied()
            .filter(|c| c.cert.trusted_explicitly)
    }

    fn roots(&self) -> impl Iterator<Item = CertFile<'t>> + '_ {
        self.all
            .iter()
            .copied()
            .filter(|c| !c.cert.trusted_explicitly && c.cert.is_root())
    }

    /// CA certificates that are not roots: intermediates the user has.
    fn intermediates(&self) -> impl Iterator<Item = CertFile<'t>> + '_ {
        self.all
            .iter()
            .copied()
            .filter(|c| c.cert.info.is_ca && !c.cert.is_root())
    }

    /// End-entity certificates (not CA).
    pub fn end_entities(&self) -> impl Iterator<Item = CertFile<'t>> + '_ {
        self.all
            .iter()
            .copied()
            .filter(|c| !c.cert.info.is_ca && !c.cert.trusted_explicitly)
    }

    /// Whether any CA certificate was given.
    pub fn has_ca(&self) -> bool {
        self.explicit().next().is_some() || self.roots().next().is_some()
    }

    fn anchors_for(&self, certreq: &[[u8; 20]]) -> Anchors<'t> {
        let explicit: Vec<_> = self.explicit().collect();
        if !explicit.is_empty() {
            return Anchors {
                certs: explicit,
                by_certreq: false,
            };
        }
        let roots: Vec<_> = self.roots().collect();
        if certreq.is_empty() {
            return Anchors {
                certs: roots,
                by_certreq: false,
            };
        }
        let named: Vec<_> = roots
            .iter()
            .copied()
            .filter(|r| certreq.contains(&r.cert.info.spki_sha1))
            .collect();
        Anchors {
            by_certreq: named.len() < roots.len(),
            certs: named,
        }
    }

    /// Verifies the chain of `leaf` (with the certificates its sender sent along, `sent`)
    /// against the CAs the verifying peer trusts (named by its CERTREQ hashes `certreq`, when
    /// given), at the capture time `at` and at `now`. `None` when no given CA applies.
    pub fn verify(
        &self,
        leaf: &[u8],
        sent: &[Vec<u8>],
        certreq: &[[u8; 20]],
        at: i64,
        now: i64,
    ) -> Option<ChainOutcome<'t>> {
        let anchors = self.anchors_for(certreq);
        let file_intermediates: Vec<CertFile<'t>> = self.intermediates().collect();
        let with_files: Vec<Vec<u8>> = sent
            .iter()
            .cloned()
            .chain(file_intermediates.iter().map(|c| c.info().der.clone()))
            .collect();
        let ders = |list: &[CertFile<'t>]| -> Vec<Vec<u8>> {
            list.iter().map(|c| c.info().der.clone()).collect()
        };
        // The verifier's CERTREQ names none of the given CAs: the chain can only be shown to
        // lead to a CA it does not ask for.
        if anchors.certs.is_empty() {
            let other_root = self.roots().find(|r| {
                ike_cert::verify_chain_detailed(leaf, &with_files, &ders(&[*r]), at)
                    != Err(ChainError::UnknownIssuer)
            })?;
            return Some(ChainOutcome {
                at_capture: Err(ChainError::UnknownIssuer),
                now: Err(ChainError::UnknownIssuer),
                anchor: None,
                anchors_tried: Vec::new(),
                unnamed_root: Some(other_root),
                missing_intermediates: Vec::new(),
            });
        }
        let anchor_ders = ders(&anchors.certs);
        let at_capture = ike_cert::verify_chain_detailed(leaf, sent, &anchor_ders, at);
        let at_now = ike_cert::verify_chain_detailed(leaf, sent, &anchor_ders, now);
        let mut outcome = ChainOutcome {
            anchor: anchors.certs.iter().copied().find(|a| {
                ike_cert::verify_chain_detailed(leaf, &with_files, &ders(&[*a]), at)
                    != Err(ChainError::UnknownIssuer)
            }),
            at_capture,
            now: at_now,
            anchors_tried: anchors.certs.clone(),
            unnamed_root: None,
            missing_intermediates: Vec::new(),
        };
        if outcome.at_capture == Err(ChainError::UnknownIssuer) {
            if !file_intermediates.is_empty()
                && ike_cert::verify_chain_detailed(leaf, &with_files, &anchor_ders, at)
                    != Err(ChainError::UnknownIssuer)
            {
                let sent_subjects: HashSet<String> = sent
                    .iter()
                    .filter_map(|d| ike_cert::parse(d).ok())
                    .map(|c| c.subject)
                    .collect();
                outcome.missing_intermediates = file_intermediates
                    .into_iter()
                    .filter(|c| !sent_subjects.contains(&c.info().subject))
                    .collect();
            } else if anchors.by_certreq {
                outcome.unnamed_root = self.roots().find(|r| {
                    !anchors.certs.iter().any(|a| a.source == r.source)
                        && ike_cert::verify_chain_detailed(leaf, &with_files, &ders(&[*r]), at)
                            != Err(ChainError::UnknownIssuer)
                });
            }
        }
        Some(outcome)
    }
}

/// The chain check of one certificate.
pub struct ChainOutcome<'t> {
    pub at_capture: Result<(), ChainError>,
    pub now: Result<(), ChainError>,
    /// The given CA the chain leads to (for citing).
    pub anchor: Option<CertFile<'t>>,
    /// The given CAs the verifying peer is taken to trust.
    pub anchors_tried: Vec<CertFile<'t>>,
    /// A given CA the chain leads to, which the verifying peer's CERTREQ does not name.
    pub unnamed_root: Option<CertFile<'t>>,
    /// Intermediates among the files that complete the chain but were not sent.
    pub missing_intermediates: Vec<CertFile<'t>>,
}

/// Whose certificate the other end rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Gateway,
    Client,
}

impl Party {
    fn noun(self) -> &'static str {
        match self {
            Party::Gateway => "gateway",
            Party::Client => "client",
        }
    }
    fn verifier(self) -> &'static str {
        match self {
            Party::Gateway => "client",
            Party::Client => "gateway",
        }
    }
}

/// What the chain check says about a certificate the other end rejected.
pub struct Judgement {
    /// `None` when the chain check leaves the cause open (`candidates` then).
    pub category: Option<Category>,
    pub candidates: Vec<crate::model::Candidate>,
    pub title: String,
    pub fix: Vec<String>,
    pub evidence: Vec<EvidenceRef>,
}

/// Judges a rejected certificate from its chain check (at the capture time `at`, and now).
pub fn judge_rejected(
    timeline: &Timeline,
    party: Party,
    leaf: &CertInfo,
    outcome: &ChainOutcome<'_>,
    at: i64,
) -> Judgement {
    let who = party.noun();
    let verifier = party.verifier();
    let when = ike_cert::format_time;
    let span = format!("{} .. {}", when(leaf.not_before), when(leaf.not_after));
    let mut evidence = Vec::new();
    if let Some(a) = outcome.anchor {
        evidence.push(a.evidence(format!(
            "CA certificate {} (valid {} .. {}): the trust anchor of the chain check",
            a.info().subject,
            when(a.info().not_before),
            when(a.info().not_after)
        )));
    }
    let expired_since = outcome.at_capture.is_ok() && outcome.now == Err(ChainError::Expired);
    let (category, title, mut fix) = match &outcome.at_capture {
        Ok(()) => match party {
            Party::Gateway => (
                Category::Clock,
                format!(
                    "the gateway's certificate ({}) chains to the CA the client trusts{} and is valid at the capture time ({span}), yet the client rejects it: the client's clock is wrong",
                    leaf.subject,
                    outcome.anchor.map(|a| format!(" ({})", a.name(timeline))).unwrap_or_default()
                ),
                vec!["set the client's clock (NTP) and retry".to_string()],
            ),
            // The chain is fine: the gateway holds no connection for the identities, trusts
            // another CA than the one given, checks revocation, or its clock is wrong (open).
            Party::Client => (
                Category::AuthCert,
                format!(
                    "the gateway rejects the client's certificate ({}), although it chains to the given CA{} and is valid at the capture time ({span}): no connection of the gateway holds the identities, it trusts another CA or finds the certificate revoked, or its clock is wrong",
                    leaf.subject,
                    outcome.anchor.map(|a| format!(" ({})", a.name(timeline))).unwrap_or_default()
                ),
                vec![
                    "make the gateway trust the CA that issued the client certificate (and any intermediate)".to_string(),
                    "check the gateway's revocation checks (CRL/OCSP reachable) and its clock".to_string(),
                ],
            ),
        },
        Err(ChainError::UnknownIssuer) => {
            let title = if let Some(root) = outcome.unnamed_root {
                evidence.push(root.evidence(format!(
                    "the {who}'s chain leads to this CA, which the {verifier}'s CERTREQ does not name"
                )));
                for a in &outcome.anchors_tried {
                    evidence.push(a.evidence(format!(
                        "a CA the {verifier}'s CERTREQ names: the {who}'s chain does not lead to it"
                    )));
                }
                format!(
                    "the {who}'s certificate ({}) is issued under {}, a CA the {verifier} does not trust (its CERTREQ names other CAs): the {verifier} rejects it",
                    leaf.subject,
                    root.name(timeline)
                )
            } else if !outcome.missing_intermediates.is_empty() {
                let names: Vec<String> = outcome
                    .missing_intermediates
                    .iter()
                    .map(|c| c.name(timeline))
                    .collect();
                for c in &outcome.missing_intermediates {
                    evidence.push(c.evidence(
                        "this intermediate completes the chain, and the peer did not send it",
                    ));
                }
                format!(
                    "the {who}'s certificate ({}) needs the intermediate {}, which it did not send: the {verifier} cannot build the chain to its CA",
                    leaf.subject,
                    names.join(", ")
                )
            } else {
                let tried: Vec<String> = outcome
                    .anchors_tried
                    .iter()
                    .map(|a| a.name(timeline))
                    .collect();
                for a in &outcome.anchors_tried {
                    evidence.push(a.evidence(format!(
                        "CA certificate the {verifier} trusts: the {who}'s chain does not lead to it"
                    )));
                }
                format!(
                    "the {who}'s certificate ({}, issuer {}) does not chain to the CA the {verifier} trusts ({}): an untrusted CA or a missing intermediate",
                    leaf.subject,
                    leaf.issuer,
                    tried.join(", ")
                )
            };
            (
                Category::AuthCert,
                title,
                vec![format!(
                    "install the CA that issued the {who} certificate ({}) on the {verifier}, and have the {who} send its intermediates (or install them on the {verifier})",
                    leaf.issuer
                )],
            )
        }
        Err(ChainError::Expired) => {
            let title = if leaf.validity_at(at) == Validity::Expired {
                format!(
                    "the {who}'s certificate ({}) expired on {}, before this capture: the {verifier} rejects it",
                    leaf.subject,
                    when(leaf.not_after)
                )
            } else {
                format!(
                    "a CA or intermediate certificate of the {who}'s chain had expired at the capture time: the {verifier} rejects the {who}'s certificate ({})",
                    leaf.subject
                )
            };
            let fix = if leaf.validity_at(at) == Validity::Expired {
                format!("renew the {who} certificate")
            } else {
                format!("renew the expired certificate of the {who}'s chain")
            };
            (Category::AuthCert, title, vec![fix])
        }
        Err(ChainError::NotYetValid) if outcome.now.is_ok() => (
            Category::Clock,
            format!(
                "the {who}'s certificate ({}) was not yet valid at the capture time but is valid now ({span}): a clock was behind (the capturing host's, and the {verifier}'s that rejected it)",
                leaf.subject
            ),
            vec![format!("set the {verifier}'s clock (NTP) and retry")],
        ),
        Err(ChainError::NotYetValid) => (
            Category::AuthCert,
            format!(
                "the {who}'s certificate ({}) is not valid before {}: the {verifier} rejects it",
                leaf.subject,
                when(leaf.not_before)
            ),
            vec!["use a certificate that is valid now".to_string()],
        ),
        Err(other) => (
            Category::AuthCert,
            format!(
                "the {who}'s certificate ({}) fails the chain check: {other}",
                leaf.subject
            ),
            vec![format!(
                "reissue the {who} certificate from a CA the {verifier} trusts"
            )],
        ),
    };
    if expired_since {
        fix.push(format!(
            "the {who} certificate has expired since the capture: renew it as well"
        ));
    }
    let open = party == Party::Client && outcome.at_capture.is_ok();
    let decided_by = "the gateway's log ('no matching peer config', 'no trusted public key')";
    Judgement {
        category: (!open).then_some(category),
        candidates: if open {
            vec![
                crate::rules::candidate(FailurePhase::IkeAuth, Category::AuthId, "no connection of the gateway holds the client's identity or the identity it asked for", decided_by),
                crate::rules::candidate(FailurePhase::IkeAuth, Category::AuthCert, "the gateway trusts another CA, or finds the certificate revoked", decided_by),
                crate::rules::candidate(FailurePhase::IkeAuth, Category::Clock, "the gateway's clock is wrong", decided_by),
            ]
        } else {
            Vec::new()
        },
        title,
        fix,
        evidence,
    }
}

/// A note for the chain check, for the evidence of the CERT payload.
pub fn chain_note(leaf: &CertInfo, outcome: &ChainOutcome<'_>) -> String {
    let result = |r: &Result<(), ChainError>| match r {
        Ok(()) => "verifies".to_string(),
        Err(e) => e.to_string(),
    };
    format!(
        "CERT payload: {} (issuer {}, valid {} .. {}); chain to the given CA at the capture time: {}; now: {}",
        leaf.subject,
        leaf.issuer,
        ike_cert::format_time(leaf.not_before),
        ike_cert::format_time(leaf.not_after),
        result(&outcome.at_capture),
        result(&outcome.now)
    )
}

/// Without decrypted certificates: every end-entity certificate file is checked against the
/// time of an IKE SA attempt that failed in IKE_AUTH and whose peer it names (by address in its
/// SAN, or by a name in its SAN or subject that a log line of the SA or a decrypted ID
/// mentions). Invalid at that time (or, with a CA given, not chaining to it) is a finding of
/// medium confidence: the file is evidence of the certificate, not proof that it was the one
/// used. A certificate that passes makes no finding.
pub fn file_at_attempt(sa: &crate::context::SaContext<'_, '_>) -> Option<Finding> {
    let timeline = sa.timeline();
    let files = &sa.ev.cert_files;
    let end_entities: Vec<CertFile<'_>> = files.end_entities().take(64).collect();
    if end_entities.is_empty() || sa.superseded() || sa.phase_reached() != Phase::IkeAuth {
        return None;
    }
    // Decrypted CERT payloads show which certificates were used: the decrypted rules judge those.
    if sa.msgs.iter().any(|m| {
        m.m.inner()
            .is_some_and(|i| i.is_decrypted() && !i.certs.is_empty())
    }) {
        return None;
    }
    let auth = sa
        .msgs
        .iter()
        .find(|m| m.m.exchange == ike_wire::ExchangeType::IKE_AUTH && !m.retransmit);
    let at_time = sa.msgs.first().map(|m| m.time).or_else(|| {
        sa.logs
            .iter()
            .flat_map(|l| l.lines.first())
            .map(|l| l.event.time)
            .next()
    })?;
    let at = at_time.0.div_euclid(1_000_000_000);
    let now = now();
    let (initiator, responder) = (sa.session.initiator().ip(), sa.session.responder().ip());
    let decrypted_ids: Vec<(Party, String)> = sa
        .msgs
        .iter()
        .filter_map(|m| m.m.inner())
        .flat_map(|i| {
            let client = i.id_i.iter().map(|id| (Party::Client, id));
            client.chain(i.id_r.iter().map(|id| (Party::Gateway, id)))
        })
        .map(|(party, id)| (party, ike_timeline::inner::id_display(id)))
        .collect();
    for file in &end_entities {
        let info = file.info();
        let by_address = |ip: IpAddr| !ip.is_unspecified() && info.san_ip.contains(&ip);
        let mention = mention_in_logs(sa, info);
        let party = if by_address(responder) {
            Some((
                Party::Gateway,
                "its SAN holds the gateway's address".to_string(),
            ))
        } else if by_address(initiator) {
            Some((
                Party::Client,
                "its SAN holds the client's address".to_string(),
            ))
        } else if let Some((party, id)) = decrypted_ids
            .iter()
            .find(|(_, id)| info.contains_identity(id))
        {
            Some((
                *party,
                format!("it holds the identity {id} seen in IKE_AUTH"),
            ))
        } else if let Some((name, _)) = &mention {
            Some((
                party_of(info),
                format!("a log of this attempt names {name}"),
            ))
        } else if end_entities.len() == 1 {
            // The user handed over one certificate with a failed attempt: it is the one in
            // question, on the side its EKU says.
            Some((
                party_of(info),
                "the only end-entity certificate given".to_string(),
            ))
        } else {
            None
        };
        let Some((party, why)) = party else {
            continue;
        };
        let who = party.noun();
        let when = ike_cert::format_time;
        let (category, title, fix) = match info.validity_at(at) {
            Validity::Expired => (
                Category::AuthCert,
                format!(
                    "the {who} certificate {} ({}) expired on {}, before this IKE_AUTH attempt",
                    file_name(timeline.source_name(file.source)),
                    info.subject,
                    when(info.not_after)
                ),
                format!("renew the {who} certificate"),
            ),
            Validity::NotYetValid if info.validity_at(now) == Validity::Valid => (
                Category::Clock,
                format!(
                    "the {who} certificate {} ({}) was not yet valid at this IKE_AUTH attempt (valid from {}) but is valid now: a clock was behind",
                    file_name(timeline.source_name(file.source)),
                    info.subject,
                    when(info.not_before)
                ),
                "set the clocks of both ends (NTP) and retry".to_string(),
            ),
            Validity::NotYetValid => (
                Category::AuthCert,
                format!(
                    "the {who} certificate {} ({}) is not valid before {}",
                    file_name(timeline.source_name(file.source)),
                    info.subject,
                    when(info.not_before)
                ),
                "use a certificate that is valid now".to_string(),
            ),
            Validity::Valid => {
                // Valid at the attempt: only a given CA can still fault it.
                let outcome = files
                    .has_ca()
                    .then(|| files.verify(&info.der, &[], &[], at, now))
                    .flatten()?;
                // Chained by an intermediate also given, the files cannot say whether the
                // verifying peer holds it (or the other sends it): nothing faults it here.
                if outcome.at_capture != Err(ChainError::UnknownIssuer)
                    || !outcome.missing_intermediates.is_empty()
                {
                    continue;
                }
                (
                    Category::AuthCert,
                    format!(
                        "the {who} certificate {} ({}, issuer {}) does not chain to the CA given: an untrusted CA or a missing intermediate",
                        file_name(timeline.source_name(file.source)),
                        info.subject,
                        info.issuer
                    ),
                    format!(
                        "install the CA that issued the {who} certificate ({}) on the {}, with any intermediate",
                        info.issuer,
                        party.verifier()
                    ),
                )
            }
        };
        let mut evidence = vec![file.evidence(format!(
            "certificate {} (valid {} .. {}, SAN [{}]): {why}",
            info.subject,
            when(info.not_before),
            when(info.not_after),
            info.san_list().join(", ")
        ))];
        if let Some(auth) = auth {
            evidence.push(auth.cite(format!("IKE_AUTH attempt at {}, not established", when(at))));
        }
        if let Some((_, Some(line))) = &mention {
            evidence.push(line.cite("the log line that names the certificate's identity"));
        }
        // The file is evidence of the certificate, not proof it was the one used: ranked with
        // the wire's shape, below any daemon's statement.
        return Some(
            Finding::decided(
                "certificate-file-at-attempt",
                FailurePhase::IkeAuth,
                category,
                ike_contract::Knowledge::WireShape,
                title,
            )
            .confidence(Confidence::Medium)
            .evidence(evidence)
            .fix([crate::fix::Fix::text(fix)]),
        );
    }
    None
}

/// A client certificate carries clientAuth without serverAuth; anything else is taken as the
/// gateway's.
fn party_of(info: &CertInfo) -> Party {
    if info.has_eku && info.eku_client_auth && !info.eku_server_auth {
        Party::Client
    } else {
        Party::Gateway
    }
}

/// The first of the certificate's names (DNS or email SAN) that a log line of the SA mentions,
/// with that line.
fn mention_in_logs<'t>(
    sa: &crate::context::SaContext<'_, 't>,
    info: &CertInfo,
) -> Option<(String, Option<crate::context::Line<'t>>)> {
    let names: Vec<String> = info
        .san_dns
        .iter()
        .chain(info.san_email.iter())
        .filter(|n| !n.starts_with('*') && n.len() >= 3)
        .map(|n| n.to_ascii_lowercase())
        .take(8)
        .collect();
    for log in &sa.logs {
        for line in &log.lines {
            let text = line.log.text.to_ascii_lowercase();
            if let Some(name) = names.iter().find(|n| text.contains(n.as_str())) {
                return Some((name.clone(), Some(*line)));
            }
        }
    }
    None
}
