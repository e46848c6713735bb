//! Rules over decrypted evidence (`--keys`): the notifies and payloads inside IKE_AUTH,
//! CREATE_CHILD_SA and INFORMATIONAL say what failed, so these findings are High confidence and
//! outrank the wire-shape guesses of `rules.rs`. A certificate sent in a CERT payload is checked
//! too (identity in the SAN, then, given CA certificates, its chain at the capture time and now
//! with `crate::certs`; without a CA, its validity and issuer) to tell auth-cert, auth-id and
//! clock apart.

use ike_timeline::inner::{id_display, InnerPayloads, InnerStatus};
use ike_timeline::{IkeMessage, Locator, Phase};
use ike_wire::{AuthMethod, CertEncoding, ExchangeType, NotifyType};

use crate::certs::{CertFiles, Party};
use crate::model::{Category, Confidence, EvidenceRef, FailurePhase, Finding};
use crate::rules::Context;
use crate::view::{Msg, SaView};

fn evidence(ctx: &Context<'_>, msg: &Msg<'_>, note: impl Into<String>) -> EvidenceRef {
    let at = ctx
        .timeline
        .events
        .get(msg.index)
        .map(|e| e.at)
        .unwrap_or(Locator::Frame(0));
    EvidenceRef {
        source: msg.source,
        at: Some(at),
        note: note.into(),
    }
}

fn finding(
    rule: &'static str,
    phase: FailurePhase,
    category: Category,
    title: String,
    evidence: Vec<EvidenceRef>,
    fix: Vec<String>,
) -> Finding {
    Finding {
        rule,
        phase,
        category: Some(category),
        confidence: Confidence::High,
        title,
        evidence,
        fix,
        attempts: 1,
    }
}

fn inner(m: &IkeMessage) -> Option<&InnerPayloads> {
    m.inner.as_deref().filter(|i| i.is_decrypted())
}

fn describe(msg: &Msg<'_>, inner: &InnerPayloads) -> String {
    format!(
        "decrypted {} {} {}: [ {} ]",
        msg.m.exchange,
        if msg.m.response {
            "response"
        } else {
            "request"
        },
        msg.m.message_id,
        inner.payloads.join(" ")
    )
}

/// The one rule of this file: reads the decrypted exchanges of the SA in order.
pub fn decrypted_exchanges(ctx: &Context<'_>, sa: &SaView<'_>) -> Vec<Finding> {
    let msgs: Vec<Msg<'_>> = sa
        .messages()
        .into_iter()
        .filter(|m| !m.retransmit)
        .collect();
    let mut out = Vec::new();
    if let Some(f) = integrity_failures(ctx, &msgs) {
        out.push(f);
    }
    let auth_request = msgs.iter().find(|m| {
        m.m.exchange == ExchangeType::IKE_AUTH
            && !m.m.response
            && inner(m.m).is_some_and(|i| i.id_i.is_some())
    });
    let auth_response = msgs
        .iter()
        .rev()
        .find(|m| m.m.exchange == ExchangeType::IKE_AUTH && m.m.response && inner(m.m).is_some());
    if let Some(response) = auth_response {
        if let Some(f) = ike_auth_response(ctx, &msgs, auth_request, response) {
            out.push(f);
            return out;
        }
        if sa.phase_reached() < Phase::Established {
            if let Some(f) = unexplained_gateway_chain(ctx, auth_request, response) {
                out.push(f);
                return out;
            }
        }
    }
    out.extend(create_child_sa(ctx, &msgs));
    out
}

fn integrity_failures(ctx: &Context<'_>, msgs: &[Msg<'_>]) -> Option<Finding> {
    let failed = msgs.iter().find(|m| {
        m.m.inner
            .as_deref()
            .is_some_and(|i| i.status == InnerStatus::IntegrityCheckFailed)
    })?;
    // Not a cause of the failure: a statement about the keys, ranked low.
    Some(Finding {
        rule: "keys-integrity-check-failed",
        phase: FailurePhase::IkeAuth,
        category: None,
        confidence: Confidence::Low,
        title: "the keys given do not verify this IKE SA's encrypted messages (wrong keys for these SPIs?)".into(),
        evidence: vec![evidence(ctx, failed, "ICV check failed with the key set for these SPIs")],
        fix: vec!["give the key table of this capture's IKE SA (matched by SPIs)".into()],
        attempts: 1,
    })
}

fn ike_auth_response(
    ctx: &Context<'_>,
    msgs: &[Msg<'_>],
    request: Option<&Msg<'_>>,
    response: &Msg<'_>,
) -> Option<Finding> {
    let resp = inner(response.m)?;
    let req = request.and_then(|r| inner(r.m));
    let mut ev = vec![evidence(ctx, response, describe(response, resp))];
    if let (Some(r), Some(ri)) = (request, req) {
        ev.insert(0, evidence(ctx, r, describe(r, ri)));
    }
    // EAP failure inside IKE_AUTH.
    if let Some((4, _)) = resp.eap {
        return Some(finding(
            "inner-eap-failure",
            FailurePhase::IkeAuth,
            Category::AuthEap,
            "the gateway answers EAP-Failure: the EAP credentials (user name, password, or the RADIUS server's decision) are rejected".into(),
            ev,
            vec!["check the EAP user name and password on the client and in the gateway's user database or RADIUS server".into()],
        ));
    }
    let responder_authenticated = resp.auth_method.is_some();
    if !responder_authenticated && resp.has_notify(NotifyType::AUTHENTICATION_FAILED) {
        return Some(responder_rejected_initiator(ctx, msgs, request, ev));
    }
    if responder_authenticated {
        for (notify, category, title, fix) in [
            (NotifyType::NO_PROPOSAL_CHOSEN, Category::ProposalEsp, "IKE SA authenticated, but the gateway accepts none of the CHILD_SA (ESP) proposals: NO_PROPOSAL_CHOSEN in the IKE_AUTH response", "make the ESP proposals (esp_proposals) of both ends share one set of algorithms"),
            (NotifyType::TS_UNACCEPTABLE, Category::TrafficSelectors, "IKE SA authenticated, but the gateway refuses the traffic selectors: TS_UNACCEPTABLE in the IKE_AUTH response", "make the client's remote_ts a subset of what the gateway's local_ts allows (and the reverse)"),
            (NotifyType::SINGLE_PAIR_REQUIRED, Category::TrafficSelectors, "IKE SA authenticated, but the gateway needs a single pair of traffic selectors: SINGLE_PAIR_REQUIRED", "propose one subnet pair per CHILD_SA"),
            (NotifyType::INTERNAL_ADDRESS_FAILURE, Category::ConfigOther, "IKE SA authenticated, but the gateway has no virtual IP for the client: INTERNAL_ADDRESS_FAILURE in the IKE_AUTH response", "enlarge or free the gateway's address pool, or check the pool assigned to this connection"),
            (NotifyType::FAILED_CP_REQUIRED, Category::ConfigOther, "IKE SA authenticated, but the gateway requires a configuration request the client did not send: FAILED_CP_REQUIRED", "make the client request a virtual IP (vips = 0.0.0.0)"),
        ] {
            if resp.has_notify(notify) {
                let mut title = title.to_string();
                if notify == NotifyType::TS_UNACCEPTABLE {
                    if let Some(ri) = req {
                        let ts: Vec<String> = ri.ts_r.iter().map(ike_timeline::inner::ts_display).collect();
                        title = format!("{title} (the client asked for TSr {})", ts.join(", "));
                    }
                }
                if notify == NotifyType::NO_PROPOSAL_CHOSEN {
                    if let Some(p) = req.and_then(|r| r.child_proposals.as_ref()) {
                        let offered: Vec<String> = p.iter().map(|p| p.to_string()).collect();
                        title = format!("{title} (offered: {})", offered.join(", "));
                    }
                }
                return Some(finding("inner-child-sa-refused", FailurePhase::ChildSa, category, title, ev, vec![fix.to_string()]));
            }
        }
        // The responder authenticated; did the initiator then reject it?
        let rejected = msgs.iter().find(|m| {
            m.time >= response.time
                && m.m.exchange == ExchangeType::INFORMATIONAL
                && m.m.from_initiator
                && inner(m.m).is_some_and(|i| i.has_notify(NotifyType::AUTHENTICATION_FAILED))
        });
        if let Some(rejection) = rejected {
            if let Some(ri) = inner(rejection.m) {
                ev.push(evidence(ctx, rejection, describe(rejection, ri)));
            }
            return Some(initiator_rejected_responder(ctx, req, resp, response, ev));
        }
    }
    None
}

fn method_name(method: Option<AuthMethod>) -> String {
    method.map_or_else(|| "EAP (no AUTH payload)".to_string(), |m| m.to_string())
}

/// The X.509 certificates of CERT payloads: the first is the sender's, the others its chain.
fn x509_certs(inner: &InnerPayloads) -> Vec<Vec<u8>> {
    inner
        .certs
        .iter()
        .filter(|(encoding, _)| *encoding == CertEncoding::X509_SIGNATURE)
        .map(|(_, der)| der.clone())
        .collect()
}

/// Whether an identity as displayed can be looked up in a certificate's SAN (a DN or key ID is
/// compared by other means).
fn san_identity(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with("DN:")
        && !id.starts_with("KEYID:")
        && !id.starts_with("ID type")
}

/// With CA certificates given: the chain check of the certificate a peer rejected (`inner` is the
/// message whose CERT payloads carry it, sent at `msg`), as a finding; `None` without a CA that
/// applies or without a readable certificate. The flag says whether the chain verified at the
/// capture time.
fn chain_finding(
    ctx: &Context<'_>,
    party: Party,
    msg: &Msg<'_>,
    inner: &InnerPayloads,
    certreq: &[[u8; 20]],
    mut ev: Vec<EvidenceRef>,
    confidence: Confidence,
) -> Option<(Finding, bool)> {
    let files = CertFiles::from_timeline(ctx.timeline);
    if !files.has_ca() {
        return None;
    }
    let chain = x509_certs(inner);
    let (leaf_der, sent) = chain.split_first()?;
    let leaf = ike_cert::parse(leaf_der).ok()?;
    let at = msg.time.0.div_euclid(1_000_000_000);
    let outcome = files.verify(leaf_der, sent, certreq, at, crate::certs::now())?;
    let judgement = crate::certs::judge_rejected(ctx.timeline, party, &leaf, &outcome, at);
    ev.push(evidence(
        ctx,
        msg,
        crate::certs::chain_note(&leaf, &outcome),
    ));
    ev.extend(judgement.evidence);
    let found = Finding {
        confidence,
        ..finding(
            "inner-cert-chain",
            FailurePhase::IkeAuth,
            judgement.category,
            judgement.title,
            ev,
            judgement.fix,
        )
    };
    Some((found, outcome.at_capture.is_ok()))
}

/// The responder authenticated with a certificate and the SA never came up, with no
/// AUTHENTICATION_FAILED seen: a gateway chain that fails against the CA the client trusts is
/// the likely reason (Medium: no rejection was seen).
fn unexplained_gateway_chain(
    ctx: &Context<'_>,
    request: Option<&Msg<'_>>,
    response: &Msg<'_>,
) -> Option<Finding> {
    let resp = inner(response.m)?;
    resp.auth_method?;
    let certreq = request
        .and_then(|r| inner(r.m))
        .map(|r| r.cert_request_cas.clone())
        .unwrap_or_default();
    let ev = vec![evidence(ctx, response, describe(response, resp))];
    let (found, verified) = chain_finding(
        ctx,
        Party::Gateway,
        response,
        resp,
        &certreq,
        ev,
        Confidence::Medium,
    )?;
    // A chain that verifies explains nothing here.
    (!verified).then_some(found)
}

/// The responder answered AUTHENTICATION_FAILED to the initiator's IKE_AUTH request.
fn responder_rejected_initiator(
    ctx: &Context<'_>,
    msgs: &[Msg<'_>],
    request: Option<&Msg<'_>>,
    ev: Vec<EvidenceRef>,
) -> Finding {
    let req = request.and_then(|r| inner(r.m));
    let method = req.and_then(|r| r.auth_method);
    let id = req
        .and_then(|r| r.id_i.as_ref())
        .map(id_display)
        .unwrap_or_default();
    let capture_time = msgs.first().map(|m| m.time.0 / 1_000_000_000);
    match method {
        // A different key and an identity that no connection holds get the same bare
        // AUTHENTICATION_FAILED: even decrypted, the wire cannot tell auth-psk from auth-id.
        Some(AuthMethod::PSK) => Finding {
            category: None,
            ..finding(
                "inner-auth-failed-psk",
                FailurePhase::IkeAuth,
                Category::AuthPsk,
                format!("the gateway rejects the client's pre-shared-key AUTH (IDi {id}) with AUTHENTICATION_FAILED: the PSKs differ, or no connection on the gateway holds this identity"),
                ev,
                vec![
                    format!("check that the gateway has a connection for the identity {id} (an identity mismatch looks the same on the wire)"),
                    "set the same pre-shared key on both ends for this pair of identities".into(),
                    "add the gateway's log: 'MAC mismatched' means the key, 'no matching peer config' the identity".into(),
                ],
            )
        },
        None if req.is_some_and(|r| r.eap.is_some() || r.auth_method.is_none()) => finding(
            "inner-auth-failed-eap",
            FailurePhase::IkeAuth,
            Category::AuthEap,
            format!("the gateway rejects the client's EAP authentication (IDi {id}): AUTHENTICATION_FAILED"),
            ev,
            vec!["check the EAP method, user name and password, and the RADIUS server".into()],
        ),
        _ => {
            let cert = req.and_then(|r| x509_certs(r).into_iter().next()).and_then(|der| ike_cert::parse(&der).ok());
            if let Some(cert) = cert.as_ref().filter(|c| san_identity(&id) && !c.contains_identity(&id)) {
                return finding(
                    "inner-auth-failed-cert",
                    FailurePhase::IkeAuth,
                    Category::AuthId,
                    format!("the client authenticates as {id}, which is not in its certificate's subjectAltName [{}]: the gateway rejects it (AUTHENTICATION_FAILED)", cert.san_list().join(", ")),
                    ev,
                    vec![format!("make the client use an identity its certificate holds (one of [{}]), or reissue the certificate with {id} in its subjectAltName", cert.san_list().join(", "))],
                );
            }
            if let (Some(request), Some(r)) = (request, req) {
                if let Some((f, _)) = chain_finding(ctx, Party::Client, request, r, &[], ev.clone(), Confidence::High) {
                    return f;
                }
            }
            let mut title = format!("the gateway rejects the client's certificate authentication ({}, IDi {id}): AUTHENTICATION_FAILED", method_name(method));
            let mut fix = vec!["check the client certificate's chain to a CA the gateway trusts, its validity and its key usage".to_string()];
            if let (Some(cert), Some(at)) = (&cert, capture_time) {
                match cert.validity_at(at) {
                    ike_cert::Validity::Expired => {
                        title = format!("the client's certificate ({}) expired on {}, before this capture: the gateway rejects it (AUTHENTICATION_FAILED)", cert.subject, ike_cert::format_time(cert.not_after));
                        fix.insert(0, "renew the client certificate".into());
                    }
                    ike_cert::Validity::NotYetValid => {
                        title = format!("the client's certificate ({}) is not valid before {}: the gateway rejects it (AUTHENTICATION_FAILED)", cert.subject, ike_cert::format_time(cert.not_before));
                    }
                    ike_cert::Validity::Valid => {}
                }
            }
            finding("inner-auth-failed-cert", FailurePhase::IkeAuth, Category::AuthCert, title, ev, fix)
        }
    }
}

/// The responder authenticated itself, then the initiator sent AUTHENTICATION_FAILED: the
/// client does not accept the gateway's certificate or identity.
fn initiator_rejected_responder(
    ctx: &Context<'_>,
    req: Option<&InnerPayloads>,
    resp: &InnerPayloads,
    response: &Msg<'_>,
    ev: Vec<EvidenceRef>,
) -> Finding {
    let wanted = req.and_then(|r| r.id_r.as_ref()).map(id_display);
    let got = resp.id_r.as_ref().map(id_display).unwrap_or_default();
    let cert = x509_certs(resp)
        .into_iter()
        .next()
        .and_then(|der| ike_cert::parse(&der).ok());
    let at = response.time.0 / 1_000_000_000;
    let rule = "inner-client-rejects-gateway";
    let Some(cert) = cert else {
        return finding(rule, FailurePhase::IkeAuth, Category::AuthCert, format!("the client rejects the gateway's authentication ({}, IDr {got}) and sends AUTHENTICATION_FAILED", method_name(resp.auth_method)), ev, vec!["check the gateway's credentials as the client expects them".into()]);
    };
    if let Some(wanted) = wanted.filter(|w| san_identity(w) && !cert.contains_identity(w)) {
        return finding(
            rule,
            FailurePhase::IkeAuth,
            Category::AuthId,
            format!("the client expects the gateway identity {wanted}, which is not in the gateway certificate's subjectAltName [{}]: the client rejects it (AUTHENTICATION_FAILED)", cert.san_list().join(", ")),
            ev,
            vec![format!("issue the gateway certificate with {wanted} in its subjectAltName, or make the client expect one of [{}]", cert.san_list().join(", "))],
        );
    }
    // With the CA the client trusts, the chain check replaces the guesses below.
    let certreq = req.map(|r| r.cert_request_cas.as_slice()).unwrap_or(&[]);
    if let Some((f, _)) = chain_finding(
        ctx,
        Party::Gateway,
        response,
        resp,
        certreq,
        ev.clone(),
        Confidence::High,
    ) {
        return f;
    }
    match cert.validity_at(at) {
        ike_cert::Validity::Expired => {
            return finding(
                rule,
                FailurePhase::IkeAuth,
                Category::AuthCert,
                format!(
                    "the gateway's certificate ({}) expired on {}: the client rejects it",
                    cert.subject,
                    ike_cert::format_time(cert.not_after)
                ),
                ev,
                vec!["renew the gateway certificate".into()],
            );
        }
        ike_cert::Validity::NotYetValid => {
            return finding(
                rule,
                FailurePhase::IkeAuth,
                Category::AuthCert,
                format!(
                    "the gateway's certificate ({}) is not valid before {}: the client rejects it",
                    cert.subject,
                    ike_cert::format_time(cert.not_before)
                ),
                ev,
                vec!["use a certificate valid now".into()],
            );
        }
        ike_cert::Validity::Valid => {}
    }
    // Valid at the capture time and naming the expected identity, and no CA certificate given to
    // check the chain: the client either does not trust its issuer, or its own clock is wrong.
    // The client's own certificate hints at which CA it uses: the same issuer means the CA is
    // known, so the clock is the suspect.
    let client_issuer = req
        .and_then(|r| r.certs.first())
        .and_then(|(_, der)| ike_cert::parse(der).ok())
        .map(|c| c.issuer);
    if client_issuer.as_deref() == Some(cert.issuer.as_str()) {
        return finding(
            rule,
            FailurePhase::IkeAuth,
            Category::Clock,
            format!("the gateway's certificate is valid at the capture time ({} .. {}) and issued by the CA the client's own certificate comes from, yet the client rejects it: the client's clock is likely wrong", ike_cert::format_time(cert.not_before), ike_cert::format_time(cert.not_after)),
            ev,
            vec!["set the client's clock (NTP) and retry".into()],
        );
    }
    finding(
        rule,
        FailurePhase::IkeAuth,
        Category::AuthCert,
        format!("the client rejects the gateway's certificate (issuer {}): the client most likely does not trust that CA (or misses an intermediate)", cert.issuer),
        ev,
        vec![format!("install the CA that issued the gateway certificate ({}) on the client, with any intermediate", cert.issuer)],
    )
}

fn create_child_sa(ctx: &Context<'_>, msgs: &[Msg<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for response in msgs
        .iter()
        .filter(|m| m.m.exchange == ExchangeType::CREATE_CHILD_SA && m.m.response)
    {
        let Some(resp) = inner(response.m) else {
            continue;
        };
        let request = msgs.iter().find(|m| {
            m.m.exchange == ExchangeType::CREATE_CHILD_SA
                && !m.m.response
                && m.m.message_id == response.m.message_id
                && m.m.from_initiator != response.m.from_initiator
        });
        let req = request.and_then(|r| inner(r.m));
        let mut ev = vec![evidence(ctx, response, describe(response, resp))];
        if let (Some(r), Some(ri)) = (request, req) {
            ev.insert(0, evidence(ctx, r, describe(r, ri)));
        }
        let pfs = req.is_some_and(|r| r.payloads.iter().any(|p| p == "KE"));
        let found = if resp.has_notify(NotifyType::INVALID_KE_PAYLOAD)
            || (pfs && resp.has_notify(NotifyType::NO_PROPOSAL_CHOSEN))
        {
            Some((Category::ProposalDh, "the peer refuses the CHILD_SA rekey with a DH group (PFS): the two ends disagree on the CHILD_SA key exchange", "configure the same DH group (or none) in both ends' esp_proposals"))
        } else if resp.has_notify(NotifyType::NO_PROPOSAL_CHOSEN) {
            Some((
                Category::ProposalEsp,
                "the peer accepts none of the CREATE_CHILD_SA proposals (NO_PROPOSAL_CHOSEN)",
                "make the ESP proposals of both ends share one set of algorithms",
            ))
        } else if resp.has_notify(NotifyType::TS_UNACCEPTABLE) {
            Some((
                Category::TrafficSelectors,
                "the peer refuses the traffic selectors of CREATE_CHILD_SA (TS_UNACCEPTABLE)",
                "align local_ts and remote_ts of both ends",
            ))
        } else {
            None
        };
        if let Some((category, title, fix)) = found {
            out.push(finding(
                "inner-create-child-sa-refused",
                FailurePhase::ChildSa,
                category,
                title.into(),
                ev,
                vec![fix.into()],
            ));
            break;
        }
    }
    out
}
