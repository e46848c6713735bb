//! charon's log at `ike` level 4: `Sk_xx secret => N bytes @ 0x...` and a hex dump of 16 bytes a
//! line (`   0: 2B 04 1B ...  ascii`), each line prefixed by time, thread and `[IKE]`.

use std::collections::HashMap;

use ike_crypto::{Encryption, Integrity};

use crate::{IkeSaKeySet, IntegritySpec, KeyFormat, KeyTable};

pub(crate) fn looks_like(text: &str) -> bool {
    text.lines()
        .take(200_000)
        .any(|l| l.contains("Sk_ei secret =>"))
}

/// The thread number of a charon log line: the two digits before `[GRP]`.
fn thread(line: &str) -> Option<&str> {
    let bracket = line
        .find("[IKE]")
        .or_else(|| line.find("[MGR]"))
        .or_else(|| line.find("[CFG]"))?;
    let before = line.get(..bracket)?;
    let start = before
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    before.get(start..).filter(|t| !t.is_empty())
}

/// The IKE SA tag `<name|N>` or `<N>` of a line, if any.
fn sa_tag(line: &str) -> Option<&str> {
    let start = line.find('<')?;
    let end = start + line.get(start..)?.find('>')?;
    line.get(start + 1..end)
}

/// `checkout IKEv2 SA by message with SPIs 1234..._i 5678..._r` (mgr level 2).
fn checkout_spis(line: &str) -> Option<(u64, u64)> {
    let at = line.find("with SPIs ")? + "with SPIs ".len();
    let rest = line.get(at..)?;
    let mut words = rest.split_whitespace();
    let i = words.next()?.strip_suffix("_i")?;
    let r = words.next()?.strip_suffix("_r")?;
    Some((
        u64::from_str_radix(i, 16).ok()?,
        u64::from_str_radix(r, 16).ok()?,
    ))
}

/// strongSwan's names in `selected proposal: IKE:AES_CBC_128/HMAC_SHA2_256_128/...`.
fn proposal_algorithms(line: &str) -> Option<(Option<Encryption>, IntegritySpec)> {
    let at = line.find("selected proposal: IKE:")? + "selected proposal: IKE:".len();
    let list = line.get(at..)?.split_whitespace().next()?;
    let mut encryption = None;
    let mut integrity = IntegritySpec::Unknown;
    for name in list.split('/') {
        let bits = |s: &str| s.rsplit('_').next().and_then(|b| b.parse::<u16>().ok());
        let enc = match name {
            "3DES_CBC" => Encryption::from_transform_id(3, None),
            "CHACHA20_POLY1305" => Encryption::from_transform_id(28, None),
            n if n.starts_with("AES_CBC_") => Encryption::from_transform_id(12, bits(n)),
            n if n.starts_with("AES_CTR_") => Encryption::from_transform_id(13, bits(n)),
            n if n.starts_with("AES_GCM_8_") => Encryption::from_transform_id(18, bits(n)),
            n if n.starts_with("AES_GCM_12_") => Encryption::from_transform_id(19, bits(n)),
            n if n.starts_with("AES_GCM_16_") => Encryption::from_transform_id(20, bits(n)),
            n if n.starts_with("AES_CCM_8_") => Encryption::from_transform_id(14, bits(n)),
            n if n.starts_with("AES_CCM_12_") => Encryption::from_transform_id(15, bits(n)),
            n if n.starts_with("AES_CCM_16_") => Encryption::from_transform_id(16, bits(n)),
            _ => None,
        };
        if enc.is_some() {
            encryption = enc;
            continue;
        }
        let integ = match name {
            "HMAC_MD5_96" => Integrity::from_transform_id(1),
            "HMAC_SHA1_96" => Integrity::from_transform_id(2),
            "AES_XCBC_96" => Integrity::from_transform_id(5),
            "AES_CMAC_96" => Integrity::from_transform_id(8),
            "HMAC_SHA2_256_128" => Integrity::from_transform_id(12),
            "HMAC_SHA2_384_192" => Integrity::from_transform_id(13),
            "HMAC_SHA2_512_256" => Integrity::from_transform_id(14),
            _ => None,
        };
        if let Some(i) = integ {
            integrity = IntegritySpec::Some(i);
        }
    }
    if encryption.is_some_and(Encryption::is_aead) {
        integrity = IntegritySpec::None;
    }
    Some((encryption, integrity))
}

/// Hex bytes of a dump line `... [IKE] <x|1>    0: 2B 04 1B 49 ...  +..I` (at most 16).
fn dump_bytes(line: &str) -> Option<Vec<u8>> {
    let colon = line.find(": ")?;
    let head = line.get(..colon)?;
    let offset = head
        .rsplit(|c: char| c.is_whitespace() || c == '>')
        .next()?;
    if offset.is_empty() || !offset.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = Vec::new();
    for word in line.get(colon + 2..)?.split(' ').take(17) {
        if word.len() == 2 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push(u8::from_str_radix(word, 16).ok()?);
        } else {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[derive(Default)]
struct Pending {
    spis: Option<(u64, u64)>,
    algorithms: Option<(Option<Encryption>, IntegritySpec)>,
    keys: HashMap<&'static str, Vec<u8>>,
    line: u64,
}

pub(crate) fn parse(text: &str) -> KeyTable {
    const NAMES: [&str; 7] = ["Sk_d", "Sk_ai", "Sk_ar", "Sk_ei", "Sk_er", "Sk_pi", "Sk_pr"];
    let mut table = KeyTable {
        format: Some(KeyFormat::CharonLog),
        ..KeyTable::default()
    };
    // Per thread: SPIs of the message it checked out last.
    let mut thread_spis: HashMap<String, (u64, u64)> = HashMap::new();
    // Per SA tag (or thread when untagged): selected proposal.
    let mut proposals: HashMap<String, (Option<Encryption>, IntegritySpec)> = HashMap::new();
    // Key sets being collected, by SA tag or thread.
    let mut pending: HashMap<String, Pending> = HashMap::new();
    let mut finished: Vec<Pending> = Vec::new();
    // The key whose dump follows: (owner, name, bytes still expected).
    let mut dumping: Option<(String, &'static str, usize)> = None;
    // Per SA tag: the last NAT-D input seen (`natd_chunk`, ike level 4), which starts with
    // SPIi | SPIr: the SPIs of that SA once the responder's SPI is known.
    let mut natd: HashMap<String, Vec<u8>> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let owner = sa_tag(line)
            .map(str::to_string)
            .or_else(|| thread(line).map(|t| format!("thread {t}")))
            .unwrap_or_default();
        if let Some((who, name, want)) = dumping.take() {
            if let Some(bytes) = dump_bytes(line) {
                if name == "natd_chunk" {
                    let chunk = natd.entry(who.clone()).or_default();
                    if chunk.len() < 16 {
                        chunk.extend_from_slice(&bytes);
                    }
                    continue;
                }
                let entry = pending.entry(who.clone()).or_default();
                let key = entry.keys.entry(name).or_default();
                let take = bytes.len().min(want);
                key.extend_from_slice(bytes.get(..take).unwrap_or(&[]));
                if want > take {
                    dumping = Some((who, name, want - take));
                }
                continue;
            }
        }
        if let Some(spis) = checkout_spis(line) {
            if let Some(t) = thread(line) {
                thread_spis.insert(t.to_string(), spis);
            }
            continue;
        }
        if let Some(algorithms) = proposal_algorithms(line) {
            proposals.insert(owner.clone(), algorithms);
            if let Some(p) = pending.get_mut(&owner) {
                p.algorithms = Some(algorithms);
            }
            continue;
        }
        if line.contains("natd_chunk => ") {
            natd.insert(owner.clone(), Vec::new());
            dumping = Some((owner, "natd_chunk", 16));
            continue;
        }
        let Some(at) = line.find(" secret => ") else {
            continue;
        };
        let Some(name) = NAMES
            .iter()
            .find(|n| line.get(..at).is_some_and(|h| h.ends_with(*n)))
        else {
            continue;
        };
        let size = line
            .get(at + " secret => ".len()..)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
            .min(1024);
        if *name == "Sk_d" {
            // A new derivation starts: the previous one of this owner is complete.
            if let Some(done) = pending.remove(&owner) {
                finished.push(done);
            }
            let from_natd = natd.get(&owner).and_then(|c| {
                let i = u64::from_be_bytes(c.get(..8)?.try_into().ok()?);
                let r = u64::from_be_bytes(c.get(8..16)?.try_into().ok()?);
                (r != 0).then_some((i, r))
            });
            let spis = from_natd.or_else(|| thread(line).and_then(|t| thread_spis.get(t).copied()));
            pending.insert(
                owner.clone(),
                Pending {
                    spis,
                    algorithms: proposals.get(&owner).copied(),
                    keys: HashMap::new(),
                    line: line_no,
                },
            );
        }
        pending
            .entry(owner.clone())
            .or_default()
            .keys
            .insert(name, Vec::new());
        dumping = Some((owner, name, size));
    }
    let mut rest: Vec<Pending> = pending.into_values().collect();
    rest.sort_by_key(|p| p.line);
    finished.extend(rest);
    finished.sort_by_key(|p| p.line);
    for mut p in finished {
        let mut take = |n: &str| p.keys.remove(n).unwrap_or_default();
        let (sk_ei, sk_er, sk_ai, sk_ar) =
            (take("Sk_ei"), take("Sk_er"), take("Sk_ai"), take("Sk_ar"));
        if sk_ei.is_empty() || sk_er.is_empty() {
            table.notes.push(format!(
                "line {}: key derivation without SK_e; ignored",
                p.line
            ));
            continue;
        }
        let (encryption, integrity) = p.algorithms.unwrap_or((None, IntegritySpec::Unknown));
        let integrity = match integrity {
            IntegritySpec::Unknown if sk_ai.is_empty() => IntegritySpec::None,
            other => other,
        };
        // A responder checks out IKE_SA_INIT with a zero responder SPI: that one is unknown.
        let (spi_i, spi_r) = match p.spis {
            Some((i, 0)) => (Some(i), None),
            Some((i, r)) => (Some(i), Some(r)),
            None => (None, None),
        };
        table.sets.push(IkeSaKeySet {
            spi_i,
            spi_r,
            encryption,
            integrity,
            sk_ei,
            sk_er,
            sk_ai,
            sk_ar,
            line: p.line,
        });
    }
    table
}

/// Labels of charon's dumps that hold key material (lower case): the SK_* keys, SKEYSEED, the
/// Diffie-Hellman secret, EAP's MSK and EAP-SIM/AKA's K_encr, K_auth and MK, a PPK.
const SECRET_DUMPS: &[&str] = &[
    "secret", "skeyseed", "key", "msk", "ppk", "psk", "k_encr", "k_auth", "mk =>", "prf res",
];

/// `text` (a charon log) without the hex dumps charon writes at high levels, and how many
/// dumps were taken out. Every dump goes, not only those of keys: decrypted payloads (`plain`)
/// carry EAP and XAuth passwords, and a log cut to its last bytes may start inside a key's
/// dump, its header gone. A key dump's header stays, marked: the log still tells what
/// happened, it no longer decrypts anything.
pub fn strip_key_material(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let mut in_dump = false;
    for line in text.split_inclusive('\n') {
        if is_dump_line(line) {
            if !in_dump {
                removed += 1;
                in_dump = true;
            }
            continue;
        }
        in_dump = false;
        if let Some((label, _)) = line.split_once(" => ") {
            let label = label.rsplit(['>', ']']).next().unwrap_or(label);
            let label = format!("{} =>", label.trim()).to_ascii_lowercase();
            if line.contains(" bytes @ ") && SECRET_DUMPS.iter().any(|s| label.contains(s)) {
                out.push_str(line.trim_end_matches(['\n', '\r']));
                out.push_str(" [key material removed]\n");
                continue;
            }
        }
        out.push_str(line);
    }
    (out, removed)
}

/// A line of a hex dump: `   0: 2B 04 1B ...` after the log's prefix.
fn is_dump_line(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let offset = word
            .strip_suffix(':')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if offset {
            return words
                .peek()
                .is_some_and(|w| w.len() == 2 && w.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
    false
}
