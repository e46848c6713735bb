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
    /// `None` when Windows offers no such algorithm.
    pub fn windows(&self) -> Option<String> {
        let (cipher, encryption) = match self.encryption.first()?.as_str() {
            "AES_CBC_128" => ("AES128", "AES128"),
            "AES_CBC_192" => ("AES192", "AES192"),
            "AES_CBC_256" => ("AES256", "AES256"),
            "AES_GCM_16_128" => ("GCMAES128", "GCMAES128"),
            "AES_GCM_16_256" => ("GCMAES256", "GCMAES256"),
            "3DES_CBC" => ("DES3", "DES3"),
            _ => return None,
        };
        let integrity = match self.integrity.first().map(String::as_str) {
            Some("HMAC_SHA1_96") => "SHA1",
            Some("HMAC_SHA2_256_128") => "SHA256",
            Some("HMAC_SHA2_384_192") => "SHA384",
            Some("HMAC_MD5_96") => "MD5",
            None if self.aead() => "SHA256",
            _ => return None,
        };
        let auth_transform = match integrity {
            "SHA1" => "SHA196",
            "MD5" => "MD596",
            "SHA384" => "SHA256128",
            _ => "SHA256128",
        };
        let group = match self.groups.first().map(String::as_str) {
            Some("MODP_1024") => "Group2",
            Some("MODP_2048") => "Group14",
            Some("ECP_256") => "ECP256",
            Some("ECP_384") => "ECP384",
            Some("MODP_768") => "Group1",
            None => "Group14",
            _ => return None,
        };
        Some(format!(
            "-EncryptionMethod {encryption} -IntegrityCheckMethod {integrity} -DHGroup {group} -CipherTransformConstants {cipher} -AuthenticationTransformConstants {auth_transform} -PfsGroup None"
        ))
    }

    /// The DH group alone, in strongSwan's keyword.
    pub fn group_keyword(&self) -> Option<&'static str> {
        self.groups
            .iter()
            .filter(|g| *g != "NONE")
            .find_map(|g| strongswan_group(g))
    }
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

fn strongswan_integrity(i: &str) -> Option<&'static str> {
    Some(match i {
        "HMAC_MD5_96" => "md5",
        "HMAC_SHA1_96" => "sha1",
        "HMAC_SHA2_256_128" => "sha256",
        "HMAC_SHA2_384_192" => "sha384",
        "HMAC_SHA2_512_256" => "sha512",
        "HMAC_SHA2_256_96" => "sha256_96",
        "AES_XCBC_96" => "aesxcbc",
        "AES_CMAC_96" => "aescmac",
        _ => return None,
    })
}

fn strongswan_prf(p: &str) -> Option<&'static str> {
    Some(match p {
        "PRF_HMAC_MD5" => "prfmd5",
        "PRF_HMAC_SHA1" => "prfsha1",
        "PRF_HMAC_SHA2_256" => "prfsha256",
        "PRF_HMAC_SHA2_384" => "prfsha384",
        "PRF_HMAC_SHA2_512" => "prfsha512",
        "PRF_AES128_XCBC" => "prfaesxcbc",
        "PRF_AES128_CMAC" => "prfaescmac",
        _ => return None,
    })
}

fn strongswan_group(g: &str) -> Option<&'static str> {
    Some(match g {
        "MODP_768" => "modp768",
        "MODP_1024" => "modp1024",
        "MODP_1536" => "modp1536",
        "MODP_2048" => "modp2048",
        "MODP_3072" => "modp3072",
        "MODP_4096" => "modp4096",
        "MODP_6144" => "modp6144",
        "MODP_8192" => "modp8192",
        "MODP_1024_160" => "modp1024s160",
        "MODP_2048_224" => "modp2048s224",
        "MODP_2048_256" => "modp2048s256",
        "ECP_192" => "ecp192",
        "ECP_224" => "ecp224",
        "ECP_256" => "ecp256",
        "ECP_384" => "ecp384",
        "ECP_521" => "ecp521",
        "ECP_224_BP" => "ecp224bp",
        "ECP_256_BP" => "ecp256bp",
        "ECP_384_BP" => "ecp384bp",
        "ECP_512_BP" => "ecp512bp",
        "CURVE_25519" => "curve25519",
        "CURVE_448" => "curve448",
        "ML_KEM_512" => "mlkem512",
        "ML_KEM_768" => "mlkem768",
        "ML_KEM_1024" => "mlkem1024",
        _ => return None,
    })
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
    }

    #[test]
    fn unknown_transforms_give_no_line() {
        let p = Proposal::parse("IKE:SOMETHING_NEW/PRF_HMAC_SHA2_256/MODP_2048").unwrap();
        assert_eq!(p.strongswan(), None);
        assert_eq!(Proposal::parse("no colon"), None);
    }
}
