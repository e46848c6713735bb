//! Proposals in the notation charon logs them and `ike-wire` prints them
//! (`IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`), written as the
//! configuration lines of each implementation: strongSwan's keywords
//! (`aes256-sha256-prfsha256-modp2048`), Libreswan's (`aes256-sha2_256-prfsha2_256-modp2048`), and
//! Windows' `Set-VpnConnectionIPsecConfiguration` parameters. Hand-written because these
//! keyword tables belong to the implementations' documentation, not to any library.

/// One proposal split into its transforms (charon notation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Proposal {
    /// `IKE`, `ESP` or `AH`.
    pub protocol: String,
    pub encryption: Vec<String>,
    pub integrity: Vec<String>,
    pub prf: Vec<String>,
    pub groups: Vec<String>,
    pub esn: Vec<String>,
}

impl Proposal {
    /// Parses `IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`. Unknown tokens are
    /// sorted by their look (a proposal from a newer implementation still parses).
    pub fn parse(text: &str) -> Option<Proposal> {
        let (protocol, rest) = text.trim().split_once(':')?;
        let mut p = Proposal {
            protocol: protocol.to_owned(),
            ..Default::default()
        };
        for token in rest.split('/').map(str::trim).filter(|t| !t.is_empty()) {
            let list = if token.starts_with("PRF_") {
                &mut p.prf
            } else if token.starts_with("HMAC_")
                || token.ends_with("XCBC_96")
                || token.ends_with("CMAC_96")
            {
                &mut p.integrity
            } else if token.starts_with("MODP_")
                || token.starts_with("ECP_")
                || token.starts_with("CURVE_")
                || token.starts_with("ML_KEM")
                || token.starts_with("KE")
                || token == "NONE"
            {
                &mut p.groups
            } else if token.contains("EXT_SEQ") {
                &mut p.esn
            } else {
                &mut p.encryption
            };
            list.push(token.to_owned());
        }
        Some(p)
    }

    /// Whether the encryption is an AEAD (no separate integrity algorithm).
    fn aead(&self) -> bool {
        self.encryption
            .iter()
            .any(|e| e.contains("GCM") || e.contains("CCM") || e.contains("CHACHA20"))
    }

    /// strongSwan's keywords: `aes256-sha256-prfsha256-modp2048`, `aes256gcm16-prfsha384-ecp384`,
    /// `aes256-sha256` for ESP. `None` when a transform has no keyword here.
    pub fn strongswan(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        for e in &self.encryption {
            parts.push(strongswan_encryption(e)?);
        }
        if !self.aead() {
            for i in &self.integrity {
                parts.push(strongswan_integrity(i)?.to_owned());
            }
        }
        for prf in &self.prf {
            parts.push(strongswan_prf(prf)?.to_owned());
        }
        for g in &self.groups {
            if g != "NONE" {
                parts.push(strongswan_group(g)?.to_owned());
            }
        }
        if self.esn.iter().any(|e| e == "EXT_SEQ") {
            parts.push("esn".to_owned());
        }
        (!parts.is_empty()).then(|| parts.join("-"))
    }

    /// Libreswan's `ike=`/`esp=` notation: `aes256-sha2_256;modp2048` (one algorithm of each).
    pub fn libreswan(&self) -> Option<String> {
        let encryption = strongswan_encryption(self.encryption.first()?)?
            .replace("gcm16", "_gcm16")
            .replace("gcm12", "_gcm12")
            .replace("gcm8", "_gcm8");
        let mut line = encryption;
        if !self.aead() {
            if let Some(i) = self.integrity.first() {
                line.push('-');
                line.push_str(libreswan_hash(strongswan_integrity(i)?));
            }
        } else if let Some(prf) = self.prf.first() {
            line.push('-');
            line.push_str(libreswan_hash(
                strongswan_prf(prf)?.trim_start_matches("prf"),
            ));
        }
        if let Some(g) = self.groups.first().filter(|g| *g != "NONE") {
            line.push(';');
            line.push_str(strongswan_group(g)?);
        }
        Some(line)
    }

    /// Windows' `Set-VpnConnectionIPsecConfiguration` parameters for this IKE proposal, or
    /// `None` when Windows offers no such algorithm. With AES-GCM the integrity method is the
    /// PRF's hash and the ESP authentication transform is the GCM one (Windows refuses GCM with
    /// an HMAC).
    pub fn windows(&self) -> Option<String> {
        // The ESP cipher is the IKE one: Windows' two enumerations share these names.
        let encryption = microsoft_name(
            MICROSOFT_IKE_ENCRYPTION,
            &strongswan_encryption(self.encryption.first()?)?,
        )
        .filter(|name| *name != "DES")?;
        let cipher = encryption;
        let hash = match (self.integrity.first(), self.prf.first()) {
            (Some(i), _) => strongswan_integrity(i)?,
            (None, Some(p)) if self.aead() => strongswan_prf(p)?.trim_start_matches("prf"),
            (None, None) if self.aead() => "sha256",
            _ => return None,
        };
        let integrity = microsoft_name(MICROSOFT_IKE_INTEGRITY, hash)?;
        let auth_transform = if self.aead() {
            cipher
        } else {
            // Windows has no ESP transform of SHA-384: SHA-256 is the strongest it has.
            microsoft_name(WINDOWS_ESP_INTEGRITY, hash).unwrap_or("SHA256128")
        };
        let group = match self.groups.first() {
            Some(g) => microsoft_name(MICROSOFT_DH_GROUPS, strongswan_group(g)?)
                .filter(|name| *name != "None")?,
            None => "Group14",
        };
        Some(format!(
            "-EncryptionMethod {encryption} -IntegrityCheckMethod {integrity} -DHGroup {group} -CipherTransformConstants {cipher} -AuthenticationTransformConstants {auth_transform} -PfsGroup None"
        ))
    }

    /// This proposal as an Apple profile's security-association dictionary
    /// (`IKESecurityAssociationParameters`, or `ChildSecurityAssociationParameters` with
    /// `EnablePFS` when it has a group), or `None` when Apple offers no such algorithm.
    pub fn apple(&self, child: bool) -> Option<String> {
        let encryption = match self.encryption.first()?.as_str() {
            "AES_CBC_128" => "AES-128",
            "AES_CBC_256" => "AES-256",
            "AES_GCM_16_128" => "AES-128-GCM",
            "AES_GCM_16_256" => "AES-256-GCM",
            "CHACHA20_POLY1305" | "CHACHA20_POLY1305_256" => "ChaCha20Poly1305",
            "3DES_CBC" => "3DES",
            _ => return None,
        };
        let hash = self
            .integrity
            .first()
            .or_else(|| self.prf.first())
            .map(String::as_str);
        let integrity = match hash {
            Some("HMAC_SHA1_96" | "PRF_HMAC_SHA1") => Some("SHA1-96"),
            Some("HMAC_SHA1_160") => Some("SHA1-160"),
            Some("HMAC_SHA2_256_128" | "PRF_HMAC_SHA2_256") => Some("SHA2-256"),
            Some("HMAC_SHA2_384_192" | "PRF_HMAC_SHA2_384") => Some("SHA2-384"),
            Some("HMAC_SHA2_512_256" | "PRF_HMAC_SHA2_512") => Some("SHA2-512"),
            None if self.aead() => None,
            _ => return None,
        };
        let group = match self.groups.first().filter(|g| *g != "NONE") {
            Some(g) => Some(number_of_group(g)?),
            None => None,
        };
        let mut dict = format!(
            "<key>{}SecurityAssociationParameters</key><dict><key>EncryptionAlgorithm</key><string>{encryption}</string>",
            if child { "Child" } else { "IKE" }
        );
        if let Some(i) = integrity {
            dict.push_str(&format!(
                "<key>IntegrityAlgorithm</key><string>{i}</string>"
            ));
        }
        if let Some(g) = group {
            dict.push_str(&format!(
                "<key>DiffieHellmanGroup</key><integer>{g}</integer>"
            ));
        }
        dict.push_str("</dict>");
        if child && group.is_some() {
            dict.push_str("<key>EnablePFS</key><integer>1</integer>");
        }
        Some(dict)
    }

    /// The DH group alone, in strongSwan's keyword.
    pub fn group_keyword(&self) -> Option<&'static str> {
        self.groups
            .iter()
            .filter(|g| *g != "NONE")
            .find_map(|g| strongswan_group(g))
    }
}

/// Why a proposal line does not give a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalError {
    /// A keyword no table here knows: the daemon refuses the line too, or it is newer than
    /// this table.
    UnknownKeyword(String),
    /// No encryption algorithm in the line.
    NoEncryption,
    /// An IKE proposal of AEAD ciphers without a PRF: strongSwan refuses it ("a PRF algorithm
    /// is mandatory in IKE proposals"), it derives PRFs only from integrity algorithms.
    NoPrf,
}

impl std::fmt::Display for ProposalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProposalError::UnknownKeyword(k) => write!(f, "unknown algorithm keyword `{k}`"),
            ProposalError::NoEncryption => write!(f, "no encryption algorithm"),
            ProposalError::NoPrf => write!(
                f,
                "an AEAD IKE proposal needs a PRF (e.g. `prfsha256`): the daemon refuses it"
            ),
        }
    }
}

impl std::error::Error for ProposalError {}

/// Proposals one SA payload can carry (IKEv2 proposal numbers are one byte).
pub const MAX_PROPOSALS: usize = 255;

/// A comma-separated list of proposals, each read by `parse` (which may expand a keyword such
/// as strongSwan's `default` into several); what does not parse goes to `refused`. At most
/// [`MAX_PROPOSALS`] are kept.
pub fn parse_list(
    text: &str,
    mut parse: impl FnMut(&str) -> Result<Vec<Proposal>, ProposalError>,
    mut refused: impl FnMut(String),
) -> Vec<Proposal> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if out.len() >= MAX_PROPOSALS {
            refused(format!(
                "more than {MAX_PROPOSALS} proposals; the rest not read"
            ));
            break;
        }
        match parse(item) {
            Ok(list) => out.extend(list),
            Err(e) => refused(format!(
                "proposal `{}`: {e}",
                item.chars().take(60).collect::<String>()
            )),
        }
    }
    out.truncate(MAX_PROPOSALS);
    out
}

impl Proposal {
    /// Charon's notation: `IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`.
    pub fn charon(&self) -> String {
        let transforms: Vec<&str> = self
            .encryption
            .iter()
            .chain(&self.integrity)
            .chain(&self.prf)
            .chain(&self.groups)
            .chain(&self.esn)
            .map(String::as_str)
            .collect();
        format!("{}:{}", self.protocol, transforms.join("/"))
    }

    /// One strongSwan proposal (`aes256-sha256-modp2048`, `aes256gcm16-prfsha384-ecp384`,
    /// `aes128-sha256-modp2048-none`) for `protocol` (`IKE` or `ESP`). An IKE proposal without
    /// a PRF gets the PRFs of its integrity algorithms, as charon derives them.
    pub fn from_strongswan(protocol: &str, text: &str) -> Result<Proposal, ProposalError> {
        let mut p = Proposal {
            protocol: protocol.to_owned(),
            ..Default::default()
        };
        for token in text.trim().split('-').map(str::trim) {
            let token = token.to_ascii_lowercase();
            if let Some(names) = encryption_from_keyword(&token) {
                p.encryption.extend(names);
            } else if let Some(name) = name_of(INTEGRITY, integrity_alias(&token)) {
                p.integrity.push(name.to_owned());
            } else if let Some(name) = name_of(PRF, &token) {
                p.prf.push(name.to_owned());
            } else if let Some(name) = group_from_keyword(&token) {
                p.groups.push(name.to_owned());
            } else if token == "esn" || token == "noesn" {
                p.esn.push(
                    if token == "esn" {
                        "EXT_SEQ"
                    } else {
                        "NO_EXT_SEQ"
                    }
                    .to_owned(),
                );
            } else {
                return Err(ProposalError::UnknownKeyword(token));
            }
        }
        if p.encryption.is_empty() {
            return Err(ProposalError::NoEncryption);
        }
        p.complete_prf();
        if p.protocol == "IKE" && p.prf.is_empty() {
            return Err(ProposalError::NoPrf);
        }
        Ok(p)
    }

    /// One Libreswan proposal of `ike=` or `esp=`: `aes256-sha2_256;modp2048`,
    /// `aes_gcm256-sha2_512;dh19`, the older `aes256-sha2_256-modp2048`, several algorithms of a
    /// kind joined by `+`. In IKE, the hash after an AEAD cipher is the PRF; after another
    /// cipher, the integrity algorithm and (unless a second one follows) the PRF.
    pub fn from_libreswan(protocol: &str, text: &str) -> Result<Proposal, ProposalError> {
        let ike = protocol == "IKE";
        let mut p = Proposal {
            protocol: protocol.to_owned(),
            ..Default::default()
        };
        let text = text.trim().to_ascii_lowercase();
        let (algorithms, groups) = match text.split_once(';') {
            Some((a, g)) => (a, Some(g)),
            None => (text.as_str(), None),
        };
        let mut parts = algorithms.split('-').map(str::trim);
        for token in parts.next().unwrap_or_default().split('+') {
            let names = libreswan_encryption(token)
                .ok_or_else(|| ProposalError::UnknownKeyword(token.to_owned()))?;
            p.encryption.extend(names);
        }
        let aead = p.aead();
        let mut hashes_seen = 0;
        for part in parts {
            for token in part.split('+').filter(|t| !t.is_empty()) {
                if let Some(group) = libreswan_group(token) {
                    p.groups.push(group.to_owned());
                    continue;
                }
                // `aes_gcm-null`: an AEAD cipher says it has no integrity algorithm.
                if aead && token == "null" {
                    continue;
                }
                let hash = libreswan_hash_keyword(token)
                    .ok_or_else(|| ProposalError::UnknownKeyword(token.to_owned()))?;
                let as_prf = ike && (aead || hashes_seen > 0);
                if as_prf {
                    if let Some(name) = name_of(PRF, &format!("prf{hash}")) {
                        p.prf.push(name.to_owned());
                    }
                } else if let Some(name) = name_of(INTEGRITY, hash) {
                    p.integrity.push(name.to_owned());
                }
            }
            hashes_seen += 1;
        }
        for token in groups.into_iter().flat_map(|g| g.split('+')) {
            let group = libreswan_group(token.trim())
                .ok_or_else(|| ProposalError::UnknownKeyword(token.trim().to_owned()))?;
            p.groups.push(group.to_owned());
        }
        p.complete_prf();
        Ok(p)
    }

    /// IKE needs a PRF: without one written, each integrity algorithm's (as charon's
    /// `integ_prf_map` and Libreswan derive them); AEAD ciphers have none to derive from.
    fn complete_prf(&mut self) {
        if self.protocol != "IKE" || !self.prf.is_empty() {
            return;
        }
        for integrity in &self.integrity {
            let prf = strongswan_integrity(integrity)
                .and_then(|k| name_of(PRF, &format!("prf{}", k.trim_end_matches("_96"))));
            if let Some(prf) = prf {
                if !self.prf.iter().any(|p| p == prf) {
                    self.prf.push(prf.to_owned());
                }
            }
        }
    }

    /// Whether a peer configured with this proposal accepts `offered`: one algorithm in common
    /// for every transform type. `with_groups` false leaves the DH groups out, as the first
    /// CHILD_SA (made in IKE_AUTH, without a key exchange) does. No group at all is the same as
    /// `NONE`, so PFS on one side only does not match.
    pub fn accepts(&self, offered: &Proposal, with_groups: bool) -> bool {
        fn common(a: &[String], b: &[String]) -> bool {
            a.iter().any(|x| b.contains(x))
        }
        let groups = |p: &Proposal| -> Vec<String> {
            if p.groups.is_empty() {
                vec!["NONE".to_owned()]
            } else {
                p.groups.clone()
            }
        };
        common(&self.encryption, &offered.encryption)
            && ((self.integrity.is_empty() && offered.integrity.is_empty())
                || common(&self.integrity, &offered.integrity))
            && (self.protocol != "IKE" || common(&self.prf, &offered.prf))
            && (self.esn.is_empty() || offered.esn.is_empty() || common(&self.esn, &offered.esn))
            && (!with_groups || common(&groups(self), &groups(offered)))
    }

    /// The DH groups other than `NONE`.
    pub fn real_groups(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .map(String::as_str)
            .filter(|g| *g != "NONE")
    }

    /// Whether a transform is one a current implementation warns of or no longer enables by
    /// default (MD5, SHA-1, DES and 3DES, Blowfish, MODP groups under 2048 bits).
    pub fn weak_algorithms(&self) -> Vec<&str> {
        const WEAK: &[&str] = &[
            "DES_CBC",
            "3DES_CBC",
            "BLOWFISH_CBC",
            "HMAC_MD5_96",
            "HMAC_SHA1_96",
            "PRF_HMAC_MD5",
            "PRF_HMAC_SHA1",
            "MODP_768",
            "MODP_1024",
            "MODP_1536",
            "MODP_1024_160",
        ];
        self.encryption
            .iter()
            .chain(&self.integrity)
            .chain(&self.prf)
            .chain(&self.groups)
            .map(String::as_str)
            .filter(|t| WEAK.contains(t))
            .collect()
    }
}

/// strongSwan's older integrity aliases.
fn integrity_alias(token: &str) -> &str {
    match token {
        "sha" => "sha1",
        "sha2_256" => "sha256",
        "sha2_384" => "sha384",
        "sha2_512" => "sha512",
        other => other,
    }
}

/// An encryption keyword of strongSwan (`aes256`, `aes128gcm16`, `3des`, `chacha20poly1305`)
/// as charon names it; `aes` alone is AES-128, as in strongSwan.
fn encryption_from_keyword(k: &str) -> Option<Vec<String>> {
    let fixed = match k {
        "3des" => Some("3DES_CBC"),
        "des" => Some("DES_CBC"),
        "blowfish" | "blowfish128" => Some("BLOWFISH_CBC"),
        "chacha20poly1305" => Some("CHACHA20_POLY1305"),
        "null" => Some("NULL"),
        _ => None,
    };
    if let Some(name) = fixed {
        return Some(vec![name.to_owned()]);
    }
    if let Some(bits) = k.strip_prefix("camellia") {
        let bits = if bits.is_empty() { "128" } else { bits };
        return key_bits(bits).map(|b| vec![format!("CAMELLIA_CBC_{b}")]);
    }
    let rest = k.strip_prefix("aes")?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let (bits, mode) = rest.split_at(digits);
    let bits = key_bits(if bits.is_empty() { "128" } else { bits })?;
    let name = match mode {
        "" => format!("AES_CBC_{bits}"),
        "ctr" => format!("AES_CTR_{bits}"),
        "gcm16" | "gcm128" => format!("AES_GCM_16_{bits}"),
        "gcm12" | "gcm96" => format!("AES_GCM_12_{bits}"),
        "gcm8" | "gcm64" => format!("AES_GCM_8_{bits}"),
        "ccm16" | "ccm128" => format!("AES_CCM_16_{bits}"),
        "ccm12" | "ccm96" => format!("AES_CCM_12_{bits}"),
        "ccm8" | "ccm64" => format!("AES_CCM_8_{bits}"),
        _ => return None,
    };
    Some(vec![name])
}

fn key_bits(bits: &str) -> Option<&str> {
    matches!(bits, "128" | "192" | "256").then_some(bits)
}

/// A DH group keyword of strongSwan (`modp2048`, `ecp384`, `curve25519`, `x25519`, `none`).
fn group_from_keyword(k: &str) -> Option<&'static str> {
    match k {
        "none" => Some("NONE"),
        "x25519" => Some("CURVE_25519"),
        "x448" => Some("CURVE_448"),
        _ => name_of(GROUPS, k),
    }
}

/// Libreswan's cipher names (`aes`, `aes256`, `aes_cbc_128`, `aes_gcm256`, `aes_gcm16_256`,
/// `aes256_gcm16`, `3des`, `chacha20_poly1305`). Without a key length Libreswan proposes
/// both 256 and 128 bits.
fn libreswan_encryption(token: &str) -> Option<Vec<String>> {
    let t = token.trim();
    match t {
        "3des" | "3des_cbc" => return Some(vec!["3DES_CBC".to_owned()]),
        "chacha20_poly1305" | "chacha20poly1305" => {
            return Some(vec!["CHACHA20_POLY1305".to_owned()])
        }
        "null" => return Some(vec!["NULL".to_owned()]),
        _ => {}
    }
    let compact: String = t.replace("_cbc", "").replace('_', "");
    let rest = compact.strip_prefix("aes")?;
    let mode_of = |icv: u8, kind: &str| -> String { format!("AES_{kind}_{icv}_") };
    let (prefix, rest) = if let Some(pos) = rest.find("gcm") {
        let after = &rest[pos + 3..];
        let (icv, after) = icv_of(after);
        (mode_of(icv, "GCM"), format!("{}{}", &rest[..pos], after))
    } else if let Some(pos) = rest.find("ccm") {
        let after = &rest[pos + 3..];
        let (icv, after) = icv_of(after);
        (mode_of(icv, "CCM"), format!("{}{}", &rest[..pos], after))
    } else if let Some(pos) = rest.find("ctr") {
        (
            "AES_CTR_".to_owned(),
            format!("{}{}", &rest[..pos], &rest[pos + 3..]),
        )
    } else {
        ("AES_CBC_".to_owned(), rest.to_owned())
    };
    match rest.as_str() {
        "" => Some(vec![format!("{prefix}256"), format!("{prefix}128")]),
        bits => key_bits(bits).map(|b| vec![format!("{prefix}{b}")]),
    }
}

/// The ICV length after `gcm`/`ccm` in Libreswan's names (`16`, `12`, `8`, or `c`, `b`, `a`),
/// 16 when none is written; and what follows it.
fn icv_of(after: &str) -> (u8, &str) {
    for (prefix, icv) in [("16", 16), ("12", 12), ("c", 16), ("b", 12), ("a", 8)] {
        if let Some(rest) = after.strip_prefix(prefix) {
            // `aes_gcm128` is a key length, not an ICV of 12.
            if !(prefix == "12" && rest.starts_with('8')) {
                return (icv, rest);
            }
        }
    }
    if let Some(rest) = after.strip_prefix('8') {
        if !rest.starts_with('0') {
            return (8, rest);
        }
    }
    (16, after)
}

/// Libreswan's hash names as strongSwan's keyword (`sha2_256` is `sha256`).
fn libreswan_hash_keyword(token: &str) -> Option<&'static str> {
    Some(match token {
        "md5" => "md5",
        "sha1" | "sha" => "sha1",
        "sha2" | "sha2_256" | "sha256" => "sha256",
        "sha2_384" | "sha384" => "sha384",
        "sha2_512" | "sha512" => "sha512",
        "aes_xcbc" | "aesxcbc" => "aesxcbc",
        "aes_cmac" | "aescmac" => "aescmac",
        _ => return None,
    })
}

/// DH groups by IANA number (IKEv2 Transform Type 4) and charon's name, one table for both
/// directions.
const GROUP_NUMBERS: &[(&str, &str)] = &[
    ("1", "MODP_768"),
    ("2", "MODP_1024"),
    ("5", "MODP_1536"),
    ("14", "MODP_2048"),
    ("15", "MODP_3072"),
    ("16", "MODP_4096"),
    ("17", "MODP_6144"),
    ("18", "MODP_8192"),
    ("19", "ECP_256"),
    ("20", "ECP_384"),
    ("21", "ECP_521"),
    ("22", "MODP_1024_160"),
    ("23", "MODP_2048_224"),
    ("24", "MODP_2048_256"),
    ("31", "CURVE_25519"),
    ("32", "CURVE_448"),
];

/// The group of IANA number `n`, in charon's name.
fn group_of_number(n: &str) -> Option<&'static str> {
    let n = n.trim();
    GROUP_NUMBERS
        .iter()
        .find(|(number, _)| *number == n)
        .map(|(_, name)| *name)
}

/// The IANA number of a group in charon's name.
fn number_of_group(name: &str) -> Option<&'static str> {
    GROUP_NUMBERS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(number, _)| *number)
}

/// strongSwan's keyword for the DH group of IANA number `n` (`14` is `modp2048`), for formats
/// that write groups as numbers (Apple profiles, cloud exports).
pub fn group_keyword_of_number(n: &str) -> Option<&'static str> {
    group_of_number(n).and_then(strongswan_group)
}

/// Libreswan's DH names: `modp2048`, `dh14`, `dh19`, `ecp_256`, `curve25519`, `none`.
fn libreswan_group(token: &str) -> Option<&'static str> {
    if let Some(n) = token.strip_prefix("dh") {
        return group_of_number(n);
    }
    group_from_keyword(&token.replace('_', ""))
}

fn strongswan_encryption(e: &str) -> Option<String> {
    let bits = |prefix: &str| e.strip_prefix(prefix).map(str::to_owned);
    Some(match e {
        "3DES_CBC" => "3des".into(),
        "DES_CBC" => "des".into(),
        "BLOWFISH_CBC" => "blowfish".into(),
        "CHACHA20_POLY1305" | "CHACHA20_POLY1305_256" => "chacha20poly1305".into(),
        _ => {
            if let Some(b) = bits("AES_CBC_") {
                format!("aes{b}")
            } else if let Some(b) = bits("AES_CTR_") {
                format!("aes{b}ctr")
            } else if let Some(b) = bits("AES_GCM_16_") {
                format!("aes{b}gcm16")
            } else if let Some(b) = bits("AES_GCM_12_") {
                format!("aes{b}gcm12")
            } else if let Some(b) = bits("AES_GCM_8_") {
                format!("aes{b}gcm8")
            } else if let Some(b) = bits("AES_CCM_16_") {
                format!("aes{b}ccm16")
            } else if let Some(b) = bits("CAMELLIA_CBC_") {
                format!("camellia{b}")
            } else {
                return None;
            }
        }
    })
}

/// Integrity algorithms: charon's name and strongSwan's keyword (one table for both directions).
const INTEGRITY: &[(&str, &str)] = &[
    ("HMAC_MD5_96", "md5"),
    ("HMAC_SHA1_96", "sha1"),
    ("HMAC_SHA1_160", "sha1_160"),
    ("HMAC_SHA2_256_128", "sha256"),
    ("HMAC_SHA2_384_192", "sha384"),
    ("HMAC_SHA2_512_256", "sha512"),
    ("HMAC_SHA2_256_96", "sha256_96"),
    ("AES_XCBC_96", "aesxcbc"),
    ("AES_CMAC_96", "aescmac"),
];

fn strongswan_integrity(i: &str) -> Option<&'static str> {
    keyword_of(INTEGRITY, i)
}

fn keyword_of(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

fn name_of(table: &[(&'static str, &'static str)], keyword: &str) -> Option<&'static str> {
    table.iter().find(|(_, k)| *k == keyword).map(|(n, _)| *n)
}

/// PRFs: charon's name and strongSwan's keyword.
const PRF: &[(&str, &str)] = &[
    ("PRF_HMAC_MD5", "prfmd5"),
    ("PRF_HMAC_SHA1", "prfsha1"),
    ("PRF_HMAC_SHA2_256", "prfsha256"),
    ("PRF_HMAC_SHA2_384", "prfsha384"),
    ("PRF_HMAC_SHA2_512", "prfsha512"),
    ("PRF_AES128_XCBC", "prfaesxcbc"),
    ("PRF_AES128_CMAC", "prfaescmac"),
];

fn strongswan_prf(p: &str) -> Option<&'static str> {
    keyword_of(PRF, p)
}

/// DH groups (key exchange methods): charon's name and strongSwan's keyword.
const GROUPS: &[(&str, &str)] = &[
    ("MODP_768", "modp768"),
    ("MODP_1024", "modp1024"),
    ("MODP_1536", "modp1536"),
    ("MODP_2048", "modp2048"),
    ("MODP_3072", "modp3072"),
    ("MODP_4096", "modp4096"),
    ("MODP_6144", "modp6144"),
    ("MODP_8192", "modp8192"),
    ("MODP_1024_160", "modp1024s160"),
    ("MODP_2048_224", "modp2048s224"),
    ("MODP_2048_256", "modp2048s256"),
    ("ECP_192", "ecp192"),
    ("ECP_224", "ecp224"),
    ("ECP_256", "ecp256"),
    ("ECP_384", "ecp384"),
    ("ECP_521", "ecp521"),
    ("ECP_224_BP", "ecp224bp"),
    ("ECP_256_BP", "ecp256bp"),
    ("ECP_384_BP", "ecp384bp"),
    ("ECP_512_BP", "ecp512bp"),
    ("CURVE_25519", "curve25519"),
    ("CURVE_448", "curve448"),
    ("ML_KEM_512", "mlkem512"),
    ("ML_KEM_768", "mlkem768"),
    ("ML_KEM_1024", "mlkem1024"),
];

fn strongswan_group(g: &str) -> Option<&'static str> {
    keyword_of(GROUPS, g)
}

// ---------------------------------------------------------------------------------------------
// Microsoft's algorithm names.
//
// Windows' `Set-VpnConnectionIPsecConfiguration` parameters and Azure's IPsec policy fields
// (`ikeEncryption`, `ipsecEncryption`, `ikeIntegrity`, `dhGroup`, `pfsGroup`) are the same
// enumerations (IKEEXT_CIPHER_TYPE, IKEEXT_INTEGRITY_TYPE, IKEEXT_DH_GROUP, IPSEC_PFS_GROUP and
// Azure's VpnClientIPsecParameters): one table each, Microsoft's name and strongSwan's keyword,
// matched without case as PowerShell and Azure do. Azure writes a DH group `DHGroup14` where
// Windows writes `Group14`; ESP integrity is the one enumeration the two spell apart
// (`SHA256128` against `SHA256`).

/// `EncryptionMethod` (Windows) and `ikeEncryption` (Azure): the IKE cipher.
const MICROSOFT_IKE_ENCRYPTION: &[(&str, &str)] = &[
    ("DES", "des"),
    ("DES3", "3des"),
    ("AES128", "aes128"),
    ("AES192", "aes192"),
    ("AES256", "aes256"),
    ("GCMAES128", "aes128gcm16"),
    ("GCMAES256", "aes256gcm16"),
];

/// `CipherTransformConstants` (Windows) and `ipsecEncryption` (Azure): the ESP cipher; `None`
/// is ESP without encryption (`null`).
const MICROSOFT_ESP_ENCRYPTION: &[(&str, &str)] = &[
    ("None", "null"),
    ("DES", "des"),
    ("DES3", "3des"),
    ("AES128", "aes128"),
    ("AES192", "aes192"),
    ("AES256", "aes256"),
    ("GCMAES128", "aes128gcm16"),
    ("GCMAES192", "aes192gcm16"),
    ("GCMAES256", "aes256gcm16"),
];

/// `IntegrityCheckMethod` (Windows) and `ikeIntegrity` (Azure): the hash of the IKE integrity
/// algorithm and of the PRF. Azure's enumeration also has `GCMAES128`/`GCMAES256`, for which
/// Microsoft documents no PRF: they are not in this table.
const MICROSOFT_IKE_INTEGRITY: &[(&str, &str)] = &[
    ("MD5", "md5"),
    ("SHA1", "sha1"),
    ("SHA256", "sha256"),
    ("SHA384", "sha384"),
];

/// Windows' `AuthenticationTransformConstants`: the ESP integrity algorithm; the GCM names are
/// the AES-GCM cipher of that key size (or AES-GMAC without a cipher), `None` no integrity.
const WINDOWS_ESP_INTEGRITY: &[(&str, &str)] = &[
    ("None", "none"),
    ("MD596", "md5"),
    ("SHA196", "sha1"),
    ("SHA256128", "sha256"),
    ("GCMAES128", "aes128gcm16"),
    ("GCMAES192", "aes192gcm16"),
    ("GCMAES256", "aes256gcm16"),
];

/// Azure's `ipsecIntegrity`: as [`WINDOWS_ESP_INTEGRITY`], spelt by the hash alone.
const AZURE_ESP_INTEGRITY: &[(&str, &str)] = &[
    ("MD5", "md5"),
    ("SHA1", "sha1"),
    ("SHA256", "sha256"),
    ("GCMAES128", "aes128gcm16"),
    ("GCMAES192", "aes192gcm16"),
    ("GCMAES256", "aes256gcm16"),
];

/// Windows' `DHGroup` (Azure's `dhGroup` with `DH` before each `Group`): `None` is no group.
const MICROSOFT_DH_GROUPS: &[(&str, &str)] = &[
    ("None", "none"),
    ("Group1", "modp768"),
    ("Group2", "modp1024"),
    ("Group14", "modp2048"),
    ("Group2048", "modp2048"),
    ("ECP256", "ecp256"),
    ("ECP384", "ecp384"),
    ("Group24", "modp2048s256"),
];

/// `PfsGroup` (Windows) and `pfsGroup` (Azure): the group of a rekey, `None` no PFS. `PFSMM`
/// (the IKE SA's group) is no group of its own and not in this table.
const MICROSOFT_PFS_GROUPS: &[(&str, &str)] = &[
    ("None", "none"),
    ("PFS1", "modp768"),
    ("PFS2", "modp1024"),
    ("PFS2048", "modp2048"),
    ("PFS14", "modp2048"),
    ("ECP256", "ecp256"),
    ("ECP384", "ecp384"),
    ("PFS24", "modp2048s256"),
];

fn microsoft_keyword(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    let name = name.trim();
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, k)| *k)
}

/// Windows' `EncryptionMethod` or Azure's `ikeEncryption` as strongSwan's keyword.
pub fn microsoft_ike_encryption(name: &str) -> Option<&'static str> {
    microsoft_keyword(MICROSOFT_IKE_ENCRYPTION, name)
}

/// Windows' `CipherTransformConstants` or Azure's `ipsecEncryption` as strongSwan's keyword
/// (`null` for `None`).
pub fn microsoft_esp_encryption(name: &str) -> Option<&'static str> {
    microsoft_keyword(MICROSOFT_ESP_ENCRYPTION, name)
}

/// Windows' `IntegrityCheckMethod` or Azure's `ikeIntegrity` as the hash's keyword (`sha256`:
/// integrity `sha256`, PRF `prfsha256`).
pub fn microsoft_ike_integrity(name: &str) -> Option<&'static str> {
    microsoft_keyword(MICROSOFT_IKE_INTEGRITY, name)
}

/// Windows' `AuthenticationTransformConstants` as a keyword: a hash, an AES-GCM cipher, or
/// `none`.
pub fn windows_esp_integrity(name: &str) -> Option<&'static str> {
    microsoft_keyword(WINDOWS_ESP_INTEGRITY, name)
}

/// Azure's `ipsecIntegrity` as a keyword: a hash or an AES-GCM cipher.
pub fn azure_esp_integrity(name: &str) -> Option<&'static str> {
    microsoft_keyword(AZURE_ESP_INTEGRITY, name)
}

/// Windows' `DHGroup` as a group keyword (`none` for `None`). Azure's `dhGroup` is read by
/// [`azure_dh_group`].
pub fn microsoft_dh_group(name: &str) -> Option<&'static str> {
    microsoft_keyword(MICROSOFT_DH_GROUPS, name)
}

/// Azure's `dhGroup` (`DHGroup14`, `ECP384`, `None`) as a group keyword: Windows' table, its
/// `Group` names written with `DH` before them.
pub fn azure_dh_group(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let prefixed = name.len() > 2
        && name.is_char_boundary(2)
        && name[..2].eq_ignore_ascii_case("DH")
        && name[2..].to_ascii_lowercase().starts_with("group");
    if prefixed {
        microsoft_dh_group(&name[2..])
    } else if name.to_ascii_lowercase().starts_with("group") {
        // Windows' spelling: not one of Azure's values.
        None
    } else {
        microsoft_dh_group(name)
    }
}

/// `PfsGroup`/`pfsGroup` as a group keyword (`none` for `None`); `PFSMM` is not one.
pub fn microsoft_pfs_group(name: &str) -> Option<&'static str> {
    microsoft_keyword(MICROSOFT_PFS_GROUPS, name)
}

/// The Microsoft name of a strongSwan keyword in `table` (the first, for two names of one
/// group).
fn microsoft_name(table: &[(&'static str, &'static str)], keyword: &str) -> Option<&'static str> {
    name_of(table, keyword)
}

/// strongSwan's hash keyword as Libreswan spells it.
fn libreswan_hash(h: &str) -> &'static str {
    match h {
        "md5" => "md5",
        "sha1" => "sha1",
        "sha256" => "sha2_256",
        "sha384" => "sha2_384",
        "sha512" => "sha2_512",
        "aesxcbc" => "aes_xcbc",
        "aescmac" => "aes_cmac",
        _ => "sha2_256",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ike_proposal_in_each_syntax() {
        let p = Proposal::parse("IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")
            .unwrap();
        assert_eq!(
            p.strongswan().as_deref(),
            Some("aes256-sha256-prfsha256-modp2048")
        );
        assert_eq!(p.libreswan().as_deref(), Some("aes256-sha2_256;modp2048"));
        assert_eq!(
            p.windows().as_deref(),
            Some("-EncryptionMethod AES256 -IntegrityCheckMethod SHA256 -DHGroup Group14 -CipherTransformConstants AES256 -AuthenticationTransformConstants SHA256128 -PfsGroup None")
        );
        assert_eq!(p.group_keyword(), Some("modp2048"));
    }

    #[test]
    fn esp_and_aead_proposals() {
        let esp = Proposal::parse("ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ").unwrap();
        assert_eq!(esp.strongswan().as_deref(), Some("aes256-sha256"));
        let pfs =
            Proposal::parse("ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ").unwrap();
        assert_eq!(pfs.strongswan().as_deref(), Some("aes256-sha256-modp2048"));
        let gcm = Proposal::parse("IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384").unwrap();
        assert_eq!(
            gcm.strongswan().as_deref(),
            Some("aes256gcm16-prfsha384-ecp384")
        );
        assert_eq!(
            gcm.libreswan().as_deref(),
            Some("aes256_gcm16-sha2_384;ecp384")
        );
        let x = Proposal::parse("IKE:CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/CURVE_25519").unwrap();
        assert_eq!(
            x.strongswan().as_deref(),
            Some("chacha20poly1305-prfsha256-curve25519")
        );
        assert_eq!(x.windows(), None);
        // GCM: the PRF's hash as integrity method, the GCM transform for ESP (Windows refuses
        // GCM with an HMAC).
        assert_eq!(
            gcm.windows().as_deref(),
            Some("-EncryptionMethod GCMAES256 -IntegrityCheckMethod SHA384 -DHGroup ECP384 -CipherTransformConstants GCMAES256 -AuthenticationTransformConstants GCMAES256 -PfsGroup None")
        );
        assert_eq!(
            gcm.apple(false).as_deref(),
            Some("<key>IKESecurityAssociationParameters</key><dict><key>EncryptionAlgorithm</key><string>AES-256-GCM</string><key>IntegrityAlgorithm</key><string>SHA2-384</string><key>DiffieHellmanGroup</key><integer>20</integer></dict>")
        );
        assert_eq!(
            pfs.apple(true).as_deref(),
            Some("<key>ChildSecurityAssociationParameters</key><dict><key>EncryptionAlgorithm</key><string>AES-256</string><key>IntegrityAlgorithm</key><string>SHA2-256</string><key>DiffieHellmanGroup</key><integer>14</integer></dict><key>EnablePFS</key><integer>1</integer>")
        );
        assert_eq!(
            x.apple(false).map(|a| a.contains("ChaCha20Poly1305")),
            Some(true)
        );
        assert_eq!(group_keyword_of_number("31"), Some("curve25519"));
        assert_eq!(group_keyword_of_number("99"), None);
    }

    /// One table per Microsoft enumeration, read by Windows' and Azure's readers alike.
    #[test]
    fn microsoft_names() {
        assert_eq!(microsoft_ike_encryption("gcmAES256"), Some("aes256gcm16"));
        assert_eq!(microsoft_ike_encryption("DES3"), Some("3des"));
        // GCMAES192 is an ESP cipher only.
        assert_eq!(microsoft_ike_encryption("GCMAES192"), None);
        assert_eq!(microsoft_esp_encryption("GCMAES192"), Some("aes192gcm16"));
        assert_eq!(microsoft_esp_encryption("None"), Some("null"));
        assert_eq!(microsoft_ike_integrity("SHA384"), Some("sha384"));
        // Azure's ikeIntegrity GCMAES256 names no PRF: not in the table.
        assert_eq!(microsoft_ike_integrity("GCMAES256"), None);
        assert_eq!(windows_esp_integrity("SHA256128"), Some("sha256"));
        assert_eq!(windows_esp_integrity("SHA256"), None);
        assert_eq!(azure_esp_integrity("SHA256"), Some("sha256"));
        assert_eq!(azure_esp_integrity("SHA256128"), None);
        // Azure's DH groups are Windows' with `DH` before `Group`.
        assert_eq!(microsoft_dh_group("Group14"), Some("modp2048"));
        assert_eq!(azure_dh_group("DHGroup14"), Some("modp2048"));
        assert_eq!(azure_dh_group("dhgroup2048"), Some("modp2048"));
        assert_eq!(azure_dh_group("ECP384"), Some("ecp384"));
        assert_eq!(azure_dh_group("None"), Some("none"));
        assert_eq!(azure_dh_group("Group14"), None);
        assert_eq!(microsoft_dh_group("DHGroup14"), None);
        assert_eq!(azure_dh_group("DH"), None);
        assert_eq!(microsoft_pfs_group("PFS2048"), Some("modp2048"));
        assert_eq!(microsoft_pfs_group("PFS24"), Some("modp2048s256"));
        assert_eq!(microsoft_pfs_group("PFSMM"), None);
        // Every keyword parses.
        for (_, k) in MICROSOFT_IKE_ENCRYPTION
            .iter()
            .chain(MICROSOFT_ESP_ENCRYPTION)
        {
            assert!(Proposal::from_strongswan("ESP", k).is_ok(), "{k}");
        }
        for (_, k) in MICROSOFT_DH_GROUPS.iter().chain(MICROSOFT_PFS_GROUPS) {
            assert!(Proposal::from_strongswan("ESP", &format!("aes128-sha1-{k}")).is_ok());
        }
    }

    #[test]
    fn unknown_transforms_give_no_line() {
        let p = Proposal::parse("IKE:SOMETHING_NEW/PRF_HMAC_SHA2_256/MODP_2048").unwrap();
        assert_eq!(p.strongswan(), None);
        assert_eq!(Proposal::parse("no colon"), None);
    }

    #[test]
    fn keywords_of_both_implementations() {
        // hwdsl2's Libreswan gateway writes `phase2alg=aes_gcm-null`.
        assert_eq!(
            Proposal::from_libreswan("ESP", "aes_gcm-null").map(|p| p.charon()),
            Ok("ESP:AES_GCM_16_256/AES_GCM_16_128".to_owned())
        );
        assert!(Proposal::from_libreswan("ESP", "aes-null").is_err());
        let p = Proposal::from_strongswan("IKE", "aes256-sha256-modp2048").unwrap();
        assert_eq!(
            p.charon(),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
        );
        assert_eq!(
            Proposal::from_strongswan("IKE", "aes256gcm16-ecp384"),
            Err(ProposalError::NoPrf)
        );
        let esp = Proposal::from_strongswan("ESP", "aes256gcm16-modp2048-none").unwrap();
        assert_eq!(esp.charon(), "ESP:AES_GCM_16_256/MODP_2048/NONE");
        let l = Proposal::from_libreswan("IKE", "aes256-sha2_256;modp2048").unwrap();
        assert_eq!(l, p);
        let gcm = Proposal::from_libreswan("IKE", "aes_gcm256-sha2_512;dh19").unwrap();
        assert_eq!(gcm.charon(), "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_512/ECP_256");
        let both = Proposal::from_libreswan("ESP", "aes-sha1").unwrap();
        assert_eq!(both.encryption, vec!["AES_CBC_256", "AES_CBC_128"]);
        assert!(matches!(
            Proposal::from_strongswan("IKE", "aes256-sha256-modp9999"),
            Err(ProposalError::UnknownKeyword(_))
        ));
        // What the fix table writes reads back as the same proposal.
        assert_eq!(
            Proposal::from_libreswan("IKE", &gcm.libreswan().unwrap()).unwrap(),
            gcm
        );
    }

    #[test]
    fn acceptance_by_transform_type() {
        let ike = |s| Proposal::from_strongswan("IKE", s).unwrap();
        let esp = |s| Proposal::from_strongswan("ESP", s).unwrap();
        assert!(ike("aes256-sha256-modp2048-ecp256").accepts(&ike("aes256-sha256-ecp256"), true));
        assert!(!ike("aes256-sha256-ecp384").accepts(&ike("aes256-sha256-modp2048"), true));
        assert!(ike("aes256-sha256-ecp384").accepts(&ike("aes256-sha256-modp2048"), false));
        assert!(!ike("aes128-sha1-modp2048").accepts(&ike("aes256-sha256-modp2048"), false));
        // PFS on one side only does not match at a rekey; `none` makes it optional.
        assert!(!esp("aes256-sha256").accepts(&esp("aes256-sha256-modp2048"), true));
        assert!(esp("aes256-sha256").accepts(&esp("aes256-sha256-modp2048"), false));
        assert!(esp("aes256-sha256-modp2048-none").accepts(&esp("aes256-sha256"), true));
    }
}
