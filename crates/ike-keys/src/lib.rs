//! IKE SA key material that users hand to `ike-doctor diagnose --keys FILE`, read from the three
//! places it usually comes from, the format detected from the content:
//!
//! - Wireshark's IKEv2 decryption table (the `ikev2_decryption_table` UAT file, one SA a line:
//!   `"SPIi","SPIr","SK_ei","SK_er","<encryption>","SK_ai","SK_ar","<integrity>"` with Wireshark's
//!   algorithm names such as `AES-CBC-128 [RFC3602]` and `HMAC_SHA2_256_128 [RFC4868]`);
//! - the same table as strongSwan's save-keys plugin appends it (SPIs and keys unquoted, SK_ai and
//!   SK_ar empty with AEAD ciphers and the integrity `NONE [RFC4306]`);
//! - charon's log at `ike` level 4 (`Sk_ei secret => 16 bytes @ 0x...` followed by a hex dump),
//!   bound to SPIs by the `checkout IKEv2 SA by message with SPIs ..._i ..._r` line of the same
//!   thread (`mgr` level 2) when present, and to algorithms by `selected proposal: IKE:...`.
//!
//! Key sets without SPIs are still useful: the timeline binds them to the IKE SA whose messages
//! they authenticate. Keys are zeroed on drop and never printed by `Debug`.

mod charon;
mod table;

pub use charon::strip_key_material;

use ike_crypto::{Encryption, Integrity};
use zeroize::Zeroize;

/// Which format a key file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    WiresharkTable,
    StrongswanSaveKeys,
    CharonLog,
}

impl KeyFormat {
    pub fn describe(self) -> &'static str {
        match self {
            KeyFormat::WiresharkTable => "Wireshark ikev2_decryption_table",
            KeyFormat::StrongswanSaveKeys => "strongSwan save-keys table",
            KeyFormat::CharonLog => "charon log with IKE key material (ike level 4)",
        }
    }
}

/// The integrity algorithm a key set names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegritySpec {
    /// Not stated (charon log without the proposal line): taken from the capture.
    Unknown,
    /// None: the cipher is AEAD.
    None,
    Some(Integrity),
}

/// The keys of one IKE SA (SK_e and SK_a of both directions; SK_d and SK_p are not needed to
/// read messages).
#[derive(Clone, PartialEq, Eq)]
pub struct IkeSaKeySet {
    pub spi_i: Option<u64>,
    /// `None` when unknown (a responder's charon log); 0 is never a valid responder SPI here.
    pub spi_r: Option<u64>,
    /// `None` when the file does not say (taken from the capture's IKE_SA_INIT response).
    pub encryption: Option<Encryption>,
    pub integrity: IntegritySpec,
    pub sk_ei: Vec<u8>,
    pub sk_er: Vec<u8>,
    pub sk_ai: Vec<u8>,
    pub sk_ar: Vec<u8>,
    /// 1-based line of the file where the set starts.
    pub line: u64,
}

impl Drop for IkeSaKeySet {
    fn drop(&mut self) {
        self.sk_ei.zeroize();
        self.sk_er.zeroize();
        self.sk_ai.zeroize();
        self.sk_ar.zeroize();
    }
}

impl std::fmt::Debug for IkeSaKeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IkeSaKeySet")
            .field("spi_i", &self.spi_i.map(|s| format!("{s:016x}")))
            .field("spi_r", &self.spi_r.map(|s| format!("{s:016x}")))
            .field("encryption", &self.encryption)
            .field("integrity", &self.integrity)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl IkeSaKeySet {
    /// Whether the set belongs to the IKE SA with these SPIs, as far as its SPIs are known.
    pub fn matches_spis(&self, spi_i: u64, spi_r: u64) -> bool {
        self.spi_i.is_none_or(|s| s == spi_i) && self.spi_r.is_none_or(|s| s == spi_r)
    }

    /// Whether the set names both SPIs.
    pub fn has_spis(&self) -> bool {
        self.spi_i.is_some() && self.spi_r.is_some()
    }

    /// This set as one line of Wireshark's ikev2_decryption_table (with the key material: only
    /// for tests and an explicit user request). `None` without SPIs or a Wireshark name.
    pub fn to_wireshark_line(&self) -> Option<String> {
        let encryption = wireshark_encryption_name(self.encryption?)?;
        let integrity = match self.integrity {
            IntegritySpec::None => "NONE [RFC4306]",
            IntegritySpec::Some(i) => wireshark_integrity_name(i)?,
            IntegritySpec::Unknown => return None,
        };
        Some(format!(
            "\"{:016x}\",\"{:016x}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\",\"{}\"",
            self.spi_i?,
            self.spi_r?,
            hex(&self.sk_ei),
            hex(&self.sk_er),
            encryption,
            hex(&self.sk_ai),
            hex(&self.sk_ar),
            integrity
        ))
    }
}

/// Every key set of a file, and what could not be used.
#[derive(Debug, Clone, Default)]
pub struct KeyTable {
    pub format: Option<KeyFormat>,
    pub sets: Vec<IkeSaKeySet>,
    /// Lines that looked like key material but could not be used, with the reason (no key bytes).
    pub notes: Vec<String>,
}

/// Largest key file read: key tables are small, and a large file is not one.
pub const MAX_KEY_FILE: usize = 16 << 20;

/// Whether `content` looks like one of the three key formats (for content detection).
pub fn looks_like_keys(content: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&content[..content.len().min(1 << 20)]);
    charon::looks_like(&text) || table::looks_like(&text)
}

/// Reads a key file in any of the three formats. Never fails: unusable lines become notes.
pub fn parse(content: &[u8]) -> KeyTable {
    let content = &content[..content.len().min(MAX_KEY_FILE)];
    let text = String::from_utf8_lossy(content);
    if charon::looks_like(&text) {
        charon::parse(&text)
    } else {
        table::parse(&text)
    }
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

const WIRESHARK_ENCRYPTION: &[(&str, u16, Option<u16>)] = &[
    ("3DES [RFC2451]", 3, None),
    ("AES-CBC-128 [RFC3602]", 12, Some(128)),
    ("AES-CBC-192 [RFC3602]", 12, Some(192)),
    ("AES-CBC-256 [RFC3602]", 12, Some(256)),
    ("AES-CTR-128 [RFC5930]", 13, Some(128)),
    ("AES-CTR-192 [RFC5930]", 13, Some(192)),
    ("AES-CTR-256 [RFC5930]", 13, Some(256)),
    ("AES-GCM-128 with 8 octet ICV [RFC5282]", 18, Some(128)),
    ("AES-GCM-192 with 8 octet ICV [RFC5282]", 18, Some(192)),
    ("AES-GCM-256 with 8 octet ICV [RFC5282]", 18, Some(256)),
    ("AES-GCM-128 with 12 octet ICV [RFC5282]", 19, Some(128)),
    ("AES-GCM-192 with 12 octet ICV [RFC5282]", 19, Some(192)),
    ("AES-GCM-256 with 12 octet ICV [RFC5282]", 19, Some(256)),
    ("AES-GCM-128 with 16 octet ICV [RFC5282]", 20, Some(128)),
    ("AES-GCM-192 with 16 octet ICV [RFC5282]", 20, Some(192)),
    ("AES-GCM-256 with 16 octet ICV [RFC5282]", 20, Some(256)),
    ("AES-CCM-128 with 8 octet ICV [RFC5282]", 14, Some(128)),
    ("AES-CCM-192 with 8 octet ICV [RFC5282]", 14, Some(192)),
    ("AES-CCM-256 with 8 octet ICV [RFC5282]", 14, Some(256)),
    ("AES-CCM-128 with 12 octet ICV [RFC5282]", 15, Some(128)),
    ("AES-CCM-192 with 12 octet ICV [RFC5282]", 15, Some(192)),
    ("AES-CCM-256 with 12 octet ICV [RFC5282]", 15, Some(256)),
    ("AES-CCM-128 with 16 octet ICV [RFC5282]", 16, Some(128)),
    ("AES-CCM-192 with 16 octet ICV [RFC5282]", 16, Some(192)),
    ("AES-CCM-256 with 16 octet ICV [RFC5282]", 16, Some(256)),
];

const WIRESHARK_INTEGRITY: &[(&str, u16)] = &[
    ("HMAC_MD5_96 [RFC2403]", 1),
    ("HMAC_SHA1_96 [RFC2404]", 2),
    ("HMAC_SHA2_256_128 [RFC4868]", 12),
    ("HMAC_SHA2_384_192 [RFC4868]", 13),
    ("HMAC_SHA2_512_256 [RFC4868]", 14),
];

/// The cipher for a name of Wireshark's IKEv2 table (exact, as Wireshark and save-keys write it).
pub fn encryption_from_wireshark(name: &str) -> Option<Encryption> {
    let (_, id, bits) = WIRESHARK_ENCRYPTION.iter().find(|(n, _, _)| *n == name)?;
    Encryption::from_transform_id(*id, *bits)
}

/// Wireshark's name of a cipher (`None` for ChaCha20-Poly1305, which Wireshark's table lacks).
pub fn wireshark_encryption_name(encryption: Encryption) -> Option<&'static str> {
    WIRESHARK_ENCRYPTION
        .iter()
        .find(|(_, id, bits)| Encryption::from_transform_id(*id, *bits) == Some(encryption))
        .map(|(n, _, _)| *n)
}

/// The integrity spec for a Wireshark integrity name; `None` for an unknown or unchecked one.
pub fn integrity_from_wireshark(name: &str) -> Option<IntegritySpec> {
    if name == "NONE [RFC4306]" {
        return Some(IntegritySpec::None);
    }
    let (_, id) = WIRESHARK_INTEGRITY.iter().find(|(n, _)| *n == name)?;
    Integrity::from_transform_id(*id).map(IntegritySpec::Some)
}

/// Wireshark's name of an integrity algorithm (`None` for AES-XCBC/CMAC, which it lacks).
pub fn wireshark_integrity_name(integrity: Integrity) -> Option<&'static str> {
    WIRESHARK_INTEGRITY
        .iter()
        .find(|(_, id)| *id == integrity.transform_id())
        .map(|(n, _)| *n)
}

#[cfg(test)]
mod tests;
