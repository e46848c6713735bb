//! Every failure-lab fixture is diagnosed from the client capture alone, the gateway capture
//! alone, and both together. The verdict must give the true phase (and the true outcome); its
//! category must be the true one or left open (`null`): never a confident wrong category.
//! The table of results is printed.
mod common;

use common::lab::{judge, run, scenarios, truth, Listed};

/// Evidence sets that hold no trace of the failure at all, with the reason. For these the
/// verdict must not name a wrong cause; it cannot name the right one.
const NO_TRACE: &Listed = &[(
    "esp-over-path-mtu",
    "gateway",
    "the oversized ESP never reaches the gateway and nothing else changes there: its capture shows a working tunnel",
)];

#[test]
fn every_lab_scenario_from_each_evidence_set() {
    let mut cases = Vec::new();
    for dir in scenarios(&[]) {
        let truth = truth(&dir);
        let client = dir.join("client.pcap");
        let gateway = dir.join("gateway.pcap");
        cases.push(run(&dir, "client", &[&client], &truth));
        cases.push(run(&dir, "gateway", &[&gateway], &truth));
        cases.push(run(&dir, "both", &[&client, &gateway], &truth));
        // Everything the scenario left behind: captures, both logs, keys, certificates,
        // configurations: the most a user could hand over.
        cases.push(run(&dir, "folder", &[dir.as_path()], &truth));
    }
    judge(&cases, NO_TRACE, None);
}
