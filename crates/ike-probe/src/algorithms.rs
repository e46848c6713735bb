//! The algorithms the probe offers, their IANA names, and proposals built from sets of them.
//!
//! A [`Catalog`] lists, per transform type, the candidates a probe may offer. Sets of candidates
//! are bitmasks over the catalog's lists ([`Selection`]), which keeps the enumeration search
//! cheap to copy and compare. The integrity list has a pseudo-entry `NONE` at index 0: an AEAD
//! cipher is always paired with it, so every accepted suite is a 4-tuple.
use ike_wire::{transform_name, DhGroup, ProposalRepr, ProtocolId, TransformRepr, TransformType};
use serde::Serialize;

/// One encryption transform: IANA id and key length (bits) when the cipher takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encr {
    pub id: u16,
    pub key_bits: Option<u16>,
}

impl Encr {
    /// AEAD ciphers (RFC 5282, RFC 7634) carry their own integrity protection.
    pub fn is_aead(self) -> bool {
        matches!(self.id, 14..=16 | 18..=20 | 25..=28)
    }

    fn transform(self) -> TransformRepr {
        TransformRepr {
            transform_type: TransformType::ENCR,
            id: self.id,
            key_length: self.key_bits,
            other_attributes: Vec::new(),
        }
    }
}

fn simple(transform_type: TransformType, id: u16) -> TransformRepr {
    TransformRepr {
        transform_type,
        id,
        key_length: None,
        other_attributes: Vec::new(),
    }
}

/// IANA name of an encryption transform ("ENCR_AES_CBC").
pub fn encr_iana(id: u16) -> String {
    match id {
        3 => "ENCR_3DES".to_string(),
        2 => "ENCR_DES".to_string(),
        _ => match transform_name(TransformType::ENCR, id) {
            Some(name) => format!("ENCR_{name}"),
            None => format!("ENCR_{id}"),
        },
    }
}

/// IANA name of a PRF ("PRF_HMAC_SHA2_256").
pub fn prf_iana(id: u16) -> String {
    match transform_name(TransformType::PRF, id) {
        Some(name) => name.to_string(),
        None => format!("PRF_{id}"),
    }
}

/// IANA name of an integrity algorithm ("AUTH_HMAC_SHA2_256_128"; "NONE" with AEAD).
pub fn integ_iana(id: u16) -> String {
    match (id, transform_name(TransformType::INTEG, id)) {
        (0, _) => "NONE".to_string(),
        (_, Some(name)) => format!("AUTH_{name}"),
        (_, None) => format!("AUTH_{id}"),
    }
}

/// Name of a key exchange method ("MODP_2048", "ECP_256", "CURVE_25519").
pub fn dh_name(group: DhGroup) -> String {
    group.to_string()
}

/// The candidates per transform type. Integrity index 0 is the `NONE` pseudo-entry.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub encr: Vec<Encr>,
    pub prf: Vec<u16>,
    pub integ: Vec<u16>,
    pub dh: Vec<DhGroup>,
}

const fn enc(id: u16, bits: u16) -> Encr {
    Encr {
        id,
        key_bits: Some(bits),
    }
}

impl Catalog {
    /// What `probe` offers and `--enumerate` searches: current and legacy IKEv2 algorithms
    /// (at most 64 per type). Sizes are chosen so that a request with an elliptic-curve KE
    /// stays well under 1280 bytes (no IP fragmentation on any path).
    pub fn standard() -> Catalog {
        Catalog {
            encr: vec![
                enc(12, 128),
                enc(12, 192),
                enc(12, 256),
                enc(13, 128),
                enc(13, 256),
                enc(23, 128),
                enc(23, 256),
                Encr {
                    id: 3,
                    key_bits: None,
                },
                Encr {
                    id: 2,
                    key_bits: None,
                },
                enc(20, 128),
                enc(20, 192),
                enc(20, 256),
                enc(19, 128),
                enc(19, 256),
                enc(18, 128),
                enc(18, 256),
                enc(16, 128),
                enc(16, 256),
                enc(14, 128),
                enc(14, 256),
                // RFC 7634: ChaCha20-Poly1305 carries no key length attribute.
                Encr {
                    id: 28,
                    key_bits: None,
                },
            ],
            prf: vec![5, 6, 7, 2, 1, 4, 8],
            integ: vec![0, 12, 13, 14, 2, 1, 5, 8],
            dh: ike_dh::SUPPORTED.to_vec(),
        }
    }

    pub fn all(&self) -> Selection {
        Selection {
            encr: mask(self.encr.len()),
            prf: mask(self.prf.len()),
            integ: mask(self.integ.len()),
            dh: mask(self.dh.len()),
        }
    }

    /// The catalog indices of an accepted suite as the responder returned it, `None` when the
    /// responder chose something outside the catalog.
    pub fn locate(&self, suite: &Suite) -> Option<[usize; 4]> {
        Some([
            self.encr.iter().position(|e| *e == suite.encr)?,
            self.prf.iter().position(|p| *p == suite.prf)?,
            self.integ.iter().position(|i| *i == suite.integ)?,
            self.dh.iter().position(|d| *d == suite.dh)?,
        ])
    }

    /// The SA payload proposals for a selection: non-AEAD ciphers with the selected real
    /// integrity algorithms, and (as a second proposal) AEAD ciphers without integrity when
    /// `NONE` is selected. Empty when the selection contains no valid suite.
    pub fn proposals(&self, sel: &Selection) -> Vec<ProposalRepr> {
        let encr: Vec<Encr> = members(sel.encr, &self.encr);
        let prf: Vec<TransformRepr> = members(sel.prf, &self.prf)
            .into_iter()
            .map(|id| simple(TransformType::PRF, id))
            .collect();
        let integ: Vec<u16> = members(sel.integ, &self.integ)
            .into_iter()
            .filter(|id| *id != 0)
            .collect();
        let dh: Vec<TransformRepr> = members(sel.dh, &self.dh)
            .into_iter()
            .map(|g| simple(TransformType::KE, g.0))
            .collect();
        if prf.is_empty() || dh.is_empty() {
            return Vec::new();
        }
        let plain: Vec<Encr> = encr.iter().copied().filter(|e| !e.is_aead()).collect();
        let aead: Vec<Encr> = encr.iter().copied().filter(|e| e.is_aead()).collect();
        let with_none = sel.integ & 1 != 0 && self.integ.first() == Some(&0);
        let mut out = Vec::new();
        if !plain.is_empty() && !integ.is_empty() {
            let mut transforms: Vec<TransformRepr> = plain.iter().map(|e| e.transform()).collect();
            transforms.extend(prf.iter().cloned());
            transforms.extend(integ.iter().map(|id| simple(TransformType::INTEG, *id)));
            transforms.extend(dh.iter().cloned());
            out.push(transforms);
        }
        if !aead.is_empty() && with_none {
            let mut transforms: Vec<TransformRepr> = aead.iter().map(|e| e.transform()).collect();
            transforms.extend(prf.iter().cloned());
            transforms.extend(dh.iter().cloned());
            out.push(transforms);
        }
        out.into_iter()
            .enumerate()
            .map(|(i, transforms)| ProposalRepr {
                number: i as u8 + 1,
                protocol: ProtocolId::IKE,
                spi: Vec::new(),
                transforms,
            })
            .collect()
    }
}

fn mask(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// The members of `list` whose bit is set in `bits`.
pub fn members<T: Copy>(bits: u64, list: &[T]) -> Vec<T> {
    list.iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
        .map(|(_, v)| *v)
        .collect()
}

/// A set of candidates per transform type, as bitmasks over a [`Catalog`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Selection {
    pub encr: u64,
    pub prf: u64,
    pub integ: u64,
    pub dh: u64,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.encr == 0 || self.prf == 0 || self.integ == 0 || self.dh == 0
    }

    pub fn dh_count(&self) -> u32 {
        self.dh.count_ones()
    }
}

/// One IKE SA suite: what a responder selects from an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Suite {
    pub encr: Encr,
    pub prf: u16,
    /// 0 (`NONE`) with an AEAD cipher.
    pub integ: u16,
    pub dh: DhGroup,
}

impl Suite {
    /// The suite a responder's SA payload selects: its first proposal, one transform per type.
    /// `None` when a type is missing (integrity may be absent only with an AEAD cipher).
    pub fn from_proposals(proposals: &[ProposalRepr]) -> Option<Suite> {
        let proposal = proposals.first()?;
        let find = |ty: TransformType| proposal.transforms.iter().find(|t| t.transform_type == ty);
        let encr = find(TransformType::ENCR)?;
        let encr = Encr {
            id: encr.id,
            key_bits: encr.key_length,
        };
        let integ = match find(TransformType::INTEG) {
            Some(t) => t.id,
            None if encr.is_aead() => 0,
            None => return None,
        };
        Some(Suite {
            encr,
            prf: find(TransformType::PRF)?.id,
            integ,
            dh: DhGroup(find(TransformType::KE)?.id),
        })
    }

    /// strongSwan's notation, e.g. `aes256-sha256-modp2048` is printed as
    /// `IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`.
    pub fn notation(&self) -> String {
        let mut transforms = vec![self.encr.transform()];
        if self.integ != 0 {
            transforms.push(simple(TransformType::INTEG, self.integ));
        }
        transforms.push(simple(TransformType::PRF, self.prf));
        transforms.push(simple(TransformType::KE, self.dh.0));
        ProposalRepr {
            number: 1,
            protocol: ProtocolId::IKE,
            spi: Vec::new(),
            transforms,
        }
        .to_string()
    }

    pub fn to_accepted(&self) -> AcceptedProposal {
        AcceptedProposal {
            encr: encr_iana(self.encr.id),
            encr_key_bits: self.encr.key_bits,
            prf: prf_iana(self.prf),
            integ: integ_iana(self.integ),
            dh: dh_name(self.dh),
            proposal: self.notation(),
        }
    }
}

/// An accepted suite as the report prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AcceptedProposal {
    pub encr: String,
    pub encr_key_bits: Option<u16>,
    pub prf: String,
    pub integ: String,
    pub dh: String,
    /// The same suite in strongSwan's log notation.
    pub proposal: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names() {
        assert_eq!(encr_iana(12), "ENCR_AES_CBC");
        assert_eq!(encr_iana(20), "ENCR_AES_GCM_16");
        assert_eq!(encr_iana(3), "ENCR_3DES");
        assert_eq!(prf_iana(5), "PRF_HMAC_SHA2_256");
        assert_eq!(integ_iana(12), "AUTH_HMAC_SHA2_256_128");
        assert_eq!(integ_iana(0), "NONE");
        assert_eq!(dh_name(DhGroup::CURVE_25519), "CURVE_25519");
    }

    #[test]
    fn aead_and_plain_ciphers_go_into_separate_proposals() {
        let catalog = Catalog::standard();
        let all = catalog.all();
        let proposals = catalog.proposals(&all);
        assert_eq!(proposals.len(), 2);
        assert!(proposals[0]
            .transforms
            .iter()
            .any(|t| t.transform_type == TransformType::INTEG));
        assert!(!proposals[1]
            .transforms
            .iter()
            .any(|t| t.transform_type == TransformType::INTEG));
        // Without NONE, AEAD ciphers cannot be offered.
        let no_none = Selection {
            integ: all.integ & !1,
            ..all
        };
        assert_eq!(catalog.proposals(&no_none).len(), 1);
        // Only AEAD ciphers and no NONE: nothing valid to offer.
        let aead_only = Selection {
            encr: 1 << 9,
            integ: 1 << 1,
            ..all
        };
        assert!(catalog.proposals(&aead_only).is_empty());
    }

    #[test]
    fn suite_from_a_selected_proposal() {
        let catalog = Catalog::standard();
        let sel = Selection {
            encr: 1 << 2,
            prf: 1,
            integ: 1 << 1,
            dh: 1 << 2,
        };
        let proposals = catalog.proposals(&sel);
        let suite = Suite::from_proposals(&proposals).unwrap();
        assert_eq!(suite.encr, enc(12, 256));
        assert_eq!(suite.dh, DhGroup::MODP_2048);
        assert_eq!(
            suite.notation(),
            "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
        );
        assert_eq!(catalog.locate(&suite), Some([2, 0, 1, 2]));
    }
}
