//! The checks, one item each in [`CHECKS`]: what it looks at, and the findings it makes from
//! the host's facts and the ESP test. A check that cannot tell says nothing (an absence is
//! evidence only where the host could have shown it).
use ike_contract::{Category, Confidence, FailurePhase};
use serde::Serialize;

use crate::facts::{DataPlane, HostFacts, Listener};
use crate::nft::{PacketVerdict, Verdict};
use crate::xfrm::EspSupport;

/// One finding of the host report, in the contract's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostFinding {
    pub check: &'static str,
    pub phase: FailurePhase,
    pub category: Category,
    pub confidence: Confidence,
    pub title: String,
    /// Where it was seen (`/proc/net/udp: 0.0.0.0:500 held by socat (pid 42)`).
    pub evidence: Vec<String>,
    pub fix: Vec<String>,
    /// A warning: it does not stop IKE by itself.
    #[serde(skip)]
    pub warning: bool,
}

/// What a check sees.
pub struct Input<'a> {
    pub facts: &'a HostFacts,
    pub esp: &'a [EspSupport],
    /// The firewall's verdicts for the peer's packets (`--peer`), empty without a peer.
    pub firewall: &'a [PacketVerdict],
    /// What source NAT does to the local configuration's tunnel traffic (empty without a rule
    /// set to read).
    pub nat: &'a [crate::nft::TunnelNat],
    /// Cloud firewall exports' verdicts for the peer's packets.
    pub cloud: &'a [CloudFinding],
    /// What the filter chains do with the tunnels' forwarded traffic.
    pub forward: &'a [crate::nft::TunnelForward],
}

/// One cloud firewall export's verdict for one packet of the peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudFinding {
    pub file: String,
    pub kind: crate::cloudfw::CloudFirewallKind,
    #[serde(flatten)]
    pub verdict: crate::cloudfw::CloudVerdict,
}

/// One check.
pub struct Check {
    pub name: &'static str,
    pub doc: &'static str,
    pub run: fn(&Input) -> Vec<HostFinding>,
}

/// Every check, in the order the daemons would meet the problem.
pub const CHECKS: &[Check] = &[
    Check {
        name: "firewall-drops-ike",
        doc: "the host's nftables/iptables rules drop UDP 500, UDP 4500 or ESP of the peer",
        run: firewall_drops_ike,
    },
    Check {
        name: "firewall-drops-tunnel-traffic",
        doc: "the filter chains drop the tunnels' forwarded traffic (ping, TCP 443, UDP 53 each way)",
        run: firewall_drops_tunnel_traffic,
    },
    Check {
        name: "firewall-cannot-evaluate",
        doc: "a firewall rule the evaluator does not understand decides a packet of the peer",
        run: firewall_cannot_evaluate,
    },
    Check {
        name: "cloud-firewall-denies-ike",
        doc: "a cloud firewall export (security group, network ACL, NSG, firewall rules) denies the peer's UDP 500, UDP 4500 or ESP",
        run: cloud_firewall_denies_ike,
    },
    Check {
        name: "nat-catches-tunnel-traffic",
        doc: "a masquerade/snat rule rewrites traffic a CHILD_SA should carry (no NAT exemption)",
        run: nat_catches_tunnel_traffic,
    },
    Check {
        name: "port-held-by-another-program",
        doc: "UDP 500 or 4500 held by a program that is not an IKE daemon",
        run: port_held_by_another_program,
    },
    Check {
        name: "daemons-compete",
        doc: "two IKE daemons running at once",
        run: daemons_compete,
    },
    Check {
        name: "no-ike-daemon",
        doc: "no IKE daemon running and nothing on UDP 500",
        run: no_ike_daemon,
    },
    Check {
        name: "daemon-without-socket",
        doc: "an IKE daemon running without a UDP 500 socket",
        run: daemon_without_socket,
    },
    Check {
        name: "kernel-refuses-esp",
        doc: "the kernel refuses ESP SAs and the daemon uses the kernel's XFRM",
        run: kernel_refuses_esp,
    },
    Check {
        name: "certificate-not-valid-now",
        doc: "a certificate the daemon loads is expired or not yet valid at this host's time",
        run: certificate_not_valid_now,
    },
    Check {
        name: "forwarding-off",
        doc: "IP forwarding off on a host whose connections serve networks behind it",
        run: forwarding_off,
    },
    Check {
        name: "no-mss-clamping",
        doc: "site-to-site tunnels and no rule clamping TCP's MSS (warning)",
        run: no_mss_clamping,
    },
    Check {
        name: "sends-redirects",
        doc: "ICMP redirects sent on a one-armed gateway's interface with the kernel's XFRM (warning)",
        run: sends_redirects,
    },
    Check {
        name: "xfrm-disabled",
        doc: "disable_xfrm or disable_policy set on an interface IKE crosses",
        run: xfrm_disabled,
    },
    Check {
        name: "clock-not-synchronized",
        doc: "the system clock not synchronised",
        run: clock_not_synchronized,
    },
    Check {
        name: "small-mtu",
        doc: "an interface MTU below 1500",
        run: small_mtu,
    },
    Check {
        name: "strict-rp-filter",
        doc: "reverse-path filtering drops decapsulated traffic whose source is routed back elsewhere (per tunnel on a live host; otherwise a warning on strict interfaces)",
        run: strict_rp_filter,
    },
    Check {
        name: "xfrm-errors",
        doc: "XFRM error counters",
        run: xfrm_errors,
    },
];

fn firewall_drops_ike(input: &Input) -> Vec<HostFinding> {
    input
        .firewall
        .iter()
        .filter_map(|v| {
            let Verdict::Dropped {
                family,
                table,
                chain,
                handle,
                rule,
            } = &v.verdict
            else {
                return None;
            };
            let at = match handle {
                Some(h) => format!("table {table}, chain {chain}, rule handle {h} ({rule})"),
                None => format!("table {table}, chain {chain}: its policy drop"),
            };
            let (phase, category, confidence, consequence) = match (v.protocol, v.port) {
                (17, Some(500)) => (
                    FailurePhase::IkeSaInit,
                    Category::UdpBlocked,
                    Confidence::High,
                    "IKE_SA_INIT never completes",
                ),
                (17, _) => (
                    FailurePhase::IkeAuth,
                    Category::UdpBlocked,
                    Confidence::Medium,
                    "with a NAT between the peers (or MOBIKE) IKE moves to UDP 4500 and IKE_AUTH never completes",
                ),
                _ => (
                    FailurePhase::Established,
                    Category::DataPlane,
                    Confidence::Medium,
                    "without a NAT the SAs come up and no tunnelled traffic passes",
                ),
            };
            // Dropped when it starts a flow, let through when it answers one: which end may
            // start the exchange decides, and this host does not know which end will.
            let one_way = v.when_established == Some(Verdict::Accepted);
            let (title, confidence) = match (one_way, v.inbound) {
                (false, _) => (
                    format!("the host's firewall drops {}: {consequence}", v.packet),
                    confidence,
                ),
                (true, true) => (
                    format!(
                        "the host's firewall drops {} unless this host started the exchange (a peer that initiates is dropped): {consequence}",
                        v.packet
                    ),
                    Confidence::Medium,
                ),
                (true, false) => (
                    format!(
                        "the host's firewall drops {} unless the peer started the exchange (this host cannot initiate): {consequence}",
                        v.packet
                    ),
                    Confidence::Medium,
                ),
            };
            let state = if one_way {
                " as the first packet of a flow (ct state new; accepted as established)"
            } else {
                ""
            };
            Some(HostFinding {
                check: "firewall-drops-ike",
                phase,
                category,
                confidence,
                title,
                evidence: vec![format!(
                    "nft -j list ruleset: {} dropped{state} by {at}",
                    v.packet
                )],
                fix: vec![format!(
                    "allow it before that rule, e.g. `nft insert rule {family} {table} {chain} {}`",
                    allow_rule(v)
                )],
                warning: one_way,
            })
        })
        .collect()
}

/// An nft rule that lets the packet through (the family prefix left to the user's table).
fn allow_rule(v: &PacketVerdict) -> String {
    match (v.protocol, v.port) {
        (17, Some(port)) => format!("udp dport {port} accept"),
        _ => "meta l4proto esp accept".to_owned(),
    }
}

/// The tunnels' forwarded traffic: a filter chain that drops it (in the forward hook or
/// around it) leaves the SAs up and nothing passing.
fn firewall_drops_tunnel_traffic(input: &Input) -> Vec<HostFinding> {
    let mut out = Vec::new();
    // Grouped by connection and direction: all probes dropped is the finding; some dropped,
    // or dropped unless the other side started, a warning naming them.
    let mut groups: Vec<(&str, bool, Vec<&crate::nft::TunnelForward>)> = Vec::new();
    for f in input.forward {
        match groups
            .iter_mut()
            .find(|(c, i, _)| *c == f.connection && *i == f.inbound)
        {
            Some(group) => group.2.push(f),
            None => groups.push((&f.connection, f.inbound, vec![f])),
        }
    }
    for (connection, inbound, probes) in groups {
        let dropped: Vec<&&crate::nft::TunnelForward> = probes
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::Dropped { .. }))
            .collect();
        let Some(first) = dropped.first() else {
            continue;
        };
        let Verdict::Dropped {
            table,
            chain,
            handle,
            rule,
            ..
        } = &first.verdict
        else {
            continue;
        };
        let one_way = dropped
            .iter()
            .all(|p| p.when_established == Some(Verdict::Accepted));
        let all = dropped.len() == probes.len();
        let way = if inbound {
            "from the remote network to the local one"
        } else {
            "from the local network to the remote one"
        };
        let names: Vec<&str> = dropped.iter().map(|p| p.packet.as_str()).collect();
        let mut title = format!(
            "the host's firewall drops the traffic of {connection} {way} ({})",
            names.join(", ")
        );
        if one_way {
            title.push_str(if inbound {
                " unless the local side started the connection"
            } else {
                " unless the remote side started the connection"
            });
        } else if !all {
            title.push_str(": other traffic passes");
        }
        title.push_str(": the SAs come up and that traffic never arrives");
        let at = match handle {
            Some(h) => format!("table {table}, chain {chain}, rule handle {h} ({rule})"),
            None => format!("table {table}, chain {chain}: its policy drop"),
        };
        out.push(HostFinding {
            check: "firewall-drops-tunnel-traffic",
            phase: FailurePhase::Established,
            category: Category::DataPlane,
            confidence: Confidence::Medium,
            title,
            evidence: vec![format!("nft -j list ruleset: {} dropped by {at}", first.packet)],
            fix: vec![format!(
                "allow the tunnel's networks in the forward chain, e.g. `nft insert rule <family> {table} {chain} ip saddr {{ <local network>, <remote network> }} accept`, or for the kernel's XFRM `meta ipsec exists accept` (iptables: `-m policy --dir in --pol ipsec -j ACCEPT`)"
            )],
            warning: one_way || !all,
        });
    }
    out
}

fn firewall_cannot_evaluate(input: &Input) -> Vec<HostFinding> {
    // The peer's IKE and ESP, then the tunnels' forwarded traffic.
    let peer = input
        .firewall
        .iter()
        .map(|v| (&v.verdict, v.packet.as_str(), false));
    let forwarded = input
        .forward
        .iter()
        .map(|f| (&f.verdict, f.packet.as_str(), true));
    // And whether source NAT catches a tunnel's traffic.
    let nat = input.nat.iter().filter_map(|n| match &n.verdict {
        crate::nft::NatVerdict::CannotEvaluate {
            table,
            chain,
            handle,
            expression,
        } => Some(HostFinding {
            check: "firewall-cannot-evaluate",
            phase: FailurePhase::Established,
            category: Category::DataPlane,
            confidence: Confidence::Low,
            title: format!(
                "cannot evaluate rule {} of table {table}, chain {chain} ({expression}): whether source NAT catches the traffic of {} from {} to {} is not known",
                handle.map_or_else(|| "-".to_owned(), |h| h.to_string()),
                n.tunnel.connection,
                n.tunnel.local_ts,
                n.tunnel.remote_ts
            ),
            evidence: vec![format!("nft -j list ruleset: {expression}")],
            fix: vec!["check the NAT rules by hand (nft list ruleset -a): the tunnel's traffic must be exempted from masquerade/snat".into()],
            warning: true,
        }),
        _ => None,
    });
    let mut out: Vec<HostFinding> = peer
        .chain(forwarded)
        .filter_map(|(verdict, packet, forwarded)| {
            let Verdict::CannotEvaluate {
                table,
                chain,
                handle,
                expression,
                ..
            } = verdict
            else {
                return None;
            };
            let (phase, category) = match forwarded {
                false => (FailurePhase::IkeSaInit, Category::UdpBlocked),
                true => (FailurePhase::Established, Category::DataPlane),
            };
            Some(HostFinding {
                check: "firewall-cannot-evaluate",
                phase,
                category,
                confidence: Confidence::Low,
                title: format!(
                    "cannot evaluate rule {} of table {table}, chain {chain} ({expression}) for {packet}: whether the firewall lets it through is not known",
                    handle.map_or_else(|| "-".to_owned(), |h| h.to_string()),
                ),
                evidence: vec![format!("nft -j list ruleset: {expression}")],
                fix: vec!["check that rule by hand (nft list ruleset -a), or watch its counter while the traffic passes".into()],
                warning: true,
            })
        })
        .collect();
    out.extend(nat);
    out
}

fn nat_catches_tunnel_traffic(input: &Input) -> Vec<HostFinding> {
    input
        .nat
        .iter()
        .filter_map(|n| {
            let crate::nft::NatVerdict::Translated {
                family,
                table,
                chain,
                handle,
            } = &n.verdict
            else {
                return None;
            };
            let t = &n.tunnel;
            Some(HostFinding {
                check: "nat-catches-tunnel-traffic",
                phase: FailurePhase::Established,
                category: Category::DataPlane,
                confidence: Confidence::High,
                title: format!(
                    "traffic from {} to {} (connection {}) is source-NATed by table {table}, chain {chain}{}: its new source no longer matches the CHILD_SA's policy, so it leaves unencrypted (a missing NAT exemption)",
                    t.local_ts,
                    t.remote_ts,
                    t.connection,
                    handle.map(|h| format!(", rule handle {h}")).unwrap_or_default()
                ),
                evidence: vec![format!(
                    "nft -j list ruleset: {} -> {}{} translated in {family} {table} {chain}",
                    t.from,
                    t.to,
                    n.oif.as_deref().map(|o| format!(" via {o}")).unwrap_or_default()
                )],
                fix: vec![format!(
                    "exempt it before the masquerade: `nft insert rule {family} {table} {chain} ip saddr {} ip daddr {} accept` (or match `ipsec out` policies)",
                    t.local_ts, t.remote_ts
                )],
                warning: false,
            })
        })
        .collect()
}

fn cloud_firewall_denies_ike(input: &Input) -> Vec<HostFinding> {
    use crate::cloudfw::CloudDecision;
    input
        .cloud
        .iter()
        .filter_map(|c| {
            let v = &c.verdict;
            let (by, warning) = match &v.verdict {
                CloudDecision::Denied { by } => (by.clone(), false),
                CloudDecision::CannotEvaluate { why } => (why.clone(), true),
                CloudDecision::Allowed { .. } => return None,
            };
            let (phase, category) = match (v.protocol, v.port) {
                (17, Some(500)) => (FailurePhase::IkeSaInit, Category::UdpBlocked),
                (17, _) => (FailurePhase::IkeAuth, Category::UdpBlocked),
                _ => (FailurePhase::Established, Category::DataPlane),
            };
            Some(HostFinding {
                check: "cloud-firewall-denies-ike",
                phase,
                category,
                confidence: if warning { Confidence::Low } else { Confidence::High },
                title: if warning {
                    format!("{} ({}): whether {} passes cannot be told from the file: {by}", c.kind.as_str(), c.file, v.packet)
                } else {
                    format!("{} ({}) denies {}: {by}", c.kind.as_str(), c.file, v.packet)
                },
                evidence: vec![format!("{}: {}: {by}", c.file, v.packet)],
                fix: vec![format!(
                    "allow {} in the {} of the gateway (both directions for network ACLs, which are stateless)",
                    v.packet,
                    c.kind.as_str()
                )],
                warning,
            })
        })
        .collect()
}

fn is_daemon_name(name: &str) -> bool {
    matches!(
        name,
        "charon" | "charon-systemd" | "charon-nm" | "charon-svc" | "pluto" | "iked" | "racoon"
    )
}

fn holders(l: &Listener) -> String {
    l.holders
        .iter()
        .map(|p| format!("{} (pid {})", p.name, p.pid))
        .collect::<Vec<_>>()
        .join(", ")
}

fn port_held_by_another_program(input: &Input) -> Vec<HostFinding> {
    input
        .facts
        .listeners
        .iter()
        .filter(|l| !l.holders.is_empty() && !l.holders.iter().any(|p| is_daemon_name(&p.name)))
        .map(|l| HostFinding {
            check: "port-held-by-another-program",
            phase: FailurePhase::IkeSaInit,
            category: Category::Implementation,
            confidence: Confidence::High,
            title: format!(
                "UDP {} on {} is held by {}, not an IKE daemon: the daemon cannot bind it and IKE_SA_INIT requests reach that program",
                l.port,
                l.address,
                holders(l)
            ),
            evidence: vec![format!(
                "/proc/net/udp: {}:{} held by {}",
                l.address,
                l.port,
                holders(l)
            )],
            fix: vec![format!(
                "stop {} or move it off UDP {}, then restart the IKE daemon",
                holders(l),
                l.port
            )],
            warning: false,
        })
        .collect()
}

fn daemons_compete(input: &Input) -> Vec<HostFinding> {
    let d = &input.facts.daemons;
    let kinds: std::collections::BTreeSet<_> = d.iter().map(|d| format!("{:?}", d.kind)).collect();
    // charon-nm beside charon, or charon beside pluto: one of them gets UDP 500.
    if d.len() < 2 || (kinds.len() < 2 && !d.iter().any(|x| x.process.name == "charon-nm")) {
        return Vec::new();
    }
    let names = d
        .iter()
        .map(|x| format!("{} (pid {})", x.process.name, x.process.pid))
        .collect::<Vec<_>>()
        .join(", ");
    vec![HostFinding {
        check: "daemons-compete",
        phase: FailurePhase::IkeSaInit,
        category: Category::Implementation,
        confidence: Confidence::High,
        title: format!("several IKE daemons run at once ({names}): only one holds UDP 500 and 4500, the other's connections get no packets"),
        evidence: vec![format!("/proc: {names}")],
        fix: vec!["run one IKE daemon (stop and disable the other's service)".into()],
        warning: false,
    }]
}

fn no_ike_daemon(input: &Input) -> Vec<HostFinding> {
    let f = input.facts;
    if !f.daemons.is_empty() || f.daemons_elsewhere > 0 || f.listeners.iter().any(|l| l.port == 500)
    {
        return Vec::new();
    }
    vec![HostFinding {
        check: "no-ike-daemon",
        phase: FailurePhase::IkeSaInit,
        category: Category::UdpBlocked,
        confidence: Confidence::High,
        title: "no IKE daemon runs and nothing listens on UDP 500: IKE_SA_INIT requests to this host get no answer".into(),
        evidence: vec!["/proc: no charon, pluto, iked or racoon; /proc/net/udp: no socket on port 500".into()],
        fix: vec!["start the IKE daemon (systemctl start strongswan / ipsec) and check its log for why it stopped".into()],
        warning: false,
    }]
}

fn daemon_without_socket(input: &Input) -> Vec<HostFinding> {
    let f = input.facts;
    // IPv4: a daemon whose IPv4 bind failed still holds its IPv6 socket (charon then logs
    // "could not open IPv4 socket, IPv4 disabled"), and IPv4 peers get no answer.
    let on_500: Vec<&Listener> = f
        .listeners
        .iter()
        .filter(|l| l.port == 500 && l.address.is_ipv4())
        .collect();
    // A socket whose holder could not be seen (another user's process) may be the daemon's.
    if on_500.iter().any(|l| l.holders.is_empty()) {
        return Vec::new();
    }
    f.daemons
        .iter()
        // charon-nm is a client: it binds only when it connects.
        .filter(|d| d.process.name != "charon-nm")
        .filter(|d| !on_500.iter().any(|l| l.holders.contains(&d.process)))
        .map(|d| HostFinding {
            check: "daemon-without-socket",
            phase: FailurePhase::IkeSaInit,
            category: Category::Implementation,
            confidence: Confidence::Medium,
            title: format!(
                "{} (pid {}) runs but holds no IPv4 socket on UDP 500: it could not bind the port, and IPv4 peers get no answer",
                d.process.name, d.process.pid
            ),
            evidence: vec![format!("/proc/net/udp: no IPv4 socket of {} (pid {}) on port 500", d.process.name, d.process.pid)],
            fix: vec!["look for 'unable to bind' / 'could not open socket' in the daemon's log; free UDP 500 and restart it".into()],
            // charon configured for IPv6 only, another port or socket-dynamic binds no IPv4
            // UDP 500 by design: a warning, not a failure.
            warning: true,
        })
        .collect()
}

fn kernel_refuses_esp(input: &Input) -> Vec<HostFinding> {
    let refused: Vec<&EspSupport> = input
        .esp
        .iter()
        .filter(|e| matches!(e, EspSupport::Refused { .. }))
        .collect();
    let supported = input
        .esp
        .iter()
        .any(|e| matches!(e, EspSupport::Supported { .. }));
    if refused.is_empty() || supported {
        return Vec::new();
    }
    let evidence: Vec<String> = refused
        .iter()
        .filter_map(|e| match e {
            EspSupport::Refused {
                algorithm,
                kernel_said,
            } => Some(format!(
                "ip xfrm state add (ESP, {algorithm}) in a fresh namespace: {kernel_said}"
            )),
            _ => None,
        })
        .collect();
    let kernel_users: Vec<String> = input
        .facts
        .daemons
        .iter()
        .filter(|d| d.data_plane == DataPlane::KernelXfrm)
        .map(|d| format!("{} (pid {})", d.process.name, d.process.pid))
        .collect();
    let fix = vec![
        "load the kernel's ESP support (modprobe esp4 esp6 xfrm_user xfrm_algo) or use a kernel built with CONFIG_INET_ESP; or run charon with the kernel-libipsec plugin (a userspace data plane)".to_owned(),
    ];
    if kernel_users.is_empty() {
        let libipsec = input
            .facts
            .daemons
            .iter()
            .any(|d| d.data_plane == DataPlane::Libipsec);
        if libipsec {
            // The running daemon does not need the kernel's ESP.
            return Vec::new();
        }
        return vec![HostFinding {
            check: "kernel-refuses-esp",
            phase: FailurePhase::ChildSa,
            category: Category::Implementation,
            confidence: Confidence::Medium,
            title: "the kernel refuses ESP SAs: a daemon using the kernel's XFRM (pluto, charon with kernel-netlink) could not install a CHILD_SA".into(),
            evidence,
            fix,
            warning: true,
        }];
    }
    vec![HostFinding {
        check: "kernel-refuses-esp",
        phase: FailurePhase::ChildSa,
        category: Category::Implementation,
        confidence: Confidence::High,
        title: format!(
            "the kernel refuses ESP SAs and {} installs its SAs in the kernel's XFRM: every CHILD_SA fails to install",
            kernel_users.join(", ")
        ),
        evidence,
        fix,
        warning: false,
    }]
}

fn certificate_not_valid_now(input: &Input) -> Vec<HostFinding> {
    let unsynced = input.facts.clock_synchronized == Some(false);
    input
        .facts
        .certificates
        .iter()
        .filter(|c| c.now != "valid")
        .map(|c| {
            let expired = c.now == "expired";
            // A certificate "not yet valid" on a host whose clock is not synchronised is the
            // clock's doing more likely than the certificate's.
            let category = if !expired && unsynced {
                Category::Clock
            } else {
                Category::AuthCert
            };
            HostFinding {
                check: "certificate-not-valid-now",
                phase: FailurePhase::IkeAuth,
                category,
                confidence: Confidence::High,
                title: format!(
                    "{} ({}) is {} at this host's time: {}",
                    c.path,
                    c.subject,
                    if expired { "expired" } else { "not yet valid" },
                    if c.is_ca {
                        "chains through this CA fail to verify"
                    } else {
                        "its IKE_AUTH is refused"
                    }
                ),
                evidence: vec![format!(
                    "{}: valid from {} to {}",
                    c.path,
                    ike_cert::format_time(c.not_before),
                    ike_cert::format_time(c.not_after)
                )],
                fix: vec![if expired {
                    "issue a new certificate and load it (swanctl --load-creds / ipsec rereadcerts)".into()
                } else {
                    "check this host's clock (timedatectl, chronyc tracking) or the certificate's start date".into()
                }],
                warning: false,
            }
        })
        .collect()
}

fn forwarding_off(input: &Input) -> Vec<HostFinding> {
    let f = input.facts;
    if f.ip_forward != Some(false) || f.serves_networks.is_empty() {
        return Vec::new();
    }
    vec![HostFinding {
        check: "forwarding-off",
        phase: FailurePhase::Established,
        category: Category::DataPlane,
        confidence: Confidence::Medium,
        title: format!(
            "IP forwarding is off and connection(s) {} serve networks behind this host: traffic between the tunnel and other hosts of those networks is not forwarded",
            f.serves_networks.join(", ")
        ),
        evidence: vec!["/proc/sys/net/ipv4/ip_forward: 0".into()],
        fix: vec!["sysctl -w net.ipv4.ip_forward=1 (and net.ipv6.conf.all.forwarding=1), made permanent in /etc/sysctl.d/".into()],
        // Traffic to this host's own address in those networks needs no forwarding.
        warning: true,
    }]
}

fn no_mss_clamping(input: &Input) -> Vec<HostFinding> {
    let f = input.facts;
    if f.mss_clamped != Some(false) || f.tunnels.is_empty() {
        return Vec::new();
    }
    let mut connections: Vec<&str> = f.tunnels.iter().map(|t| t.connection.as_str()).collect();
    connections.dedup();
    vec![HostFinding {
        check: "no-mss-clamping",
        phase: FailurePhase::Established,
        category: Category::MtuFragmentation,
        confidence: Confidence::Low,
        title: format!(
            "no TCP MSS clamping for the site-to-site traffic of {}: hosts on both sides announce an MSS for 1500-byte links, ESP adds 50 to 80 bytes, and TCP through the tunnel then relies on path MTU discovery (stalls where ICMP is filtered)",
            connections.join(", ")
        ),
        evidence: vec!["nft -j list ruleset: no `tcp option maxseg size set` rule, no iptables TCPMSS target".into()],
        fix: vec!["nft add table inet mss; nft add chain inet mss forward '{ type filter hook forward priority mangle; }'; nft add rule inet mss forward tcp flags syn tcp option maxseg size set rt mtu".into()],
        warning: true,
    }]
}

/// A one-armed gateway (its LAN and its peer behind one interface) with the kernel's XFRM: a LAN
/// host's packet for the remote network comes in and would go out the same interface, so the
/// kernel tells the host to use its next hop directly, around the tunnel.
fn sends_redirects(input: &Input) -> Vec<HostFinding> {
    let f = input.facts;
    f.reverse_paths
        .iter()
        .filter(|rp| rp.kernel_xfrm && rp.local_via.as_deref() == Some(rp.arrives_on.as_str()))
        .filter(|rp| {
            let own = f
                .interfaces
                .iter()
                .find(|i| i.name == rp.arrives_on)
                .and_then(|i| i.send_redirects);
            f.send_redirects_all == Some(true) || own == Some(true)
        })
        .map(|rp| HostFinding {
            check: "sends-redirects",
            phase: FailurePhase::Established,
            category: Category::DataPlane,
            confidence: Confidence::Low,
            title: format!(
                "ICMP redirects on {}, which carries both the local network and the peer of {}: the kernel may redirect hosts of the local network around the tunnel to {}",
                rp.arrives_on, rp.connection, rp.remote_ts
            ),
            evidence: vec![format!(
                "/proc/sys/net/ipv4/conf/{}/send_redirects or conf/all/send_redirects: 1; the local network and the peer are both routed through {}",
                rp.arrives_on, rp.arrives_on
            )],
            fix: vec![format!(
                "sysctl -w net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.{}.send_redirects=0",
                rp.arrives_on
            )],
            warning: true,
        })
        .collect()
}

fn xfrm_disabled(input: &Input) -> Vec<HostFinding> {
    input
        .facts
        .xfrm_disabled_on
        .iter()
        .map(|name| HostFinding {
            check: "xfrm-disabled",
            phase: FailurePhase::Established,
            category: Category::DataPlane,
            confidence: Confidence::Medium,
            title: format!("disable_xfrm or disable_policy is set on {name}: traffic through it bypasses the IPsec policies and leaves unencrypted (or encrypted traffic is not matched)"),
            evidence: vec![format!("/proc/sys/net/ipv4/conf/{name}/disable_xfrm, disable_policy")],
            fix: vec![format!("sysctl -w net.ipv4.conf.{name}.disable_xfrm=0 net.ipv4.conf.{name}.disable_policy=0, unless a route-based setup needs them")],
            warning: true,
        })
        .collect()
}

fn clock_not_synchronized(input: &Input) -> Vec<HostFinding> {
    if input.facts.clock_synchronized != Some(false) {
        return Vec::new();
    }
    vec![HostFinding {
        check: "clock-not-synchronized",
        phase: FailurePhase::IkeAuth,
        category: Category::Clock,
        confidence: Confidence::Medium,
        title: "the system clock is not synchronised: certificate validity is judged against it, and logs of both ends do not line up".into(),
        evidence: vec!["adjtimex: STA_UNSYNC".into()],
        fix: vec!["start time synchronisation (systemd-timesyncd, chrony) and check `timedatectl`".into()],
        warning: true,
    }]
}

fn small_mtu(input: &Input) -> Vec<HostFinding> {
    input
        .facts
        .interfaces
        .iter()
        // The links IKE crosses (Ethernet, PPP), not tunnels of the data plane (ipsec0, xfrm).
        .filter(|i| i.on_the_path && i.mtu.is_some_and(|m| m < 1500))
        .map(|i| {
            let mtu = i.mtu.unwrap_or_default();
            HostFinding {
                check: "small-mtu",
                phase: FailurePhase::IkeAuth,
                category: Category::MtuFragmentation,
                confidence: Confidence::Medium,
                title: format!(
                    "interface {} has an MTU of {mtu}: an IKE_AUTH message with a certificate chain (often 1,500 to 3,000 bytes) is fragmented on it",
                    i.name
                ),
                evidence: vec![format!("/sys/class/net/{}/mtu: {mtu}", i.name)],
                fix: vec![
                    "enable IKEv2 fragmentation on both ends (fragmentation = yes / fragmentation=yes) so no IP fragments are needed".into(),
                    "clamp TCP MSS for the tunnelled traffic below the path MTU".into(),
                ],
                warning: true,
            }
        })
        .collect()
}

fn strict_rp_filter(input: &Input) -> Vec<HostFinding> {
    let all = input.facts.rp_filter_all.unwrap_or(0);
    // The kernel takes the larger of `all` and the interface's.
    let mode_of = |name: &str| {
        let own = input
            .facts
            .interfaces
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.rp_filter)
            .unwrap_or(0);
        all.max(own)
    };
    // Known tunnels on a live host: decided from the routes, tunnel by tunnel.
    if !input.facts.reverse_paths.is_empty() {
        return input
            .facts
            .reverse_paths
            .iter()
            .filter_map(|rp| {
                let mode = mode_of(&rp.arrives_on);
                let dropped = match mode {
                    1 => rp.routed_back_via.as_deref() != Some(rp.arrives_on.as_str()),
                    2 => rp.routed_back_via.is_none(),
                    _ => false,
                };
                if !dropped {
                    return None;
                }
                let back = match &rp.routed_back_via {
                    Some(dev) => format!("routed back through {dev}"),
                    None => "not routed back at all".to_owned(),
                };
                let kind = if mode == 1 { "strict" } else { "loose" };
                // Route-based tunnels bring their traffic in on their own interface, which
                // the routes followed here do not show: then only that it may.
                let route_based = input.facts.route_based_tunnels;
                let may = if route_based {
                    " (the configuration has route-based tunnels, whose traffic arrives on their XFRM or VTI interface instead: check that one)"
                } else {
                    ""
                };
                Some(HostFinding {
                    check: "strict-rp-filter",
                    phase: FailurePhase::Established,
                    category: Category::DataPlane,
                    confidence: Confidence::Medium,
                    title: format!(
                        "{kind} reverse-path filtering on {} drops the decapsulated traffic of {} from {}: its source {} is {back}{may}",
                        rp.arrives_on, rp.connection, rp.remote_ts, rp.source
                    ),
                    evidence: vec![
                        format!(
                            "/proc/sys/net/ipv4/conf/{}/rp_filter and conf/all/rp_filter: {mode} (the larger applies)",
                            rp.arrives_on
                        ),
                        format!(
                            "ip route get {}: {}",
                            rp.source,
                            rp.routed_back_via.as_deref().unwrap_or("no route")
                        ),
                    ],
                    fix: vec![format!(
                        "sysctl -w net.ipv4.conf.{}.rp_filter=2 and net.ipv4.conf.all.rp_filter=2 (loose), or route {} through {}",
                        rp.arrives_on, rp.remote_ts, rp.arrives_on
                    )],
                    warning: route_based,
                })
            })
            .collect();
    }
    // Otherwise only that it may: which traffic comes in where is not known.
    input
        .facts
        .interfaces
        .iter()
        .filter(|i| i.name != "lo")
        .filter(|i| mode_of(&i.name) == 1)
        .map(|i| HostFinding {
            check: "strict-rp-filter",
            phase: FailurePhase::Established,
            category: Category::DataPlane,
            confidence: Confidence::Medium,
            title: format!(
                "strict reverse-path filtering on {}: decapsulated packets whose source is not routed back through {} are dropped (tunnelled traffic often is not)",
                i.name, i.name
            ),
            evidence: vec![format!(
                "/proc/sys/net/ipv4/conf/{}/rp_filter: {}; conf/all/rp_filter: {all}",
                i.name,
                i.rp_filter.unwrap_or(0)
            )],
            fix: vec![format!(
                "sysctl -w net.ipv4.conf.{}.rp_filter=2 (loose) and net.ipv4.conf.all.rp_filter=2, or route the tunnel's networks through that interface",
                i.name
            )],
            warning: true,
        })
        .collect()
}

fn xfrm_errors(input: &Input) -> Vec<HostFinding> {
    let e = &input.facts.xfrm_errors;
    if e.is_empty() {
        return Vec::new();
    }
    let list = e
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![HostFinding {
        check: "xfrm-errors",
        phase: FailurePhase::Established,
        category: Category::DataPlane,
        confidence: Confidence::Medium,
        title: format!("the kernel's XFRM counted errors: {list}"),
        evidence: vec![format!("/proc/net/xfrm_stat: {list}")],
        fix: vec!["XfrmInNoStates: ESP for an SA the kernel does not have (lost SA, peer still sending); XfrmOutNoStates/XfrmInNoPols: traffic without a matching policy (selectors); XfrmInStateProtoError: wrong keys or a corrupted path".into()],
        warning: true,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Daemon, DaemonKind, Interface, Process};

    fn process(pid: u32, name: &str) -> Process {
        Process {
            pid,
            name: name.into(),
        }
    }

    fn run(facts: &HostFacts, esp: &[EspSupport]) -> Vec<HostFinding> {
        let input = Input {
            facts,
            esp,
            firewall: &[],
            nat: &[],
            cloud: &[],
            forward: &[],
        };
        CHECKS.iter().flat_map(|c| (c.run)(&input)).collect()
    }

    fn names(found: &[HostFinding]) -> Vec<&'static str> {
        found.iter().map(|f| f.check).collect()
    }

    /// Every check is listed once and documented.
    #[test]
    fn the_list() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.name), "{}", c.name);
            assert!(!c.doc.is_empty());
        }
    }

    /// `nft -j list ruleset` of lab/firewall/04 (policy drop; established, UDP 500 and ESP
    /// accepted): UDP 4500 from the peer passes only as an answer. Said as a warning naming
    /// which end must start, not as a certain failure; the rest passes either way.
    #[test]
    fn a_firewall_that_lets_only_one_end_start() {
        let ruleset = crate::nft::Ruleset::from_json(include_str!(
            "../tests/data/nft-established-only-4500.json"
        ))
        .expect("json");
        let firewall = crate::nft::for_peer(
            &ruleset,
            "10.99.2.3".parse().expect("ip"),
            "10.99.2.2".parse().expect("ip"),
            Some("eth0"),
        );
        let facts = HostFacts::default();
        let input = Input {
            facts: &facts,
            esp: &[],
            firewall: &firewall,
            nat: &[],
            cloud: &[],
            forward: &[],
        };
        let found = firewall_drops_ike(&input);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].warning);
        assert!(
            found[0].title.contains("UDP 4500 from 10.99.2.3")
                && found[0]
                    .title
                    .contains("unless this host started the exchange"),
            "{}",
            found[0].title
        );
        assert!(found[0].evidence[0].contains("ct state new"));
    }

    /// Per tunnel: strict filtering drops what is routed back elsewhere, loose only what has no
    /// route back; the generic warning gives way when the tunnels are known.
    #[test]
    fn reverse_path_per_tunnel() {
        let path = |mode: u8, back: Option<&str>| HostFacts {
            interfaces: vec![Interface {
                name: "eth0".into(),
                mtu: Some(1500),
                rp_filter: Some(mode),
                send_redirects: Some(false),
                on_the_path: true,
            }],
            reverse_paths: vec![crate::facts::ReversePath {
                connection: "site".into(),
                remote_ts: "10.2.0.0/24".into(),
                source: "10.2.0.1".parse().expect("ip"),
                arrives_on: "eth0".into(),
                routed_back_via: back.map(str::to_owned),
                local_host: "10.1.0.2".parse().expect("ip"),
                local_via: Some("eth1".into()),
                kernel_xfrm: true,
            }],
            ..HostFacts::default()
        };
        let rp = |facts: &HostFacts| -> Vec<HostFinding> {
            run(facts, &[])
                .into_iter()
                .filter(|f| f.check == "strict-rp-filter")
                .collect()
        };
        let found = rp(&path(1, Some("eth1")));
        assert_eq!(found.len(), 1);
        assert!(!found[0].warning && found[0].title.contains("routed back through eth1"));
        assert!(rp(&path(1, Some("eth0"))).is_empty());
        assert!(rp(&path(2, Some("eth1"))).is_empty());
        assert_eq!(rp(&path(2, None)).len(), 1);
        assert!(rp(&path(0, None)).is_empty());
        // Tunnels unknown: only a warning that it may.
        let unknown = HostFacts {
            reverse_paths: Vec::new(),
            ..path(1, None)
        };
        assert!(rp(&unknown).iter().all(|f| f.warning) && rp(&unknown).len() == 1);
        // One-armed with the kernel's XFRM and redirects on: a warning; with libipsec, none.
        let mut one_armed = path(0, Some("eth0"));
        one_armed.reverse_paths[0].local_via = Some("eth0".into());
        one_armed.send_redirects_all = Some(true);
        assert!(names(&run(&one_armed, &[])).contains(&"sends-redirects"));
        one_armed.reverse_paths[0].kernel_xfrm = false;
        assert!(!names(&run(&one_armed, &[])).contains(&"sends-redirects"));
    }

    /// Only with site-to-site tunnels, and only when a rule set was read and clamps nothing.
    #[test]
    fn mss_clamping_for_site_to_site() {
        let tunnel = crate::facts::TunnelTraffic {
            connection: "site".into(),
            local_ts: "10.1.0.0/24".into(),
            remote_ts: "10.2.0.0/24".into(),
            from: "10.1.0.1".parse().expect("ip"),
            to: "10.2.0.1".parse().expect("ip"),
            peer: None,
        };
        let facts = |clamped: Option<bool>, tunnels: Vec<crate::facts::TunnelTraffic>| HostFacts {
            mss_clamped: clamped,
            tunnels,
            ..HostFacts::default()
        };
        let mss = |f: &HostFacts| names(&run(f, &[])).contains(&"no-mss-clamping");
        assert!(mss(&facts(Some(false), vec![tunnel.clone()])));
        assert!(!mss(&facts(Some(true), vec![tunnel.clone()])));
        assert!(!mss(&facts(None, vec![tunnel])));
        assert!(!mss(&facts(Some(false), Vec::new())));
    }

    /// All probes of one way dropped: a finding; some, or only unless the other side
    /// started: a warning naming them.
    #[test]
    fn forwarded_tunnel_traffic() {
        let drop = Verdict::Dropped {
            family: "inet".into(),
            table: "filter".into(),
            chain: "forward".into(),
            handle: None,
            rule: "policy drop".into(),
        };
        let probe = |inbound: bool, name: &str, verdict: &Verdict, established: Option<Verdict>| {
            crate::nft::TunnelForward {
                connection: "site".into(),
                packet: format!("{name} from a to b"),
                inbound,
                verdict: verdict.clone(),
                when_established: established,
            }
        };
        let found = |forward: &[crate::nft::TunnelForward]| {
            let facts = HostFacts::default();
            firewall_drops_tunnel_traffic(&Input {
                facts: &facts,
                esp: &[],
                firewall: &[],
                nat: &[],
                cloud: &[],
                forward,
            })
        };
        let all: Vec<_> = ["ping", "TCP 443", "UDP 53"]
            .iter()
            .map(|n| probe(true, n, &drop, None))
            .collect();
        let f = found(&all);
        assert_eq!(f.len(), 1);
        assert!(
            !f[0].warning
                && f[0]
                    .title
                    .contains("from the remote network to the local one")
        );
        let some = vec![
            probe(true, "ping", &drop, None),
            probe(true, "TCP 443", &Verdict::Accepted, None),
        ];
        let f = found(&some);
        assert!(
            f[0].warning && f[0].title.contains("other traffic passes"),
            "{}",
            f[0].title
        );
        let answers: Vec<_> = ["ping", "TCP 443"]
            .iter()
            .map(|n| probe(true, n, &drop, Some(Verdict::Accepted)))
            .collect();
        let f = found(&answers);
        assert!(f[0].warning && f[0].title.contains("unless the local side started"));
        let passing = vec![probe(false, "ping", &Verdict::Accepted, None)];
        assert!(found(&passing).is_empty());
    }

    #[test]
    fn a_program_on_udp_500() {
        let facts = HostFacts {
            listeners: vec![Listener {
                port: 500,
                address: "0.0.0.0".parse().expect("ip"),
                holders: vec![process(42, "socat")],
            }],
            daemons: vec![Daemon {
                process: process(50, "charon"),
                kind: DaemonKind::Charon,
                data_plane: DataPlane::Libipsec,
            }],
            ..HostFacts::default()
        };
        let found = run(&facts, &[]);
        assert_eq!(
            names(&found),
            vec!["port-held-by-another-program", "daemon-without-socket"]
        );
        assert!(found[0].title.contains("socat (pid 42)"));
    }

    #[test]
    fn kernel_esp_matters_only_to_a_kernel_data_plane() {
        let refused = [EspSupport::Refused {
            algorithm: "AES_GCM_16_128".into(),
            kernel_said: "RTNETLINK answers: Protocol not supported".into(),
        }];
        let with = |plane| HostFacts {
            listeners: vec![Listener {
                port: 500,
                address: "0.0.0.0".parse().expect("ip"),
                holders: vec![process(7, "charon")],
            }],
            daemons: vec![Daemon {
                process: process(7, "charon"),
                kind: DaemonKind::Charon,
                data_plane: plane,
            }],
            ..HostFacts::default()
        };
        let found = run(&with(DataPlane::KernelXfrm), &refused);
        assert_eq!(names(&found), vec!["kernel-refuses-esp"]);
        assert!(!found[0].warning);
        assert!(run(&with(DataPlane::Libipsec), &refused).is_empty());
        // Not tested (not root): nothing said.
        let not_tested = [EspSupport::NotTested {
            why: "not root".into(),
        }];
        assert!(run(&with(DataPlane::KernelXfrm), &not_tested).is_empty());
    }

    #[test]
    fn nothing_listens_and_warnings() {
        let facts = HostFacts {
            interfaces: vec![
                Interface {
                    name: "lo".into(),
                    mtu: Some(65536),
                    rp_filter: Some(1),
                    send_redirects: None,
                    on_the_path: false,
                },
                Interface {
                    name: "ipsec0".into(),
                    mtu: Some(1400),
                    rp_filter: Some(0),
                    send_redirects: None,
                    on_the_path: false,
                },
                Interface {
                    name: "eth0".into(),
                    mtu: Some(1280),
                    rp_filter: Some(1),
                    send_redirects: None,
                    on_the_path: true,
                },
            ],
            ..HostFacts::default()
        };
        let found = run(&facts, &[]);
        assert_eq!(
            names(&found),
            vec!["no-ike-daemon", "small-mtu", "strict-rp-filter"]
        );
        assert!(found[1].warning && found[2].warning);
    }

    #[test]
    fn certificates_forwarding_and_clock() {
        let facts = HostFacts {
            listeners: vec![Listener {
                port: 500,
                address: "0.0.0.0".parse().expect("ip"),
                holders: vec![process(3, "charon")],
            }],
            daemons: vec![Daemon {
                process: process(3, "charon"),
                kind: DaemonKind::Charon,
                data_plane: DataPlane::Libipsec,
            }],
            certificates: vec![
                crate::facts::LocalCert {
                    path: "/etc/swanctl/x509/gw.pem".into(),
                    subject: "CN=gw".into(),
                    not_before: 0,
                    not_after: 10,
                    is_ca: false,
                    now: "expired",
                },
                crate::facts::LocalCert {
                    path: "/etc/swanctl/x509ca/ca.pem".into(),
                    subject: "CN=ca".into(),
                    not_before: i64::MAX - 1,
                    not_after: i64::MAX,
                    is_ca: true,
                    now: "not-yet-valid",
                },
            ],
            ip_forward: Some(false),
            serves_networks: vec!["rw".into()],
            clock_synchronized: Some(false),
            xfrm_disabled_on: vec!["eth0".into()],
            ..HostFacts::default()
        };
        let found = run(&facts, &[]);
        assert_eq!(
            names(&found),
            vec![
                "certificate-not-valid-now",
                "certificate-not-valid-now",
                "forwarding-off",
                "xfrm-disabled",
                "clock-not-synchronized"
            ]
        );
        assert_eq!(found[0].category, Category::AuthCert);
        // Not yet valid on an unsynchronised clock: the clock is the likelier cause.
        assert_eq!(found[1].category, Category::Clock);
    }

    #[test]
    fn competing_daemons() {
        let facts = HostFacts {
            daemons: vec![
                Daemon {
                    process: process(1, "charon"),
                    kind: DaemonKind::Charon,
                    data_plane: DataPlane::KernelXfrm,
                },
                Daemon {
                    process: process(2, "pluto"),
                    kind: DaemonKind::Pluto,
                    data_plane: DataPlane::KernelXfrm,
                },
            ],
            listeners: vec![Listener {
                port: 500,
                address: "0.0.0.0".parse().expect("ip"),
                holders: vec![process(2, "pluto")],
            }],
            ..HostFacts::default()
        };
        // pluto holds UDP 500: charon could not bind it.
        let found = run(&facts, &[]);
        assert_eq!(
            names(&found),
            vec!["daemons-compete", "daemon-without-socket"]
        );
        assert!(found[1].title.starts_with("charon (pid 1)"));
    }
}
