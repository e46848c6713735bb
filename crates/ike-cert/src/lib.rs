//! Certificate checks for IKEv2 authentication failures: what a peer's certificate says (from a
//! decrypted CERT payload or a PEM/DER file), and whether it passes the checks the common clients
//! make. Parsing is x509-parser's, chain building and signature checks rustls-webpki's; nothing
//! here decodes X.509 by hand.
//!
//! Checks ([`check`]): validity against the time of the evidence (capture or log) and against
//! now, so "expired" and "a clock is wrong" are told apart; the identity against the SAN (FQDN,
//! IP address, email) or the subject DN; EKU and key usage against what each client requires
//! ([`CLIENT_REQUIREMENTS`]); key type and size; signature hash; and, given CA certificates, the
//! chain with its signatures ([`verify_chain`]), naming a missing intermediate.

use std::net::IpAddr;

use sha1::{Digest, Sha1};
use x509_parser::prelude::*;

/// OID of the "IP Security IKE Intermediate" EKU (RFC 4945 5.1.3.12).
pub const EKU_IKE_INTERMEDIATE: &str = "1.3.6.1.5.5.8.2.2";

/// What the checks need of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub san_dns: Vec<String>,
    pub san_ip: Vec<IpAddr>,
    pub san_email: Vec<String>,
    /// Whether an EKU extension is present, and its purposes.
    pub has_eku: bool,
    pub eku_server_auth: bool,
    pub eku_client_auth: bool,
    pub eku_ike_intermediate: bool,
    pub eku_any: bool,
    /// Key usage, when the extension is present: (digitalSignature, nonRepudiation, keyCertSign).
    pub key_usage: Option<(bool, bool, bool)>,
    pub is_ca: bool,
    pub self_issued: bool,
    /// `RSA`, `EC`, `Ed25519`... and the key size in bits when known.
    pub key_type: String,
    pub key_bits: Option<usize>,
    /// Signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// SHA-1 of the DER SubjectPublicKeyInfo: what a CERTREQ names a trusted CA by (RFC 7296 3.7).
    pub spki_sha1: [u8; 20],
    pub der: Vec<u8>,
}

/// Every certificate in a PEM or DER file (PEM: each `CERTIFICATE` block).
pub fn certificates_in(content: &[u8]) -> Vec<Vec<u8>> {
    if content.starts_with(&[0x30]) {
        return vec![content.to_vec()];
    }
    x509_parser::pem::Pem::iter_from_buffer(content)
        .map_while(Result::ok)
        .filter(|pem| pem.label == "CERTIFICATE")
        .map(|pem| pem.contents)
        .take(64)
        .collect()
}

/// Whether a file holds certificates (for content detection).
pub fn looks_like_certificate(content: &[u8]) -> bool {
    let head = &content[..content.len().min(4096)];
    if head
        .windows(27)
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return true;
    }
    head.starts_with(&[0x30]) && X509Certificate::from_der(content).is_ok()
}

/// Parses one DER certificate.
pub fn parse(der: &[u8]) -> Result<CertInfo, String> {
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let mut info = CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        san_dns: Vec::new(),
        san_ip: Vec::new(),
        san_email: Vec::new(),
        has_eku: false,
        eku_server_auth: false,
        eku_client_auth: false,
        eku_ike_intermediate: false,
        eku_any: false,
        key_usage: None,
        is_ca: cert.is_ca(),
        self_issued: cert.subject() == cert.issuer(),
        key_type: String::new(),
        key_bits: None,
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        spki_sha1: Sha1::digest(cert.public_key().raw).into(),
        der: der.to_vec(),
    };
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => info.san_dns.push(d.to_string()),
                GeneralName::RFC822Name(e) => info.san_email.push(e.to_string()),
                GeneralName::IPAddress(bytes) => match bytes.len() {
                    4 => info
                        .san_ip
                        .push(IpAddr::from([bytes[0], bytes[1], bytes[2], bytes[3]])),
                    16 => {
                        let mut o = [0u8; 16];
                        o.copy_from_slice(bytes);
                        info.san_ip.push(IpAddr::from(o));
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        info.has_eku = true;
        info.eku_server_auth = eku.value.server_auth;
        info.eku_client_auth = eku.value.client_auth;
        info.eku_any = eku.value.any;
        info.eku_ike_intermediate = eku
            .value
            .other
            .iter()
            .any(|o| o.to_id_string() == EKU_IKE_INTERMEDIATE);
    }
    if let Ok(Some(ku)) = cert.key_usage() {
        info.key_usage = Some((
            ku.value.digital_signature(),
            ku.value.non_repudiation(),
            ku.value.key_cert_sign(),
        ));
    }
    match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            info.key_type = "RSA".into();
            info.key_bits = Some(rsa.key_size());
        }
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => {
            info.key_type = "EC".into();
            info.key_bits = Some(ec.key_size());
        }
        Ok(other) => {
            info.key_type = format!("{other:?}")
                .split('(')
                .next()
                .unwrap_or("other")
                .to_string()
        }
        Err(_) => info.key_type = cert.public_key().algorithm.algorithm.to_id_string(),
    }
    Ok(info)
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        other => return other.to_string(),
    }
    .to_string()
}

/// Where a time falls in a certificate's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    NotYetValid,
    Valid,
    Expired,
}

impl CertInfo {
    pub fn validity_at(&self, unix_seconds: i64) -> Validity {
        if unix_seconds < self.not_before {
            Validity::NotYetValid
        } else if unix_seconds > self.not_after {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }

    /// Whether an IKE identity (as printed: FQDN, IP, email or DN) is in the certificate: the
    /// SAN for FQDN, IP and email (case-insensitive DNS, `*.` wildcards on one label), the
    /// subject for a DN.
    pub fn contains_identity(&self, id: &str) -> bool {
        let id = id.trim();
        if let Ok(ip) = id.parse::<IpAddr>() {
            return self.san_ip.contains(&ip);
        }
        if id.contains('=') {
            return normalize_dn(&self.subject) == normalize_dn(id);
        }
        if id.contains('@') {
            return self.san_email.iter().any(|e| e.eq_ignore_ascii_case(id));
        }
        self.san_dns.iter().any(|d| dns_matches(d, id))
    }

    /// Names of the SAN entries, for messages.
    pub fn san_list(&self) -> Vec<String> {
        let mut out: Vec<String> = self.san_dns.clone();
        out.extend(self.san_ip.iter().map(|i| i.to_string()));
        out.extend(self.san_email.iter().cloned());
        out
    }
}

fn normalize_dn(dn: &str) -> String {
    dn.split(',')
        .map(|p| p.trim().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

fn dns_matches(pattern: &str, name: &str) -> bool {
    if pattern.eq_ignore_ascii_case(name) {
        return true;
    }
    match (pattern.strip_prefix("*."), name.split_once('.')) {
        (Some(suffix), Some((_, rest))) => suffix.eq_ignore_ascii_case(rest),
        _ => false,
    }
}

/// The client whose requirements a check applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Windows,
    Apple,
    AndroidStrongswan,
    Strongswan,
    Libreswan,
}

impl Client {
    pub fn name(self) -> &'static str {
        match self {
            Client::Windows => "Windows",
            Client::Apple => "macOS/iOS",
            Client::AndroidStrongswan => "Android strongSwan app",
            Client::Strongswan => "strongSwan",
            Client::Libreswan => "Libreswan",
        }
    }
}

/// What a client requires of the gateway certificate. The README's certificate table gives the
/// sources.
#[derive(Debug, Clone, Copy)]
pub struct ClientRequirement {
    pub client: Client,
    /// The gateway name or address the user typed (or configured as the remote identity) must
    /// be in the certificate by default (Windows also accepts it in the subject DN).
    pub san_has_gateway_name: bool,
    /// The serverAuth EKU is required (when any EKU is present, for clients that accept none).
    pub server_auth_eku: EkuRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EkuRule {
    /// No EKU check.
    None,
    /// serverAuth (or, for Windows, IKE intermediate) must be present.
    Required,
    /// If an EKU extension is present it must contain serverAuth or IKE intermediate.
    IfPresent,
}

pub const CLIENT_REQUIREMENTS: &[ClientRequirement] = &[
    ClientRequirement {
        client: Client::Windows,
        san_has_gateway_name: true,
        server_auth_eku: EkuRule::Required,
    },
    ClientRequirement {
        client: Client::Apple,
        san_has_gateway_name: true,
        server_auth_eku: EkuRule::Required,
    },
    ClientRequirement {
        client: Client::AndroidStrongswan,
        san_has_gateway_name: true,
        server_auth_eku: EkuRule::None,
    },
    // swanctl's remote.id defaults to %any: the name is only checked when one is configured.
    ClientRequirement {
        client: Client::Strongswan,
        san_has_gateway_name: false,
        server_auth_eku: EkuRule::None,
    },
    ClientRequirement {
        client: Client::Libreswan,
        san_has_gateway_name: true,
        server_auth_eku: EkuRule::IfPresent,
    },
];

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The checks of one certificate as a gateway certificate (or, with `gateway = false`, a client
/// certificate) at the time of the evidence `at` and at `now` (Unix seconds).
pub fn check(
    info: &CertInfo,
    id: Option<&str>,
    at: Option<i64>,
    now: i64,
    gateway: bool,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let when = |t: i64| format_time(t);
    let validity = |t: i64| match info.validity_at(t) {
        Validity::Valid => (
            true,
            format!(
                "valid at {} ({} .. {})",
                when(t),
                when(info.not_before),
                when(info.not_after)
            ),
        ),
        Validity::NotYetValid => (
            false,
            format!(
                "not yet valid at {}: valid from {}",
                when(t),
                when(info.not_before)
            ),
        ),
        Validity::Expired => (
            false,
            format!(
                "expired at {}: valid until {}",
                when(t),
                when(info.not_after)
            ),
        ),
    };
    if let Some(at) = at {
        let (ok, detail) = validity(at);
        checks.push(Check {
            name: "validity at the time of the evidence",
            ok,
            detail,
        });
    }
    let (ok, detail) = validity(now);
    checks.push(Check {
        name: "validity now",
        ok,
        detail,
    });
    if let Some(id) = id {
        let ok = info.contains_identity(id);
        checks.push(Check {
            name: "identity in SAN",
            ok,
            detail: if ok {
                format!("{id} is in the certificate")
            } else {
                format!(
                    "{id} is not in the subjectAltName [{}] (subject {})",
                    info.san_list().join(", "),
                    info.subject
                )
            },
        });
    }
    if gateway {
        for req in CLIENT_REQUIREMENTS {
            let has = info.eku_server_auth || info.eku_ike_intermediate || info.eku_any;
            let ok = match req.server_auth_eku {
                EkuRule::None => true,
                EkuRule::Required => has,
                EkuRule::IfPresent => !info.has_eku || has,
            };
            if req.server_auth_eku != EkuRule::None {
                checks.push(Check {
                    name: "EKU for the client",
                    ok,
                    detail: format!(
                        "{}: {}",
                        req.client.name(),
                        if ok {
                            "serverAuth/IKE intermediate EKU present"
                        } else {
                            "needs the serverAuth (1.3.6.1.5.5.7.3.1) EKU"
                        }
                    ),
                });
            }
        }
    } else if info.has_eku && !(info.eku_client_auth || info.eku_ike_intermediate || info.eku_any) {
        checks.push(Check {
            name: "EKU for a client certificate",
            ok: false,
            detail:
                "EKU present without clientAuth or IKE intermediate (Windows gateways refuse it)"
                    .into(),
        });
    }
    if let Some((digital_signature, non_repudiation, key_cert_sign)) = info.key_usage {
        if info.is_ca {
            checks.push(Check {
                name: "key usage",
                ok: key_cert_sign,
                detail: if key_cert_sign {
                    "keyCertSign allowed".into()
                } else {
                    "a CA certificate without keyCertSign cannot issue certificates".into()
                },
            });
        } else {
            checks.push(Check {
                name: "key usage",
                ok: digital_signature || non_repudiation,
                detail: if digital_signature || non_repudiation {
                    "digitalSignature allowed".into()
                } else {
                    "key usage lacks digitalSignature: the key may not sign IKE AUTH".into()
                },
            });
        }
    }
    let weak_key = match (info.key_type.as_str(), info.key_bits) {
        ("RSA", Some(bits)) => bits < 2048,
        ("EC", Some(bits)) => bits < 256,
        _ => false,
    };
    checks.push(Check {
        name: "key type and size",
        ok: !weak_key,
        detail: format!(
            "{} {}",
            info.key_type,
            info.key_bits.map_or(String::new(), |b| format!("{b} bits"))
        ),
    });
    let weak_hash = info.signature_algorithm.contains("sha1")
        || info.signature_algorithm.contains("SHA1")
        || info.signature_algorithm.contains("md5");
    checks.push(Check {
        name: "signature hash",
        ok: !weak_hash,
        detail: info.signature_algorithm.clone(),
    });
    checks
}

/// Why a chain does not verify: what the diagnosis needs to tell an untrusted issuer from an
/// expired certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// None of the CA certificates given could serve as a trust anchor.
    NoUsableCa,
    /// The leaf could not be read as an end-entity certificate.
    UnusableLeaf(String),
    /// No path to a given CA: the issuer is missing (an intermediate) or not trusted.
    UnknownIssuer,
    Expired,
    NotYetValid,
    BadSignature,
    Other(String),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::NoUsableCa => f.write_str("no usable CA certificate given"),
            ChainError::UnusableLeaf(e) => write!(f, "leaf certificate not usable: {e}"),
            ChainError::UnknownIssuer => f.write_str("no chain to a given CA: the issuer is missing (an intermediate certificate not sent or not installed) or not trusted"),
            ChainError::Expired => f.write_str("a certificate of the chain has expired"),
            ChainError::NotYetValid => f.write_str("a certificate of the chain is not yet valid"),
            ChainError::BadSignature => f.write_str("a signature of the chain does not verify"),
            ChainError::Other(e) => f.write_str(e),
        }
    }
}

/// Builds and checks the chain of `leaf` to one of `cas` (through `intermediates`) at `at`
/// (Unix seconds) with rustls-webpki. The error names what is wrong, and says when the issuer
/// is missing (an intermediate not sent, or a CA not trusted).
pub fn verify_chain(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    cas: &[Vec<u8>],
    at: i64,
) -> Result<(), String> {
    verify_chain_detailed(leaf, intermediates, cas, at).map_err(|e| e.to_string())
}

/// [`verify_chain`] with the reason as a value.
pub fn verify_chain_detailed(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    cas: &[Vec<u8>],
    at: i64,
) -> Result<(), ChainError> {
    use rustls_pki_types::{CertificateDer, UnixTime};
    let anchors: Vec<_> = cas
        .iter()
        .filter_map(|ca| {
            webpki::anchor_from_trusted_cert(&CertificateDer::from(ca.as_slice()))
                .ok()
                .map(|a| a.to_owned())
        })
        .collect();
    if anchors.is_empty() {
        return Err(ChainError::NoUsableCa);
    }
    let end = CertificateDer::from(leaf);
    let cert = webpki::EndEntityCert::try_from(&end)
        .map_err(|e| ChainError::UnusableLeaf(format!("{e:?}")))?;
    let inter: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|i| CertificateDer::from(i.as_slice()))
        .collect();
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(at).unwrap_or(0),
    ));
    // IKE certificates carry serverAuth, clientAuth, IKE intermediate or no EKU at all: the
    // chain check accepts any, the EKU is checked per client by `check`.
    cert.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &inter,
        time,
        AnyEku,
        None,
        None,
    )
    .map(|_| ())
    .map_err(|e| match e {
        webpki::Error::UnknownIssuer => ChainError::UnknownIssuer,
        webpki::Error::CertExpired { .. } => ChainError::Expired,
        webpki::Error::CertNotValidYet { .. } => ChainError::NotYetValid,
        webpki::Error::InvalidSignatureForPublicKey => ChainError::BadSignature,
        other => ChainError::Other(format!("{other:?}")),
    })
}

/// Accepts every EKU (the per-client EKU rules are separate checks).
struct AnyEku;

impl webpki::ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for id in iter {
            id?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds.
pub fn format_time(t: i64) -> String {
    match ASN1Time::from_timestamp(t) {
        Ok(time) => time.to_string(),
        Err(_) => t.to_string(),
    }
}

#[cfg(test)]
mod tests;
