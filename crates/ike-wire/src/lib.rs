//! IKEv2 wire format (RFC 7296, RFC 7383) for ike-doctor.
//!
//! ike-doctor reads IKE messages out of captures and active probes to explain why a VPN
//! connection failed. This crate turns the UDP payload of such a message into something the
//! diagnosis can reason about, and builds messages for probing:
//!
//! - [`wire`]: zero-copy views in smoltcp's `wire` style. [`Header`] and [`GenericPayload`]
//!   check lengths in `new_checked` and never panic afterwards; [`PayloadIter`] walks the
//!   payload chain and reports a malformed chain (lying length, truncation, a chain that does
//!   not end within the message) as a [`WireError`] carrying the byte offset.
//! - [`repr`]: owned representations. [`MessageRepr::parse`] decodes every IKEv2 payload (SA
//!   with proposals and transforms, KE, IDi/IDr, CERT, CERTREQ, AUTH, Nonce, Notify, Delete,
//!   Vendor ID, TSi/TSr, SK, CP, EAP, SKF) and keeps unknown ones verbatim;
//!   [`MessageRepr::emit`] writes them back with every length and next-payload field
//!   recomputed. `MessageRepr::parse(&m.to_bytes()) == Ok(m)` is property-tested for
//!   well-formed reprs with a canonical header (see [`repr`]).
//! - [`header`] and [`peek_version`] read only the fixed header, cheaply, so callers can
//!   recognise IKEv1 (version 1.0) and report it as such instead of parsing it as IKEv2.
//! - [`registry`]: the IANA IKEv2 registries as newtypes with names as strongSwan prints them,
//!   [`transform_name`], and strongSwan's proposal notation via `Display` on [`ProposalRepr`];
//!   [`MessageRepr::payload_names`] gives the `[ SA KE No N(NATD_S_IP) ]` lists strongSwan logs,
//!   so capture and log evidence line up.
//! - [`vendor`]: Vendor ID payloads mapped to implementations (strongSwan, Windows, Cisco,
//!   Libreswan, Fortinet, Juniper, Check Point...) and capabilities (NAT-T, DPD, fragmentation).
//!
//! The crate is written by hand because no maintained Rust crate parses *and* emits all IKEv2
//! payloads with both zero-copy views and owned representations; diagnosis needs exact offsets
//! of malformations and byte-exact re-emission for probes. It has no runtime dependencies.
//!
//! Every parser here is meant for hostile input: it never panics, always terminates (each step
//! consumes at least four bytes) and allocates at most in proportion to its input.

mod emit;
mod names;
mod parse;
pub mod registry;
pub mod repr;
pub mod vendor;
pub mod wire;

pub use parse::header;
pub use registry::*;
pub use repr::*;
pub use wire::{peek_version, GenericPayload, Header, PayloadIter, RawPayload};

#[cfg(test)]
mod tests;
