//! Every failure-lab scenario diagnosed from its daemons' logs: the client log alone, the
//! gateway log alone, both logs, and both logs with both captures. The verdict must give the true
//! outcome and phase; its category must be the true one or left open (`null`), never a confident
//! wrong one. Evidence sets whose log holds no trace of the failure are listed with the reason.
//! The table is printed.
mod common;

use common::lab::{judge, run, scenarios, truth, Listed};

/// Evidence sets that hold no trace of the failure: the verdict must not name a wrong cause.
const NO_TRACE: &Listed = &[
    (
        "udp-blocked",
        "gateway",
        "the gateway's firewall drops everything: its daemon never logs a packet",
    ),
    (
        "esp-over-path-mtu",
        "client",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "esp-over-path-mtu",
        "gateway",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "esp-over-path-mtu",
        "logs",
        "the daemons negotiate normally; only the oversized ESP packets (not logged) are lost",
    ),
    (
        "nat-mapping-expired",
        "client",
        "the client never hears the gateway's dropped rekey: its log shows a quiet, working SA",
    ),
    (
        "libreswan-kernel-no-esp",
        "gateway",
        "the gateway installs its SAs and only sees the client delete them",
    ),
];

/// Evidence sets where the log places the failure but cannot tell the category apart; the
/// reason says which causes remain. The verdict must leave the category open or be right.
const OPEN: &Listed = &[
    ("udp-blocked", "client", "no answer to IKE_SA_INIT: filtered, host down, or the port held by another program look alike"),
    ("udp500-in-use", "client", "no answer to IKE_SA_INIT: filtered, host down, or the port held by another program look alike"),
    ("psk-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("identity-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("cert-expired", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("libreswan-psk-mismatch", "client", "the initiator only sees AUTHENTICATION_FAILED"),
    ("ike-proposal-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("dh-group-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("ikev1-only-gateway", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("libreswan-proposal-mismatch", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("ike-auth-ip-fragments-dropped", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("nat-udp4500-blocked", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("libreswan-ip-fragments-dropped", "client", "pluto logs no message sizes: fragments or UDP 4500"),
    ("libreswan-ip-fragments-dropped", "gateway", "IKE_AUTH never arrives: fragments or UDP 4500, the gateway cannot tell"),
    ("libreswan-ip-fragments-dropped", "logs", "pluto logs no message sizes: fragments or UDP 4500"),
    ("libreswan-ts-unacceptable", "gateway", "pluto logs the IKE SA but not the refused traffic selectors"),
    ("libreswan-ikev1-only-gateway", "client", "the initiator only sees NO_PROPOSAL_CHOSEN"),
    ("udp-return-path-dropped", "client", "no answer to IKE_SA_INIT: the initiator cannot tell where the packets are lost"),
    ("cert-not-yet-valid-clock", "gateway", "the gateway only learns that the client refused its certificate"),
    ("cert-san-mismatch", "gateway", "the gateway only learns that the client refused its certificate"),
    ("cert-untrusted-ca", "gateway", "the gateway only learns that the client refused its certificate"),
    ("kernel-no-esp", "gateway", "the gateway only sees the client delete the CHILD_SA at once"),
];

#[test]
fn every_lab_scenario_from_its_logs() {
    let mut cases = Vec::new();
    for dir in scenarios(&["client.log"]) {
        let truth = truth(&dir);
        let client_log = dir.join("client.log");
        let gateway_log = dir.join("gateway.log");
        let client_pcap = dir.join("client.pcap");
        let gateway_pcap = dir.join("gateway.pcap");
        cases.push(run(&dir, "client", &[&client_log], &truth));
        cases.push(run(&dir, "gateway", &[&gateway_log], &truth));
        cases.push(run(&dir, "logs", &[&client_log, &gateway_log], &truth));
        cases.push(run(
            &dir,
            "all",
            &[&client_log, &gateway_log, &client_pcap, &gateway_pcap],
            &truth,
        ));
    }
    judge(&cases, NO_TRACE, Some(OPEN));
}
