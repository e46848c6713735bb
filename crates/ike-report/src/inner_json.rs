//! The decrypted content of a message in the JSON report (with `--keys`). Never key material.

use ike_timeline::inner::{id_display, ts_display, InnerPayloads, InnerStatus};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct DecryptedJson {
    /// `decrypted`, `integrity-check-failed`, `unusable: ...` or `malformed: ...`.
    pub status: String,
    /// Inner payload names in order, as strongSwan logs them.
    pub payloads: Vec<String>,
    /// The same as IANA numbers, and the notify types in order, for scripts.
    pub payload_types: Vec<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notify_types: Vec<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_i: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_r: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notifies: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub certificates: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ts_i: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ts_r: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_proposals: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fragment_frames: Vec<u64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub fn decrypted(inner: &InnerPayloads) -> DecryptedJson {
    DecryptedJson {
        status: match &inner.status {
            InnerStatus::Decrypted => "decrypted".to_string(),
            InnerStatus::IntegrityCheckFailed => "integrity-check-failed".to_string(),
            InnerStatus::Unusable(why) => format!("unusable: {why}"),
            InnerStatus::Malformed(why) => format!("malformed: {why}"),
        },
        payloads: inner.payloads.clone(),
        payload_types: inner.payload_types.clone(),
        notify_types: inner.notifies.iter().map(|(t, _)| t.0).collect(),
        id_i: inner.id_i.as_ref().map(id_display),
        id_r: inner.id_r.as_ref().map(id_display),
        auth_method: inner.auth_method.map(|m| m.to_string()),
        notifies: inner.notifies.iter().map(|(t, _)| t.to_string()).collect(),
        certificates: inner.certs.len(),
        ts_i: inner.ts_i.iter().map(ts_display).collect(),
        ts_r: inner.ts_r.iter().map(ts_display).collect(),
        child_proposals: inner
            .child_proposals
            .as_ref()
            .map(|p| p.iter().map(|p| p.to_string()).collect()),
        fragment_frames: inner.fragment_frames.clone(),
    }
}
