//! The one table of fixes, keyed by category and filled with the values the evidence shows (the
//! proposals each side offered and accepts, the traffic selectors, the identities): a fix is the
//! literal line to set, in the syntax of the peer to change, not "compare the proposals". Rules
//! say which category they found and which values they saw; the words come from here.
use std::fmt::Write as _;

use ike_contract::{Category, End};
use ike_logs::Implementation;

use crate::proposal::Proposal;

/// One thing to do. `change` is set when the fix is a configuration line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub text: String,
    pub change: Option<ConfigChange>,
}

impl Fix {
    pub fn text(text: impl Into<String>) -> Fix {
        Fix {
            text: text.into(),
            change: None,
        }
    }
}

/// A configuration line to set on one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChange {
    /// The peer whose configuration changes.
    pub peer: End,
    pub syntax: Syntax,
    /// Where the line goes (e.g. `connections.rw.children.net` in swanctl.conf, `conn rw` in
    /// ipsec.conf); `None` when not known.
    pub section: Option<String>,
    /// The line, e.g. `proposals = aes256-sha256-modp2048`.
    pub line: String,
}

/// The configuration syntax a line is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// strongSwan's swanctl.conf.
    Swanctl,
    /// Libreswan's ipsec.conf (and ipsec.d/*.conf).
    Libreswan,
    /// Windows PowerShell (`Set-VpnConnectionIPsecConfiguration`, registry).
    Windows,
    /// A NetworkManager connection of the strongSwan plugin (keyfile keys of charon-nm).
    NetworkManagerStrongswan,
    /// A NetworkManager connection of the Libreswan plugin: ipsec.conf keys in `[vpn]`.
    NetworkManagerLibreswan,
    /// An Apple configuration profile's IKEv2 dictionary (property-list XML).
    AppleProfile,
}

impl Syntax {
    pub fn as_str(self) -> &'static str {
        match self {
            Syntax::Swanctl => "swanctl.conf",
            Syntax::Libreswan => "ipsec.conf (Libreswan)",
            Syntax::Windows => "PowerShell (Windows)",
            Syntax::NetworkManagerStrongswan => "NetworkManager (strongSwan plugin)",
            Syntax::NetworkManagerLibreswan => "NetworkManager (Libreswan plugin)",
            Syntax::AppleProfile => ".mobileconfig",
        }
    }

    /// The syntax whose lines this one takes: the Libreswan plugin writes its keys into a
    /// conn as they are.
    fn lines_as(self) -> Syntax {
        match self {
            Syntax::NetworkManagerLibreswan => Syntax::Libreswan,
            other => other,
        }
    }
}

/// What the evidence shows that a fix needs. Every field is optional: a fix says only what is
/// known, and falls back to plain words.
#[derive(Debug, Clone, Default)]
pub struct Values {
    /// The implementation of each end, when logs or vendor IDs show it.
    pub initiator: Option<Implementation>,
    pub responder: Option<Implementation>,
    /// The syntax of each end's configuration file when it is not its implementation's own
    /// (a NetworkManager connection, an Apple profile): lines are written in it.
    pub initiator_syntax: Option<Syntax>,
    pub responder_syntax: Option<Syntax>,
    /// Connection and CHILD_SA names in each end's configuration, when its log gives them.
    pub initiator_conn: Option<String>,
    pub responder_conn: Option<String>,
    pub child: Option<String>,
    /// IKE proposals the initiator offered and the responder has configured (charon notation).
    pub ike_offered: Vec<String>,
    pub ike_accepted: Vec<String>,
    /// CHILD_SA proposals the proposing peer offered and the other has configured.
    pub esp_offered: Vec<String>,
    pub esp_accepted: Vec<String>,
    /// The DH group a responder asked for (INVALID_KE_PAYLOAD).
    pub dh_wanted: Option<String>,
    /// Traffic selectors the initiator asked for (TSr) and those the responder allows.
    pub ts_asked: Vec<String>,
    pub ts_allowed: Vec<String>,
    /// The identity the rejecting peer expected, the one presented, and the certificate's SANs.
    pub id_expected: Option<String>,
    pub id_presented: Option<String>,
    /// The identity the initiator asked the responder to be (its IDr), when a responder's
    /// refused lookup names one and nothing shows whether the responder holds it.
    pub id_asked: Option<String>,
    pub san: Vec<String>,
    /// The end whose configuration a line changes, when the evidence says (the one that refused,
    /// or the one whose expectation is wrong).
    pub change_on: Option<End>,
    pub responder_address: Option<std::net::IpAddr>,
    /// The IKE version the responder's connection must allow (its connections are for another).
    pub version_wanted: Option<u8>,
    /// An exhausted address pool: its name and a larger range to give it.
    pub pool: Option<(String, String)>,
    /// The responder's connection hands out virtual IPs and the initiator asks for none.
    pub vip_wanted: bool,
    /// Seconds of idle before a NAT mapping was lost.
    pub idle_seconds: Option<f64>,
    pub path_mtu: Option<u32>,
}

impl Values {
    fn implementation(&self, end: End) -> Option<Implementation> {
        match end {
            End::Initiator => self.initiator,
            End::Responder => self.responder,
            _ => None,
        }
    }

    fn conn(&self, end: End) -> Option<&str> {
        match end {
            End::Initiator => self.initiator_conn.as_deref(),
            End::Responder => self.responder_conn.as_deref(),
            _ => None,
        }
    }

    /// Where a line goes in swanctl.conf; `<conn>`, `<child>` and `<secret>` stand for names
    /// the evidence does not give (the user's own connection, CHILD_SA and secret).
    fn section(&self, end: End, part: Part) -> String {
        let conn = self.conn(end).unwrap_or("<conn>");
        let child = self.child.as_deref().unwrap_or("<child>");
        match part {
            Part::Connection => format!("connections.{conn}"),
            Part::Child => format!("connections.{conn}.children.{child}"),
            Part::Remote => format!("connections.{conn}.remote"),
            Part::Secret => "secrets.<secret>".to_string(),
            Part::Pool => format!(
                "pools.{}",
                self.pool
                    .as_ref()
                    .map_or("<pool>", |(name, _)| name.as_str())
            ),
        }
    }

    /// The syntaxes to write a line in for `end`: its own when known, else strongSwan's and
    /// Libreswan's (the two a gateway most often runs).
    fn syntaxes(&self, end: End) -> Vec<Syntax> {
        let written_in = match end {
            End::Initiator => self.initiator_syntax,
            End::Responder => self.responder_syntax,
            _ => None,
        };
        if let Some(syntax) = written_in {
            return vec![syntax];
        }
        match self.implementation(end) {
            Some(Implementation::StrongSwan) => vec![Syntax::Swanctl],
            Some(Implementation::Libreswan) => vec![Syntax::Libreswan],
            Some(Implementation::Windows) => vec![Syntax::Windows],
            Some(_) => Vec::new(),
            None => vec![Syntax::Swanctl, Syntax::Libreswan],
        }
    }
}

/// The part of a peer's configuration a line belongs to.
#[derive(Clone, Copy)]
enum Part {
    Connection,
    Child,
    Remote,
    Secret,
    Pool,
}

fn side(end: End) -> &'static str {
    match end {
        End::Initiator => "initiator (client)",
        End::Responder => "responder (gateway)",
        _ => "peer",
    }
}

/// A line for `end` in each of its syntaxes, built by `line` (which may have no line for one).
fn lines(
    values: &Values,
    end: End,
    part: Part,
    what: &str,
    line: impl Fn(Syntax) -> Option<String>,
) -> Vec<Fix> {
    values
        .syntaxes(end)
        .into_iter()
        .filter_map(|syntax| {
            let line = line(syntax.lines_as())?;
            let section = match syntax {
                Syntax::Swanctl => Some(values.section(end, part)),
                Syntax::Libreswan => Some(format!("conn {}", values.conn(end).unwrap_or("<conn>"))),
                Syntax::NetworkManagerStrongswan | Syntax::NetworkManagerLibreswan => {
                    Some(match part {
                        Part::Secret => "[vpn-secrets]".to_owned(),
                        _ => "[vpn]".to_owned(),
                    })
                }
                Syntax::AppleProfile => Some("the VPN payload's IKEv2 dictionary".to_owned()),
                Syntax::Windows => None,
            };
            let mut text = format!("on the {}, {what}: `{line}`", side(end));
            if let Some(s) = &section {
                let _ = write!(text, " (in {} {s})", syntax.as_str());
            } else {
                let _ = write!(text, " ({})", syntax.as_str());
            }
            Some(Fix {
                text,
                change: Some(ConfigChange {
                    peer: end,
                    syntax,
                    section,
                    line,
                }),
            })
        })
        .collect()
}

fn proposals(list: &[String]) -> Vec<Proposal> {
    list.iter().filter_map(|p| Proposal::parse(p)).collect()
}

fn strongswan_list(list: &[Proposal]) -> Option<String> {
    let parts: Vec<String> = list.iter().filter_map(Proposal::strongswan).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Lines that make the responder accept the initiator's offer (keeping what it accepts now),
/// and lines that make the initiator offer what the responder accepts.
fn proposal_lines(values: &Values, esp: bool) -> Vec<Fix> {
    let (offered, accepted) = if esp {
        (
            proposals(&values.esp_offered),
            proposals(&values.esp_accepted),
        )
    } else {
        (
            proposals(&values.ike_offered),
            proposals(&values.ike_accepted),
        )
    };
    let key = if esp { "esp_proposals" } else { "proposals" };
    let libreswan_key = if esp { "esp" } else { "ike" };
    let mut out = Vec::new();
    if let Some(first) = offered.first() {
        let mut both: Vec<Proposal> = accepted.clone();
        both.push(first.clone());
        let windows_line = (!esp).then(|| first.windows()).flatten();
        out.extend(lines(
            values,
            End::Responder,
            if esp { Part::Child } else { Part::Connection },
            "also accept the initiator's proposal",
            |syntax| match syntax {
                Syntax::Swanctl => strongswan_list(&both).map(|l| format!("{key} = {l}")),
                Syntax::Libreswan => first.libreswan().map(|l| format!("{libreswan_key}={l}")),
                _ => None,
            },
        ));
        let _ = windows_line;
    }
    if let Some(first) = accepted.first() {
        out.extend(lines(
            values,
            End::Initiator,
            if esp { Part::Child } else { Part::Connection },
            "offer what the responder accepts",
            |syntax| match syntax {
                Syntax::Swanctl => first.strongswan().map(|l| format!("{key} = {l}")),
                Syntax::Libreswan => first.libreswan().map(|l| format!("{libreswan_key}={l}")),
                Syntax::Windows => (!esp).then(|| first.windows()).flatten().map(|p| {
                    format!(
                        "Set-VpnConnectionIPsecConfiguration -ConnectionName \"<name>\" {p} -Force"
                    )
                }),
                Syntax::NetworkManagerStrongswan => {
                    first.strongswan().map(|l| format!("{libreswan_key}={l}"))
                }
                Syntax::AppleProfile => first.apple(esp),
                Syntax::NetworkManagerLibreswan => None,
            },
        ));
    }
    if values.initiator_syntax == Some(Syntax::NetworkManagerStrongswan) {
        out.push(Fix::text(
            "charon-nm reads `ike` and `esp` only with `proposal=yes` in the same [vpn] section",
        ));
    }
    out
}

/// The fixes of a category, with the values the evidence shows.
pub fn for_category(category: Category, values: &Values) -> Vec<Fix> {
    let mut out = Vec::new();
    match category {
        Category::ProposalIke => {
            out.extend(proposal_lines(values, false));
            out.push(Fix::text(
                "one proposal must match in encryption, integrity, PRF and DH group together",
            ));
        }
        Category::ProposalDh => {
            let esp = !values.esp_offered.is_empty() && values.ike_offered.is_empty();
            if let Some(group) = &values.dh_wanted {
                out.push(Fix::text(format!(
                    "the responder wants {group}: configure it in the initiator's proposals"
                )));
            }
            out.extend(proposal_lines(values, esp));
            // Libreswan's `pfs=yes` (its default) adds the IKE SA's group to `esp=` at a
            // rekey: against a responder whose ESP proposals have no group, `pfs=no` is the
            // line, not another `esp=`.
            let accepted_without_groups = proposals(&values.esp_accepted)
                .iter()
                .all(|p| p.real_groups().next().is_none());
            if esp && !values.esp_accepted.is_empty() && accepted_without_groups {
                out.extend(lines(
                    values,
                    End::Initiator,
                    Part::Child,
                    "turn PFS off, as the responder's ESP proposals have no DH group",
                    |syntax| match syntax {
                        Syntax::Libreswan => Some("pfs=no".to_owned()),
                        _ => None,
                    },
                ));
            }
            out.push(Fix::text(if esp {
                "for PFS, configure the same DH group (or none) in both ends' ESP proposals; a rekey uses it, the first CHILD_SA does not"
            } else {
                "configure a DH group both ends have in one proposal"
            }));
        }
        Category::ProposalEsp => {
            out.extend(proposal_lines(values, true));
            out.push(Fix::text("the ESP proposals of both ends must share encryption and integrity (and the DH group, with PFS)"));
        }
        Category::TrafficSelectors => {
            // What the responder serves is the safer side to follow: it has those networks.
            if !values.ts_allowed.is_empty() {
                let ts = values.ts_allowed.join(",");
                out.extend(lines(
                    values,
                    End::Initiator,
                    Part::Child,
                    "ask for what the responder allows",
                    |syntax| match syntax {
                        Syntax::Swanctl => Some(format!("remote_ts = {ts}")),
                        Syntax::Libreswan => Some(format!("rightsubnet={ts}")),
                        Syntax::NetworkManagerStrongswan => {
                            Some(format!("remote-ts={}", ts.replace(',', ";")))
                        }
                        _ => None,
                    },
                ));
            }
            if !values.ts_asked.is_empty() {
                let ts = values.ts_asked.join(",");
                out.extend(lines(
                    values,
                    End::Responder,
                    Part::Child,
                    "or allow what the initiator asks for, if the responder has that network",
                    |syntax| match syntax {
                        Syntax::Swanctl => Some(format!("local_ts = {ts}")),
                        Syntax::Libreswan => Some(format!("leftsubnet={ts}")),
                        _ => None,
                    },
                ));
            }
            out.push(Fix::text("the initiator's remote traffic selector must lie within what the responder's local one allows (and the reverse)"));
        }
        Category::AuthPsk => {
            out.push(Fix::text("set the same pre-shared key on both ends for this pair of identities (compare byte for byte: quotes, trailing spaces, encoding); the key itself is never printed"));
            out.extend(lines(
                values,
                values.change_on.unwrap_or(End::Responder),
                Part::Secret,
                "the secret for the peer's identity must be the other end's",
                |syntax| {
                    let whose = if values.change_on == Some(End::Initiator) {
                        "responder's"
                    } else {
                        "initiator's"
                    };
                    match syntax {
                        Syntax::Swanctl => Some(format!("secret = \"<the {whose} key>\"")),
                        Syntax::NetworkManagerStrongswan => {
                            Some(format!("password=<the {whose} key>"))
                        }
                        Syntax::AppleProfile => Some(format!(
                            "<key>SharedSecret</key><string>the {whose} key</string>"
                        )),
                        _ => None,
                    }
                },
            ));
        }
        Category::AuthId => {
            let id_line = |name: &str, end: End| {
                let name = name.to_string();
                move |syntax: Syntax| match syntax {
                    Syntax::Swanctl => Some(format!("id = {name}")),
                    Syntax::Libreswan => Some(format!(
                        "{}id=@{name}",
                        if end == End::Initiator {
                            "right"
                        } else {
                            "left"
                        }
                    )),
                    Syntax::NetworkManagerStrongswan => Some(format!("remote-identity={name}")),
                    Syntax::AppleProfile => Some(format!(
                        "<key>RemoteIdentifier</key><string>{name}</string>"
                    )),
                    _ => None,
                }
            };
            if let (Some(expected), false) = (&values.id_expected, values.san.is_empty()) {
                let san = values.san.join(", ");
                out.push(Fix::text(format!(
                    "the identity {expected} is not in the certificate's subjectAltName [{san}]: reissue the certificate with it, or expect one of its names"
                )));
                if let Some(name) = values.san.first() {
                    let peer = values.change_on.unwrap_or(End::Initiator);
                    out.extend(lines(
                        values,
                        peer,
                        Part::Remote,
                        "expect a name the certificate holds",
                        id_line(name, peer),
                    ));
                }
            } else if let Some(presented) = &values.id_presented {
                let peer = values.change_on.unwrap_or(End::Responder);
                // The lookup names two identities and either may be the wrong one: the
                // initiator's own, or the one it asked the responder to be.
                let what = match &values.id_asked {
                    Some(asked) => format!(
                        "if `{asked}` is its identity, expect the identity the peer presents"
                    ),
                    None => "expect the identity the peer presents".to_owned(),
                };
                out.extend(lines(
                    values,
                    peer,
                    Part::Remote,
                    &what,
                    id_line(presented, peer),
                ));
                if let Some(asked) = &values.id_asked {
                    out.push(Fix::text(format!(
                        "the initiator asked for the responder as `{asked}` (its remote id, sent as IDr): if the responder's own identity is another, set the initiator's remote id to it"
                    )));
                }
            }
            out.push(Fix::text("the identity each end presents (local id) must be the one the other expects (remote id), of the same type (FQDN, address, email, DN), and held by its certificate's subjectAltName"));
        }
        Category::AuthCert => {
            out.push(Fix::text("the certificate must chain to a CA the verifying peer trusts (install the CA and any intermediate), be valid now, and carry the key usage and EKU the peer requires"));
        }
        Category::AuthEap => {
            out.push(Fix::text("check the EAP user name and password on the client, the EAP method on both ends, and the RADIUS/NPS server's decision and log"));
            out.extend(lines(
                values,
                End::Initiator,
                Part::Secret,
                "the EAP password must be the one the server has for the user",
                |syntax| match syntax {
                    Syntax::Swanctl => {
                        Some("secret = \"<the password the server has for this user>\"".to_string())
                    }
                    Syntax::NetworkManagerStrongswan => {
                        Some("password=<the password the server has for this user>".to_string())
                    }
                    Syntax::AppleProfile => Some(
                        "<key>AuthPassword</key><string>the password the server has for this user</string>"
                            .to_string(),
                    ),
                    _ => None,
                },
            ));
        }
        Category::Clock => {
            out.push(Fix::text("set the clock right (NTP) on the host whose time is off, then retry; the certificate itself is fine"));
        }
        Category::UdpBlocked => {
            let at = values
                .responder_address
                .map(|a| format!(" to and from {a}"))
                .unwrap_or_default();
            out.push(Fix::text(format!("allow UDP 500 and 4500{at} on every firewall on the path and on the gateway itself (nftables/iptables input rules, cloud security groups), in both directions")));
            out.push(Fix::text("check that the gateway's IKE daemon runs and listens on that address ('ss -ulpn sport = :500')"));
        }
        Category::Nat => {
            let every = values
                .idle_seconds
                .map(|s| (s / 2.0).clamp(10.0, 20.0))
                .unwrap_or(20.0);
            out.push(Fix::text(format!("send NAT-T keepalives more often than the NAT's UDP timeout, e.g. every {every:.0} s (strongSwan: charon.keep_alive = {every:.0}s in strongswan.conf; Libreswan: keep-alive={every:.0} in config setup), and enable DPD")));
            out.push(Fix::text(
                "allow UDP 4500 in both directions (after NAT detection IKE and ESP move there)",
            ));
        }
        Category::MtuFragmentation => {
            out.extend(lines(values, End::Initiator, Part::Connection, "enable IKEv2 fragmentation (RFC 7383), on both ends", |syntax| match syntax {
                Syntax::Swanctl => Some("fragmentation = yes".into()),
                Syntax::Libreswan => Some("fragmentation=yes".into()),
                Syntax::Windows => Some("New-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\Parameters -Name EnableIKEv2Fragmentation -Value 1 -PropertyType DWORD".into()),
                // charon-nm and Apple clients always offer fragmentation.
                _ => None,
            }));
            let mtu = values
                .path_mtu
                .map(|m| format!(" ({m} bytes here)"))
                .unwrap_or_default();
            out.push(Fix::text(format!("let IP fragments and ICMP fragmentation-needed through the firewalls on the path, or lower the tunnel MTU / clamp TCP MSS below the path MTU{mtu}")));
        }
        Category::Implementation => {
            out.push(Fix::text("fix the IPsec stack of the host that reported it: load the kernel's XFRM/ESP support (modprobe esp4 esp6 xfrm_user and the cipher modules) or use a userspace data plane (strongSwan kernel-libipsec); stop any other program holding UDP 500/4500"));
        }
        Category::DataPlane => {
            out.push(Fix::text("the SAs are up: check routes into the tunnel, the NAT exemption for tunnelled traffic, forward firewall rules and rp_filter on both gateways"));
        }
        Category::ConfigOther => {
            if let Some(version) = values.version_wanted {
                out.extend(lines(
                    values,
                    End::Responder,
                    Part::Connection,
                    "allow the initiator's IKE version",
                    |syntax| match syntax {
                        Syntax::Swanctl => Some(format!("version = {version}")),
                        Syntax::Libreswan => Some(if version == 2 {
                            "ikev2=yes".into()
                        } else {
                            "ikev2=no".into()
                        }),
                        _ => None,
                    },
                ));
            }
            if values.vip_wanted {
                out.extend(lines(
                    values,
                    End::Initiator,
                    Part::Connection,
                    "request a virtual IP, as the responder's connection requires",
                    |syntax| match syntax {
                        Syntax::Swanctl => Some("vips = 0.0.0.0".into()),
                        Syntax::Libreswan => Some("leftmodecfgclient=yes".into()),
                        _ => None,
                    },
                ));
            }
            if let Some((_, range)) = &values.pool {
                out.extend(lines(
                    values,
                    End::Responder,
                    Part::Pool,
                    "give the exhausted address pool more addresses",
                    |syntax| match syntax {
                        Syntax::Swanctl => Some(format!("addrs = {range}")),
                        Syntax::Libreswan => Some(format!("rightaddresspool={range}")),
                        _ => None,
                    },
                ));
            }
            out.push(Fix::text("load a connection that matches this peer on the responder: its addresses (local_addrs/remote_addrs, left/right), the IKE version (version = 2, ikev2=yes), the authentication method, and an address pool when the client asks for a virtual IP"));
        }
    }
    out
}

/// The fix of an EAP-Nak answered with EAP-Failure: the methods differ, the password is not
/// in question. With the method the client does (`client_method`, strongSwan's name such as
/// `mschapv2`), the gateway's line to expect it: clients are many, the gateway is one.
pub fn eap_method_mismatch(values: &Values, client_method: Option<&str>) -> Vec<Fix> {
    let mut out = vec![Fix::text(
        "set the same EAP method on both ends: the server asks for one the client is not set up for (strongSwan: `auth = eap-<method>` in the gateway's remote round and in the client's local round; Windows: the connection's authentication method, e.g. EAP-MSCHAPv2)",
    )];
    if let Some(method) = client_method {
        out.extend(lines(
            values,
            End::Responder,
            Part::Remote,
            "expect the EAP method the client does",
            |syntax| match syntax {
                Syntax::Swanctl => Some(format!("auth = eap-{method}")),
                _ => None,
            },
        ));
    }
    out
}

/// Fixes that name what would decide an open category.
pub fn to_decide(decided_by: &[&str]) -> Vec<Fix> {
    decided_by
        .iter()
        .map(|d| Fix::text(format!("to decide the cause, add {d}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(fixes: &[Fix]) -> Vec<(End, Syntax, Option<String>, String)> {
        fixes
            .iter()
            .filter_map(|f| f.change.as_ref())
            .map(|c| (c.peer, c.syntax, c.section.clone(), c.line.clone()))
            .collect()
    }

    #[test]
    fn ike_proposal_lines_for_a_strongswan_responder() {
        let values = Values {
            responder: Some(Implementation::StrongSwan),
            initiator: Some(Implementation::StrongSwan),
            responder_conn: Some("rw".into()),
            initiator_conn: Some("home".into()),
            ike_offered: vec!["IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048".into()],
            ike_accepted: vec![
                "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048".into(),
            ],
            ..Default::default()
        };
        let got = changes(&for_category(Category::ProposalIke, &values));
        assert_eq!(
            got,
            vec![
                (
                    End::Responder,
                    Syntax::Swanctl,
                    Some("connections.rw".into()),
                    "proposals = aes256-sha256-prfsha256-modp2048, aes128-sha1-prfsha1-modp2048"
                        .into()
                ),
                (
                    End::Initiator,
                    Syntax::Swanctl,
                    Some("connections.home".into()),
                    "proposals = aes256-sha256-prfsha256-modp2048".into()
                ),
            ]
        );
    }

    #[test]
    fn unknown_implementations_get_strongswan_and_libreswan_lines() {
        let values = Values {
            ts_asked: vec!["10.1.0.0/16".into()],
            ..Default::default()
        };
        let got = changes(&for_category(Category::TrafficSelectors, &values));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].3, "local_ts = 10.1.0.0/16");
        assert_eq!(got[1].3, "leftsubnet=10.1.0.0/16");
    }

    #[test]
    fn a_libreswan_initiator_turns_pfs_off_for_a_responder_without_groups() {
        let values = Values {
            initiator: Some(Implementation::Libreswan),
            esp_offered: vec!["ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048".into()],
            esp_accepted: vec!["ESP:AES_CBC_256/HMAC_SHA2_256_128".into()],
            ..Values::default()
        };
        let texts: Vec<String> = for_category(Category::ProposalDh, &values)
            .into_iter()
            .map(|f| f.text)
            .collect();
        assert!(texts.iter().any(|t| t.contains("`pfs=no`")), "{texts:?}");
    }

    /// A NetworkManager connection or an Apple profile gets its fix lines in its own keys, never
    /// in swanctl.conf's.
    #[test]
    fn front_ends_get_lines_in_their_own_keys() {
        let base = Values {
            initiator: Some(Implementation::StrongSwan),
            ike_accepted: vec![
                "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048".into(),
            ],
            id_presented: Some("gw.example.org".into()),
            change_on: Some(End::Initiator),
            ..Values::default()
        };
        let texts = |values: &Values, category| -> Vec<String> {
            for_category(category, values)
                .into_iter()
                .map(|f| f.text)
                .collect()
        };
        let nm = Values {
            initiator_syntax: Some(Syntax::NetworkManagerStrongswan),
            ..base.clone()
        };
        let proposal = texts(&nm, Category::ProposalIke).join("\n");
        assert!(proposal.contains("`ike=aes256-sha256-prfsha256-modp2048` (in NetworkManager (strongSwan plugin) [vpn])"), "{proposal}");
        assert!(proposal.contains("proposal=yes"), "{proposal}");
        assert!(!proposal.contains("swanctl"), "{proposal}");
        let id = texts(&nm, Category::AuthId).join("\n");
        assert!(id.contains("`remote-identity=gw.example.org`"), "{id}");
        let apple = Values {
            initiator: Some(Implementation::Apple),
            initiator_syntax: Some(Syntax::AppleProfile),
            ..base.clone()
        };
        let id = texts(&apple, Category::AuthId).join("\n");
        assert!(
            id.contains("<key>RemoteIdentifier</key><string>gw.example.org</string>"),
            "{id}"
        );
        let libreswan = Values {
            initiator: Some(Implementation::Libreswan),
            initiator_syntax: Some(Syntax::NetworkManagerLibreswan),
            ..base
        };
        let id = texts(&libreswan, Category::AuthId).join("\n");
        assert!(
            id.contains("`rightid=@gw.example.org` (in NetworkManager (Libreswan plugin) [vpn])"),
            "{id}"
        );
    }

    #[test]
    fn a_psk_fix_never_holds_a_key() {
        let fixes = for_category(Category::AuthPsk, &Values::default());
        assert!(fixes.iter().all(|f| !f.text.contains("secret-1")));
        assert!(fixes.iter().any(|f| f
            .change
            .as_ref()
            .is_some_and(|c| c.line.contains("<the initiator's key>"))));
    }

    #[test]
    fn every_category_has_a_fix() {
        for c in Category::ALL {
            assert!(!for_category(c, &Values::default()).is_empty(), "{c:?}");
        }
    }
}
