//! The host report: what on the machine `ike-doctor host` runs on breaks IKE, in the contract's
//! verdict and findings. Read-only: facts come from `/proc` and `/sys` ([`facts`]), the
//! kernel's ESP support from a real SA tried in a throw-away network namespace ([`xfrm`]), and
//! each check is one item of [`checks::CHECKS`].

pub mod checks;
pub mod cloudfw;
pub mod facts;
pub mod nft;
pub mod xfrm;
pub mod xtables;

use ike_contract::{Category, FailurePhase, Outcome};
use serde::Serialize;

pub use checks::HostFinding;
pub use facts::{HostFacts, Root};
pub use xfrm::EspSupport;

/// The first value of every host report's JSON.
pub const REPORT_KIND: &str = "ike-doctor host";

/// The verdict of a host report.
#[derive(Debug, Clone, Serialize)]
pub struct HostVerdict {
    pub outcome: Outcome,
    pub phase: Option<FailurePhase>,
    pub category: Option<Category>,
    pub summary: String,
    pub warnings: Vec<HostFinding>,
}

/// What `ike-doctor host` reports.
#[derive(Debug, Clone, Serialize)]
pub struct HostReport {
    /// `ike-doctor host`: what `diagnose` recognises the report by, at its start.
    pub report: &'static str,
    pub verdict: HostVerdict,
    pub findings: Vec<HostFinding>,
    pub esp_test: Vec<EspSupport>,
    /// The firewall's verdicts for the peer's packets (with `--peer`).
    pub firewall: Vec<nft::PacketVerdict>,
    /// What source NAT does to the local configuration's tunnel traffic.
    pub nat: Vec<nft::TunnelNat>,
    /// What the filter chains do with the tunnels' forwarded traffic.
    pub forward: Vec<nft::TunnelForward>,
    /// Cloud firewall exports' verdicts for the peer's packets.
    pub cloud_firewall: Vec<checks::CloudFinding>,
    pub facts: HostFacts,
}

/// Checks the host under `root`; `esp` is the ESP test's result (see [`xfrm::test_esp`]),
/// `firewall` the rule set's verdicts for the peer's packets (see [`nft::for_peer`]).
pub fn check(root: &Root, esp: Vec<EspSupport>, firewall: Vec<nft::PacketVerdict>) -> HostReport {
    check_facts(
        facts::gather(root),
        esp,
        firewall,
        Vec::new(),
        Vec::new(),
        Vec::new(),
    )
}

/// Checks facts already gathered, with the NAT verdicts of their tunnel traffic (see
/// [`nft::tunnels_nat`]).
pub fn check_facts(
    facts: HostFacts,
    esp: Vec<EspSupport>,
    firewall: Vec<nft::PacketVerdict>,
    nat: Vec<nft::TunnelNat>,
    cloud: Vec<checks::CloudFinding>,
    forward: Vec<nft::TunnelForward>,
) -> HostReport {
    let input = checks::Input {
        facts: &facts,
        esp: &esp,
        firewall: &firewall,
        nat: &nat,
        cloud: &cloud,
        forward: &forward,
    };
    let (warnings, findings): (Vec<HostFinding>, Vec<HostFinding>) = checks::CHECKS
        .iter()
        .flat_map(|c| (c.run)(&input))
        .partition(|f| f.warning);
    let verdict = match findings.first() {
        Some(first) => HostVerdict {
            outcome: Outcome::Failed,
            phase: Some(first.phase),
            category: Some(first.category),
            summary: format!(
                "this host would fail IKE in {}: {}",
                first.phase.as_str(),
                first.title
            ),
            warnings,
        },
        None => HostVerdict {
            outcome: Outcome::Established,
            phase: None,
            category: None,
            summary: nothing_found(&esp, &firewall, &cloud),
            warnings,
        },
    };
    HostReport {
        report: REPORT_KIND,
        verdict,
        findings,
        esp_test: esp,
        firewall,
        nat,
        forward,
        cloud_firewall: cloud,
        facts,
    }
}

/// "Nothing found", with what was looked at and what was not: an unchecked firewall is no
/// evidence that it lets IKE through.
fn nothing_found(
    esp: &[EspSupport],
    firewall: &[nft::PacketVerdict],
    cloud: &[checks::CloudFinding],
) -> String {
    let mut checked = vec!["daemons", "UDP 500/4500"];
    let mut unchecked = Vec::new();
    match esp
        .iter()
        .all(|e| matches!(e, EspSupport::NotTested { .. }))
    {
        true => unchecked.push("kernel ESP (not tested)"),
        false => checked.push("kernel ESP"),
    }
    match firewall.is_empty() {
        true => unchecked.push("the host firewall (no --peer, or no rule set read)"),
        false => checked.push("the host firewall for the peer"),
    }
    if !cloud.is_empty() {
        checked.push("the cloud firewall");
    }
    let mut summary = format!(
        "nothing found on this host that stops IKE ({})",
        checked.join(", ")
    );
    if !unchecked.is_empty() {
        summary.push_str(&format!("; not checked: {}", unchecked.join(", ")));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up /proc and /sys: socat holds UDP 500, charon runs with kernel-netlink, eth0
    /// has an MTU of 1280.
    #[test]
    fn a_host_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        w(
            "proc/net/udp",
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n   1: 00000000:01F4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0\n",
        );
        w("proc/net/udp6", "  sl  local_address\n");
        w("proc/42/comm", "socat\n");
        std::fs::create_dir_all(dir.path().join("proc/42/fd")).expect("mkdir");
        std::os::unix::fs::symlink("socket:[4242]", dir.path().join("proc/42/fd/3")).expect("link");
        w("proc/77/comm", "charon\n");
        w(
            "proc/77/maps",
            "7f00 r-xp /usr/lib/ipsec/plugins/libstrongswan-kernel-netlink.so\n",
        );
        w("sys/class/net/eth0/mtu", "1280\n");
        w("sys/class/net/eth0/type", "1\n");
        // kernel-libipsec's TUN device: a tunnel, not a link IKE crosses.
        w("sys/class/net/ipsec0/mtu", "1400\n");
        w("sys/class/net/ipsec0/type", "65534\n");
        w("proc/sys/net/ipv4/conf/eth0/rp_filter", "2\n");
        w("proc/net/xfrm_stat", "XfrmInError 0\nXfrmInNoStates 3\n");
        let report = check(
            &Root::new(dir.path()),
            vec![EspSupport::Refused {
                algorithm: "AES_GCM_16_128".into(),
                kernel_said: "RTNETLINK answers: Protocol not supported".into(),
            }],
            Vec::new(),
        );
        let checks: Vec<&str> = report.findings.iter().map(|f| f.check).collect();
        assert_eq!(
            checks,
            vec!["port-held-by-another-program", "kernel-refuses-esp"]
        );
        assert_eq!(report.verdict.outcome, Outcome::Failed);
        let warnings: Vec<&str> = report.verdict.warnings.iter().map(|f| f.check).collect();
        assert_eq!(
            warnings,
            vec!["daemon-without-socket", "small-mtu", "xfrm-errors"]
        );
        assert_eq!(
            report.facts.daemons[0].data_plane,
            facts::DataPlane::KernelXfrm
        );
    }
}
