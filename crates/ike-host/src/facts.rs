//! What the host shows about itself, read from `/proc` and `/sys` under a root directory (the
//! real `/` on a host; a copied or made-up tree in tests and in a collected bundle). Reading
//! only: nothing is changed, nothing is sent. Every file is bounded; what cannot be read is a
//! note, never a guess.
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Largest `/proc` or `/sys` file read (a busy gateway's `/proc/net/udp` is a few MB).
const MAX_FILE_BYTES: u64 = 16 << 20;
/// Most processes looked at for their sockets and names.
const MAX_PROCESSES: usize = 100_000;

/// A UDP socket bound to an IKE port and the processes holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    pub port: u16,
    pub address: IpAddr,
    /// The processes with the socket open (none found: a socket of another PID namespace or
    /// a process this user cannot look into).
    pub holders: Vec<Process>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub pid: u32,
    /// `/proc/PID/comm`.
    pub name: String,
}

/// An IKE daemon found running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Daemon {
    pub process: Process,
    pub kind: DaemonKind,
    /// The data plane it uses, from the plugins it has mapped (charon) or its design (pluto).
    pub data_plane: DataPlane,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DaemonKind {
    /// strongSwan's charon (charon, charon-systemd, charon-nm).
    Charon,
    /// Libreswan's pluto.
    Pluto,
    /// Another IKE daemon (iked, racoon).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataPlane {
    /// The kernel's XFRM (charon's kernel-netlink, pluto).
    KernelXfrm,
    /// charon's userspace ESP (kernel-libipsec): the kernel's XFRM is not used.
    Libipsec,
    Unknown,
}

/// An interface's MTU and reverse-path filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interface {
    pub name: String,
    pub mtu: Option<u32>,
    /// `net.ipv4.conf.IF.rp_filter`: 0 off, 1 strict, 2 loose.
    pub rp_filter: Option<u8>,
    /// `net.ipv4.conf.IF.send_redirects` (the kernel sends them if this or `all` is set).
    pub send_redirects: Option<bool>,
    /// An Ethernet or PPP link (`/sys/class/net/IF/type` 1 or 512): one IKE packets cross,
    /// not a tunnel of the data plane or the loopback.
    pub on_the_path: bool,
}

/// A certificate the local daemon loads, and where its validity falls now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalCert {
    pub path: String,
    pub subject: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    /// `valid`, `expired` or `not-yet-valid` at this host's time.
    pub now: &'static str,
}

/// A packet tunnel traffic is made of, from one of the local configuration's CHILD_SAs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TunnelTraffic {
    pub connection: String,
    /// The selectors as written (`10.1.0.0/16`).
    pub local_ts: String,
    pub remote_ts: String,
    /// The first host of each.
    pub from: IpAddr,
    pub to: IpAddr,
    /// The connection's remote peer, when its address is fixed (`remote_addrs`).
    pub peer: Option<IpAddr>,
}

/// The way decapsulated packets of a site-to-site tunnel come in, and the way back to their
/// source: what reverse-path filtering compares. Found on a live host from its routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReversePath {
    pub connection: String,
    pub remote_ts: String,
    /// The first host of the remote network: a decapsulated packet's source.
    pub source: IpAddr,
    /// Where decapsulated packets arrive: kernel-libipsec's TUN device, or for the kernel's
    /// XFRM the interface the peer's ESP arrives on (the kernel re-injects them there).
    pub arrives_on: String,
    /// The interface this host routes the source through (`None`: no route to it).
    pub routed_back_via: Option<String>,
    /// A host of the local network other than this one (its first, or second when the first
    /// is this host's own address): where forwarded traffic goes.
    pub local_host: IpAddr,
    /// The interface that local host is reached through.
    pub local_via: Option<String>,
    /// Whether the kernel's XFRM carries the tunnel (not kernel-libipsec's TUN).
    pub kernel_xfrm: bool,
}

/// Everything read, and what could not be.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostFacts {
    pub listeners: Vec<Listener>,
    pub daemons: Vec<Daemon>,
    pub interfaces: Vec<Interface>,
    /// `net.ipv4.conf.all.rp_filter` (the kernel takes the larger of `all` and the interface's).
    pub rp_filter_all: Option<u8>,
    /// `net.ipv4.conf.all.send_redirects`.
    pub send_redirects_all: Option<bool>,
    pub ip_forward: Option<bool>,
    /// IKE daemons seen running in other network namespaces (their sockets are not read
    /// here): with any, "no daemon here" is not said.
    pub daemons_elsewhere: usize,
    /// `/proc/net/xfrm_stat` counters that are not zero.
    pub xfrm_errors: BTreeMap<String, u64>,
    /// Whether `/proc/net/xfrm_stat` exists (a kernel without XFRM has none).
    pub xfrm_stat_present: bool,
    /// Interfaces IKE crosses whose `disable_xfrm` or `disable_policy` is set (IPsec bypassed).
    pub xfrm_disabled_on: Vec<String>,
    /// The kernel's clock synchronisation (adjtimex), on a live host only.
    pub clock_synchronized: Option<bool>,
    /// Certificates in the daemons' folders.
    pub certificates: Vec<LocalCert>,
    /// Connections of the local configuration that serve networks behind this host (a local
    /// traffic selector wider than one address, or an address pool): they need forwarding.
    pub serves_networks: Vec<String>,
    /// Site-to-site traffic of the local configuration: a packet from its local network to
    /// its remote one (the first host of each), which NAT must leave alone.
    pub tunnels: Vec<TunnelTraffic>,
    /// The ESP algorithms the local configuration's CHILD_SAs may use (charon's names: the
    /// first cipher and integrity algorithm of each proposal), for the kernel's ESP test.
    pub esp_algorithms: Vec<(String, Option<String>)>,
    /// Tables of the legacy iptables (`ip filter`, `ip6 mangle`), from
    /// `/proc/net/ip_tables_names` and `ip6_tables_names`: their rules are not in nft's rule
    /// set, so a packet nft lets through may still be dropped there.
    pub legacy_iptables: Vec<String>,
    /// Whether the local configuration has route-based tunnels (XFRM interfaces or VTIs:
    /// strongSwan's `if_id_in`/`if_id_out`, Libreswan's `ipsec-interface=`/`vti-interface=`):
    /// their decapsulated traffic arrives on that interface, not on the one toward the peer.
    pub route_based_tunnels: bool,
    /// Whether the rule set clamps TCP's MSS (`tcp option maxseg size set`, iptables'
    /// `TCPMSS`); `None` when no rule set was read.
    pub mss_clamped: Option<bool>,
    /// The site-to-site tunnels' reverse paths (a live host's routes; empty otherwise).
    pub reverse_paths: Vec<ReversePath>,
    pub notes: Vec<String>,
}

/// Reads files under `root` (`/` on a live host).
pub struct Root {
    base: PathBuf,
}

impl Root {
    pub fn new(base: impl Into<PathBuf>) -> Root {
        Root { base: base.into() }
    }

    /// Whether this is the machine itself (`/`), whose clock and kernel can be asked.
    pub fn is_live(&self) -> bool {
        self.base == Path::new("/")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.base.join(rel.trim_start_matches('/'))
    }

    fn read(&self, rel: &str) -> Option<String> {
        let path = self.path(rel);
        let file = std::fs::File::open(path).ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_FILE_BYTES), &mut text)
            .ok()?;
        Some(text)
    }

    fn number(&self, rel: &str) -> Option<u64> {
        self.read(rel)?.trim().parse().ok()
    }
}

/// Reads the host's facts under `root`.
pub fn gather(root: &Root) -> HostFacts {
    let mut facts = HostFacts::default();
    let sockets = udp_sockets(root, &mut facts.notes);
    let processes = processes(root);
    let holders_of = |inode: u64| -> Vec<Process> {
        processes
            .iter()
            .filter(|p| p.socket_inodes.contains(&inode))
            .map(|p| p.process.clone())
            .collect()
    };
    for s in sockets {
        facts.listeners.push(Listener {
            port: s.port,
            address: s.address,
            holders: holders_of(s.inode),
        });
    }
    // A daemon in another network namespace has other sockets than the ones read here.
    let own_netns = std::fs::read_link(root.path("proc/self/ns/net")).ok();
    for p in &processes {
        let netns = std::fs::read_link(root.path(&format!("proc/{}/ns/net", p.process.pid))).ok();
        let elsewhere = matches!((&own_netns, &netns), (Some(own), Some(theirs)) if own != theirs);
        let kind = match p.process.name.as_str() {
            "charon" | "charon-systemd" | "charon-nm" | "charon-svc" => DaemonKind::Charon,
            "pluto" => DaemonKind::Pluto,
            "iked" | "racoon" => DaemonKind::Other,
            _ => continue,
        };
        if elsewhere {
            facts.daemons_elsewhere += 1;
            continue;
        }
        let data_plane = match kind {
            DaemonKind::Charon if p.maps.contains("libstrongswan-kernel-libipsec") => {
                DataPlane::Libipsec
            }
            DaemonKind::Charon if p.maps.contains("libstrongswan-kernel-netlink") => {
                DataPlane::KernelXfrm
            }
            DaemonKind::Pluto => DataPlane::KernelXfrm,
            _ => DataPlane::Unknown,
        };
        facts.daemons.push(Daemon {
            process: p.process.clone(),
            kind,
            data_plane,
        });
    }
    facts.rp_filter_all = root
        .number("proc/sys/net/ipv4/conf/all/rp_filter")
        .and_then(|v| u8::try_from(v).ok());
    facts.ip_forward = root.number("proc/sys/net/ipv4/ip_forward").map(|v| v != 0);
    facts.send_redirects_all = root
        .number("proc/sys/net/ipv4/conf/all/send_redirects")
        .map(|v| v != 0);
    if let Ok(entries) = std::fs::read_dir(root.path("sys/class/net")) {
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names.into_iter().take(4096) {
            facts.interfaces.push(Interface {
                mtu: root
                    .number(&format!("sys/class/net/{name}/mtu"))
                    .and_then(|v| u32::try_from(v).ok()),
                rp_filter: root
                    .number(&format!("proc/sys/net/ipv4/conf/{name}/rp_filter"))
                    .and_then(|v| u8::try_from(v).ok()),
                send_redirects: root
                    .number(&format!("proc/sys/net/ipv4/conf/{name}/send_redirects"))
                    .map(|v| v != 0),
                on_the_path: matches!(
                    root.number(&format!("sys/class/net/{name}/type")),
                    Some(1 | 512)
                ),
                name,
            });
        }
    } else {
        facts
            .notes
            .push("/sys/class/net: not readable; interfaces not checked".into());
    }
    for i in &facts.interfaces {
        let flag =
            |k: &str| root.number(&format!("proc/sys/net/ipv4/conf/{}/{k}", i.name)) == Some(1);
        if i.on_the_path && (flag("disable_xfrm") || flag("disable_policy")) {
            facts.xfrm_disabled_on.push(i.name.clone());
        }
    }
    // A pluto started with its own `--nssdir` loads its certificates from there.
    let nss_dirs: Vec<String> = facts
        .daemons
        .iter()
        .filter(|d| d.kind == DaemonKind::Pluto)
        .filter_map(|d| root.read(&format!("proc/{}/cmdline", d.process.pid)))
        .filter_map(|cmdline| option_value(&cmdline, "--nssdir"))
        .map(|dir| dir.trim_start_matches('/').to_owned())
        .collect();
    facts.certificates = certificates(root, &nss_dirs, &mut facts.notes);
    if root.is_live() {
        facts.clock_synchronized = clock_synchronized();
    }
    let local = local_connections(root);
    facts.serves_networks = local.serving;
    facts.tunnels = local.tunnels;
    facts.esp_algorithms = local.esp;
    facts.route_based_tunnels = local.route_based;
    for (family, file) in [
        ("ip", "proc/net/ip_tables_names"),
        ("ip6", "proc/net/ip6_tables_names"),
    ] {
        if let Some(text) = root.read(file) {
            facts.legacy_iptables.extend(
                text.split_whitespace()
                    .take(16)
                    .map(|table| format!("{family} {table}")),
            );
        }
    }
    match root.read("proc/net/xfrm_stat") {
        Some(text) => {
            facts.xfrm_stat_present = true;
            facts.xfrm_errors = xfrm_stat_errors(&text);
        }
        None => facts.notes.push(
            "/proc/net/xfrm_stat: not present (a kernel without XFRM, or not readable)".into(),
        ),
    }
    facts
}

/// The counters of `/proc/net/xfrm_stat` (`XfrmInNoStates 3`) that are not zero.
pub fn xfrm_stat_errors(text: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines().take(1024) {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(value)) = (words.next(), words.next()) {
            if let Ok(v) = value.parse::<u64>() {
                if v > 0 {
                    out.insert(name.chars().take(64).collect(), v);
                }
            }
        }
    }
    out
}

/// The folders strongSwan and Libreswan (its PEM files; its NSS database below) load
/// certificates from.
const CERT_DIRS: &[&str] = &[
    "etc/swanctl/x509",
    "etc/swanctl/x509ca",
    "etc/strongswan/swanctl/x509",
    "etc/strongswan/swanctl/x509ca",
    "etc/ipsec.d/certs",
    "etc/ipsec.d/cacerts",
];

/// Libreswan's NSS databases: `/var/lib/ipsec/nss` (Libreswan 3.23 and later) and
/// `/etc/ipsec.d` (before).
const NSS_DIRS: &[&str] = &["var/lib/ipsec/nss", "etc/ipsec.d"];

/// Most certificates read from one NSS database.
const MAX_NSS_CERTS: usize = 64;

fn local_cert(c: &ike_cert::CertInfo, path: String, now: i64) -> LocalCert {
    LocalCert {
        path,
        subject: c.subject.chars().take(200).collect(),
        not_before: c.not_before,
        not_after: c.not_after,
        is_ca: c.is_ca,
        now: match c.validity_at(now) {
            ike_cert::Validity::Valid => "valid",
            ike_cert::Validity::Expired => "expired",
            ike_cert::Validity::NotYetValid => "not-yet-valid",
        },
    }
}

/// The value of `--NAME VALUE` or `--NAME=VALUE` in a NUL-separated command line.
fn option_value(cmdline: &str, name: &str) -> Option<String> {
    let mut args = cmdline.split('\0');
    while let Some(arg) = args.next() {
        if arg == name {
            return args.next().map(str::to_owned);
        }
        if let Some(value) = arg.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            return Some(value.to_owned());
        }
    }
    None
}

/// The certificates of Libreswan's NSS databases under `root` (the usual folders and `extra`,
/// relative to the root), through NSS's own `certutil` (libnss3-tools; `-L` only lists): the
/// database format is NSS's to read.
fn nss_certificates(
    root: &Root,
    extra: &[String],
    now: i64,
    notes: &mut Vec<String>,
) -> Vec<LocalCert> {
    let mut out = Vec::new();
    let mut dirs: Vec<&str> = NSS_DIRS.to_vec();
    dirs.extend(extra.iter().map(String::as_str).take(4));
    dirs.dedup();
    for dir in dirs {
        let path = root.path(dir);
        if !path.join("cert9.db").is_file() {
            continue;
        }
        let db = format!("sql:{}", path.display());
        let list = match run_certutil(&["-L", "-d", &db]) {
            Ok(text) => text,
            Err(e) => {
                notes.push(format!(
                    "/{dir}: Libreswan's NSS database, not read ({e}); its certificates not checked"
                ));
                continue;
            }
        };
        // `NICKNAME   TRUST` after the header that ends with the trust columns' names; a
        // nickname may hold spaces.
        let nicknames: Vec<String> = list
            .lines()
            .skip_while(|line| !line.contains("SSL,S/MIME,JAR/XPI"))
            .skip(1)
            .filter_map(|line| {
                let line = line.trim_end();
                let trust = line.rsplit(char::is_whitespace).next()?;
                let nick = line[..line.len() - trust.len()].trim();
                (!nick.is_empty()).then(|| nick.to_owned())
            })
            .take(MAX_NSS_CERTS)
            .collect();
        for nick in nicknames {
            let Ok(pem) = run_certutil(&["-L", "-d", &db, "-n", &nick, "-a"]) else {
                notes.push(format!(
                    "/{dir}: certificate {nick:?} could not be exported"
                ));
                continue;
            };
            for der in ike_cert::certificates_in(pem.as_bytes())
                .into_iter()
                .take(4)
            {
                match ike_cert::parse(&der) {
                    Ok(c) => out.push(local_cert(&c, format!("nss:/{dir} ({nick})"), now)),
                    Err(e) => notes.push(format!(
                        "/{dir} ({nick}): not a certificate read here ({})",
                        e.chars().take(80).collect::<String>()
                    )),
                }
            }
        }
    }
    out
}

/// `certutil ARGS`: its output, or why not.
fn run_certutil(args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("certutil")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("certutil could not run: {e} (libnss3-tools)"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .trim()
            .chars()
            .take(200)
            .collect());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn certificates(root: &Root, nss_dirs: &[String], notes: &mut Vec<String>) -> Vec<LocalCert> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let mut out = nss_certificates(root, nss_dirs, now, notes);
    for dir in CERT_DIRS {
        let Ok(entries) = std::fs::read_dir(root.path(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths.into_iter().take(1024) {
            let Some(bytes) = std::fs::File::open(&path).ok().and_then(|f| {
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, 1 << 20), &mut b).ok()?;
                Some(b)
            }) else {
                continue;
            };
            for der in ike_cert::certificates_in(&bytes).into_iter().take(16) {
                match ike_cert::parse(&der) {
                    Ok(c) => {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        out.push(local_cert(&c, format!("/{dir}/{name}"), now));
                    }
                    Err(e) => notes.push(format!(
                        "{}: not a certificate read here ({})",
                        path.display(),
                        e.chars().take(80).collect::<String>()
                    )),
                }
            }
        }
    }
    out
}

/// What the local configuration says about this host's tunnels: connections that serve
/// networks, site-to-site traffic, ESP algorithms, route-based tunnels (see [`HostFacts`]).
#[derive(Default)]
struct LocalConnections {
    serving: Vec<String>,
    tunnels: Vec<TunnelTraffic>,
    esp: Vec<(String, Option<String>)>,
    route_based: bool,
}

fn local_connections(root: &Root) -> LocalConnections {
    use ike_config::model::TrafficSelector;
    let paths: Vec<PathBuf> = [
        "etc/swanctl/swanctl.conf",
        "etc/strongswan/swanctl/swanctl.conf",
        "etc/ipsec.conf",
    ]
    .iter()
    .map(|p| root.path(p))
    .filter(|p| p.is_file())
    .collect();
    if paths.is_empty() {
        return LocalConnections::default();
    }
    let (set, _) = ike_config::read_end(&paths);
    let route_based = paths.iter().any(|p| {
        std::fs::read_to_string(p).is_ok_and(|text| {
            text.lines().any(|l| {
                let key = l
                    .trim_start()
                    .split(['=', ' ', '\t'])
                    .next()
                    .unwrap_or_default();
                matches!(
                    key,
                    "if_id_in" | "if_id_out" | "ipsec-interface" | "vti-interface"
                )
            })
        })
    });
    let mut esp: Vec<(String, Option<String>)> = Vec::new();
    for p in set.peers.iter().take(2000) {
        for c in p.children.iter().take(64) {
            // Proposals written in the file: a default list is the daemon's to trim.
            if c.esp_proposals.at.is_none() {
                continue;
            }
            for proposal in c.esp_proposals.value.iter().take(16) {
                if let Some(e) = proposal.encryption.first() {
                    let pair = (e.clone(), proposal.integrity.first().cloned());
                    if !esp.contains(&pair) && esp.len() < 8 {
                        esp.push(pair);
                    }
                }
            }
        }
    }
    let is_network = |ts: &TrafficSelector| matches!(ts, TrafficSelector::Range(a, b) if a != b);
    // The first host of a network, and not "everything" (road warriors' 0.0.0.0/0 is internet
    // traffic, NATed on purpose).
    let first_host = |ts: &TrafficSelector| -> Option<IpAddr> {
        let TrafficSelector::Range(a, b) = ts else {
            return None;
        };
        let (lo, hi, width) = ike_config::model::range_bounds(*a, *b)?;
        // A reversed range (`10.0.0.9-10.0.0.1`) is no network either.
        if hi <= lo || hi - lo == (u128::MAX >> (128 - width)) {
            return None;
        }
        let host = lo.checked_add(1)?;
        Some(match a {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(u32::try_from(host).ok()?)),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(host)),
        })
    };
    let mut serving = Vec::new();
    let mut tunnels = Vec::new();
    for p in set.peers.iter().take(2000) {
        let name: String = p.name.chars().take(80).collect();
        if !p.pools.value.is_empty()
            || p.children
                .iter()
                .any(|c| c.local_ts.value.iter().any(is_network))
        {
            serving.push(name.clone());
        }
        let peer = p
            .remote_addrs
            .value
            .iter()
            .find_map(|a| a.parse::<IpAddr>().ok());
        for c in p.children.iter().take(64) {
            for l in c.local_ts.value.iter().take(16) {
                for r in c.remote_ts.value.iter().take(16) {
                    if let (Some(from), Some(to)) = (first_host(l), first_host(r)) {
                        if from.is_ipv4() == to.is_ipv4() && tunnels.len() < 256 {
                            tunnels.push(TunnelTraffic {
                                connection: name.clone(),
                                local_ts: l.describe(),
                                remote_ts: r.describe(),
                                from,
                                to,
                                peer,
                            });
                        }
                    }
                }
            }
        }
    }
    LocalConnections {
        serving,
        tunnels,
        esp,
        route_based,
    }
}

/// Whether the kernel's clock is synchronised: adjtimex(2) without changing anything
/// (`modes` 0); `STA_UNSYNC` set or `TIME_ERROR` returned means not.
pub fn clock_synchronized() -> Option<bool> {
    // SAFETY: adjtimex with `modes = 0` only reads the kernel's state into the zeroed struct
    // we own; no pointer escapes.
    let mut tx: libc::timex = unsafe { std::mem::zeroed() };
    let state = unsafe { libc::adjtimex(&mut tx) };
    if state < 0 {
        return None;
    }
    Some(state != libc::TIME_ERROR && tx.status & libc::STA_UNSYNC == 0)
}

/// A UDP socket on an IKE port, as `/proc/net/udp{,6}` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpSocket {
    pub address: IpAddr,
    pub port: u16,
    pub inode: u64,
}

/// The IKE ports.
pub const IKE_PORTS: [u16; 2] = [500, 4500];

fn udp_sockets(root: &Root, notes: &mut Vec<String>) -> Vec<UdpSocket> {
    let mut out = Vec::new();
    for (file, v6) in [("proc/net/udp", false), ("proc/net/udp6", true)] {
        let Some(text) = root.read(file) else {
            notes.push(format!("/{file}: not readable; its sockets not listed"));
            continue;
        };
        for line in text.lines().skip(1) {
            if let Some(s) = parse_udp_line(line, v6) {
                if IKE_PORTS.contains(&s.port) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// One line of `/proc/net/udp`: `sl local_address rem_address st ... inode`; addresses are
/// hex in the kernel's byte order (32-bit words in host order).
pub fn parse_udp_line(line: &str, v6: bool) -> Option<UdpSocket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (address, port) = fields.get(1)?.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let inode = fields.get(9)?.parse().ok()?;
    let address = if v6 {
        if address.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (word, chunk) in bytes.chunks_mut(4).enumerate() {
            let w = u32::from_str_radix(address.get(word * 8..word * 8 + 8)?, 16).ok()?;
            chunk.copy_from_slice(&w.to_ne_bytes());
        }
        IpAddr::from(bytes)
    } else {
        let w = u32::from_str_radix(address, 16).ok()?;
        IpAddr::from(w.to_ne_bytes())
    };
    Some(UdpSocket {
        address,
        port,
        inode,
    })
}

/// A process, the socket inodes it holds open and its mapped files (for charon's plugins).
struct ProcessInfo {
    process: Process,
    socket_inodes: Vec<u64>,
    maps: String,
}

fn processes(root: &Root) -> Vec<ProcessInfo> {
    let Ok(entries) = std::fs::read_dir(root.path("proc")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok).take(MAX_PROCESSES) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let name = root
            .read(&format!("proc/{pid}/comm"))
            .map(|c| c.trim().to_owned())
            .unwrap_or_default();
        let mut socket_inodes = Vec::new();
        if let Ok(fds) = std::fs::read_dir(root.path(&format!("proc/{pid}/fd"))) {
            for fd in fds.filter_map(Result::ok).take(65_536) {
                if let Some(inode) = std::fs::read_link(fd.path())
                    .ok()
                    .and_then(|target| socket_inode(&target))
                {
                    socket_inodes.push(inode);
                }
            }
        }
        // Only the daemons' maps are wanted: their plugins tell the data plane.
        let maps = if name.starts_with("charon") {
            root.read(&format!("proc/{pid}/maps")).unwrap_or_default()
        } else {
            String::new()
        };
        out.push(ProcessInfo {
            process: Process { pid, name },
            socket_inodes,
            maps,
        });
    }
    out.sort_by_key(|p| p.process.pid);
    out
}

/// `socket:[12345]` as a link target.
fn socket_inode(target: &Path) -> Option<u64> {
    let t = target.to_str()?;
    t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Libreswan NSS database made by NSS's certutil (as `ipsec initnss` and `ipsec import`
    /// make it) holding two of the lab's certificates, one with a nickname with spaces: both
    /// read, with the validity their own dates give.
    #[test]
    fn libreswan_nss_database() {
        if std::process::Command::new("certutil")
            .arg("-H")
            .output()
            .is_err()
        {
            // CI installs libnss3-tools; elsewhere this is said, not passed silently.
            assert!(
                std::env::var_os("CI").is_none(),
                "certutil (libnss3-tools) is needed"
            );
            eprintln!("skipped: certutil (libnss3-tools) not installed");
            return;
        }
        let certs = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/lab/cert-gateway-not-yet-valid/certs"
        );
        let tree = tempfile::tempdir().expect("tempdir");
        let db_dir = tree.path().join("var/lib/ipsec/nss");
        std::fs::create_dir_all(&db_dir).expect("mkdir");
        let db = format!("sql:{}", db_dir.display());
        let certutil = |args: &[&str]| {
            let ok = std::process::Command::new("certutil")
                .args(args)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "certutil {args:?}");
        };
        certutil(&["-N", "-d", &db, "--empty-password"]);
        let gateway = format!("{certs}/gateway.pem");
        let ca = format!("{certs}/ca.pem");
        certutil(&[
            "-A",
            "-d",
            &db,
            "-n",
            "gateway cert",
            "-t",
            ",,",
            "-i",
            &gateway,
        ]);
        certutil(&["-A", "-d", &db, "-n", "ikelab-ca", "-t", "CT,,", "-i", &ca]);
        let mut notes = Vec::new();
        let found = certificates(&Root::new(tree.path()), &[], &mut notes);
        assert_eq!(
            option_value("pluto\0--nssdir\0/tmp/x/nss\0--nofork\0", "--nssdir").as_deref(),
            Some("/tmp/x/nss")
        );
        assert_eq!(
            option_value("pluto\0--nssdir=/a\0", "--nssdir").as_deref(),
            Some("/a")
        );
        assert_eq!(found.len(), 2, "{found:?} {notes:?}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .expect("clock");
        for (nick, file) in [("gateway cert", &gateway), ("ikelab-ca", &ca)] {
            let pem = std::fs::read(file).expect("pem");
            let der = ike_cert::certificates_in(&pem).remove(0);
            let want = local_cert(
                &ike_cert::parse(&der).expect("cert"),
                format!("nss:/var/lib/ipsec/nss ({nick})"),
                now,
            );
            assert!(found.contains(&want), "{want:?} not in {found:?}");
        }
    }

    #[test]
    fn udp_lines_of_both_families() {
        // 0.0.0.0:500 and 127.0.0.1:4500 (0100007F little-endian), as the kernel prints them.
        let s = parse_udp_line(
            "  12: 00000000:01F4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 34567 2 0000000000000000 0",
            false,
        )
        .expect("a socket");
        assert_eq!((s.port, s.inode), (500, 34567));
        assert_eq!(s.address, "0.0.0.0".parse::<IpAddr>().expect("ip"));
        let s = parse_udp_line(
            "  13: 0100007F:1194 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0 0",
            false,
        )
        .expect("a socket");
        assert_eq!(
            (s.port, s.address.to_string().as_str()),
            (4500, "127.0.0.1")
        );
        let s = parse_udp_line(
            "  5: 00000000000000000000000000000000:01F4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 777 2 0 0",
            true,
        )
        .expect("a socket");
        assert_eq!((s.port, s.address.to_string().as_str()), (500, "::"));
        assert_eq!(parse_udp_line("garbage", false), None);
        assert_eq!(parse_udp_line("1: zz:01F4 0 0 0 0 0 0 0 1", false), None);
    }

    #[test]
    fn socket_links() {
        assert_eq!(socket_inode(Path::new("socket:[42]")), Some(42));
        assert_eq!(socket_inode(Path::new("/dev/null")), None);
    }
}
