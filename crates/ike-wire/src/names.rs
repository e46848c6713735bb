//! Human-readable summaries in the forms strongSwan logs, so reports can quote captures and
//! daemon logs side by side.

use core::fmt;

use crate::registry::*;
use crate::repr::*;

impl MessageRepr {
    /// Payload names as strongSwan's `parsed ... [ SA KE No N(NATD_S_IP) ]` lists show them.
    ///
    /// Notifies print as `N(short name)` (`N(<number>)` when unknown, `N(MS_STATUS(<code>))`
    /// for Microsoft's status notify), configuration payloads as `CP` followed by the type
    /// and attribute list when it has attributes (`CPRQ(ADDR DNS)`), EAP as `EAP/REQ/ID`,
    /// fragments as `EF(n/total)`, the encrypted payload as `SK`, unknown payloads by number.
    pub fn payload_names(&self) -> Vec<String> {
        self.payloads.iter().map(|p| p.body.short_name()).collect()
    }
}

impl PayloadRepr {
    /// This payload's entry in [`MessageRepr::payload_names`].
    pub fn short_name(&self) -> String {
        let base = match self.payload_type().short_name() {
            Some(name) => name.to_string(),
            None => self.payload_type().0.to_string(),
        };
        match self {
            PayloadRepr::Notify(n) => {
                let short = n.notify_type.short_name();
                match (short, n.notify_type, n.data.as_slice()) {
                    (Some(s), NotifyType::MS_NOTIFY_STATUS, [a, b, c, d]) => {
                        format!("N({s}({}))", u32::from_be_bytes([*a, *b, *c, *d]))
                    }
                    (Some(s), _, _) => format!("N({s})"),
                    (None, t, _) => format!("N({})", t.0),
                }
            }
            PayloadRepr::EncryptedFragment { number, total, .. } => {
                format!("EF({number}/{total})")
            }
            PayloadRepr::Eap(e) => format!("EAP{}", eap_suffix(e)),
            PayloadRepr::Configuration(c) if !c.attributes.is_empty() => {
                let prefix = match c.cfg_type {
                    1 => "RQ",
                    2 => "RP",
                    3 => "S",
                    4 => "A",
                    _ => "",
                };
                let names: Vec<String> = c
                    .attributes
                    .iter()
                    .map(|(t, _)| match config_attribute_short_name(*t) {
                        Some(name) => name.to_string(),
                        None => (t & 0x7fff).to_string(),
                    })
                    .collect();
                format!("CP{prefix}({})", names.join(" "))
            }
            _ => base,
        }
    }
}

/// `/REQ/ID`, `/SUCC`, `/RES/<type>-<vendor>` for expanded types (as strongSwan prints them).
fn eap_suffix(e: &EapRepr) -> String {
    let code = match eap_code_short_name(e.code) {
        Some(name) => name.to_string(),
        None => e.code.to_string(),
    };
    let method = match e.eap_type {
        None | Some(0) => String::new(),
        Some(254) => match e.data.as_slice() {
            [v0, v1, v2, t0, t1, t2, t3, ..] => {
                let vendor = u32::from_be_bytes([0, *v0, *v1, *v2]);
                let vendor_type = u32::from_be_bytes([*t0, *t1, *t2, *t3]);
                match (
                    vendor,
                    u8::try_from(vendor_type).ok().and_then(eap_type_short_name),
                ) {
                    (0, Some(name)) => format!("/{name}"),
                    _ => format!("/{vendor_type}-{vendor}"),
                }
            }
            _ => "/EXP".to_string(),
        },
        Some(t) => match eap_type_short_name(t) {
            Some(name) => format!("/{name}"),
            None => format!("/{t}"),
        },
    };
    format!("/{code}{method}")
}

/// strongSwan's proposal notation: `IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`.
///
/// Transforms are grouped by type in the order each type first appears; a key length appends
/// `_<bits>`; additional key exchanges print as `KE1_<method>`...; unknown IDs print as
/// `UNKNOWN_<type>_<id>`.
impl fmt::Display for ProposalRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.protocol)?;
        let mut types: Vec<TransformType> = Vec::new();
        for t in &self.transforms {
            if !types.contains(&t.transform_type) {
                types.push(t.transform_type);
            }
        }
        let mut first = true;
        for ty in types {
            for t in self.transforms.iter().filter(|t| t.transform_type == ty) {
                if !first {
                    f.write_str("/")?;
                }
                first = false;
                write!(f, "{t}")?;
            }
        }
        Ok(())
    }
}

/// One transform in proposal notation, e.g. `AES_CBC_256` or `KE1_ML_KEM_768`.
impl fmt::Display for TransformRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(index) = self.transform_type.additional_ke_index() {
            write!(f, "KE{index}_")?;
        }
        match transform_name(self.transform_type, self.id) {
            Some(name) => f.write_str(name)?,
            None => write!(f, "UNKNOWN_{}_{}", self.transform_type.0, self.id)?,
        }
        if let Some(bits) = self.key_length {
            write!(f, "_{bits}")?;
        }
        Ok(())
    }
}
