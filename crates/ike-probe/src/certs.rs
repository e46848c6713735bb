//! The gateway's certificate chain as `--eap-identity` retrieves it: what each certificate
//! says, and the checks a client makes against the host name it connects to.
use serde::Serialize;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

/// One certificate, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    /// Subject alternative names ("DNS:gw.example.net", "IP:192.0.2.1", "email:...").
    pub san: Vec<String>,
    pub is_ca: bool,
    pub extended_key_usage: Vec<String>,
    pub public_key: String,
    /// Seconds since the Unix epoch, for the checks.
    #[serde(skip)]
    pub not_before_unix: i64,
    #[serde(skip)]
    pub not_after_unix: i64,
}

/// A DER-encoded distinguished name as text ("C=CH, O=ikelab, CN=gateway").
pub fn dn_text(der: &[u8]) -> String {
    match X509Name::from_der(der) {
        Ok((_, name)) => name.to_string(),
        Err(_) => format!("(unparsed DN, {} bytes)", der.len()),
    }
}

pub fn summarize(der: &[u8]) -> Result<CertSummary, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("not X.509: {e}"))?;
    let mut san = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            san.push(match name {
                GeneralName::DNSName(d) => format!("DNS:{d}"),
                GeneralName::RFC822Name(e) => format!("email:{e}"),
                GeneralName::IPAddress(bytes) => match bytes.len() {
                    4 => format!("IP:{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]),
                    16 => {
                        let mut o = [0u8; 16];
                        o.copy_from_slice(bytes);
                        format!("IP:{}", std::net::Ipv6Addr::from(o))
                    }
                    _ => "IP:(malformed)".to_string(),
                },
                GeneralName::URI(u) => format!("URI:{u}"),
                GeneralName::DirectoryName(n) => format!("DirName:{n}"),
                other => format!("{other:?}"),
            });
        }
    }
    let mut eku = Vec::new();
    if let Ok(Some(ext)) = cert.extended_key_usage() {
        let e = ext.value;
        for (set, name) in [
            (e.server_auth, "serverAuth"),
            (e.client_auth, "clientAuth"),
            (e.any, "anyExtendedKeyUsage"),
        ] {
            if set {
                eku.push(name.to_string());
            }
        }
        for oid in &e.other {
            eku.push(match oid.to_id_string().as_str() {
                "1.3.6.1.5.5.8.2.2" => "ikeIntermediate".to_string(),
                "1.3.6.1.5.5.7.3.17" => "ipsecIKE".to_string(),
                other => other.to_string(),
            });
        }
    }
    let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    let validity = cert.validity();
    let key = cert.public_key();
    let public_key = match key.algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => format!("RSA {} bits", key.subject_public_key.data.len() * 8),
        "1.2.840.10045.2.1" => "ECDSA".to_string(),
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        other => other.to_string(),
    };
    Ok(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        san,
        is_ca,
        extended_key_usage: eku,
        public_key,
        not_before_unix: validity.not_before.timestamp(),
        not_after_unix: validity.not_after.timestamp(),
    })
}

/// The checks made on a retrieved chain: those of `ike-cert` on the end-entity certificate as a
/// gateway certificate for the host name (identity in the SAN, validity, EKU per client, key,
/// signature hash), validity of every certificate sent, and that they form a chain in order.
/// Trust anchors and revocation need the client's configuration and are not judged here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainChecks {
    pub host: String,
    /// Some SAN of the end-entity certificate names the host.
    pub host_in_san: bool,
    /// Every certificate is within its validity period now.
    pub valid_now: bool,
    /// Each certificate is issued by the next one sent.
    pub chain_linked: bool,
    /// The end-entity certificate's EKU satisfies every client's rule.
    pub eku_ok: bool,
    pub problems: Vec<String>,
}

/// `ders` and `chain` are the same certificates, as sent and as summarised.
pub fn check_chain(
    ders: &[Vec<u8>],
    chain: &[CertSummary],
    host: &str,
    now_unix: i64,
) -> ChainChecks {
    let mut problems = Vec::new();
    let leaf = ders.first().map(|der| ike_cert::parse(der));
    let leaf_checks = match &leaf {
        Some(Ok(info)) => ike_cert::check(info, Some(host), None, now_unix, true),
        Some(Err(e)) => {
            problems.push(format!("the gateway certificate cannot be read: {e}"));
            Vec::new()
        }
        None => {
            problems.push("the gateway sent no certificate".to_string());
            Vec::new()
        }
    };
    let passed = |name: &str| leaf_checks.iter().filter(|c| c.name == name).all(|c| c.ok);
    let host_in_san = matches!(leaf, Some(Ok(_))) && passed("identity in SAN");
    let eku_ok = passed("EKU for the client");
    for c in leaf_checks.iter().filter(|c| !c.ok) {
        problems.push(format!("{}: {}", c.name, c.detail));
    }
    let mut valid_now = true;
    for c in chain {
        if now_unix < c.not_before_unix {
            valid_now = false;
            problems.push(format!(
                "{} is not valid before {}",
                c.subject, c.not_before
            ));
        } else if now_unix > c.not_after_unix {
            valid_now = false;
            problems.push(format!("{} expired on {}", c.subject, c.not_after));
        }
    }
    let chain_linked = chain.windows(2).all(|w| w[0].issuer == w[1].subject);
    if !chain_linked {
        problems.push("the certificates sent do not form a chain in order".to_string());
    }
    ChainChecks {
        host: host.to_string(),
        host_in_san,
        valid_now,
        chain_linked,
        eku_ok,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error() {
        assert!(summarize(&[0x30, 0x03, 1, 2, 3]).is_err());
        assert!(summarize(&[]).is_err());
        assert!(dn_text(&[0xff]).starts_with("(unparsed"));
    }
}
