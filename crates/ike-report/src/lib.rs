//! Reports of a diagnosis: [`json`] builds the contract's JSON object
//! (`shared/spec/report-contract.md`), [`text`] the terminal report: verdict first, then each
//! finding with its evidence and fix, then a ladder per IKE SA; [`redact`] makes either fit for a
//! public thread; [`html`] the self-contained page with a sequence diagram per IKE SA.

pub mod html;
pub mod inner_json;
pub mod json;
pub mod redact;
pub mod text;

use ike_wire::ProposalRepr;

/// A proposal the way strongSwan logs it: `IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`.
pub fn proposal_string(p: &ProposalRepr) -> String {
    p.to_string()
}

/// 16 hex digits, as the contract wants SPIs.
pub fn spi_hex(spi: u64) -> String {
    hex::encode(spi.to_be_bytes())
}
