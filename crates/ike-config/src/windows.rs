//! The Windows built-in IKEv2 client (Agile VPN) as people have its configuration at hand, read
//! into the peer model: `Get-VpnConnection` output (`Name : Office`, `TunnelType : Ikev2`), the
//! custom IPsec policy PowerShell prints (`Get-VpnConnection ... | Select -ExpandProperty
//! IPsecCustomPolicy`, or `-PassThru`), the `Add-VpnConnection`, `Set-VpnConnection` and
//! `Set-VpnConnectionIPsecConfiguration` command lines people publish and run (parameters in any
//! order, quoted or not, backtick continuations, simple `$Name = "..."` variables), the phone
//! book `rasphone.pbk`, and the registry value `RasMan\Parameters\NegotiateDH2048_AES256`.
//! Windows is configured through these, not through a file of its own: this reads what users
//! can copy out of a Windows machine or a how-to.
//!
//! What Windows proposes:
//! - without a custom policy, the built-in `windows-11` profile ([`crate::profiles`]);
//! - with one, exactly one IKE proposal (`EncryptionMethod`, `IntegrityCheckMethod` as the
//!   integrity algorithm and the PRF of the same hash, or as the PRF alone with AES-GCM,
//!   `DHGroup`) and one ESP proposal (`CipherTransformConstants`,
//!   `AuthenticationTransformConstants`, `PfsGroup` as the group of a rekey unless `None`);
//! - `NegotiateDH2048_AES256` = 1 adds AES-256-CBC with MODP-2048 to the built-in proposals, = 2
//!   enforces them (the `windows-11-dh2048` profile), for the connections without a custom
//!   policy; [`finish`] applies it once all files of an end are read.
//!
//! Sources: the values of the six policy parameters are Microsoft's
//! (<https://learn.microsoft.com/en-us/powershell/module/vpnclient/set-vpnconnectionipsecconfiguration>,
//! its examples; the same names in the VpnClientIPsecParameters enumerations of Azure's network
//! API; the enumerations behind them: IKEEXT_CIPHER_TYPE, IKEEXT_INTEGRITY_TYPE,
//! IKEEXT_DH_GROUP, IPSEC_PFS_GROUP in ipsectypes.h/iketypes.h, and ROUTER_CUSTOM_IKEv2_POLICY0);
//! `VpnStrategy` is MS-RRASM 2.2.2.2.11
//! (<https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rrasm/7574fc0f-3e82-4b69-a4c3-43b588fad4d7>);
//! the registry value is strongSwan's
//! <https://docs.strongswan.org/docs/latest/interop/windowsClients.html>.
//!
//! `CustomIPSecPolicies=` of a phone book (a hex blob) is not decoded: no public source
//! documents its layout (programs that write it call it "similar to" ROUTER_CUSTOM_IKEv2_POLICY0,
//! whose documented field order does not fit the blobs they publish). A connection whose policy
//! is only that blob proposes what is not known here; [`finish`] leaves it out with a note
//! rather than guess (an empty list would read as "proposes nothing", the built-in one as a
//! policy the user replaced).
//!
//! Windows has no setting for the gateway's identity: it checks that the server name is in the
//! gateway certificate's subject or a subjectAltName, not that IDr equals it, so no identity
//! is expected of the gateway. The algorithm names are Microsoft's enumerations, read through
//! the tables in [`crate::proposal`] that Azure's reader shares.
//!
//! Secrets: a pre-shared key on a command line (`-L2tpPsk`) is kept as a fingerprint only.
use std::collections::HashMap;

use crate::model::{
    fingerprint, AuthMethod, AuthRound, ConfigSet, IkeVersions, Implementation, Line, PeerConfig,
    Secret, SecretKind, Setting,
};
use crate::profiles;
use crate::proposal::{self, Proposal};
use crate::settings::clip;

/// Lines of one file read (a listing or a script is a few hundred).
const MAX_LINES: usize = 50_000;
/// Connections (or phone book entries) read from one file.
const MAX_CONNECTIONS: usize = 256;
/// PowerShell variables remembered from one file.
const MAX_VARIABLES: usize = 256;
/// Characters kept of a name, an address or a value quoted in a note.
const MAX_TEXT: usize = 200;
/// The name given to a custom policy printed without its connection's name
/// (`... | Select -ExpandProperty IPsecCustomPolicy`).
const UNNAMED_POLICY: &str = "(custom IPsec policy of an unnamed connection)";

const REGISTRY_VALUE: &str = "negotiatedh2048_aes256";
const CMDLETS: [&str; 3] = [
    "add-vpnconnection",
    "set-vpnconnection",
    "set-vpnconnectionipsecconfiguration",
];

/// Whether `text` is one of the forms read here: `key : value` lines with Windows' connection or
/// policy keys, the VPN cmdlets, a phone book section with `VpnStrategy=` or `PhoneNumber=`,
/// or the registry value's name.
pub fn looks_like(text: &str) -> bool {
    let mut section = false;
    let mut phone_book_key = false;
    for line in text.lines().take(2000) {
        let trimmed = line.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.contains("-vpnconnection") || lower.contains(REGISTRY_VALUE) {
            return true;
        }
        if let Some((key, _)) = key_value(trimmed) {
            if key.eq_ignore_ascii_case("TunnelType")
                || key.eq_ignore_ascii_case("ServerAddress")
                || PolicyKey::of(key).is_some()
            {
                return true;
            }
        }
        section |= trimmed.starts_with('[') && trimmed.ends_with(']') && trimmed.len() > 2;
        phone_book_key |= lower.starts_with("vpnstrategy=") || lower.starts_with("phonenumber=");
        if section && phone_book_key {
            return true;
        }
    }
    false
}

/// Reads one file of any of the forms into `set`. What another file of the same end says about
/// the same connection (by name) is merged: a script's `Add-VpnConnection` and a policy
/// printed apart, in either order.
pub fn read(text: &str, file: usize, set: &mut ConfigSet) {
    let lines: Vec<&str> = text.lines().take(MAX_LINES).collect();
    if text.lines().nth(MAX_LINES).is_some() {
        set.note(
            file,
            None,
            format!("more than {MAX_LINES} lines; the rest not read"),
        );
    }
    read_registry(&lines, file, set);
    let connections = if lines.iter().any(|l| {
        let lower = l.to_ascii_lowercase();
        lower.contains("add-vpnconnection") || lower.contains("set-vpnconnection")
    }) {
        // A script's `-PassThru` output repeats what its command lines say: the commands are read.
        read_commands(&lines, file, set)
    } else if is_phone_book(&lines) {
        read_phone_book(&lines, file, set)
    } else {
        read_listing(&lines, file, set)
    };
    for connection in connections {
        commit(connection, file, set);
    }
}

/// Applies what only the whole end says: a custom policy printed without its connection's
/// name goes to the end's one connection without a policy; connections whose proposals are not
/// known are left out (with a note); `NegotiateDH2048_AES256` changes the built-in proposals of
/// the connections without a custom policy, or, for an end of that registry value alone, of one
/// connection with the `windows-11` profile's proposals. Run once all files of an end are read;
/// running it again changes nothing.
pub fn finish(set: &mut ConfigSet) {
    let windows = |p: &PeerConfig| p.implementation == Implementation::Windows;
    if let Some(unnamed) = set
        .peers
        .iter()
        .position(|p| windows(p) && p.name == UNNAMED_POLICY)
    {
        let without_policy: Vec<usize> = (0..set.peers.len())
            .filter(|&i| {
                i != unnamed && windows(&set.peers[i]) && set.peers[i].ike_proposals.at.is_none()
            })
            .collect();
        if let [target] = without_policy[..] {
            let policy = set.peers.remove(unnamed);
            let target = if target > unnamed { target - 1 } else { target };
            let peer = &mut set.peers[target];
            peer.ike_proposals = policy.ike_proposals;
            if let (Some(to), Some(from)) = (peer.children.first_mut(), policy.children.first()) {
                to.esp_proposals = from.esp_proposals.clone();
            }
        } else if without_policy.len() > 1 {
            let at = set.peers[unnamed].at;
            set.note(
                at.file,
                Some(at.line),
                "a custom IPsec policy without its connection's name, and several connections \
                 it may belong to: it is compared as a connection of its own",
            );
        }
    }
    let mut unknown = Vec::new();
    set.peers.retain(|p| {
        let known = !windows(p) || !p.ike_proposals.value.is_empty();
        if !known {
            unknown.push((p.at, p.name.clone()));
        }
        known
    });
    for (at, name) in unknown {
        set.note(
            at.file,
            Some(at.line),
            format!(
                "Windows connection `{name}`: what it proposes is not known (its custom IPsec \
                 policy was not read), so it is not compared; give the output of \
                 `Get-VpnConnection -Name '{name}' | Select-Object -ExpandProperty IPsecCustomPolicy` \
                 with it"
            ),
        );
    }
    let Some(dh2048) = set.windows_dh2048.clone() else {
        return;
    };
    if !set.peers.iter().any(windows) {
        if !set.peers.is_empty() {
            if let Some(at) = dh2048.at {
                set.note(
                    at.file,
                    Some(at.line),
                    "NegotiateDH2048_AES256 applies to Windows connections, and this end has none",
                );
            }
            return;
        }
        let at = dh2048.at.unwrap_or(Line { file: 0, line: 0 });
        let Some(mut peer) = built_in_peer(at.file, at) else {
            return;
        };
        peer.name = format!(
            "Windows (registry NegotiateDH2048_AES256 = {})",
            dh2048.value
        );
        set.peers.push(peer);
    }
    let enforced: Vec<Proposal> = profiles::find("windows-11-dh2048")
        .map(|p| parse_ike_list(p.ike))
        .unwrap_or_default();
    for peer in set.peers.iter_mut().filter(|p| windows(p)) {
        // A custom policy (a cited line that is not the registry's) replaces what the registry
        // value changes.
        if peer.ike_proposals.at.is_some() && peer.ike_proposals.at != dh2048.at {
            continue;
        }
        let proposals = match dh2048.value {
            1 => {
                let mut list = peer.ike_proposals.value.clone();
                for p in &enforced {
                    if !list.contains(p) {
                        list.push(p.clone());
                    }
                }
                list
            }
            2 => enforced.clone(),
            _ => continue,
        };
        peer.ike_proposals = Setting {
            value: proposals,
            at: dh2048.at,
        };
    }
}

/// Line `index` (0-based) of `file` as a citation.
fn line_at(file: usize, index: usize) -> Line {
    Line {
        file,
        line: u32::try_from(index + 1).unwrap_or(u32::MAX),
    }
}

/// `Key : value` as PowerShell's `Format-List` prints it: a key of letters and digits.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric())).then(|| (key, value.trim()))
}

/// A value and the line (0-based index) it is written on.
#[derive(Debug, Clone, Default)]
struct Cited {
    text: String,
    index: usize,
}

/// The six parameters of a custom policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PolicyKey {
    AuthenticationTransform,
    CipherTransform,
    DhGroup,
    IntegrityCheck,
    PfsGroup,
    Encryption,
}

impl PolicyKey {
    /// In the order `-PassThru` prints them.
    const ALL: [PolicyKey; 6] = [
        PolicyKey::AuthenticationTransform,
        PolicyKey::CipherTransform,
        PolicyKey::DhGroup,
        PolicyKey::IntegrityCheck,
        PolicyKey::PfsGroup,
        PolicyKey::Encryption,
    ];

    /// The parameter's name (a listing's key, a command line's parameter).
    fn name(self) -> &'static str {
        match self {
            PolicyKey::AuthenticationTransform => "AuthenticationTransformConstants",
            PolicyKey::CipherTransform => "CipherTransformConstants",
            PolicyKey::DhGroup => "DHGroup",
            PolicyKey::IntegrityCheck => "IntegrityCheckMethod",
            PolicyKey::PfsGroup => "PfsGroup",
            PolicyKey::Encryption => "EncryptionMethod",
        }
    }

    fn of(name: &str) -> Option<PolicyKey> {
        PolicyKey::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// The six values of a custom policy, as written.
#[derive(Debug, Clone, Default)]
struct PolicyValues {
    authentication_transform: Option<Cited>,
    cipher_transform: Option<Cited>,
    dh_group: Option<Cited>,
    integrity_check: Option<Cited>,
    pfs_group: Option<Cited>,
    encryption: Option<Cited>,
    /// Where the policy starts (0-based line).
    index: usize,
}

impl PolicyValues {
    fn slot(&mut self, key: PolicyKey) -> &mut Option<Cited> {
        match key {
            PolicyKey::AuthenticationTransform => &mut self.authentication_transform,
            PolicyKey::CipherTransform => &mut self.cipher_transform,
            PolicyKey::DhGroup => &mut self.dh_group,
            PolicyKey::IntegrityCheck => &mut self.integrity_check,
            PolicyKey::PfsGroup => &mut self.pfs_group,
            PolicyKey::Encryption => &mut self.encryption,
        }
    }

    fn get(&self, key: PolicyKey) -> Option<&Cited> {
        match key {
            PolicyKey::AuthenticationTransform => self.authentication_transform.as_ref(),
            PolicyKey::CipherTransform => self.cipher_transform.as_ref(),
            PolicyKey::DhGroup => self.dh_group.as_ref(),
            PolicyKey::IntegrityCheck => self.integrity_check.as_ref(),
            PolicyKey::PfsGroup => self.pfs_group.as_ref(),
            PolicyKey::Encryption => self.encryption.as_ref(),
        }
    }
}

/// A pre-shared key seen on a command line: only what compares it, never its text.
#[derive(Debug, Clone, Copy)]
struct PskSeen {
    fingerprint: u64,
    length: usize,
    /// The line (0-based) it is written on.
    index: usize,
}

#[derive(Debug, Clone)]
enum Policy {
    Values(PolicyValues),
    /// Present but not readable here (a phone book's blob, a listing's object name).
    NotRead(usize),
    /// `-RevertToDefault`: the built-in proposals again.
    Reverted(usize),
}

/// One connection as a file describes it.
#[derive(Debug, Clone, Default)]
struct Connection {
    name: Option<Cited>,
    server: Option<Cited>,
    tunnel_type: Option<Cited>,
    /// `MachineCertificate`, `Eap`, `MSChapv2`, `Psk` (a list).
    auth: Option<Cited>,
    /// An EAP configuration (XML) was given: the EAP method is the one it names.
    eap_config: bool,
    /// A phone book's `CustomAuthKey=` (the EAP type).
    eap_type: Option<Cited>,
    /// `-L2tpPsk`.
    psk: Option<PskSeen>,
    policy: Option<Policy>,
    index: usize,
}

/// The connection named `name` among `list`, or a new one (bounded).
fn connection_named<'a>(
    list: &'a mut Vec<Connection>,
    name: &Cited,
    file: usize,
    set: &mut ConfigSet,
) -> Option<&'a mut Connection> {
    if let Some(i) = list.iter().position(|c| {
        c.name
            .as_ref()
            .is_some_and(|n| n.text.eq_ignore_ascii_case(&name.text))
    }) {
        return list.get_mut(i);
    }
    if list.len() >= MAX_CONNECTIONS {
        set.note(
            file,
            Some(line_at(file, name.index).line),
            format!("more than {MAX_CONNECTIONS} connections; the rest not read"),
        );
        return None;
    }
    list.push(Connection {
        name: Some(name.clone()),
        index: name.index,
        ..Default::default()
    });
    list.last_mut()
}

// ---------------------------------------------------------------------------------------------
// The registry value.

/// `"NegotiateDH2048_AES256"=dword:00000002`, `reg add ... /v NegotiateDH2048_AES256 /t
/// REG_DWORD /d 2`, or PowerShell's `New-ItemProperty ... -Name NegotiateDH2048_AES256 -Value 2`;
/// the last one written wins, as it would on the machine. A PowerShell command continued with
/// backticks (`-Name NegotiateDH2048_AES256 \`` then `-Value 1` on the next line, as how-tos
/// publish it) is read as one statement, cited at its first line.
fn read_registry(lines: &[&str], file: usize, set: &mut ConfigSet) {
    for (index, statement) in statements(lines) {
        let trimmed = statement.trim();
        let lower = trimmed.to_ascii_lowercase();
        if !lower.contains(REGISTRY_VALUE)
            || trimmed.starts_with([';', '#'])
            || lower.starts_with("rem ")
        {
            continue;
        }
        let value = if let Some((_, rest)) = lower.split_once("=dword:") {
            let hex: String = rest
                .trim()
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            Some(u32::from_str_radix(&hex, 16).map_err(|_| rest.trim().to_owned()))
        } else if lower.replace(' ', "").ends_with("\"=-") {
            // A `.reg` line deleting the value: Windows' default again.
            Some(Ok(0))
        } else {
            let words: Vec<&str> = lower.split_whitespace().collect();
            words
                .iter()
                .position(|w| *w == "/d" || *w == "-value")
                .and_then(|i| words.get(i + 1))
                .map(|w| {
                    let w = w.trim_matches(['"', '\'']);
                    match w.strip_prefix("0x") {
                        Some(hex) => u32::from_str_radix(hex, 16),
                        None => w.parse(),
                    }
                    .map_err(|_| w.to_owned())
                })
        };
        let at = line_at(file, index);
        match value {
            Some(Ok(v)) if v <= 2 => set.windows_dh2048 = Some(Setting::written(v, at)),
            Some(Ok(v)) => set.note(
                file,
                Some(at.line),
                format!(
                    "NegotiateDH2048_AES256 = {v}: Windows documents 0, 1 and 2 only; not read"
                ),
            ),
            Some(Err(text)) => set.note(
                file,
                Some(at.line),
                format!(
                    "NegotiateDH2048_AES256: `{}` is not a number; not read",
                    clip(&text, MAX_TEXT)
                ),
            ),
            // The name alone (a comment, a query): nothing set.
            None => {}
        }
    }
}

/// `lines` as statements: a line ending in a backtick (PowerShell's continuation) joined with
/// the lines it continues, each with the index of its first line. A comment line is never
/// continued.
fn statements(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (index, line) in lines.iter().enumerate() {
        let text = line.trim_end();
        let (text, continues) = match text.strip_suffix('`') {
            Some(head) if !text.trim_start().starts_with(['#', ';']) => (head, true),
            _ => (text, false),
        };
        match out.last_mut() {
            Some((_, statement)) if open => {
                statement.push(' ');
                statement.push_str(text.trim());
            }
            _ => out.push((index, text.to_owned())),
        }
        open = continues;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// `Get-VpnConnection` output and a printed policy.

/// `Key : value` records: a connection's keys, a policy's six keys; a key seen again starts the
/// next record (blank lines are no guide: `-PassThru` prints one between every key). A policy
/// belongs to the connection printed before it, if that has none yet.
fn read_listing(lines: &[&str], file: usize, set: &mut ConfigSet) -> Vec<Connection> {
    let mut connections: Vec<Connection> = Vec::new();
    // Policies printed without a connection before them.
    let mut unnamed: Vec<PolicyValues> = Vec::new();
    let mut policy: Option<(PolicyValues, Option<usize>)> = None;
    let mut current: Option<usize> = None;
    let flush = |policy: &mut Option<(PolicyValues, Option<usize>)>,
                 connections: &mut Vec<Connection>,
                 unnamed: &mut Vec<PolicyValues>| {
        if let Some((values, owner)) = policy.take() {
            match owner.and_then(|i| connections.get_mut(i)) {
                Some(c) => c.policy = Some(Policy::Values(values)),
                None => unnamed.push(values),
            }
        }
    };
    for (index, line) in lines.iter().enumerate() {
        let Some((key, value)) = key_value(line.trim()) else {
            continue;
        };
        let cited = Cited {
            text: clip(value, MAX_TEXT),
            index,
        };
        if let Some(slot) = PolicyKey::of(key) {
            let repeated = policy.as_ref().is_some_and(|(p, _)| p.get(slot).is_some());
            if repeated {
                flush(&mut policy, &mut connections, &mut unnamed);
            }
            let (values, _) = policy.get_or_insert_with(|| {
                // The connection printed just before, if its policy is still open.
                let owner = current.filter(|&i| {
                    connections
                        .get(i)
                        .is_some_and(|c| !matches!(c.policy, Some(Policy::Values(_))))
                });
                (
                    PolicyValues {
                        index,
                        ..Default::default()
                    },
                    owner,
                )
            });
            *values.slot(slot) = Some(cited);
            continue;
        }
        let field = key.to_ascii_lowercase();
        let known = [
            "name",
            "serveraddress",
            "tunneltype",
            "authenticationmethod",
            "eapconfigxmlstream",
            "ipseccustompolicy",
        ];
        if !known.contains(&field.as_str()) {
            continue;
        }
        flush(&mut policy, &mut connections, &mut unnamed);
        let starts_new = match current.and_then(|i| connections.get(i)) {
            None => true,
            Some(c) => match field.as_str() {
                "name" => c.name.is_some(),
                "serveraddress" => c.server.is_some(),
                "tunneltype" => c.tunnel_type.is_some(),
                "authenticationmethod" => c.auth.is_some(),
                _ => false,
            },
        };
        if starts_new {
            if connections.len() >= MAX_CONNECTIONS {
                set.note(
                    file,
                    Some(line_at(file, index).line),
                    format!("more than {MAX_CONNECTIONS} connections; the rest not read"),
                );
                break;
            }
            connections.push(Connection {
                index,
                ..Default::default()
            });
            current = Some(connections.len() - 1);
        }
        let Some(c) = current.and_then(|i| connections.get_mut(i)) else {
            continue;
        };
        match field.as_str() {
            "name" => c.name = Some(cited),
            "serveraddress" => c.server = Some(cited),
            "tunneltype" => c.tunnel_type = Some(cited),
            "authenticationmethod" => c.auth = Some(cited),
            "eapconfigxmlstream" => c.eap_config = !value.is_empty(),
            // With `Format-List *`: an object's name in place of its six values.
            _ if !value.is_empty() && c.policy.is_none() => c.policy = Some(Policy::NotRead(index)),
            _ => {}
        }
    }
    flush(&mut policy, &mut connections, &mut unnamed);
    for values in unnamed {
        connections.push(Connection {
            name: Some(Cited {
                text: UNNAMED_POLICY.to_owned(),
                index: values.index,
            }),
            index: values.index,
            policy: Some(Policy::Values(values)),
            ..Default::default()
        });
    }
    connections
}

// ---------------------------------------------------------------------------------------------
// PowerShell command lines.

/// A word of a command line and the line (0-based) it is on.
#[derive(Debug, Clone)]
enum Token {
    Word {
        text: String,
        /// Written inside double quotes as a whole (`powershell -command "Add-VpnConnection ..."`).
        quoted: bool,
        index: usize,
    },
    /// `;`, `|`, `{`, `}` or the end of a line not continued with a backtick.
    End,
}

/// PowerShell's words: whitespace apart, `'...'` and `"..."` quoted (`''` and `` `" `` inside),
/// a trailing backtick continuing the command on the next line.
fn tokenize(line: &str, index: usize, out: &mut Vec<Token>) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted_whole = false;
    let push = |word: &mut String, in_word: &mut bool, quoted: bool, out: &mut Vec<Token>| {
        if *in_word {
            out.push(Token::Word {
                text: std::mem::take(word),
                quoted,
                index,
            });
            *in_word = false;
        }
    };
    let mut continued = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' if i + 1 == chars.len() || chars[i + 1..].iter().all(|c| c.is_whitespace()) => {
                continued = true;
                break;
            }
            '`' => {
                if let Some(&next) = chars.get(i + 1) {
                    word.push(next);
                    in_word = true;
                }
                i += 2;
                continue;
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => push(&mut word, &mut in_word, quoted_whole, out),
            ';' | '|' | '{' | '}' => {
                push(&mut word, &mut in_word, quoted_whole, out);
                out.push(Token::End);
            }
            '\'' | '"' => {
                let starts_word = !in_word;
                in_word = true;
                i += 1;
                while i < chars.len() {
                    let q = chars[i];
                    if q == c {
                        // `''` (or `""`) inside: one quote.
                        if chars.get(i + 1) == Some(&c) {
                            word.push(c);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    if q == '`' && c == '"' {
                        if let Some(&next) = chars.get(i + 1) {
                            word.push(next);
                        }
                        i += 2;
                        continue;
                    }
                    word.push(q);
                    i += 1;
                }
                let closes_word = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
                quoted_whole = starts_word && closes_word && c == '"';
            }
            c => {
                if !in_word {
                    quoted_whole = false;
                }
                word.push(c);
                in_word = true;
            }
        }
        i += 1;
    }
    push(&mut word, &mut in_word, quoted_whole, out);
    if !continued {
        out.push(Token::End);
    }
}

/// `$Name = "value"` assignments of literals, for the variables command lines use.
fn variables(lines: &[&str]) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for line in lines {
        let Some(rest) = line.trim().strip_prefix('$') else {
            continue;
        };
        let Some((name, value)) = rest.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut tokens = Vec::new();
        tokenize(value, 0, &mut tokens);
        if let [Token::Word { text, .. }, Token::End] = &tokens[..] {
            if vars.len() < MAX_VARIABLES || vars.contains_key(&name.to_ascii_lowercase()) {
                vars.insert(name.to_ascii_lowercase(), clip(text, MAX_TEXT));
            }
        }
    }
    vars
}

/// One cmdlet and its parameters (lowercase names; `None`: a switch).
struct Command {
    cmdlet: &'static str,
    index: usize,
    named: Vec<(String, Option<Cited>, usize)>,
    positional: Vec<Cited>,
}

/// Switches of the VPN cmdlets: they take no value.
const SWITCHES: [&str; 10] = [
    "splittunneling",
    "force",
    "passthru",
    "alluserconnection",
    "remembercredential",
    "usewinlogoncredential",
    "reverttodefault",
    "asjob",
    "whatif",
    "confirm",
];

fn is_switch(name: &str) -> bool {
    SWITCHES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// The cmdlets among `tokens`, each with the words up to the end of its statement.
fn commands(tokens: &[Token], depth: usize, out: &mut Vec<Command>) {
    let mut i = 0;
    while i < tokens.len() {
        let Token::Word {
            text,
            quoted,
            index,
        } = &tokens[i]
        else {
            i += 1;
            continue;
        };
        let lower = text.to_ascii_lowercase();
        if *quoted && depth < 2 && lower.contains("-vpnconnection") {
            // `powershell -command "Add-VpnConnection ..."`: the command is inside the quotes.
            let mut inner = Vec::new();
            tokenize(text, *index, &mut inner);
            commands(&inner, depth + 1, out);
            i += 1;
            continue;
        }
        let Some(cmdlet) = CMDLETS.iter().find(|c| **c == lower) else {
            i += 1;
            continue;
        };
        let mut command = Command {
            cmdlet,
            index: *index,
            named: Vec::new(),
            positional: Vec::new(),
        };
        i += 1;
        while let Some(Token::Word { text, index, .. }) = tokens.get(i) {
            if CMDLETS.contains(&text.to_ascii_lowercase().as_str()) {
                break;
            }
            let parameter = text
                .strip_prefix('-')
                .filter(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()));
            match parameter {
                Some(p) => {
                    let (name, inline) = match p.split_once(':') {
                        Some((n, v)) => (n.to_ascii_lowercase(), Some(v.to_owned())),
                        None => (p.to_ascii_lowercase(), None),
                    };
                    let value = match inline {
                        Some(v) => Some(Cited {
                            text: v,
                            index: *index,
                        }),
                        None if is_switch(&name) => None,
                        None => match tokens.get(i + 1) {
                            Some(Token::Word {
                                text: v, index: at, ..
                            }) if !v.starts_with('-') || v.len() == 1 => {
                                i += 1;
                                Some(Cited {
                                    text: v.clone(),
                                    index: *at,
                                })
                            }
                            _ => None,
                        },
                    };
                    command.named.push((name, value, *index));
                }
                None => command.positional.push(Cited {
                    text: text.clone(),
                    index: *index,
                }),
            }
            i += 1;
        }
        out.push(command);
    }
}

fn read_commands(lines: &[&str], file: usize, set: &mut ConfigSet) -> Vec<Connection> {
    let vars = variables(lines);
    let mut tokens = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        // `PS C:\> ` before a command, as documentation prints it.
        let line = match line.trim_start().strip_prefix("PS ") {
            Some(rest) => rest.split_once('>').map_or(*line, |(_, cmd)| cmd),
            None => line,
        };
        tokenize(line, index, &mut tokens);
    }
    let mut found = Vec::new();
    commands(&tokens, 0, &mut found);
    let mut connections: Vec<Connection> = Vec::new();
    let resolve = |value: &Cited, set: &mut ConfigSet| -> Option<Cited> {
        let Some(name) = value.text.strip_prefix('$') else {
            return Some(value.clone());
        };
        match vars.get(&name.to_ascii_lowercase()) {
            Some(v) => Some(Cited {
                text: v.clone(),
                index: value.index,
            }),
            None => {
                set.note(
                    file,
                    Some(line_at(file, value.index).line),
                    format!(
                        "`{}` is a PowerShell variable whose value is not in the file; not read",
                        clip(&value.text, MAX_TEXT)
                    ),
                );
                None
            }
        }
    };
    for command in found {
        let get = |names: &[&str]| -> Option<&Option<Cited>> {
            command
                .named
                .iter()
                .rev()
                .find(|(n, _, _)| names.contains(&n.as_str()))
                .map(|(_, v, _)| v)
        };
        let ipsec = command.cmdlet == "set-vpnconnectionipsecconfiguration";
        let name_param: &[&str] = if ipsec {
            &["connectionname", "name"]
        } else {
            &["name", "connectionname"]
        };
        let name = match get(name_param) {
            Some(Some(v)) => resolve(v, set),
            Some(None) => None,
            None => command.positional.first().and_then(|v| resolve(v, set)),
        };
        let name = match name {
            Some(n) => n,
            None if ipsec => Cited {
                text: UNNAMED_POLICY.to_owned(),
                index: command.index,
            },
            None => {
                set.note(
                    file,
                    Some(line_at(file, command.index).line),
                    "a VPN connection command without the connection's name; not read",
                );
                continue;
            }
        };
        let Some(connection) = connection_named(&mut connections, &name, file, set) else {
            break;
        };
        let value_of = |names: &[&str], set: &mut ConfigSet| -> Option<Cited> {
            match get(names) {
                Some(Some(v)) => resolve(v, set),
                Some(None) => {
                    set.note(
                        file,
                        Some(line_at(file, command.index).line),
                        format!("`-{}` without a value; not read", names[0]),
                    );
                    None
                }
                None => None,
            }
        };
        if ipsec {
            if get(&["reverttodefault"]).is_some() {
                connection.policy = Some(Policy::Reverted(command.index));
                continue;
            }
            let mut values = PolicyValues {
                index: command.index,
                ..Default::default()
            };
            for key in PolicyKey::ALL {
                *values.slot(key) = value_of(&[key.name().to_ascii_lowercase().as_str()], set);
            }
            connection.policy = Some(Policy::Values(values));
            continue;
        }
        let server = match value_of(&["serveraddress"], set) {
            Some(v) => Some(v),
            None if command.cmdlet == "add-vpnconnection" => {
                command.positional.get(1).and_then(|v| resolve(v, set))
            }
            None => None,
        };
        if let Some(server) = server {
            connection.server = Some(server);
        }
        if let Some(t) = value_of(&["tunneltype"], set) {
            connection.tunnel_type = Some(t);
        }
        if let Some(a) = value_of(&["authenticationmethod"], set) {
            connection.auth = Some(a);
        }
        if get(&["eapconfigxmlstream"]).is_some() {
            connection.eap_config = true;
        }
        if let Some(Some(psk)) = get(&["l2tppsk"]) {
            // Only its fingerprint is kept; a variable's value is not in the file.
            if !psk.text.starts_with('$') {
                connection.psk = Some(PskSeen {
                    fingerprint: fingerprint(psk.text.as_bytes()),
                    length: psk.text.len(),
                    index: psk.index,
                });
            }
        }
        if command.cmdlet == "add-vpnconnection" {
            connection.index = command.index;
        }
    }
    connections
}

// ---------------------------------------------------------------------------------------------
// rasphone.pbk.

fn is_phone_book(lines: &[&str]) -> bool {
    let mut section = false;
    for line in lines.iter().take(2000) {
        let t = line.trim();
        section |= t.starts_with('[') && t.ends_with(']');
        let lower = t.to_ascii_lowercase();
        if section && (lower.starts_with("vpnstrategy=") || lower.starts_with("phonenumber=")) {
            return true;
        }
    }
    false
}

/// `[Name]` sections of `key=value` lines: `VpnStrategy` (7: IKEv2 only, 8: IKEv2 first, as
/// MS-RRASM documents; other values try other protocols first or only), `PhoneNumber` (the
/// server), `CustomAuthKey` (the EAP type), `NumCustomPolicy`/`CustomIPSecPolicies`.
fn read_phone_book(lines: &[&str], file: usize, set: &mut ConfigSet) -> Vec<Connection> {
    struct Entry {
        connection: Connection,
        strategy: Option<Cited>,
        ikev2_device: bool,
        policies: Option<Cited>,
        policy_count: u32,
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            if entries.len() >= MAX_CONNECTIONS {
                set.note(
                    file,
                    Some(line_at(file, index).line),
                    format!("more than {MAX_CONNECTIONS} entries; the rest not read"),
                );
                break;
            }
            entries.push(Entry {
                connection: Connection {
                    name: Some(Cited {
                        text: clip(name, MAX_TEXT),
                        index,
                    }),
                    index,
                    ..Default::default()
                },
                strategy: None,
                ikev2_device: false,
                policies: None,
                policy_count: 0,
            });
            continue;
        }
        let (Some(entry), Some((key, value))) = (entries.last_mut(), t.split_once('=')) else {
            continue;
        };
        let cited = Cited {
            text: clip(value.trim(), MAX_TEXT),
            index,
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "vpnstrategy" => entry.strategy = Some(cited),
            // An entry has one phone number per link; the first is the server dialled.
            "phonenumber" if entry.connection.server.is_none() && !cited.text.is_empty() => {
                entry.connection.server = Some(cited)
            }
            "device" | "preferreddevice" => {
                entry.ikev2_device |= cited.text.to_ascii_lowercase().contains("(ikev2)")
            }
            "customauthkey" => entry.connection.eap_type = Some(cited),
            "numcustompolicy" => entry.policy_count = cited.text.parse().unwrap_or(0),
            "customipsecpolicies" if !cited.text.is_empty() => entry.policies = Some(cited),
            _ => {}
        }
    }
    let mut connections = Vec::new();
    for mut entry in entries {
        let name = entry
            .connection
            .name
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        let strategy = entry
            .strategy
            .as_ref()
            .and_then(|s| s.text.parse::<u32>().ok());
        let at = |c: &Option<Cited>| {
            Some(line_at(file, c.as_ref().map_or(entry.connection.index, |c| c.index)).line)
        };
        match strategy {
            Some(7) => {}
            // 14 is ras.h's VS_Ikev2Sstp: IKEv2, then SSTP.
            Some(s @ (8 | 14)) => set.note(
                file,
                at(&entry.strategy),
                format!(
                    "entry `{name}`: VpnStrategy={s} tries IKEv2 first, then other protocols; \
                     read as IKEv2"
                ),
            ),
            // Without a strategy, the entry's device says which protocol it is.
            None if entry.ikev2_device => {}
            other => {
                let meaning = match other {
                    Some(0) => "tries a series of protocols",
                    Some(1) => "PPTP only",
                    Some(2) => "PPTP first",
                    Some(3) => "L2TP only",
                    Some(4) => "L2TP first, IKEv2 third",
                    Some(5) => "SSTP only",
                    Some(6) => "SSTP first",
                    Some(_) => "a strategy MS-RRASM does not document",
                    None => "no VpnStrategy and no IKEv2 device",
                };
                set.note(
                    file,
                    at(&entry.strategy),
                    format!("entry `{name}`: {meaning}, not IKEv2 alone; not read"),
                );
                continue;
            }
        }
        if entry.policy_count > 0 {
            if let Some(blob) = &entry.policies {
                set.note(
                    file,
                    Some(line_at(file, blob.index).line),
                    format!("entry `{name}`: custom IPsec policy present, not decoded"),
                );
                entry.connection.policy = Some(Policy::NotRead(blob.index));
            }
        }
        entry.connection.tunnel_type = entry.strategy.clone().map(|s| Cited {
            text: "Ikev2".into(),
            index: s.index,
        });
        connections.push(entry.connection);
    }
    connections
}

// ---------------------------------------------------------------------------------------------
// Into the model.

fn parse_ike_list(list: &[&str]) -> Vec<Proposal> {
    list.iter()
        .filter_map(|l| Proposal::from_strongswan("IKE", l).ok())
        .collect()
}

/// A Windows connection with the built-in behaviour (the `windows-11` profile: its proposals,
/// a virtual IP, all traffic), written at `at`.
fn built_in_peer(file: usize, at: Line) -> Option<PeerConfig> {
    let mut peer = profiles::find("windows-11")?
        .end()
        .peers
        .into_iter()
        .next()?;
    peer.file = file;
    peer.at = at;
    for child in &mut peer.children {
        child.at = at;
    }
    Some(peer)
}

/// Merges `connection` into the end's Windows connection of the same name, or adds it.
fn commit(connection: Connection, file: usize, set: &mut ConfigSet) {
    let name = connection
        .name
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_else(|| {
            connection
                .server
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default()
        });
    let cite = |index: usize| line_at(file, index);
    if let Some(t) = &connection.tunnel_type {
        let kind = t.text.to_ascii_lowercase();
        // `Automatic` tries IKEv2 among the others.
        if kind != "ikev2" && kind != "automatic" {
            set.note(
                file,
                Some(cite(t.index).line),
                format!(
                    "connection `{}`: TunnelType {} is not IKEv2; not read",
                    clip(&name, MAX_TEXT),
                    clip(&t.text, MAX_TEXT)
                ),
            );
            return;
        }
    }
    let existing = set.peers.iter().position(|p| {
        p.implementation == Implementation::Windows && p.name.eq_ignore_ascii_case(&name)
    });
    let index = match existing {
        Some(i) => i,
        None => {
            let Some(mut peer) = built_in_peer(file, cite(connection.index)) else {
                return;
            };
            peer.name = name.clone();
            if let Some(child) = peer.children.first_mut() {
                child.name = name.clone();
            }
            set.peers.push(peer);
            set.peers.len() - 1
        }
    };
    let method = local_method(&connection, file, set);
    let Some(peer) = set.peers.get_mut(index) else {
        return;
    };
    if existing.is_some() && connection.server.is_some() {
        // The file that creates the connection is where it is cited.
        peer.file = file;
        peer.at = cite(connection.index);
    }
    if let Some(server) = &connection.server {
        peer.remote_addrs = Setting::written(vec![server.text.clone()], cite(server.index));
    }
    if let Some(t) = &connection.tunnel_type {
        peer.version = Setting::written(IkeVersions::V2, cite(t.index));
    }
    if let Some(method) = method {
        // The gateway proves itself with a certificate, or the key.
        let remote = if method.value == AuthMethod::Psk {
            AuthMethod::Psk
        } else {
            AuthMethod::PublicKey
        };
        peer.local_auth = vec![AuthRound {
            method,
            id: Setting::default_value(None),
            eap_id: None,
            certs: Vec::new(),
        }];
        // Windows has no setting of the gateway's identity and does not compare IDr with the
        // server address: it checks that the name is in the gateway certificate's subject or
        // a subjectAltName (strongSwan, "Windows Certificate Requirements",
        // docs.strongswan.org/docs/latest/interop/windowsCertRequirements.html). That needs the
        // certificate, so no identity is expected here. With a PSK no source says Windows checks
        // IDr at all: none expected either.
        peer.remote_auth = vec![AuthRound {
            method: Setting::default_value(remote),
            id: Setting::default_value(None),
            eap_id: None,
            certs: Vec::new(),
        }];
    }
    match &connection.policy {
        Some(Policy::Values(values)) => {
            let at = cite(values.index);
            match policy_proposals(values, file, &name, set) {
                Some((ike, esp)) => {
                    let Some(peer) = set.peers.get_mut(index) else {
                        return;
                    };
                    peer.ike_proposals = Setting::written(vec![ike], at);
                    if let Some(child) = peer.children.first_mut() {
                        child.esp_proposals = Setting::written(vec![esp], at);
                    }
                }
                None => mark_not_known(set, index, at),
            }
        }
        Some(Policy::NotRead(i)) => mark_not_known(set, index, cite(*i)),
        Some(Policy::Reverted(i)) => {
            let built_in = built_in_peer(file, cite(*i));
            if let (Some(peer), Some(built_in)) = (set.peers.get_mut(index), built_in) {
                peer.ike_proposals = built_in.ike_proposals;
                if let (Some(to), Some(from)) =
                    (peer.children.first_mut(), built_in.children.first())
                {
                    to.esp_proposals = from.esp_proposals.clone();
                }
            }
        }
        None => {}
    }
    if let Some(psk) = connection.psk {
        let is_psk = set
            .peers
            .get(index)
            .and_then(|p| p.local_auth.first())
            .is_some_and(|r| r.method.value == AuthMethod::Psk);
        if is_psk {
            set.secrets.push(Secret {
                kind: SecretKind::Ike,
                ids: Vec::new(),
                fingerprint: psk.fingerprint,
                length: psk.length,
                at: cite(psk.index),
            });
        }
    }
}

/// A custom policy whose proposals are not known: an empty list, cited, for [`finish`] to
/// leave out.
fn mark_not_known(set: &mut ConfigSet, index: usize, at: Line) {
    if let Some(peer) = set.peers.get_mut(index) {
        peer.ike_proposals = Setting::written(Vec::new(), at);
        if let Some(child) = peer.children.first_mut() {
            child.esp_proposals = Setting::written(Vec::new(), at);
        }
    }
}

/// How the client authenticates: `MachineCertificate` with its certificate, `Eap` with the EAP
/// method of its configuration (EAP-MSCHAPv2 when none is given: Windows' default), `MSChapv2`
/// carried in EAP (IKEv2 has no other way), `Psk` with a key; a phone book's `CustomAuthKey`
/// is the EAP type (26: MSCHAPv2, 13: TLS, 25: PEAP).
fn local_method(
    connection: &Connection,
    file: usize,
    set: &mut ConfigSet,
) -> Option<Setting<AuthMethod>> {
    if let Some(eap_type) = &connection.eap_type {
        let method = match eap_type.text.as_str() {
            "26" => Some("mschapv2".to_owned()),
            "13" => Some("tls".to_owned()),
            "25" => Some("peap".to_owned()),
            _ => None,
        };
        return Some(Setting::written(
            AuthMethod::Eap(method),
            line_at(file, eap_type.index),
        ));
    }
    let auth = connection.auth.as_ref()?;
    let at = line_at(file, auth.index);
    let list = auth
        .text
        .trim_start_matches('@')
        .trim_matches(|c| matches!(c, '{' | '}' | '(' | ')' | ' '));
    let mut methods = list
        .split(',')
        .map(|m| m.trim().trim_matches(['\'', '"']).to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let first = methods.next()?;
    let method = match first.as_str() {
        "machinecertificate" => AuthMethod::PublicKey,
        "eap" if connection.eap_config => AuthMethod::Eap(None),
        "eap" | "mschapv2" => AuthMethod::Eap(Some("mschapv2".into())),
        "psk" => AuthMethod::Psk,
        other => {
            set.note(
                file,
                Some(at.line),
                format!(
                    "AuthenticationMethod {}: not a method of an IKEv2 connection",
                    clip(other, MAX_TEXT)
                ),
            );
            AuthMethod::Other(clip(other, MAX_TEXT))
        }
    };
    if methods.next().is_some() {
        set.note(
            file,
            Some(at.line),
            "several authentication methods: the first is read",
        );
    }
    Some(Setting::written(method, at))
}

/// The one IKE and the one ESP proposal of a custom policy, or `None` (noted) when a value is
/// missing or not one Windows has. The names are Microsoft's enumerations
/// ([`proposal::microsoft_ike_encryption`] and its neighbours).
fn policy_proposals(
    values: &PolicyValues,
    file: usize,
    name: &str,
    set: &mut ConfigSet,
) -> Option<(Proposal, Proposal)> {
    for key in PolicyKey::ALL {
        if values.get(key).is_none_or(|v| v.text.is_empty()) {
            set.note(
                file,
                Some(line_at(file, values.index).line),
                format!(
                    "connection `{}`: custom IPsec policy without {} (Windows needs all six \
                     values); not read",
                    clip(name, MAX_TEXT),
                    key.name()
                ),
            );
            return None;
        }
    }
    // Every value is present (checked above); notes quote a value as written.
    let text = |key: PolicyKey| values.get(key).map_or("", |v| v.text.as_str());
    let line = |key: PolicyKey| line_at(file, values.get(key).map_or(values.index, |v| v.index));
    let mut unknown = |key: PolicyKey| {
        set.note(
            file,
            Some(line(key).line),
            format!(
                "{} {}: not a value Windows documents; the custom IPsec policy is not read",
                key.name(),
                text(key)
            ),
        );
    };
    let Some(ike_encryption) = proposal::microsoft_ike_encryption(text(PolicyKey::Encryption))
    else {
        unknown(PolicyKey::Encryption);
        return None;
    };
    let Some(hash) = proposal::microsoft_ike_integrity(text(PolicyKey::IntegrityCheck)) else {
        unknown(PolicyKey::IntegrityCheck);
        return None;
    };
    let Some(group) = proposal::microsoft_dh_group(text(PolicyKey::DhGroup)) else {
        unknown(PolicyKey::DhGroup);
        return None;
    };
    let group = (group != "none").then_some(group);
    let pfs = text(PolicyKey::PfsGroup);
    let rekey_group = if pfs.eq_ignore_ascii_case("PFSMM") {
        // The IKE SA's group.
        group
    } else {
        match proposal::microsoft_pfs_group(pfs) {
            Some("none") => None,
            Some(g) => Some(g),
            None => {
                unknown(PolicyKey::PfsGroup);
                return None;
            }
        }
    };
    let Some(esp_cipher) = proposal::microsoft_esp_encryption(text(PolicyKey::CipherTransform))
    else {
        unknown(PolicyKey::CipherTransform);
        return None;
    };
    let esp_cipher = (esp_cipher != "null").then_some(esp_cipher);
    let Some(esp_auth) =
        proposal::windows_esp_integrity(text(PolicyKey::AuthenticationTransform)).map(Auth::of)
    else {
        unknown(PolicyKey::AuthenticationTransform);
        return None;
    };
    let Some(group) = group else {
        set.note(
            file,
            Some(line(PolicyKey::DhGroup).line),
            "DHGroup None: an IKE SA needs a Diffie-Hellman group; the custom IPsec policy is not read",
        );
        return None;
    };
    // With AES-GCM the hash is the PRF alone; otherwise integrity and PRF.
    let ike = if ike_encryption.contains("gcm") {
        format!("{ike_encryption}-prf{hash}-{group}")
    } else {
        format!("{ike_encryption}-{hash}-{group}")
    };
    let esp = match (esp_cipher, esp_auth) {
        (Some(c), Auth::Gcm(g)) if c == g => c.to_owned(),
        (None, Auth::Gcm(g)) => {
            // AES-GMAC: integrity without encryption (ENCR_NULL_AUTH_AES_GMAC).
            let bits = g.trim_start_matches("aes").trim_end_matches("gcm16");
            let mut esp = Proposal::from_strongswan(
                "ESP",
                &match rekey_group {
                    Some(g) => format!("null-{g}"),
                    None => "null".to_owned(),
                },
            )
            .ok()?;
            esp.encryption = vec![format!("NULL_AES_GMAC_{bits}")];
            let ike = Proposal::from_strongswan("IKE", &ike).ok()?;
            return Some((ike, esp));
        }
        (Some(c), Auth::Hmac(h)) => format!("{c}-{h}"),
        (Some(c), Auth::None) if !c.contains("gcm") => c.to_owned(),
        (None, Auth::Hmac(h)) => format!("null-{h}"),
        _ => {
            set.note(
                file,
                Some(line(PolicyKey::CipherTransform).line),
                format!(
                    "CipherTransformConstants {} with AuthenticationTransformConstants {}: \
                     Windows takes AES-GCM for both or for neither; the custom IPsec policy is \
                     not read",
                    text(PolicyKey::CipherTransform),
                    text(PolicyKey::AuthenticationTransform)
                ),
            );
            return None;
        }
    };
    let esp = match rekey_group {
        Some(g) => format!("{esp}-{g}"),
        None => esp,
    };
    Some((
        Proposal::from_strongswan("IKE", &ike).ok()?,
        Proposal::from_strongswan("ESP", &esp).ok()?,
    ))
}

/// `AuthenticationTransformConstants` read.
enum Auth {
    None,
    Hmac(&'static str),
    /// AES-GCM (with the same cipher) or AES-GMAC (without one): the GCM cipher's keyword.
    Gcm(&'static str),
}

impl Auth {
    fn of(keyword: &'static str) -> Auth {
        match keyword {
            "none" => Auth::None,
            k if k.contains("gcm") => Auth::Gcm(k),
            k => Auth::Hmac(k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrafficSelector;
    use crate::profiles::ANY_GATEWAY;

    fn read_one(name: &str, text: &str) -> ConfigSet {
        let mut set = ConfigSet::default();
        let file = set.add_file(name);
        assert!(looks_like(text), "{name} not recognised");
        read(text, file, &mut set);
        set
    }

    fn strongswan(list: &[Proposal]) -> Vec<String> {
        list.iter()
            .map(|p| p.strongswan().unwrap_or_else(|| p.charon()))
            .collect()
    }

    /// Real: `Get-VpnConnection` example output of Microsoft's Get-VpnConnection page
    /// (learn.microsoft.com/en-us/powershell/module/vpnclient/get-vpnconnection, example 1),
    /// as collected in tests/fixtures/configs/published/windows/get-vpnconnection-msdocs.txt.
    const GET_VPNCONNECTION_MSDOCS: &str = include_str!(
        "../../../tests/fixtures/configs/published/windows/get-vpnconnection-msdocs.txt"
    );

    #[test]
    fn get_vpnconnection_listing() {
        let mut set = read_one("get-vpnconnection.txt", GET_VPNCONNECTION_MSDOCS);
        finish(&mut set);
        // Test1 and Test7 are `Automatic` (read), Test6 `Ikev2`.
        let names: Vec<&str> = set.peers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Test1", "Test6", "Test7"]);
        let test6 = &set.peers[1];
        assert_eq!(test6.implementation, Implementation::Windows);
        assert_eq!(test6.remote_addrs.value, ["10.1.1.1"]);
        assert_eq!(test6.remote_addrs.at.map(|l| l.line), Some(20));
        assert_eq!(test6.version.at.map(|l| l.line), Some(23));
        assert_eq!(test6.local_auth[0].method.value, AuthMethod::PublicKey);
        assert_eq!(test6.local_auth[0].method.at.map(|l| l.line), Some(24));
        assert_eq!(test6.remote_auth[0].method.value, AuthMethod::PublicKey);
        assert_eq!(
            set.peers[0].local_auth[0].method.value,
            AuthMethod::Eap(Some("mschapv2".into()))
        );
        // No custom policy: the built-in proposals, cited as defaults.
        assert_eq!(test6.ike_proposals.at, None);
        assert_eq!(
            strongswan(&test6.ike_proposals.value)[0],
            "3des-aes128-aes192-aes256-sha1-sha256-sha384-prfsha1-prfsha256-prfsha384-modp1024"
        );
        assert_eq!(test6.vips.value, ["0.0.0.0"]);
        assert_eq!(
            test6.children[0].remote_ts.value,
            [TrafficSelector::parse("0.0.0.0/0").unwrap()]
        );
        assert!(set.notes.is_empty(), "{:?}", set.notes);
    }

    /// Real: the examples of Microsoft's Set-VpnConnectionIPsecConfiguration page, command
    /// lines with their `-PassThru` output (tests/fixtures/configs/published/windows/).
    const SET_IPSEC_MSDOCS: &str = include_str!(
        "../../../tests/fixtures/configs/published/windows/set-vpnconnectionipsecconfiguration-msdocs.txt"
    );

    #[test]
    fn documented_examples_of_the_policy_cmdlet() {
        let mut set = read_one("msdocs.txt", SET_IPSEC_MSDOCS);
        finish(&mut set);
        // One connection "Contoso", written four times (example 2 as L2TP): the last command
        // wins (example 4).
        assert_eq!(set.peers.len(), 1, "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "Contoso");
        assert_eq!(p.remote_addrs.value, ["176.16.1.2"]);
        assert_eq!(
            strongswan(&p.ike_proposals.value),
            ["aes256-sha384-prfsha384-ecp384"]
        );
        // GCMAES256 without a cipher: AES-GMAC.
        assert_eq!(
            p.children[0].esp_proposals.value[0].charon(),
            "ESP:NULL_AES_GMAC_256"
        );
        assert!(p.ike_proposals.at.is_some());
    }

    /// Real: hwdsl2/setup-ipsec-vpn's IKEv2 how-to (docs/ikev2-howto.md), the two commands for
    /// Windows, as collected in tests/fixtures/configs/published/windows/.
    const HWDSL2_COMMANDS: &str = include_str!(
        "../../../tests/fixtures/configs/published/windows/hwdsl2-ikev2-howto-commands.txt"
    );

    #[test]
    fn commands_inside_powershell_command_quotes() {
        let mut set = read_one("hwdsl2.txt", HWDSL2_COMMANDS);
        finish(&mut set);
        assert_eq!(set.peers.len(), 1, "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "My IKEv2 VPN");
        assert_eq!(p.remote_addrs.value, ["Your VPN Server IP (or DNS name)"]);
        assert_eq!(p.local_auth[0].method.value, AuthMethod::PublicKey);
        assert_eq!(
            strongswan(&p.ike_proposals.value),
            ["aes256-sha256-prfsha256-modp2048"]
        );
        assert_eq!(p.ike_proposals.at.map(|l| l.line), Some(4));
        assert_eq!(
            strongswan(&p.children[0].esp_proposals.value),
            ["aes128gcm16"]
        );
    }

    /// Real: joostm1/openssl-x509 `windows-vpn.ps1` (variables, backtick continuations, an
    /// `-AuthenticationMethod` left without its value).
    const JOOSTM1_SCRIPT: &str =
        include_str!("../../../tests/fixtures/configs/published/windows/joostm1-windows-vpn.ps1");

    #[test]
    fn a_script_with_variables_and_continuations() {
        let mut set = read_one("windows-vpn.ps1", JOOSTM1_SCRIPT);
        finish(&mut set);
        assert_eq!(set.peers.len(), 1, "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "XYZ9");
        assert_eq!(p.remote_addrs.value, ["egx.xyz9.net"]);
        assert_eq!(p.remote_addrs.at.map(|l| l.line), Some(11));
        // Each value is cited on its own continued line.
        assert_eq!(
            strongswan(&p.ike_proposals.value),
            ["aes256-sha256-prfsha256-modp1024"]
        );
        assert_eq!(
            strongswan(&p.children[0].esp_proposals.value),
            ["aes256-sha256"]
        );
        assert!(p.local_auth.is_empty());
        assert!(set
            .notes
            .iter()
            .any(|n| n.message.contains("-authenticationmethod")));
    }

    /// Real: pastebin eSWVgC23 (one command, the connection's name left as `[name]`).
    const PASTEBIN_ESWVGC23: &str =
        include_str!("../../../tests/fixtures/configs/published/windows/pastebin-eSWVgC23.txt");

    #[test]
    fn a_policy_alone_with_pfs() {
        let mut set = read_one("pastebin.txt", PASTEBIN_ESWVGC23);
        finish(&mut set);
        let p = &set.peers[0];
        assert_eq!(p.name, "[name]");
        assert_eq!(p.remote_addrs.value, [ANY_GATEWAY]);
        assert_eq!(
            strongswan(&p.ike_proposals.value),
            ["aes256-sha384-prfsha384-ecp384"]
        );
        assert_eq!(
            strongswan(&p.children[0].esp_proposals.value),
            ["aes256gcm16-ecp384"]
        );
    }

    /// Real: hwdsl2/setup-ipsec-vpn's `reg add` line, and the `.reg` file of gist
    /// 4piu/2205fd36ea893384763783cd953c1594.
    const HWDSL2_REG_ADD: &str = include_str!(
        "../../../tests/fixtures/configs/published/windows/hwdsl2-negotiatedh2048-reg-add.txt"
    );
    const GIST_4PIU_REG: &str = include_str!(
        "../../../tests/fixtures/configs/published/windows/gist-4piu-negotiatedh2048.reg"
    );

    #[test]
    fn the_registry_value_alone_and_with_connections() {
        let mut set = read_one("fix.reg", GIST_4PIU_REG);
        assert_eq!(set.windows_dh2048.as_ref().map(|s| s.value), Some(2));
        finish(&mut set);
        assert_eq!(set.peers.len(), 1);
        assert_eq!(
            strongswan(&set.peers[0].ike_proposals.value),
            ["aes256-sha1-sha256-sha384-prfsha1-prfsha256-prfsha384-modp2048"]
        );
        assert_eq!(set.peers[0].ike_proposals.at.map(|l| l.line), Some(3));
        finish(&mut set);
        assert_eq!(set.peers.len(), 1);

        // Value 1, read after the connections: added to the built-in proposals of the
        // connection without a policy, not to the one with.
        let mut set = ConfigSet::default();
        let listing = set.add_file("get-vpnconnection.txt");
        read(GET_VPNCONNECTION_MSDOCS, listing, &mut set);
        let script = set.add_file("hwdsl2.txt");
        read(HWDSL2_COMMANDS, script, &mut set);
        let reg = set.add_file("reg.txt");
        assert!(looks_like(HWDSL2_REG_ADD));
        read(HWDSL2_REG_ADD, reg, &mut set);
        finish(&mut set);
        finish(&mut set);
        let test6 = set.peers.iter().find(|p| p.name == "Test6").unwrap();
        assert_eq!(test6.ike_proposals.value.len(), 3);
        assert_eq!(test6.ike_proposals.at.map(|l| l.file), Some(reg));
        let custom = set.peers.iter().find(|p| p.name == "My IKEv2 VPN").unwrap();
        assert_eq!(custom.ike_proposals.value.len(), 1);
    }

    /// Hand-written (not a published file): a phone book of three entries, one with a custom
    /// policy blob (the blob Brave's VPN code writes, whose layout is not documented).
    const PHONE_BOOK: &str = "[Office]
Encoding=1
Type=2
VpnStrategy=7
CustomAuthKey=26
NumCustomPolicy=0

MEDIA=rastapi
Device=WAN Miniport (IKEv2)

DEVICE=vpn
PhoneNumber=vpn.example.org

[Lab]
VpnStrategy=7
NumCustomPolicy=1
CustomIPSecPolicies=020000000600000005000000080000000500000000000000
DEVICE=vpn
PhoneNumber=lab.example.org

[Old]
VpnStrategy=2
DEVICE=vpn
PhoneNumber=old.example.org
";

    #[test]
    fn a_phone_book() {
        let mut set = read_one("rasphone.pbk", PHONE_BOOK);
        assert_eq!(set.peers.len(), 2);
        finish(&mut set);
        // `Lab` proposes what is not known: left out, with a note.
        assert_eq!(set.peers.len(), 1);
        let p = &set.peers[0];
        assert_eq!(p.name, "Office");
        assert_eq!(p.remote_addrs.value, ["vpn.example.org"]);
        assert_eq!(p.remote_addrs.at.map(|l| l.line), Some(12));
        assert_eq!(
            p.local_auth[0].method.value,
            AuthMethod::Eap(Some("mschapv2".into()))
        );
        let notes: Vec<&str> = set.notes.iter().map(|n| n.message.as_str()).collect();
        assert!(notes.iter().any(|n| n.contains("not decoded")), "{notes:?}");
        assert!(notes
            .iter()
            .any(|n| n.contains("`Lab`") && n.contains("not compared")));
        assert!(notes
            .iter()
            .any(|n| n.contains("`Old`") && n.contains("PPTP first")));
    }

    /// Hand-written: what `Select -ExpandProperty IPsecCustomPolicy` prints, read in a file of
    /// its own, goes to the end's one connection.
    #[test]
    fn a_printed_policy_joins_the_connection_of_another_file() {
        let mut set = ConfigSet::default();
        let policy = set.add_file("policy.txt");
        read(
            "AuthenticationTransformConstants : SHA256128\nCipherTransformConstants : AES256\n\
             DHGroup : Group14\nIntegrityCheckMethod : SHA256\nPfsGroup : PFSMM\n\
             EncryptionMethod : AES256\n",
            policy,
            &mut set,
        );
        let listing = set.add_file("conn.txt");
        read(
            "Name : Office\nServerAddress : vpn.example.org\nTunnelType : Ikev2\n\
             AuthenticationMethod : {Psk}\n",
            listing,
            &mut set,
        );
        finish(&mut set);
        assert_eq!(set.peers.len(), 1, "{:?}", set.notes);
        let p = &set.peers[0];
        assert_eq!(p.name, "Office");
        assert_eq!(p.local_auth[0].method.value, AuthMethod::Psk);
        assert_eq!(p.remote_auth[0].method.value, AuthMethod::Psk);
        assert_eq!(
            strongswan(&p.ike_proposals.value),
            ["aes256-sha256-prfsha256-modp2048"]
        );
        assert_eq!(
            strongswan(&p.children[0].esp_proposals.value),
            ["aes256-sha256-modp2048"]
        );
        assert_eq!(p.ike_proposals.at.map(|l| l.file), Some(policy));
    }

    /// Windows checks the server name against the gateway certificate (subject or
    /// subjectAltName), not against IDr: no identity is expected of the gateway, with a
    /// certificate or with a PSK.
    #[test]
    fn the_gateway_identity_is_not_expected() {
        for method in ["MachineCertificate", "Eap", "Psk"] {
            let set = read_one(
                "conn.txt",
                &format!(
                    "Name : Office\nServerAddress : vpn.example.org\nTunnelType : Ikev2\n\
                     AuthenticationMethod : {{{method}}}\n"
                ),
            );
            let p = &set.peers[0];
            assert_eq!(p.remote_addrs.value, ["vpn.example.org"]);
            assert_eq!(p.remote_auth[0].id.value, None, "{method}");
            assert_eq!(p.remote_auth[0].id.at, None);
        }
    }

    /// A how-to's `New-ItemProperty` continued with a backtick: the value is on the next line.
    #[test]
    fn the_registry_value_in_a_continued_command() {
        let text = "New-ItemProperty -Path \"HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\Parameters\" `\n\
                    \x20   -Name \"NegotiateDH2048_AES256\" `\n\
                    \x20   -PropertyType DWord -Value 1 -Force\n";
        let set = read_one("fix.ps1", text);
        let dh2048 = set.windows_dh2048.as_ref().expect("the value read");
        assert_eq!(dh2048.value, 1);
        assert_eq!(dh2048.at.map(|l| l.line), Some(1));
        // A comment line ending in a backtick continues nothing.
        let set = read_one(
            "fix.ps1",
            "# NegotiateDH2048_AES256 `\n-Value 2\nNegotiateDH2048_AES256 -Value 1\n",
        );
        assert_eq!(set.windows_dh2048.as_ref().map(|s| s.value), Some(1));
    }

    /// What `Proposal::windows` writes reads back as the same IKE proposal.
    #[test]
    fn the_fix_line_reads_back() {
        let p = Proposal::from_strongswan("IKE", "aes256-sha256-modp2048").unwrap();
        let line = format!(
            "Set-VpnConnectionIPsecConfiguration -ConnectionName X {}",
            p.windows().unwrap()
        );
        let mut set = read_one("fix.ps1", &line);
        finish(&mut set);
        assert_eq!(set.peers[0].ike_proposals.value, [p]);
    }

    #[test]
    fn unknown_values_and_other_formats() {
        let mut set = read_one(
            "x.ps1",
            "Set-VpnConnectionIPsecConfiguration -Name X -AuthenticationTransformConstants SHA512 \
             -CipherTransformConstants AES256 -EncryptionMethod AES256 -IntegrityCheckMethod SHA256 \
             -DHGroup Group14 -PfsGroup None\n",
        );
        finish(&mut set);
        assert!(set.peers.is_empty());
        assert!(set.notes.iter().any(|n| n.message.contains("SHA512")));
        for other in [
            "connections {\n rw {\n remote_addrs = 1.2.3.4\n }\n}\n",
            "config setup\nconn rw\n  left=1.2.3.4\n  right=%any\n",
            "Jan  1 00:00:00 moon charon: 05[IKE] received proposals: IKE:AES_CBC_256\n",
            "[connection]\nid=vpn\ntype=vpn\n",
        ] {
            assert!(!looks_like(other), "{other}");
        }
    }

    /// Every real example, cut at every few characters and damaged, goes through without a
    /// panic.
    #[test]
    fn cut_and_damaged_input_does_not_panic() {
        for text in [
            GET_VPNCONNECTION_MSDOCS,
            SET_IPSEC_MSDOCS,
            HWDSL2_COMMANDS,
            JOOSTM1_SCRIPT,
            PASTEBIN_ESWVGC23,
            GIST_4PIU_REG,
            PHONE_BOOK,
        ] {
            let chars: Vec<char> = text.chars().collect();
            for cut in (0..chars.len()).step_by(5) {
                let mut damaged: String = chars[..cut].iter().collect();
                damaged.push_str("`\"'[=:-$\n");
                damaged.extend(chars[cut..].iter().rev().take(30));
                let mut set = ConfigSet::default();
                let file = set.add_file("x");
                read(&damaged, file, &mut set);
                finish(&mut set);
            }
        }
    }
}
