//! What log lines mean. Each entry is a literal piece of a canonical line (as the implementation's
//! source writes it, with the printf arguments left out), the phase and root-cause category it
//! points to, and whether it decides the cause alone (`Cause`), only says something failed
//! (`Symptom`), or records progress the diagnosis needs to place the failure (`Progress`,
//! `Context`). The same table answers `ike-doctor explain`.
//!
//! Strings were checked against the implementations' sources or real logs (the lab's daemon
//! logs, public issue threads); the tag names the line, not a source location.

pub use ike_contract::{Category, FailurePhase, Knowledge};

/// Who wrote the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Implementation {
    StrongSwan,
    Libreswan,
    Windows,
    Apple,
    FortiGate,
    Cisco,
    /// AWS Site-to-Site VPN tunnel logs.
    Aws,
    /// Azure VPN gateway diagnostics and connection troubleshooting.
    Azure,
    /// Google Cloud VPN tunnel status and logs.
    GoogleCloud,
    /// Palo Alto Networks PAN-OS (ikemgr, system log).
    PaloAlto,
    /// Juniper Junos (kmd, iked).
    Juniper,
    /// MikroTik RouterOS (`ipsec` topic).
    MikroTik,
    /// RADIUS servers behind EAP: Windows NPS event reasons, FreeRADIUS.
    Radius,
    /// Suricata's `ike` EVE events.
    Suricata,
    /// Android's built-in IKEv2 client (`android.net.ipsec.ike`, AOSP), as its exceptions print.
    AndroidIke,
    /// A notify name pasted alone: any IKEv2 implementation's.
    AnyIkev2,
}

impl Implementation {
    pub const ALL: &'static [Implementation] = &[
        Implementation::StrongSwan,
        Implementation::Libreswan,
        Implementation::Windows,
        Implementation::Apple,
        Implementation::FortiGate,
        Implementation::Cisco,
        Implementation::Aws,
        Implementation::Azure,
        Implementation::GoogleCloud,
        Implementation::PaloAlto,
        Implementation::Juniper,
        Implementation::MikroTik,
        Implementation::Radius,
        Implementation::Suricata,
        Implementation::AndroidIke,
        Implementation::AnyIkev2,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Implementation::StrongSwan => "strongSwan",
            Implementation::Libreswan => "Libreswan",
            Implementation::Windows => "Windows",
            Implementation::Apple => "Apple",
            Implementation::FortiGate => "FortiGate",
            Implementation::Cisco => "Cisco",
            Implementation::Aws => "AWS VPN",
            Implementation::Azure => "Azure VPN gateway",
            Implementation::GoogleCloud => "Google Cloud VPN",
            Implementation::PaloAlto => "PAN-OS",
            Implementation::Juniper => "Junos",
            Implementation::MikroTik => "RouterOS",
            Implementation::Radius => "RADIUS server",
            Implementation::Suricata => "Suricata",
            Implementation::AndroidIke => "Android IKEv2 client",
            Implementation::AnyIkev2 => "IKEv2",
        }
    }
}

/// How much a line says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Names the root cause (the category is decided, possibly refined by the lines around it).
    Cause,
    /// Says that something failed, not why.
    Symptom,
    /// A step of the negotiation (packets, exchanges, established SAs).
    Progress,
    /// Detail that a rule combines with other lines (NAT detected, certificate dates...).
    Context,
    /// Carries the time of a multi-line record (Windows exports); never an event by itself.
    TimeContext,
}

/// What a line states, in the terms the diagnosis reasons with. Several implementations' lines
/// state the same fact (charon's "MAC mismatched" and pluto's "computed hash does not match" are
/// both [`Fact::PskMismatch`]); rules ask for facts, never for an implementation's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fact {
    // --- progress of the negotiation, as the writer did it ---
    /// The writer sent an IKE datagram (addresses and size on the line).
    PacketSent,
    /// The writer received an IKE datagram.
    PacketReceived,
    /// The writer built an IKE message (payloads listed).
    MessageBuilt,
    /// The writer parsed an IKE message (payloads listed).
    MessageParsed,
    /// The writer starts an IKE SA: it is the initiator.
    Initiating,
    /// A peer starts an IKE SA with the writer: it is the responder.
    PeerInitiating,
    /// The writer sent IKE_SA_INIT (as initiator).
    InitSent,
    /// The writer answered IKE_SA_INIT (as responder).
    InitAnswered,
    /// The writer sent IKE_AUTH (as initiator).
    AuthSent,
    /// An authentication by the writer ("(myself) with pre-shared key") or of the peer ("with
    /// ECDSA_WITH_SHA256_DER successful"): the method is the record's `detail`.
    Authentication,
    /// The writer selected a proposal of the peer's (IKE or ESP; the proposal is on the line).
    ProposalSelected,
    /// The proposals the writer received (context for a refusal).
    ProposalsReceived,
    /// The proposals the writer has configured (context for a refusal).
    ProposalsConfigured,
    /// The writer asks for / retries with another key exchange method (INVALID_KE_PAYLOAD).
    DhRetry,
    IkeEstablished,
    ChildEstablished,
    DaemonStart,
    /// The writer detected NAT (or fakes it to force UDP encapsulation).
    NatDetected,
    /// The writer splits a message with IKEv2 fragmentation.
    Fragmenting,
    /// The writer deletes an SA.
    Deleting,
    /// A responder looks up the connection for both identities (`detail`: `ip[id]...ip[id]`).
    PeerConfigLookup,
    /// The initiator starts a CHILD_SA (`detail`: the child's name).
    ChildEstablishing,
    /// A connection's configured IKE version (`number`).
    ConfiguredVersion,
    /// An address pool loaded (`detail`: `name: first, N entries`).
    PoolAdded,
    /// A CHILD_SA's configured local traffic selectors (`detail`).
    ConfiguredLocalTs,
    /// A line that only carries the time or data of a multi-line record.
    Record,
    /// A status command's answer that no SA of the kind asked for exists now (not a failure by itself).
    NoSaListed,
    // --- what the writer saw go wrong, without knowing why ---
    /// No answer yet: the writer sends the request again.
    Retransmit,
    /// The writer stopped retransmitting: never answered.
    GaveUp,
    /// A responder received a retransmit of a request it already answered.
    AnsweredRetransmit,
    /// A responder dropped a half-open IKE SA: IKE_AUTH never arrived.
    HalfOpenTimeout,
    /// The peer refused the writer's authentication (AUTHENTICATION_FAILED received).
    PeerRefusedAuth,
    /// The peer refused the writer's IKE proposals (NO_PROPOSAL_CHOSEN received).
    PeerRefusedProposals,
    /// The peer refused the writer's CHILD_SA proposals (NO_PROPOSAL_CHOSEN received in
    /// IKE_AUTH or CREATE_CHILD_SA).
    PeerRefusedChildProposals,
    /// The peer refused the writer's traffic selectors (TS_UNACCEPTABLE received).
    PeerRefusedTs,
    /// The peer could not give the writer a virtual IP (INTERNAL_ADDRESS_FAILURE,
    /// FAILED_CP_REQUIRED received).
    PeerRefusedVirtualIp,
    /// The peer deleted a CHILD_SA.
    PeerDeletedChild,
    /// A CHILD_SA could not be created; the line before says why.
    ChildFailed,
    /// A CHILD_SA rekey was refused.
    RekeyFailed,
    /// An authentication failed, direction not stated.
    AuthFailed,
    /// The negotiation failed; the lines before say why.
    NegotiationFailed,
    /// A lookup (profile, key, identity) failed.
    LookupFailed,
    /// The writer abandoned the exchange.
    Fatal,
    /// The writer listens on no interface.
    NoInterfaces,
    /// A client's numeric error code (Windows RAS/IKE).
    ErrorCode,
    /// A client could not verify the server's certificate (no reason given).
    CertNotVerified,
    // --- detail that refines a cause ---
    /// No common algorithm of one transform type in a proposal.
    TransformUnacceptable,
    /// No common key exchange method in a proposal.
    KeUnacceptable,
    /// A certificate is outside its validity period at the writer's time.
    CertOutsideValidity,
    /// The issuer of a received certificate is not trusted by the writer.
    NoIssuer,
    /// The kernel refused an IPsec request (errno on the line).
    NetlinkError,
    /// No proposal in common (pluto's summary; the next lines say for what).
    NoLocalProposal,
    /// The writer runs without IPv4 IKE sockets.
    SocketMissing,
    // --- the writer's own statement of the cause ---
    /// The peer's PSK AUTH does not verify with the writer's key.
    PskMismatch,
    /// The writer has no PSK for these identities.
    PskMissing,
    /// The writer could not resolve the peer's host name, so it sent nothing.
    PeerNameUnresolved,
    /// The writer's own policy refused the SA (uniqueness, an authorization hook, DoS limits).
    PolicyRefused,
    /// The writer trusts no public key for the peer's identity (refined by the lines before).
    NoTrustedKey,
    /// The writer's own private key is not loaded.
    NoPrivateKey,
    CertRevoked,
    /// The peer's certificate's revocation status is unknown and required.
    CertStatusUnavailable,
    /// No revocation status was found for a certificate (not a failure by itself).
    CertStatusUnknown,
    /// A certificate the writer cannot use (unsupported critical extension).
    CertUnusable,
    /// The peer's identity matches no connection or is not the expected one.
    IdentityRejected,
    /// The writer refused the EAP exchange or its credentials.
    EapRejected,
    /// The writer accepts none of the peer's IKE proposals.
    ProposalsRejected,
    /// IKEv1: the writer accepts none of the peer's Phase 1 transforms. The DH group is one of
    /// a transform's attributes there, so the line alone does not tell a group from an
    /// algorithm mismatch.
    V1ProposalsRejected,
    /// The writer dropped ESP packets of an established SA: integrity check, anti-replay window,
    /// or an SPI it has no SA for.
    EspDropped,
    /// No connection of the writer matches the peer (addresses, version, identity).
    NoMatchingConnection,
    /// The writer accepts none of the peer's CHILD_SA proposals.
    ChildProposalsRejected,
    /// The writer refused the peer's traffic selectors.
    TsRejected,
    /// A TS_UNACCEPTABLE notify, sent or received.
    TsRefused,
    /// The writer could not assign a virtual IP.
    VirtualIpFailed,
    /// The writer's kernel refused to install an IPsec SA or policy.
    KernelRefusedSa,
    /// The writer cannot bind its IKE port: another program holds it.
    PortInUse,
    /// The writer has no usable kernel IPsec interface.
    KernelIpsecMissing,
    /// The two implementations do not interoperate (a feature one of them does not support).
    Incompatible,
    /// The writer verified the peer's certificate or its signature (AUTH).
    PeerVerified,
    /// The writer refused the peer's authentication (sent AUTHENTICATION_FAILED); the line does
    /// not say why.
    RefusedPeerAuth,
    /// Data that is not IKE reached the IKE socket (on UDP 4500: ESP the kernel did not
    /// decapsulate).
    NotIke,
}

impl Fact {
    /// How much the writer knows about what the line states: its own action, or its reading
    /// of what the peer answered (or did not answer).
    pub fn knowledge(self) -> Knowledge {
        match self {
            Fact::Retransmit
            | Fact::GaveUp
            | Fact::AnsweredRetransmit
            | Fact::HalfOpenTimeout
            | Fact::PeerRefusedAuth
            | Fact::PeerRefusedProposals
            | Fact::PeerRefusedChildProposals
            | Fact::PeerRefusedTs
            | Fact::PeerRefusedVirtualIp
            | Fact::PeerDeletedChild
            | Fact::AuthFailed
            | Fact::NegotiationFailed
            | Fact::LookupFailed
            | Fact::ErrorCode
            | Fact::CertNotVerified
            | Fact::TsRefused => Knowledge::PeerReading,
            _ => Knowledge::OwnStatement,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Stable name of the line, e.g. `charon.psk-mac-mismatch`.
    pub tag: &'static str,
    /// What the line states.
    pub fact: Fact,
    pub implementation: Implementation,
    /// Literal text that identifies the line (case-sensitive, as logged).
    pub pattern: &'static str,
    /// A second literal the line must also hold (empty: none).
    pub require: &'static str,
    pub phase: Option<FailurePhase>,
    /// The contract's category when the line decides it.
    pub category: Option<Category>,
    pub role: Role,
    /// What the line means, for people.
    pub meaning: &'static str,
    /// What to check to tell the possible causes apart.
    pub checks: &'static [&'static str],
    /// For a line that leaves the cause open: the causes its writer's documentation names, most
    /// likely first (empty: the diagnosis derives them from the fact and phase).
    pub open: &'static [OpenCause],
}

/// A cause a line leaves open, as its writer's documentation names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenCause {
    pub phase: FailurePhase,
    pub category: Category,
    pub why: &'static str,
}

impl std::fmt::Display for OpenCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.phase.as_str(),
            self.category.as_str(),
            self.why
        )
    }
}

use Category as C;
use Fact as F;
use Implementation::{
    AndroidIke, AnyIkev2, Apple, Aws, Azure, Cisco, FortiGate, GoogleCloud, Juniper, Libreswan,
    MikroTik, PaloAlto, Radius, StrongSwan, Suricata, Windows,
};
use Role::{Cause, Context, Progress, Symptom, TimeContext};

const INIT: Option<FailurePhase> = Some(FailurePhase::IkeSaInit);
const AUTH: Option<FailurePhase> = Some(FailurePhase::IkeAuth);
const CHILD: Option<FailurePhase> = Some(FailurePhase::ChildSa);
const EST: Option<FailurePhase> = Some(FailurePhase::Established);
const NONE: Option<FailurePhase> = None;

macro_rules! entry {
    ($tag:literal, $fact:expr, $imp:expr, $pattern:literal, $require:literal, $phase:expr, $cat:expr, $role:expr, $meaning:literal, [$($check:literal),* $(,)?]) => {
        Entry {
            tag: $tag,
            fact: $fact,
            implementation: $imp,
            pattern: $pattern,
            require: $require,
            phase: $phase,
            category: $cat,
            role: $role,
            meaning: $meaning,
            checks: &[$($check),*],
            open: &[],
        }
    };
    ($tag:literal, $fact:expr, $imp:expr, $pattern:literal, $require:literal, $phase:expr, $cat:expr, $role:expr, $meaning:literal, [$($check:literal),* $(,)?],
     open [$(($open_phase:ident, $open_cat:ident, $why:literal)),* $(,)?]) => {
        Entry {
            open: &[$(OpenCause { phase: FailurePhase::$open_phase, category: Category::$open_cat, why: $why }),*],
            ..entry!($tag, $fact, $imp, $pattern, $require, $phase, $cat, $role, $meaning, [$($check),*])
        }
    };
}

/// Every line the parsers recognise.
pub const ENTRIES: &[Entry] = &[
    // ---- strongSwan charon: progress ----
    entry!("charon.packet-sent", F::PacketSent, StrongSwan, "sending packet: from ", "", NONE, None, Progress,
        "charon sent an IKE datagram (addresses, ports and size are on the line)", []),
    entry!("charon.packet-received", F::PacketReceived, StrongSwan, "received packet: from ", "", NONE, None, Progress,
        "charon received an IKE datagram", []),
    entry!("charon.generating", F::MessageBuilt, StrongSwan, "] generating ", "", NONE, None, Progress,
        "charon built an IKE message; the payloads are listed in brackets", []),
    entry!("charon.generating", F::MessageBuilt, StrongSwan, "> generating ", "", NONE, None, Progress,
        "charon built an IKE message; the payloads are listed in brackets", []),
    entry!("charon.parsed", F::MessageParsed, StrongSwan, "] parsed ", "", NONE, None, Progress,
        "charon parsed an IKE message; the payloads are listed in brackets", []),
    entry!("charon.parsed", F::MessageParsed, StrongSwan, "> parsed ", "", NONE, None, Progress,
        "charon parsed an IKE message; the payloads are listed in brackets", []),
    entry!("charon.initiating", F::Initiating, StrongSwan, "initiating IKE_SA ", "", NONE, None, Progress,
        "charon starts an IKE SA as initiator", []),
    entry!("charon.peer-initiating", F::PeerInitiating, StrongSwan, " is initiating an IKE_SA", "", NONE, None, Progress,
        "a peer starts an IKE SA with this responder", []),
    entry!("charon.ike-established", F::IkeEstablished, StrongSwan, " established between ", "IKE_SA", NONE, None, Progress,
        "the IKE SA is authenticated and established", []),
    entry!("charon.child-established", F::ChildEstablished, StrongSwan, " established with SPIs ", "CHILD_SA", NONE, None, Progress,
        "a CHILD_SA is installed (its ESP SPIs are on the line)", []),
    entry!("charon.retransmit", F::Retransmit, StrongSwan, " of request with message ID ", "retransmit", NONE, None, Symptom,
        "charon got no answer and sends the request again; message ID 0 is IKE_SA_INIT, 1 is the first IKE_AUTH",
        ["message ID 0: is the responder reachable on UDP 500 and its daemon listening?",
         "message ID 1 after the move to UDP 4500: is UDP 4500 open, and is the IKE_AUTH request larger than the path MTU?"]),
    entry!("charon.give-up", F::GaveUp, StrongSwan, "giving up after ", "retransmit", NONE, None, Symptom,
        "charon stopped retransmitting: the peer never answered this request", []),
    entry!("charon.peer-not-responding", F::GaveUp, StrongSwan, "establishing IKE_SA failed, peer not responding", "", NONE, None, Symptom,
        "summary of a request that was never answered", []),
    entry!("charon.responder-retransmit", F::AnsweredRetransmit, StrongSwan, "received retransmit of request with ID ", "", NONE, Some(C::UdpBlocked), Symptom,
        "the responder answers but the initiator keeps resending: the responses do not reach it (return path, NAT or firewall)",
        ["capture on the initiator: do the responses arrive?", "check firewalls and NAT between the peers for the return direction"]),
    entry!("charon.half-open-timeout", F::HalfOpenTimeout, StrongSwan, "deleting half open IKE_SA with ", "", AUTH, None, Symptom,
        "the responder answered IKE_SA_INIT but IKE_AUTH never arrived",
        ["is UDP 4500 open towards the responder?", "is the IKE_AUTH request IP-fragmented and the fragments dropped? enable IKEv2 fragmentation"]),
    entry!("charon.nat-local", F::NatDetected, StrongSwan, "local host is behind NAT", "", NONE, None, Context,
        "NAT detected on this side: IKE and ESP move to UDP 4500", []),
    entry!("charon.nat-remote", F::NatDetected, StrongSwan, "remote host is behind NAT", "", NONE, None, Context,
        "NAT detected on the peer's side: IKE and ESP move to UDP 4500", []),
    entry!("charon.nat-faked", F::NatDetected, StrongSwan, "faking NAT situation to enforce UDP encapsulation", "", NONE, None, Context,
        "UDP encapsulation is forced (encap=yes): IKE and ESP move to UDP 4500", []),
    entry!("charon.fragmenting", F::Fragmenting, StrongSwan, "splitting IKE message (", "", NONE, None, Context,
        "IKEv2 fragmentation (RFC 7383) is in use for a large message", []),
    entry!("charon.child-deleted-by-peer", F::PeerDeletedChild, StrongSwan, "received DELETE for ESP CHILD_SA", "", NONE, None, Context,
        "the peer deleted a CHILD_SA", []),
    entry!("charon.daemon-start", F::DaemonStart, StrongSwan, "Starting IKE charon daemon", "", NONE, None, Progress,
        "charon started", []),
    entry!("pluto.daemon-start", F::DaemonStart, Libreswan, "Starting Pluto", "", NONE, None, Progress,
        "pluto started", []),
    entry!("charon.child-failed", F::ChildFailed, StrongSwan, "failed to establish CHILD_SA, keeping IKE_SA", "", CHILD, None, Symptom,
        "the IKE SA is up but the CHILD_SA could not be created; the line before says why", []),
    entry!("charon.rekey-failed", F::RekeyFailed, StrongSwan, "CHILD_SA rekeying failed", "", CHILD, None, Symptom,
        "a CHILD_SA rekey (CREATE_CHILD_SA) was refused", []),
    entry!("charon.own-signature-failed", F::NoPrivateKey, StrongSwan, "(myself) with ", " failed", AUTH, Some(C::AuthCert), Cause,
        "charon could not create its own AUTH: its private key cannot sign with the method asked (key missing, or the scheme refused by the crypto library or system crypto policy)",
        ["check that the private key of the local certificate is loaded", "allow the signature scheme (system crypto policy, local auth = pubkey-sha256 / rsa/pss)"]),
    entry!("charon.authentication", F::Authentication, StrongSwan, "authentication of '", "' ", NONE, None, Progress,
        "charon authenticates itself ('(myself)') or verified the peer ('successful'); the method is on the line", []),
    entry!("charon.deleting", F::Deleting, StrongSwan, "deleting IKE_SA ", "", NONE, None, Progress,
        "charon deletes an IKE SA (on request, timeout or shutdown)", []),
    entry!("charon.peer-config-lookup", F::PeerConfigLookup, StrongSwan, "looking for peer configs matching ", "", NONE, None, Context,
        "the responder looks for a connection matching both identities (its own ... the peer's, each after its address)", []),
    entry!("charon.child-establishing", F::ChildEstablishing, StrongSwan, "establishing CHILD_SA ", "", NONE, None, Progress,
        "the initiator starts a CHILD_SA (its configuration name is on the line)", []),
    entry!("charon.conn-version", F::ConfiguredVersion, StrongSwan, "[CFG]   version = ", "", NONE, None, Context,
        "the IKE version of a connection charon loaded (0 any, 1 IKEv1, 2 IKEv2)", []),
    entry!("charon.conn-local-ts", F::ConfiguredLocalTs, StrongSwan, "[CFG]    local_ts = ", "", NONE, None, Context,
        "a CHILD_SA's configured local traffic selectors, as charon loaded them", []),
    entry!("charon.pool-added", F::PoolAdded, StrongSwan, "added vici pool ", "", NONE, None, Context,
        "an address pool charon loaded: its first address and size", []),
    entry!("charon.proposal-selected", F::ProposalSelected, StrongSwan, "selected proposal: ", "", NONE, None, Progress,
        "charon accepted one of the peer's proposals (IKE or ESP, named on the line)", []),
    entry!("charon.proposals-received", F::ProposalsReceived, StrongSwan, "received proposals: ", "", NONE, None, Context,
        "the proposals charon received from the peer", []),
    entry!("charon.proposals-configured", F::ProposalsConfigured, StrongSwan, "configured proposals: ", "", NONE, None, Context,
        "the proposals charon has configured for this connection", []),
    entry!("charon.dh-retry", F::DhRetry, StrongSwan, " unacceptable, requesting ", "", NONE, None, Progress,
        "the responder asks for another key exchange method (INVALID_KE_PAYLOAD); normal once", []),
    entry!("charon.dh-retry", F::DhRetry, StrongSwan, "peer didn't accept ", "", NONE, None, Progress,
        "the initiator retries with the key exchange method the responder asked for; normal once", []),
    entry!("charon.transform-unacceptable", F::TransformUnacceptable, StrongSwan, "no acceptable ENCRYPTION_ALGORITHM found", "", NONE, None, Context,
        "no common encryption algorithm in a proposal", []),
    entry!("charon.transform-unacceptable", F::TransformUnacceptable, StrongSwan, "no acceptable INTEGRITY_ALGORITHM found", "", NONE, None, Context,
        "no common integrity algorithm in a proposal", []),
    entry!("charon.transform-unacceptable", F::TransformUnacceptable, StrongSwan, "no acceptable PSEUDO_RANDOM_FUNCTION found", "", NONE, None, Context,
        "no common PRF in a proposal", []),
    entry!("charon.transform-unacceptable", F::TransformUnacceptable, StrongSwan, "no acceptable EXTENDED_SEQUENCE_NUMBERS found", "", NONE, None, Context,
        "ESN setting differs", []),
    entry!("charon.ke-unacceptable", F::KeUnacceptable, StrongSwan, "no acceptable DIFFIE_HELLMAN_GROUP found", "", NONE, None, Context,
        "no common Diffie-Hellman group in a proposal (in CREATE_CHILD_SA: PFS mismatch)", []),
    entry!("charon.ke-unacceptable", F::KeUnacceptable, StrongSwan, "no acceptable KEY_EXCHANGE_METHOD found", "", NONE, None, Context,
        "no common key exchange method in a proposal (in CREATE_CHILD_SA: PFS mismatch)", []),
    entry!("charon.cert-dates", F::CertOutsideValidity, StrongSwan, "certificate invalid (valid from ", "", AUTH, Some(C::AuthCert), Context,
        "a certificate is outside its validity period at the log's time: expired, or not yet valid (then often a wrong clock)",
        ["compare the dates with the host's clock (date -u)", "renew the certificate if it expired"]),
    entry!("charon.no-issuer", F::NoIssuer, StrongSwan, "no issuer certificate found for ", "", AUTH, Some(C::AuthCert), Context,
        "the CA (or an intermediate) of a received certificate is not trusted on this side",
        ["install the issuing CA as trusted (swanctl x509ca / ipsec.d/cacerts)", "send the intermediate certificates"]),
    entry!("charon.auth-failed-received", F::PeerRefusedAuth, StrongSwan, "received AUTHENTICATION_FAILED notify", "", AUTH, None, Symptom,
        "the peer refused our authentication; only the peer's log says why (PSK, certificate, identity or EAP)",
        ["read the responder's log at the same time", "MAC mismatched there: PSK; no trusted public key: certificate or identity; no matching peer config: identity"]),
    entry!("charon.no-proposal-init", F::PeerRefusedProposals, StrongSwan, "received NO_PROPOSAL_CHOSEN notify error", "", INIT, None, Symptom,
        "the responder refused IKE_SA_INIT: no common proposal, or no connection matches the addresses at all",
        ["responder log 'no IKE config found': addresses/connection (config-other)", "responder log 'received proposals unacceptable': compare received and configured proposals"]),
    // ---- strongSwan charon: causes ----
    entry!("charon.psk-mac-mismatch", F::PskMismatch, StrongSwan, "but MAC mismatched", "", AUTH, Some(C::AuthPsk), Cause,
        "the peer's AUTH payload does not verify with the configured pre-shared key: the keys differ",
        ["compare the secrets byte for byte (quotes, trailing spaces, encoding)", "check that the secret selected is the one for these identities"]),
    entry!("charon.psk-missing", F::PskMissing, StrongSwan, "no shared key found for ", "", AUTH, Some(C::AuthPsk), Cause,
        "no pre-shared key is configured for this pair of identities",
        ["add a secret whose id matches the identities on the line"]),
    entry!("charon.no-trusted-key", F::NoTrustedKey, StrongSwan, " public key found for ", "no trusted", AUTH, Some(C::AuthCert), Cause,
        "no certificate trusted for the peer's identity: untrusted chain, expired or not yet valid, or the identity is not in the certificate",
        ["lines just before: 'no issuer certificate found' (chain), 'certificate invalid (valid from...)' (dates)",
         "neither: the peer's identity is not in its certificate's subject or subjectAltName"]),
    entry!("charon.no-private-key", F::NoPrivateKey, StrongSwan, "no private key found for ", "", AUTH, Some(C::AuthCert), Cause,
        "the own private key for the certificate or identity is not loaded",
        ["load the key (swanctl --load-creds)", "make the local identity match the certificate"]),
    entry!("charon.revoked", F::CertRevoked, StrongSwan, "certificate was revoked on ", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate is revoked", []),
    entry!("charon.cert-status-unknown", F::CertStatusUnknown, StrongSwan, "certificate status is not available", "", NONE, None, Context,
        "no revocation status (CRL or OCSP) was found for a certificate; harmless unless the policy requires one", []),
    entry!("charon.cert-status-required", F::CertStatusUnavailable, StrongSwan, "constraint check failed: RULE_CRL_VALIDATION", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate has no good CRL status and the policy requires one (revocation = strict): revoked, or its CRL unreachable",
        ["is the CRL distribution point reachable from this host (and a fetcher plugin loaded)?", "or relax the revocation policy"]),
    entry!("charon.cert-status-required", F::CertStatusUnavailable, StrongSwan, "constraint check failed: RULE_OCSP_VALIDATION", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate has no good OCSP status and the policy requires one (revocation = strict): revoked, or the OCSP responder unreachable",
        ["is the OCSP responder reachable from this host?", "or relax the revocation policy"]),
    entry!("charon.critical-extension", F::CertUnusable, StrongSwan, "found unsupported critical X.509 extension", "", AUTH, Some(C::AuthCert), Cause,
        "a certificate carries a critical extension strongSwan does not support, so it is not loaded", []),
    entry!("charon.constraint-identity", F::IdentityRejected, StrongSwan, "constraint check failed: identity ", "", AUTH, Some(C::AuthId), Cause,
        "the peer's identity is not the one configured as remote identity",
        ["compare the configured remote id with the identity and certificate the peer presents"]),
    // 5.9.x wording of the same check (the Android app prints it when the server's certificate
    // does not hold the address or name the profile dials).
    entry!("charon.constraint-identity", F::IdentityRejected, StrongSwan, "certificate does not confirm identity", "constraint check failed", AUTH, Some(C::AuthId), Cause,
        "the certificate does not hold the identity configured for the peer (the name or address dialled is not in its subjectAltName)",
        ["dial the name or address the certificate was issued for", "or reissue the certificate with that name or address as subjectAltName"]),
    entry!("charon.no-peer-config", F::IdentityRejected, StrongSwan, "no matching peer config found", "", AUTH, Some(C::AuthId), Cause,
        "the identities (IDi/IDr) or authentication round match no connection on the responder",
        ["read the identities on the 'looking for peer configs matching' line just before"]),
    entry!("charon.idr-mismatch", F::IdentityRejected, StrongSwan, "' does not match to '", "IDir", AUTH, Some(C::AuthId), Cause,
        "the responder presented another identity than the one configured", []),
    entry!("charon.eap-config", F::EapRejected, StrongSwan, "peer requested EAP, config unacceptable", "", AUTH, Some(C::AuthEap), Cause,
        "the client wants EAP but no connection allows EAP for it", []),
    entry!("charon.eap-config", F::EapRejected, StrongSwan, "peer requested EAP, config inacceptable", "", AUTH, Some(C::AuthEap), Cause,
        "the client wants EAP but no connection allows EAP for it", []),
    entry!("charon.eap-no-key", F::EapRejected, StrongSwan, "no EAP key found for hosts ", "", AUTH, Some(C::AuthEap), Cause,
        "no EAP secret for this user", []),
    entry!("charon.eap-failed", F::EapRejected, StrongSwan, "EAP-MS-CHAPv2 verification failed", "", AUTH, Some(C::AuthEap), Cause,
        "the EAP-MSCHAPv2 password is wrong (or RADIUS refused it)", []),
    entry!("charon.eap-failed", F::EapRejected, StrongSwan, "EAP-MS-CHAPv2 failed with error ", "", AUTH, Some(C::AuthEap), Cause,
        "the EAP server refused the EAP-MSCHAPv2 credentials", []),
    entry!("charon.eap-failed", F::EapRejected, StrongSwan, " method failed", "EAP", AUTH, Some(C::AuthEap), Cause,
        "the EAP method failed: credentials refused", []),
    entry!("charon.eap-failed", F::EapRejected, StrongSwan, " failed for peer ", "EAP method", AUTH, Some(C::AuthEap), Cause,
        "the EAP method failed for this peer: credentials refused", []),
    entry!("charon.proposals-unacceptable", F::ProposalsRejected, StrongSwan, "received proposals unacceptable", "", INIT, Some(C::ProposalIke), Cause,
        "no IKE proposal of the initiator is acceptable",
        ["compare the 'received proposals' and 'configured proposals' lines", "only the DH group differs: proposal-dh"]),
    // strongSwan before 5.9 spelled it "inacceptable".
    entry!("charon.proposals-unacceptable", F::ProposalsRejected, StrongSwan, "received proposals inacceptable", "", INIT, Some(C::ProposalIke), Cause,
        "no IKE proposal of the initiator is acceptable",
        ["compare the 'received proposals' and 'configured proposals' lines", "only the DH group differs: proposal-dh"]),
    entry!("charon.no-ike-config", F::NoMatchingConnection, StrongSwan, "no IKE config found for ", "", INIT, Some(C::ConfigOther), Cause,
        "no connection matches the local and remote addresses; the initiator only sees NO_PROPOSAL_CHOSEN",
        ["check local_addrs/left and remote_addrs/right (public vs private address behind NAT)", "check that an IKEv2 connection is loaded"]),
    entry!("charon.child-no-proposal", F::ChildProposalsRejected, StrongSwan, "no acceptable proposal found", "", CHILD, Some(C::ProposalEsp), Cause,
        "no common CHILD_SA (ESP/AH) proposal; in a rekey with KE, the PFS groups differ",
        ["compare esp_proposals on both sides", "rekey refused with KE: DH group (PFS) only on one side"]),
    entry!("charon.child-no-proposal-received", F::PeerRefusedChildProposals, StrongSwan, "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built", "", CHILD, Some(C::ProposalEsp), Cause,
        "the responder found no common CHILD_SA proposal", []),
    entry!("charon.ts-unacceptable", F::TsRejected, StrongSwan, "traffic selectors ", "acceptable", CHILD, Some(C::TrafficSelectors), Cause,
        "the proposed traffic selectors do not fit the responder's configuration", []),
    entry!("charon.ts-unacceptable-received", F::PeerRefusedTs, StrongSwan, "received TS_UNACCEPTABLE notify", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the responder refused the proposed traffic selectors",
        ["compare local_ts/remote_ts (leftsubnet/rightsubnet) on both sides"]),
    entry!("charon.pool-full", F::VirtualIpFailed, StrongSwan, " is full, unable to assign address", "", CHILD, Some(C::ConfigOther), Cause,
        "the virtual IP pool is exhausted", ["enlarge the pool or release stale leases"]),
    entry!("charon.no-virtual-ip", F::VirtualIpFailed, StrongSwan, "no virtual IP found", "", CHILD, Some(C::ConfigOther), Cause,
        "no virtual IP could be assigned (pool missing or exhausted)", []),
    entry!("charon.address-failure", F::PeerRefusedVirtualIp, StrongSwan, "received INTERNAL_ADDRESS_FAILURE notify", "", CHILD, Some(C::ConfigOther), Cause,
        "the gateway could not assign a virtual IP (pool exhausted or missing)", []),
    entry!("charon.cp-required", F::PeerRefusedVirtualIp, StrongSwan, "received FAILED_CP_REQUIRED notify", "", CHILD, Some(C::ConfigOther), Cause,
        "the gateway requires a virtual IP request (CP) that the client did not send", []),
    entry!("charon.cp-failed", F::VirtualIpFailed, StrongSwan, "configuration payload negotiation failed", "", CHILD, Some(C::ConfigOther), Cause,
        "the configuration payload (virtual IP, DNS) could not be satisfied", []),
    entry!("charon.netlink-error", F::NetlinkError, StrongSwan, "received netlink error: ", "", CHILD, Some(C::Implementation), Context,
        "the kernel refused an IPsec request; the errno names the missing feature", []),
    entry!("charon.sad-failed", F::KernelRefusedSa, StrongSwan, "unable to add SAD entry with SPI ", "", CHILD, Some(C::Implementation), Cause,
        "the kernel refused to install an IPsec SA", []),
    entry!("charon.sad-install-failed", F::KernelRefusedSa, StrongSwan, "unable to install inbound and outbound IPsec SA (SAD) in kernel", "", CHILD, Some(C::Implementation), Cause,
        "the kernel refused to install the CHILD_SA's IPsec SAs",
        ["see the netlink error just before: errno 93/97 XFRM or ESP missing, 2 or 38 algorithm missing"]),
    entry!("charon.spd-install-failed", F::KernelRefusedSa, StrongSwan, "unable to install IPsec policies (SPD) in kernel", "", CHILD, Some(C::Implementation), Cause,
        "the kernel refused the IPsec policies", []),
    entry!("charon.spi-failed", F::KernelRefusedSa, StrongSwan, "allocating SPI failed", "", CHILD, Some(C::Implementation), Cause,
        "the kernel could not allocate an SPI (XFRM missing, or a 32-bit userland on a 64-bit kernel)", []),
    entry!("charon.bind-failed", F::PortInUse, StrongSwan, "unable to bind socket: ", "", INIT, Some(C::Implementation), Cause,
        "charon cannot bind its IKE port: another program holds it",
        ["ss -lunp 'sport = :500 or sport = :4500'", "stop the other IKE daemon"]),
    entry!("charon.socket-failed", F::SocketMissing, StrongSwan, "could not open IPv4 socket", "", INIT, Some(C::Implementation), Context,
        "charon runs without IPv4 IKE sockets", []),
    entry!("charon.netlink-socket", F::KernelIpsecMissing, StrongSwan, "unable to create netlink socket", "", INIT, Some(C::Implementation), Cause,
        "the kernel has no (or no permitted) XFRM netlink interface", []),
    entry!("charon.kernel-ipsec-missing", F::KernelIpsecMissing, StrongSwan, "unmet dependency: CUSTOM:kernel-ipsec", "", INIT, Some(C::Implementation), Cause,
        "no kernel IPsec backend could be loaded", []),
    // ---- Libreswan pluto ----
    entry!("pluto.sent-init", F::InitSent, Libreswan, "sent IKE_SA_INIT request", "", NONE, None, Progress,
        "pluto sent IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", F::InitAnswered, Libreswan, "sent IKE_SA_INIT reply", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", F::InitAnswered, Libreswan, "sent IKE_SA_INIT response", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", F::InitAnswered, Libreswan, "sent IKE_SA_INIT (or IKE_INTERMEDIATE) response", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT (5.x wording)", []),
    entry!("pluto.sent-auth", F::AuthSent, Libreswan, "sent IKE_AUTH request", "", NONE, None, Progress,
        "pluto sent IKE_AUTH", []),
    entry!("pluto.ike-established", F::IkeEstablished, Libreswan, "established IKE SA", "", NONE, None, Progress,
        "the IKE SA is authenticated (Libreswan 4.x/5.x)", []),
    entry!("pluto.child-established", F::ChildEstablished, Libreswan, "established Child SA", "", NONE, None, Progress,
        "a Child SA is installed (Libreswan 4.x/5.x)", []),
    entry!("pluto.child-established", F::ChildEstablished, Libreswan, "IPsec SA established", "", NONE, None, Progress,
        "a Child SA is installed (older Libreswan)", []),
    entry!("pluto.deleting", F::Deleting, Libreswan, "deleting state (", "", NONE, None, Progress,
        "pluto deletes a state (an IKE or Child SA)", []),
    entry!("pluto.retransmit", F::Retransmit, Libreswan, ": retransmission; will wait ", "", NONE, None, Symptom,
        "pluto got no answer and resends; the state name says which exchange (PARENT_I1/IKE_SA_INIT_I: IKE_SA_INIT, PARENT_I2/IKE_AUTH_I: IKE_AUTH)", []),
    entry!("pluto.timeout", F::GaveUp, Libreswan, " timeout exceeded after ", "", NONE, None, Symptom,
        "pluto gave up waiting for an answer; 'Possible authentication failure' in IKE_AUTH usually means the request never arrived",
        ["IKE_SA_INIT: UDP 500 blocked, daemon down or IKE version mismatch", "IKE_AUTH: fragmentation or UDP 4500"]),
    entry!("pluto.duplicate-init", F::AnsweredRetransmit, Libreswan, "received duplicate IKE_SA_INIT message request", "", INIT, Some(C::UdpBlocked), Symptom,
        "the responder answers but the initiator keeps resending: the responses are lost on the way back", []),
    // 4.x/5.x: "IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED";
    // 3.2x: "IKE SA authentication request rejected: AUTHENTICATION_FAILED".
    entry!("pluto.auth-rejected", F::PeerRefusedAuth, Libreswan, "authentication request rejected", "", AUTH, None, Symptom,
        "the peer refused our authentication; only its log says why", []),
    entry!("pluto.psk-mismatch", F::PskMismatch, Libreswan, "authentication failed: computed hash does not match", "", AUTH, Some(C::AuthPsk), Cause,
        "the peer's PSK AUTH payload does not verify: the pre-shared keys differ", []),
    entry!("pluto.psk-missing", F::PskMissing, Libreswan, "No matching PSK found", "", AUTH, Some(C::AuthPsk), Cause,
        "no pre-shared key for these identities", []),
    entry!("pluto.psk-missing", F::PskMissing, Libreswan, "authentication failed: no PSK found", "", AUTH, Some(C::AuthPsk), Cause,
        "no pre-shared key for these identities", []),
    entry!("pluto.no-proposal-sent", F::ProposalsRejected, Libreswan, "with unencrypted notification NO_PROPOSAL_CHOSEN", "", INIT, Some(C::ProposalIke), Cause,
        "pluto refused IKE_SA_INIT: no common IKE proposal (or no IKEv2 connection at all)", []),
    entry!("pluto.no-connection", F::NoMatchingConnection, Libreswan, "no suitable connection found with IKEv2 policy", "", INIT, Some(C::ConfigOther), Cause,
        "no IKEv2 connection matches this peer", []),
    entry!("pluto.no-connection", F::NoMatchingConnection, Libreswan, "but no connection has been authorized with policy", "", INIT, Some(C::ConfigOther), Cause,
        "no loaded connection matches this peer's first message and authentication policy (connection not loaded, wrong addresses, or IKE version or authby differ)",
        ["ipsec status: is the connection loaded (ipsec auto --add)?", "do left=/right= and the IKE version and authby match the peer?"]),
    entry!("pluto.no-proposal-child", F::ChildProposalsRejected, Libreswan, "with encrypted notification NO_PROPOSAL_CHOSEN", "", CHILD, Some(C::ProposalEsp), Cause,
        "pluto refused the Child SA proposal", []),
    entry!("pluto.no-local-proposal", F::NoLocalProposal, Libreswan, "no local proposal matches remote proposals", "", NONE, None, Context,
        "no proposal in common; ESP in the remote proposals means the Child SA", []),
    entry!("pluto.ts-unacceptable", F::TsRejected, Libreswan, "with encrypted notification TS_UNACCEPTABLE", "", CHILD, Some(C::TrafficSelectors), Cause,
        "pluto refused the traffic selectors", []),
    entry!("pluto.ts-unacceptable", F::TsRejected, Libreswan, "No IKEv2 connection found with compatible Traffic Selectors", "", CHILD, Some(C::TrafficSelectors), Cause,
        "no connection covers the proposed traffic selectors", []),
    entry!("pluto.dropping-notify", F::PeerRefusedProposals, Libreswan, "NO_PROPOSAL_CHOSEN notification", "dropping unexpected", NONE, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN (IKE_SA_INIT: IKE proposal; IKE_AUTH: Child SA proposal)", []),
    entry!("pluto.dropping-ts", F::PeerRefusedTs, Libreswan, "TS_UNACCEPTABLE notification", "dropping unexpected", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer refused the traffic selectors", []),
    // The notify as pluto names it in any line, debug dumps included ("Notify Message Type:
    // v2N_TS_UNACCEPTABLE"), whether sent or received: the Child SA's selectors were refused.
    entry!("pluto.ts-notify", F::TsRefused, Libreswan, "v2N_TS_UNACCEPTABLE", "", CHILD, Some(C::TrafficSelectors), Cause,
        "a TS_UNACCEPTABLE notify was sent or received: the Child SA's traffic selectors fit no connection",
        ["compare leftsubnet/rightsubnet (local_ts/remote_ts) on both sides"]),
    entry!("pluto.unauth-no-proposal", F::PeerRefusedProposals, Libreswan, "received unauthenticated v2N_NO_PROPOSAL_CHOSEN", "", INIT, None, Symptom,
        "the responder answered NO_PROPOSAL_CHOSEN to IKE_SA_INIT", []),
    entry!("pluto.netlink-add-sa", F::KernelRefusedSa, Libreswan, "netlink response for Add SA ", "", CHILD, Some(C::Implementation), Cause,
        "the kernel refused to install the IPsec SA; the errno names the missing feature", []),
    entry!("pluto.bind-failed", F::PortInUse, Libreswan, "Address already in use", "bind", INIT, Some(C::Implementation), Cause,
        "pluto cannot bind its IKE port: another IKE daemon holds it", []),
    entry!("pluto.xfrm-socket-policy", F::KernelIpsecMissing, Libreswan, "setsockopt IP_XFRM_POLICY", "", INIT, Some(C::Implementation), Cause,
        "the kernel refuses the per-socket IPsec bypass policy pluto sets on its IKE sockets; the errno names why",
        ["errno 95 on ARM: a 64-bit kernel with a 32-bit userland (no XFRM compat layer)", "otherwise check the kernel's XFRM support (CONFIG_XFRM_USER)"]),
    entry!("pluto.no-interfaces", F::NoInterfaces, Libreswan, "no public interfaces found", "", INIT, None, Symptom,
        "pluto listens on no interface, so no IKE packet is answered", ["the lines before say why the interfaces were refused"]),
    entry!("pluto.peer-id-mismatch", F::IdentityRejected, Libreswan, "mismatched on first found connection", "Peer ID", AUTH, None, Cause,
        "the peer's identity matches no connection: a wrong identity, or a certificate pluto rejected before (it then has no identity from it)",
        ["is the identity the connection's rightid/leftid?", "with certificates: does the certificate verify (ipsec whack --debug all shows NSS's reason)?"]),
    entry!("pluto.san-mismatch", F::IdentityRejected, Libreswan, "is not specified on the certificate SubjectAltName", "", AUTH, Some(C::AuthId), Cause,
        "the peer's identity is not in its certificate's subjectAltName", []),
    entry!("pluto.san-mismatch", F::IdentityRejected, Libreswan, "unmatched IKE ID in certificate SAN", "", AUTH, Some(C::AuthId), Cause,
        "the peer's identity is not in its certificate's subjectAltName", []),
    entry!("pluto.cert-expired", F::CertOutsideValidity, Libreswan, "SEC_ERROR_EXPIRED_CERTIFICATE", "", AUTH, Some(C::AuthCert), Cause,
        "NSS rejects a certificate as expired (also printed for not-yet-valid ones: check the clock)", []),
    // Libreswan 5 refuses, at load time, a connection whose own certificate is outside its
    // validity: nothing is sent (libreswan#2025).
    entry!("pluto.own-cert-invalid", F::CertOutsideValidity, Libreswan, "is expired or not yet valid", "failed to add connection", INIT, Some(C::AuthCert), Cause,
        "pluto refused to load the connection because its own certificate is expired or not yet valid: it never starts IKE",
        ["the certificate's dates (certutil -L -d sql:/var/lib/ipsec/nss -n NICKNAME)", "this host's clock"]),
    entry!("pluto.cert-untrusted", F::NoIssuer, Libreswan, "SEC_ERROR_UNKNOWN_ISSUER", "", AUTH, Some(C::AuthCert), Cause,
        "NSS does not know the certificate's issuer", []),
    entry!("pluto.cert-untrusted", F::NoIssuer, Libreswan, "SEC_ERROR_UNTRUSTED_ISSUER", "", AUTH, Some(C::AuthCert), Cause,
        "NSS does not trust the certificate's issuer", []),
    entry!("pluto.eap-required", F::EapRejected, Libreswan, "Peer attempted EAP authentication, but IKE_AUTH is required", "", AUTH, Some(C::AuthEap), Cause,
        "the client uses EAP but the connection expects certificate or PSK authentication", []),
    entry!("pluto.ikev1-psk-mismatch", F::PskMismatch, Libreswan, "mismatch of preshared secrets", "", AUTH, Some(C::AuthPsk), Cause,
        "IKEv1: the peer's encrypted payload does not decrypt: the pre-shared keys differ", []),
    entry!("pluto.fatal", F::Fatal, Libreswan, "encountered fatal error in state", "", NONE, None, Symptom,
        "pluto abandoned the exchange; the line before says why", []),
    // ---- Windows RasClient ----
    entry!("windows.error-code", F::ErrorCode, Windows, "error code returned on failure is ", "", NONE, None, Symptom,
        "a Windows VPN connection failed with this error code (see `ike-doctor explain CODE`)", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "which has failed. The error code", "", NONE, None, Symptom,
        "a Windows VPN connection failed with this error code (see `ike-doctor explain CODE`)", []),
    entry!("windows.time", F::Record, Windows, "TimeCreated", "", NONE, None, TimeContext, "time of a Windows event", []),
    entry!("windows.time", F::Record, Windows, "Date:", "", NONE, None, TimeContext, "time of a Windows event", []),
    entry!("windows.xml-data", F::Record, Windows, "<Data", "", NONE, None, TimeContext, "data of a Windows event (XML)", []),
    entry!("windows.xml-id", F::Record, Windows, "<EventID", "", NONE, None, TimeContext, "id of a Windows event (XML)", []),
    // ---- Apple NetworkExtension (NEIKEv2) ----
    entry!("apple.init-no-response", F::GaveUp, Apple, "Failed to receive IKE SA Init packet", "", INIT, None, Symptom,
        "the IKEv2 server never answered IKE_SA_INIT", []),
    entry!("apple.empty-ike-proposals", F::NoLocalProposal, Apple, "empty ike proposals array", "", INIT, Some(C::ProposalIke), Cause,
        "the profile's IKE proposals are none the OS can use (an empty or unsupported IKESecurityAssociationParameters set), so the client sends nothing",
        ["set IKESecurityAssociationParameters to values this OS supports (e.g. AES-256, SHA2-256, DH group 19/14)"]),
    entry!("apple.no-proposal", F::PeerRefusedProposals, Apple, "NO_PROPOSAL_CHOSEN", "", NONE, None, Symptom,
        "the server refused the proposals (iOS/macOS default proposals: check the server accepts them)", []),
    entry!("apple.auth-failed", F::PeerRefusedAuth, Apple, "AUTHENTICATION_FAILED", "", AUTH, None, Symptom,
        "the server refused the authentication", []),
    entry!("apple.auth-failed", F::PeerRefusedAuth, Apple, "User authentication failed", "", AUTH, None, Symptom,
        "authentication failed; on iOS and macOS also shown for an identity or SAN mismatch", []),
    entry!("apple.server-cert", F::CertNotVerified, Apple, "Certificate authentication data could not be verified", "", AUTH, Some(C::AuthCert), Cause,
        "the client could not verify the server's certificate", []),
    entry!("apple.ts-unacceptable", F::PeerRefusedTs, Apple, "TS_UNACCEPTABLE", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the server refused the traffic selectors", []),
    // ---- FortiGate (diagnose debug application ike -1) ----
    entry!("fortigate.no-proposal", F::ProposalsRejected, FortiGate, "no SA proposal chosen", "", INIT, Some(C::ProposalIke), Cause,
        "FortiOS found no matching phase-1 proposal", ["compare encryption, integrity and DH group of phase 1 on both peers"]),
    entry!("fortigate.no-proposal", F::ProposalsRejected, FortiGate, "no suitable proposal found", "", INIT, Some(C::ProposalIke), Cause,
        "FortiOS found no matching phase-1 proposal", ["compare encryption, integrity and DH group of phase 1 on both peers"]),
    entry!("fortigate.no-proposal", F::ProposalsRejected, FortiGate, "peer SA proposal not match local policy", "", NONE, None, Context,
        "FortiOS found no matching proposal", []),
    entry!("fortigate.negotiation-failure", F::NegotiationFailed, FortiGate, "negotiation failure", "", NONE, None, Symptom,
        "FortiOS gave up the negotiation; the lines before say why", []),
    entry!("fortigate.psk-mismatch", F::PskMismatch, FortiGate, "probable pre-shared secret mismatch", "", AUTH, None, Cause,
        "FortiOS could not decrypt the peer's message and guesses the pre-shared keys differ; another phase 1 with another key matching the peer first does the same",
        ["compare the pre-shared keys", "several dial-up phase 1 on one interface: the first one matches; use peer IDs to tell them apart"]),
    entry!("fortigate.auth-failed", F::PeerRefusedAuth, FortiGate, "AUTHENTICATION_FAILED", "", AUTH, None, Symptom,
        "authentication refused", []),
    entry!("fortigate.no-response", F::GaveUp, FortiGate, "negotiation timeout", "", NONE, None, Symptom,
        "the peer did not answer", []),
    entry!("fortigate.no-gateway", F::NoMatchingConnection, FortiGate, "no matching gateway for new request", "", INIT, Some(C::ConfigOther), Cause,
        "no phase-1 gateway matches the peer's address or identity", []),
    entry!("fortigate.ts", F::TsRefused, FortiGate, "TS_UNACCEPTABLE", "", CHILD, Some(C::TrafficSelectors), Cause,
        "traffic selectors (phase-2 selectors) do not match", []),
    entry!("fortigate.established", F::ProposalSelected, FortiGate, "SA proposal chosen, matched", "", NONE, None, Progress,
        "FortiOS matched a proposal", []),
    // ---- Cisco IOS / IOS XE / ASA (debug crypto ikev2 protocol, platform, error) ----
    // Lines as the debugs print them after the `IKEv2-PROTO-N: (sa):`, `IKEv2-PLAT-N:`,
    // `IKEv2-ERROR:` or `IKEv2:(SESSION ID = n,SA ID = n):` prefix; IOS wraps long lines, so the
    // patterns are the parts that stay on one line.
    entry!("cisco.no-matching-policy", F::ProposalsRejected, Cisco, "Failed to find a matching policy", "", INIT, Some(C::ProposalIke), Cause,
        "the responder found no IKE policy matching the received proposals; the 'Received Policies' and 'Expected Policies' lines list both sides",
        ["compare encryption, integrity, PRF and DH group of 'Received Policies' with 'Expected Policies'", "on IOS XE an ESP proposal in those lines means the first Child SA (transform set)"]),
    entry!("cisco.verify-policies", F::ProposalsRejected, Cisco, "Failed to verify the proposed policies", "", INIT, None, Context,
        "the proposals received do not match the configured policies", []),
    entry!("cisco.no-proposal-received", F::PeerRefusedProposals, Cisco, "Received no proposal chosen notify", "", INIT, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN; only its debugs say which algorithm differs",
        ["read the responder's 'Received Policies' / 'Expected Policies' lines"]),
    entry!("cisco.no-proposal-received", F::PeerRefusedProposals, Cisco, "NOTIFY(NO_PROPOSAL_CHOSEN)", "", NONE, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN (IKE_SA_INIT: IKE proposal; IKE_AUTH: the Child SA's transform set)", []),
    entry!("cisco.init-failed", F::NegotiationFailed, Cisco, "Failed SA init exchange", "", INIT, None, Symptom,
        "the IKE_SA_INIT exchange failed; the lines before say why", []),
    entry!("cisco.init-failed", F::NegotiationFailed, Cisco, "Initial exchange failed", "", INIT, None, Symptom,
        "the IKE_SA_INIT exchange failed; the lines before say why", []),
    entry!("cisco.peer-id-check", F::IdentityRejected, Cisco, "Peer ID check failed", "", AUTH, Some(C::AuthId), Cause,
        "the ASA could not find the peer's identity (its address or name) in the peer certificate's subjectAltName",
        ["put the peer's IKE identity in its certificate's subjectAltName", "or set peer-id-validate nocheck in the tunnel group"]),
    entry!("cisco.profile-by-cert", F::IdentityRejected, Cisco, "Profile could not be found by peer certificate", "", AUTH, Some(C::AuthId), Cause,
        "no IKEv2 profile matches the identity the peer presented with its certificate (ID type or value differ from 'match identity remote')",
        ["compare the peer's identity (type and value) with 'match identity remote' of the IKEv2 profile", "ASA peers send their certificate DN unless 'crypto isakmp identity address'"]),
    entry!("cisco.profile-not-found", F::LookupFailed, Cisco, "IKEv2 profile not found", "", NONE, None, Context,
        "no IKEv2 profile was found for a lookup; harmless during config exchange, fatal when it follows the identity search", []),
    entry!("cisco.cert-encoding", F::Incompatible, Cisco, "Unsupported cert encoding found", "", AUTH, Some(C::Implementation), Cause,
        "the peer asked for HTTP-URL certificate lookup that this ASA does not negotiate (CSCul48246): the two implementations do not interoperate",
        ["on the IOS router: no crypto ikev2 http-url cert", "or upgrade the ASA to a release with the fix"]),
    entry!("cisco.item-not-found", F::LookupFailed, Cisco, "locate an item in the database", "", AUTH, None, Symptom,
        "a lookup failed during the exchange (profile, key, identity or certificate); the lines before say which", []),
    entry!("cisco.auth-failed", F::AuthFailed, Cisco, "Auth exchange failed", "", AUTH, None, Symptom,
        "the IKE_AUTH exchange failed; the lines before (or the peer's debugs) say why", []),
    entry!("cisco.auth-failed", F::AuthFailed, Cisco, "Verify auth failed", "", AUTH, None, Symptom,
        "the peer's AUTH payload or identity did not verify", []),
    entry!("cisco.auth-failed", F::AuthFailed, Cisco, "Failed to authenticate the IKE SA", "", AUTH, None, Symptom,
        "the IKE SA could not be authenticated (pre-shared key, certificate or identity)", []),
    entry!("cisco.auth-failed", F::AuthFailed, Cisco, "NOTIFY(AUTHENTICATION_FAILED)", "", AUTH, None, Symptom,
        "the peer refused the authentication; only its debugs say why", []),
    entry!("cisco.ts-unacceptable", F::TsRefused, Cisco, "NOTIFY(TS_UNACCEPTABLE)", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer refused the traffic selectors (crypto ACLs / proxy identities differ)", []),
    entry!("cisco.retransmit", F::Retransmit, Cisco, "Retransmitting packet", "", NONE, None, Symptom,
        "no answer yet: the request is sent again", []),
    entry!("cisco.dh-retry", F::DhRetry, Cisco, "KE payload contained the wrong DH group", "", NONE, None, Progress,
        "the responder asks for another DH group (INVALID_KE_PAYLOAD); normal once", []),
    entry!("cisco.ike-established", F::IkeEstablished, Cisco, "IKEV2 SA created", "", NONE, None, Progress,
        "the IKE SA is authenticated and established", []),
    // ---- Windows: dialog and event texts without the number; the tag carries the code ----
    // (`windows.code-N`: the record's number is N, read by the same rule as the numbers.)
    entry!("windows.code-809", F::ErrorCode, Windows, "could not be established because the remote server is not responding", "", NONE, None, Symptom,
        "Windows error 809: the VPN server did not respond", []),
    entry!("windows.code-800", F::ErrorCode, Windows, "the attempted VPN tunnels failed", "", NONE, None, Symptom,
        "Windows error 800: every tunnel type tried failed", []),
    entry!("windows.code-812", F::ErrorCode, Windows, "prevented because of a policy configured on your RAS/VPN server", "", NONE, None, Symptom,
        "Windows error 812: the NPS/RAS policy refused the connection", []),
    entry!("windows.code-13806", F::ErrorCode, Windows, "valid machine certificate", "IKE failed to find", NONE, None, Symptom,
        "Windows error 13806: no valid machine certificate", []),
    entry!("windows.code-13801", F::ErrorCode, Windows, "IKE authentication credentials are unacceptable", "", NONE, None, Symptom,
        "Windows error 13801: IKE authentication credentials are unacceptable", []),
    // The same messages on a Chinese (zh-CN) Windows, as posted.
    entry!("windows.code-13801", F::ErrorCode, Windows, "IKE身份验证凭证不可接受", "", NONE, None, Symptom,
        "Windows error 13801: IKE authentication credentials are unacceptable", []),
    entry!("windows.code-13806", F::ErrorCode, Windows, "无法找到有效的计算机证书", "IKE", NONE, None, Symptom,
        "Windows error 13806: no valid machine certificate", []),
    entry!("windows.code-864", F::ErrorCode, Windows, "a certificate that validates the server certificate was not found", "", NONE, None, Symptom,
        "Windows error 864: the NPS server's certificate chains to no trusted root", []),
    entry!("windows.code-798", F::ErrorCode, Windows, "A certificate could not be found that can be used with this Extensible Authentication Protocol", "", NONE, None, Symptom,
        "Windows error 798: no certificate for EAP-TLS", []),
    entry!("windows.code-13868", F::ErrorCode, Windows, "Policy match error", "", NONE, None, Symptom,
        "Windows error 13868: policy match error", []),
    entry!("windows.code-13805", F::ErrorCode, Windows, "Negotiation timed out", "", NONE, None, Symptom,
        "Windows error 13805: IKE negotiation timed out", []),
    entry!("windows.code-13822", F::ErrorCode, Windows, "Failure in Diffie-Hellman computation", "", NONE, None, Symptom,
        "Windows error 13822: Diffie-Hellman failure", []),
    entry!("windows.code-13880", F::ErrorCode, Windows, "cannot handle version of IKE specified in the header", "", NONE, None, Symptom,
        "Windows error 13880: IKE major version not supported", []),
    entry!("windows.code-1225", F::ErrorCode, Windows, "The remote computer refused the network connection", "", NONE, None, Symptom,
        "Windows error 1225: the remote computer refused the connection", []),
    entry!("windows.code-13999", F::ErrorCode, Windows, "Traffic selectors unacceptable", "", NONE, None, Symptom,
        "error 13999: traffic selectors unacceptable", []),
    entry!("windows.code-691", F::ErrorCode, Windows, "user name and password combination you provided is not recognized", "", NONE, None, Symptom,
        "Windows error 691: user name or password refused", []),
    entry!("windows.code-2148204809", F::ErrorCode, Windows, "terminated in a root certificate", "", NONE, None, Symptom,
        "Windows error 0x800B0109: the certificate chains to an untrusted root", []),
    entry!("windows.code-2147942464", F::ErrorCode, Windows, "does not have Server Authentication as one of its certificate usage entries", "", NONE, None, Symptom,
        "Windows error 0x80070040: the server certificate lacks the Server Authentication EKU", []),
    entry!("windows.code-2148074278", F::ErrorCode, Windows, "The message received was unexpected or badly formatted", "", NONE, None, Symptom,
        "Windows error 0x80090326: the TLS (EAP-TLS) handshake received an unexpected message", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "Windows error ", "", NONE, None, Symptom,
        "a Windows IKE error code (the number follows)", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "(Error code: ", "", NONE, None, Symptom,
        "a Windows IKE error code (the number follows)", []),
    entry!("azure.error-code", F::ErrorCode, Azure, "(Error code: ", "", NONE, None, Symptom,
        "the Azure gateway's connection error code (the number follows)", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "Failure error code:", "", NONE, None, Symptom,
        "a Windows IKE error code (wfpdiag; the number follows)", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "(Error ", "", NONE, None, Symptom,
        "a Windows VPN error code (the number follows)", []),
    entry!("windows.invalid-situation", F::Incompatible, Windows, "ERROR_IPSEC_IKE_INVALID_SITUATION", "", CHILD, Some(C::Implementation), Cause,
        "a Windows client behind NAT refuses a CHILD_SA rekey the gateway starts (Windows only rekeys CHILD_SAs itself)",
        ["let the Windows client rekey: make the gateway's CHILD_SA lifetime longer than Windows' (8 h), or rekey=no on the gateway's child"]),
    // "Error 809", "error 13801" as people write them: the RAS (6xx-8xx, 1225) and IKE (13xxx)
    // ranges.
    entry!("windows.error-code", F::ErrorCode, Windows, "rror 6", "", NONE, None, Symptom,
        "a Windows VPN error code", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "rror 7", "", NONE, None, Symptom,
        "a Windows VPN error code", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "rror 8", "", NONE, None, Symptom,
        "a Windows VPN error code", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "rror 12", "", NONE, None, Symptom,
        "a Windows VPN error code", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "rror 13", "", NONE, None, Symptom,
        "a Windows IKE error code", []),
    entry!("windows.error-code", F::ErrorCode, Windows, "ERROR_IPSEC_IKE_", "", NONE, None, Symptom,
        "a Windows IKE error constant", []),
    entry!("windows.miniport", F::Incompatible, Windows, "Parameter is incorrect", "", NONE, Some(C::Implementation), Cause,
        "the Windows VPN stack (WAN Miniport) is broken: the connection fails before any IKE packet",
        ["reset the network stack (netsh int ip reset, netsh winsock reset) and reinstall the WAN Miniport (IKEv2) adapters"]),
    // ---- Apple: dialog and console texts ----
    entry!("apple.no-response", F::GaveUp, Apple, "The VPN server did not respond", "", INIT, None, Symptom,
        "the VPN server did not answer the client's IKE_SA_INIT", []),
    entry!("apple.unexpected-error", F::NegotiationFailed, Apple, "An unexpected error occurred", "", AUTH, None, Symptom,
        "macOS/iOS gives no reason; on an IKEv2 profile it most often follows a refused IKE_AUTH", []),
    entry!("apple.eaptls-server", F::CertNotVerified, Apple, "eaptls_verify_server(): server certificate not trusted", "", AUTH, None, Symptom,
        "the client does not trust the server certificate presented inside EAP-TLS", []),
    entry!("apple.eap-hostname", F::IdentityRejected, Apple, "Trusted EAP hostname does not match", "", AUTH, Some(C::AuthEap), Cause,
        "the server certificate presented in EAP does not carry the profile's trusted EAP server name",
        ["set the profile's EAP trusted server names to a name in the server certificate, or authenticate without EAP (certificate)"]),
    entry!("apple.terminated-by-server", F::PeerDeletedChild, Apple, "Tunnel was terminated by the server", "", NONE, None, Symptom,
        "the server ended the tunnel; only its log says why", []),
    entry!("apple.payload-not-installed", F::Incompatible, Apple, "payload could not be installed", "VPN", NONE, Some(C::Implementation), Cause,
        "the device cannot install this VPN profile (older OS, or a setting the OS does not know)",
        ["upgrade the OS (IKEv2 profiles need macOS 10.11 / iOS 9 or later), or remove settings the OS does not support"]),
    entry!("apple.plugin-missing", F::Incompatible, Apple, "Failed to find the VPN app for plugin type", "", NONE, None, Symptom,
        "macOS could not start the IKEv2 plugin before any exchange", []),
    // ---- strongSwan Android app and other strongSwan texts ----
    entry!("android.peer-not-responding", F::GaveUp, StrongSwan, "establishing IKE_SA failed, peer not responding", "", INIT, None, Symptom,
        "the server never answered IKE_SA_INIT", []),
    entry!("android.server-auth", F::CertNotVerified, StrongSwan, "Verifying server authentication failed", "", AUTH, None, Symptom,
        "the app could not verify the server (its certificate or identity)", []),
    entry!("android.user-auth", F::PeerRefusedAuth, StrongSwan, "user authentication failed", "", AUTH, None, Symptom,
        "the server refused the user's authentication", []),
    // The app's error dialog (`error_*` in its strings.xml), set from charon's alerts.
    entry!("android.user-auth", F::PeerRefusedAuth, StrongSwan, "User authentication failed", "", AUTH, None, Symptom,
        "the server refused the user's authentication (the app's dialog for charon's local-auth-failed alert)", []),
    entry!("android.unreachable", F::GaveUp, StrongSwan, "Server is unreachable", "", INIT, None, Symptom,
        "the server never answered IKE_SA_INIT (the app's dialog for charon's peer-init-unreachable alert)", []),
    entry!("android.lookup-failed", F::PeerNameUnresolved, StrongSwan, "Server address lookup failed", "", INIT, Some(C::ConfigOther), Cause,
        "the device could not resolve the server's name, so nothing was sent",
        ["check that the server name in the profile resolves from the device's network (DNS), or enter its address"]),
    entry!("android.password-missing", F::EapRejected, StrongSwan, "Password unavailable", "", AUTH, Some(C::AuthEap), Cause,
        "the profile has no EAP password stored and none was entered, so the client could not authenticate",
        ["enter the password in the profile, or when the app prompts for it"]),
    entry!("android.cert-unavailable", F::NoPrivateKey, StrongSwan, "Client certificate unavailable", "", AUTH, Some(C::AuthCert), Cause,
        "the app could not access the profile's client certificate or its private key (removed from the Android key store, or access not granted)",
        ["re-install the PKCS#12 file and select the certificate in the profile again"]),
    entry!("android.generic", F::NegotiationFailed, StrongSwan, "Unspecified failure while connecting", "", NONE, None, Symptom,
        "the connection failed for a reason the app does not name; the app's log (View log) says which exchange failed", []),
    entry!("charon.unresolved", F::PeerNameUnresolved, StrongSwan, ", initiate aborted", "unable to resolve ", INIT, Some(C::ConfigOther), Cause,
        "charon could not resolve the peer's host name, so it sent nothing",
        ["check that the remote address (remote_addrs / right) resolves from this host (DNS), or configure the address"]),
    entry!("charon.unresolved-retry", F::PeerNameUnresolved, StrongSwan, "unable to resolve ", "retrying in", INIT, Some(C::ConfigOther), Cause,
        "charon could not resolve the peer's host name and will try again later; nothing was sent",
        ["check that the remote address (remote_addrs / right) resolves from this host (DNS), or configure the address"]),
    // Android's built-in IKEv2 client (AOSP android.net.ipsec.ike): its exceptions as they show
    // in a stack trace or logcat.
    entry!("android-ike.unknown-signature", F::Incompatible, AndroidIke, "Unrecognized ASN.1 objects for Signature algorithm and Hash", "", AUTH, Some(C::Implementation), Cause,
        "Android's IKEv2 client cannot read the server's signature scheme (for example RSA-PSS): its AUTH cannot be verified",
        ["have the server sign with a scheme Android accepts (RSA PKCS#1 v1.5 with SHA-2, or ECDSA)"]),
    entry!("android-ike.auth-failed", F::AuthFailed, AndroidIke, "AuthenticationFailedException", "", AUTH, None, Symptom,
        "Android's IKEv2 client ended IKE_AUTH: the peer refused it, or it could not verify the peer (the exception's message says which)", []),
    entry!("android-ike.no-proposal", F::PeerRefusedProposals, AndroidIke, "NoValidProposalChosenException", "", INIT, None, Symptom,
        "Android's IKEv2 client and the server have no proposal in common (or the server answered NO_PROPOSAL_CHOSEN)", []),
    entry!("android-ike.ts-unacceptable", F::PeerRefusedTs, AndroidIke, "TsUnacceptableException", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the traffic selectors were refused (TS_UNACCEPTABLE)", []),
    entry!("charon.no-private-key", F::NoPrivateKey, StrongSwan, "no private key found", "", AUTH, Some(C::AuthCert), Cause,
        "the local certificate's private key is not loaded (or belongs to another certificate)",
        ["load the private key of the certificate (swanctl --load-creds; private/ folder)", "check that key and certificate belong together"]),
    // ---- more charon lines (strongSwan 5.9/6.x sources: ike_init.c, ike_auth.c, child_create.c,
    // the authenticators, auth_cfg.c, credential_manager.c, libradius, kernel_netlink) ----
    entry!("charon.local-ke-unsupported", F::Incompatible, StrongSwan, "configured key exchange method ", " not supported", INIT, Some(C::Implementation), Cause,
        "charon cannot use the key exchange method of its own proposal: the plugin that implements it is not loaded", ["load the plugin of the method (openssl, curve25519, ml...) or remove the method from the proposal"]),
    entry!("charon.local-ke-unsupported", F::Incompatible, StrongSwan, "configured DH group ", " not supported", INIT, Some(C::Implementation), Cause,
        "charon cannot use the DH group of its own proposal: the plugin that implements it is not loaded", ["load the plugin of the group (openssl, gmp, curve25519) or remove the group from the proposal"]),
    entry!("charon.peer-selection-invalid", F::NegotiationFailed, StrongSwan, "peer's proposal selection invalid", "", INIT, None, Symptom,
        "the responder answered IKE_SA_INIT with a proposal charon did not offer (or without nonce)", [],
        open [(IkeSaInit, ProposalIke, "the proposals differ and the responder answered with its own instead of NO_PROPOSAL_CHOSEN"),
              (IkeSaInit, Implementation, "the responder's answer is malformed")]),
    entry!("charon.peer-ke-selection-invalid", F::KeUnacceptable, StrongSwan, "peer's key exchange method selection invalid", "", INIT, None, Symptom,
        "the responder selected a proposal without the key exchange method charon sent", [],
        open [(IkeSaInit, ProposalDh, "the DH groups differ and the responder did not ask for another with INVALID_KE_PAYLOAD"),
              (IkeSaInit, Implementation, "the responder's answer is malformed")]),
    entry!("charon.peer-ke-selection-invalid", F::KeUnacceptable, StrongSwan, "peer's DH group selection invalid", "", INIT, None, Symptom,
        "the responder selected a proposal without the DH group charon sent", [],
        open [(IkeSaInit, ProposalDh, "the DH groups differ and the responder did not ask for another with INVALID_KE_PAYLOAD"),
              (IkeSaInit, Implementation, "the responder's answer is malformed")]),
    entry!("charon.peer-config-unacceptable", F::NegotiationFailed, StrongSwan, "' unacceptable: ", "selected peer config", AUTH, None, Symptom,
        "the authentication done so far does not meet the rules of the connection charon chose (rounds, method or constraints); it looks for another", [],
        open [(IkeAuth, AuthId, "the peer's identity or certificate does not meet the connection's remote constraints"),
              (IkeAuth, ConfigOther, "the peer authenticates with another method or number of rounds than the connection requires"),
              (IkeAuth, AuthCert, "the peer's certificate is not from the CA the connection requires")]),
    entry!("charon.peer-config-unacceptable", F::NegotiationFailed, StrongSwan, "' inacceptable: ", "selected peer config", AUTH, None, Symptom,
        "the authentication done so far does not meet the rules of the connection charon chose (rounds, method or constraints); it looks for another", [],
        open [(IkeAuth, AuthId, "the peer's identity or certificate does not meet the connection's remote constraints"),
              (IkeAuth, ConfigOther, "the peer authenticates with another method or number of rounds than the connection requires"),
              (IkeAuth, AuthCert, "the peer's certificate is not from the CA the connection requires")]),
    entry!("charon.no-alternative-config", F::NoMatchingConnection, StrongSwan, "no alternative config found", "", AUTH, None, Symptom,
        "no other connection accepts the authentication either: charon answers AUTHENTICATION_FAILED", [],
        open [(IkeAuth, AuthId, "no connection's remote identity or constraints match the peer"),
              (IkeAuth, ConfigOther, "the peer uses an authentication method no connection allows"),
              (IkeAuth, AuthCert, "the peer's certificate is not from a CA a connection requires")]),
    entry!("charon.idr-required", F::IdentityRejected, StrongSwan, ", but require ", "received IDr ", AUTH, Some(C::AuthId), Cause,
        "the initiator asked for a responder identity (IDr) that is not this connection's local identity",
        ["set the client's remote identity to the server's local identity (or the server's local id to what the client sends)"]),
    entry!("charon.eap-only-unsupported", F::EapRejected, StrongSwan, "configured EAP-only authentication, but peer does not support it", "", AUTH, Some(C::AuthEap), Cause,
        "the responder authenticates with EAP only, and the client did not announce EAP-only support", ["authenticate the server with a certificate, or use a client that supports EAP-only (RFC 5998)"]),
    entry!("charon.eap-only-non-mutual", F::EapRejected, StrongSwan, "do not allow non-mutual EAP-only authentication", "", AUTH, Some(C::AuthEap), Cause,
        "the server skipped its own AUTH (EAP-only) with an EAP method that does not authenticate it: the client refuses", ["authenticate the server with a certificate, or use a mutual EAP method (EAP-TLS)"]),
    entry!("charon.eap-only-needs-mutual", F::EapRejected, StrongSwan, "EAP-only authentication requires a mutual and MSK deriving EAP method", "", AUTH, Some(C::AuthEap), Cause,
        "the server authenticates with EAP only, and the EAP method used neither authenticates it nor derives a key", ["authenticate the server with a certificate, or use a mutual, key-deriving EAP method"]),
    entry!("charon.uniqueness-cancel", F::PolicyRefused, StrongSwan, "cancelling IKE_SA setup due to uniqueness policy", "", AUTH, Some(C::ConfigOther), Cause,
        "an IKE SA with the same peer identity exists and the connection keeps it (unique = keep): the new one is refused",
        ["give each client its own identity, or set unique = replace / never"]),
    entry!("charon.authorization-forbids", F::PolicyRefused, StrongSwan, "forbids IKE_SA", "authoriz", AUTH, Some(C::ConfigOther), Cause,
        "a plugin's authorization (groups, RADIUS Class, ext-auth) refused the authenticated peer", ["check the authorizing plugin's rules and log (groups, ext-auth script, RADIUS attributes)"]),
    entry!("charon.id-falls-back-to-ip", F::NoMatchingConnection, StrongSwan, "configured, fall back on IP address", "", AUTH, None, Context,
        "no local identity is configured, so the IP address is sent as the identity: the peer may not expect it", []),
    entry!("charon.signature-invalid", F::CertNotVerified, StrongSwan, "signature validation failed, looking for another key", "", AUTH, None, Symptom,
        "the peer's AUTH signature did not verify with a trusted key for its identity; charon tries others", [],
        open [(IkeAuth, AuthCert, "the peer signs with a private key that does not belong to the certificate charon trusts for it"),
              (IkeAuth, AuthId, "another certificate is trusted for this identity than the one the peer uses")]),
    entry!("charon.no-common-hash", F::CertUnusable, StrongSwan, "no common hash algorithm found to create signature", "", AUTH, Some(C::AuthCert), Cause,
        "no signature hash the peer announced (RFC 7427) fits charon's key and configured schemes", ["allow a signature scheme both support (local auth = pubkey-sha256...), or a key type the peer supports"]),
    entry!("charon.self-signed-untrusted", F::NoIssuer, StrongSwan, "\" is not trusted", "self-signed certificate", AUTH, Some(C::AuthCert), Cause,
        "the peer's chain ends at a self-signed certificate charon does not trust", ["install that root CA as trusted (x509ca/ or cacerts), or have the peer send a chain to a trusted CA"]),
    entry!("charon.path-too-long", F::CertUnusable, StrongSwan, "maximum path length of ", "exceeded", AUTH, Some(C::AuthCert), Cause,
        "the peer's chain is longer than charon follows (or loops)", ["shorten the chain, or check for a CA certificate issued by itself in a loop"]),
    entry!("charon.constraint-ca", F::NoIssuer, StrongSwan, "constraint check failed: peer not authenticated by CA", "", AUTH, Some(C::AuthCert), Cause,
        "the connection requires a CA (remote cacerts / rightca) that is not in the peer's verified chain", ["issue the peer's certificate from the required CA, or change the connection's remote cacerts"]),
    entry!("charon.constraint-peer-cert", F::IdentityRejected, StrongSwan, "constraint check failed: peer not authenticated with peer cert", "", AUTH, Some(C::AuthCert), Cause,
        "the connection pins a peer certificate (remote certs / rightcert) that the peer did not use", ["load the peer's current certificate as the pinned one, or remove the pin"]),
    entry!("charon.constraint-group", F::IdentityRejected, StrongSwan, "constraint check failed: group membership to ", "", AUTH, Some(C::AuthId), Cause,
        "the connection requires a group (remote groups / rightgroups) the peer is not a member of", ["add the user to the group (RADIUS Class, attribute certificate), or change remote groups"]),
    entry!("charon.constraint-auth-class", F::RefusedPeerAuth, StrongSwan, " authentication, but ", "constraint requires ", AUTH, Some(C::ConfigOther), Cause,
        "the peer authenticated with another method than the connection requires (for example a pre-shared key where a certificate is required)", ["configure the same authentication method (remote auth / rightauth) on both ends"]),
    entry!("charon.constraint-eap-identity", F::EapRejected, StrongSwan, "constraint check failed: EAP identity", "", AUTH, Some(C::AuthEap), Cause,
        "the EAP identity the client used is not the one the connection requires (eap_id)", ["set the client's EAP identity to the one the connection expects, or widen eap_id"]),
    entry!("charon.eap-failure-received", F::PeerRefusedAuth, StrongSwan, ", EAP authentication failed", "received EAP_FAILURE", AUTH, Some(C::AuthEap), Cause,
        "the server ended EAP with EAP-Failure: it refused the user's credentials (or its RADIUS server did)", ["check the EAP user name and password, and the server's (RADIUS) log for the refusal"]),
    entry!("charon.eap-msk-mismatch", F::EapRejected, StrongSwan, "EAP MSK failed", "verification of AUTH payload", AUTH, Some(C::AuthEap), Cause,
        "EAP succeeded, but the AUTH computed from its key (MSK) does not match: the RADIUS server sent no key (MS-MPPE attributes) or another one",
        ["have the RADIUS server return the MS-MPPE keys, or use a key-deriving EAP method"]),
    entry!("charon.eap-nak", F::EapRejected, StrongSwan, "sending EAP_NAK", "", AUTH, None, Symptom,
        "the client refuses the EAP method the server asks for", [],
        open [(IkeAuth, AuthEap, "the client is configured (or has plugins) for another EAP method than the server's")]),
    entry!("charon.radius-reject", F::EapRejected, StrongSwan, "received RADIUS Access-Reject", "", AUTH, Some(C::AuthEap), Cause,
        "the RADIUS server refused the user: its log says why (password, policy, certificate)", ["read the RADIUS server's log (NPS event 6273 reason code, FreeRADIUS Auth: line) for this user"]),
    entry!("charon.radius-auth-failed", F::EapRejected, StrongSwan, "RADIUS authentication of '", "failed", AUTH, Some(C::AuthEap), Cause,
        "the RADIUS server did not accept the user", ["read the RADIUS server's log (NPS event 6273 reason code, FreeRADIUS Auth: line) for this user"]),
    entry!("charon.radius-timeout", F::GaveUp, StrongSwan, "-Request timed out after ", "RADIUS ", AUTH, None, Symptom,
        "the RADIUS server never answered the gateway", ["capture UDP 1812 at the gateway: does the request leave, does an answer come?"],
        open [(IkeAuth, ConfigOther, "the RADIUS server does not know this gateway as a client, or the shared secret differs (both drop the request silently)"),
              (IkeAuth, UdpBlocked, "UDP 1812 to the RADIUS server is blocked, or its address is wrong")]),
    entry!("charon.radius-authenticator", F::EapRejected, StrongSwan, "Authenticator verification failed", "RADIUS ", AUTH, Some(C::ConfigOther), Cause,
        "the RADIUS answer does not verify with the shared secret: the secrets differ", ["set the same shared secret in eap-radius and on the RADIUS server's client entry"]),
    entry!("charon.mode-unacceptable", F::ChildProposalsRejected, StrongSwan, " mode requested by responder is unacceptable", "", CHILD, Some(C::ConfigOther), Cause,
        "the responder chose another IPsec mode (tunnel or transport) than this connection allows", ["configure the same mode (tunnel or transport) on both ends"]),
    entry!("charon.kernel-alg-unsupported", F::KernelRefusedSa, StrongSwan, "not supported by kernel!", "algorithm ", CHILD, Some(C::Implementation), Cause,
        "the negotiated ESP algorithm has no counterpart in the kernel's IPsec: the SA cannot be installed", ["propose an algorithm the kernel supports, or use kernel-libipsec"]),
    entry!("charon.policy-exists", F::PolicyRefused, StrongSwan, ", the same policy for reqid ", "", CHILD, Some(C::ConfigOther), Cause,
        "two connections negotiate the same traffic selectors: the second policy cannot be installed", ["give each connection its own traffic selectors, or merge them"]),
    entry!("charon.vip-install-failed", F::VirtualIpFailed, StrongSwan, "installing virtual IP ", "failed", AUTH, Some(C::Implementation), Cause,
        "charon could not install the virtual IP it was assigned on this host", ["check the host's network manager and the kernel-netlink / kernel-libipsec plugin"]),
    entry!("charon.vip-required", F::VirtualIpFailed, StrongSwan, "expected a virtual IP request, sending ", "", AUTH, Some(C::ConfigOther), Cause,
        "the connection assigns virtual IPs and the client asked for none", ["have the client request a virtual IP (vips = 0.0.0.0 / leftsourceip=%config)"]),
    entry!("charon.retrying-unanswered", F::Retransmit, StrongSwan, "peer not responding, trying again", "", NONE, None, Symptom,
        "every retransmit went unanswered; charon starts the IKE SA again", []),
    entry!("charon.established-unanswered", F::GaveUp, StrongSwan, "rekeying IKE_SA failed, peer not responding", "", EST, None, Symptom,
        "the established peer stopped answering during a rekey", []),
    entry!("charon.socket-send-failed", F::NegotiationFailed, StrongSwan, "error writing to socket: ", "", NONE, None, Symptom,
        "the host could not send an IKE message (the system error follows)", [],
        open [(IkeSaInit, UdpBlocked, "no route to the peer, or a local firewall refuses (Operation not permitted)"),
              (IkeAuth, MtuFragmentation, "Message too long: the message exceeds the MTU and IKE fragmentation is off")]),
    entry!("charon.setup-dropped", F::PolicyRefused, StrongSwan, "ignoring IKE_SA setup from ", "", INIT, Some(C::ConfigOther), Cause,
        "the responder drops new IKE SAs from this peer: a half-open or load limit is reached (DoS protection)", ["check charon.init_limit_half_open / init_limit_job_load and who sends so many IKE_SA_INIT"]),
    entry!("charon.integrity-failed", F::NegotiationFailed, StrongSwan, "integrity check failed", "", NONE, None, Symptom,
        "an encrypted IKE message did not verify and was ignored", [],
        open [(IkeAuth, AuthPsk, "IKEv1: the pre-shared keys differ"),
              (IkeAuth, Implementation, "IKEv2: the two ends derived different keys, or the message was changed on the way")]),
    entry!("charon.duplicate-deleted", F::Deleting, StrongSwan, "deleting duplicate IKE_SA for peer ", "", EST, None, Symptom,
        "a new IKE SA with the same peer identity replaced this one (unique = replace)", [],
        open [(Established, ConfigOther, "two clients use the same identity (certificate or user) and replace each other"),
              (Established, Nat, "the client lost its path or NAT mapping and connected again")]),
    entry!("charon.ike-rekey-failed", F::RekeyFailed, StrongSwan, "IKE_SA rekeying failed, trying again in", "", EST, None, Symptom,
        "rekeying the IKE SA failed; charon tries again", [],
        open [(Established, ProposalIke, "the IKE proposals on rekey differ from the initial ones the peer accepted"),
              (Established, ProposalDh, "the DH groups differ (the initial exchange may have used another)")]),

    // ---- Libreswan texts ----
    entry!("pluto.no-acceptable-sig-hash", F::Incompatible, Libreswan, "No acceptable ECDSA/RSA-PSS ASN.1 signature hash proposal", "", AUTH, Some(C::Implementation), Cause,
        "the peer signs its AUTH with a scheme the connection does not accept (RSA PKCS#1 v1.5 where RSA-PSS or ECDSA with RFC 7427 hashes is wanted): often a client without RSA-PSS",
        ["use a client that signs with RSA-PSS, or allow PKCS#1 v1.5 signatures on the connection (authby=rsa-sha1 / rsasig with the client's hash)"]),
    entry!("pluto.want-eaponly", F::EapRejected, Libreswan, "but we want EAPONLY", "", AUTH, Some(C::AuthEap), Cause,
        "the client authenticated with a method other than EAP where the connection requires EAP only",
        ["configure the client for EAP (authby/eap), or change the connection's authby"]),
    entry!("pluto.x509-rejected", F::CertUnusable, Libreswan, "Certificate rejected for this connection", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate does not chain to a CA this connection trusts",
        ["issue the client certificate from the CA the server trusts (or add its CA to the NSS database)"]),
    entry!("pluto.no-connection-for-sa", F::TsRejected, Libreswan, "cannot respond to IPsec SA request because no connection is known", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer's proposed subnets (quick mode IDs / traffic selectors) match no connection",
        ["make leftsubnet/rightsubnet mirror the peer's local and remote networks"]),
    entry!("pluto.main-i3-timeout", F::GaveUp, Libreswan, "Possible authentication failure: no acceptable response to our first encrypted message", "", AUTH, None, Symptom,
        "IKEv1 main mode: the peer never answered the first encrypted message, which it drops when it cannot decrypt it with its pre-shared key",
        ["compare the pre-shared keys on both ends"]),
    entry!("pluto.mobike-kernel", F::KernelIpsecMissing, Libreswan, "MOBIKE kernel support missing", "", NONE, Some(C::Implementation), Cause,
        "the kernel lacks XFRM migrate support, so a connection with mobike=yes is not loaded",
        ["set mobike=no, or use a kernel with CONFIG_XFRM_MIGRATE"]),
    entry!("pluto.cert-verified", F::PeerVerified, Libreswan, "certificate verified OK", "", AUTH, None, Context,
        "pluto verified the peer's certificate chain", []),
    entry!("pluto.peer-authenticated", F::PeerVerified, Libreswan, "authenticated using ", "", AUTH, None, Context,
        "pluto verified the peer's AUTH payload (signature)", []),
    entry!("pluto.sent-auth-failed", F::RefusedPeerAuth, Libreswan, "with encrypted notification AUTHENTICATION_FAILED", "", AUTH, None, Symptom,
        "pluto refused the peer's authentication; the lines before say why", []),
    entry!("pluto.missing-auth", F::EapRejected, Libreswan, "missing payloads: AUTH", "", AUTH, None, Cause,
        "the client sent IKE_AUTH without an AUTH payload, which asks for EAP; the connection it matched does not offer EAP",
        ["configure EAP on the connection the client should match (authby/leftauth=eap...)", "or configure the client for certificates or PSK"]),
    entry!("pluto.missing-auth", F::EapRejected, Libreswan, "missing payload(s) (ISAKMP_NEXT_v2AUTH)", "", AUTH, None, Cause,
        "the client sent IKE_AUTH without an AUTH payload, which asks for EAP; the connection it matched does not offer EAP", []),
    entry!("pluto.ikev1-notify-no-proposal", F::PeerRefusedProposals, Libreswan, "received and ignored notification payload: NO_PROPOSAL_CHOSEN", "", INIT, None, Symptom,
        "the peer refused the proposals (IKEv1 notification)", []),
    // ---- strongSwan charon and Libreswan pluto: IKEv1 (Main, Aggressive and Quick Mode, XAUTH) ----
    // From the daemons' IKEv1 code (charon: sa/ikev1/tasks/*.c, phase1.c, the v1 authenticators,
    // encrypted_payload.c; pluto: ikev1*.c, retransmit.c), not from any one report. In Main Mode
    // neither daemon says "PSK mismatch": the first encrypted message (MM 5/6) does not decrypt.
    entry!("charon.v1-initiating", F::Initiating, StrongSwan, "initiating Main Mode IKE_SA ", "", NONE, None, Progress,
        "charon starts an IKEv1 Main Mode IKE SA as initiator", []),
    entry!("charon.v1-initiating", F::Initiating, StrongSwan, "initiating Aggressive Mode IKE_SA ", "", NONE, None, Progress,
        "charon starts an IKEv1 Aggressive Mode IKE SA as initiator", []),
    entry!("charon.v1-peer-initiating", F::PeerInitiating, StrongSwan, " is initiating a Main Mode IKE_SA", "", NONE, None, Progress,
        "a peer starts an IKEv1 Main Mode IKE SA with this responder", []),
    entry!("charon.v1-peer-initiating", F::PeerInitiating, StrongSwan, " is initiating a Aggressive Mode IKE_SA", "", NONE, None, Progress,
        "a peer starts an IKEv1 Aggressive Mode IKE SA with this responder", []),
    entry!("charon.v1-no-proposal", F::V1ProposalsRejected, StrongSwan, "no proposal found", "", INIT, None, Symptom,
        "the IKEv1 responder accepts none of the Phase 1 proposals and answers NO_PROPOSAL_CHOSEN; the DH group is part of each transform, so a group mismatch ends here too",
        ["compare the 'received proposals' and 'configured proposals' lines before it: encryption, hash and the modp/ecp group",
         "'no acceptable DIFFIE_HELLMAN_GROUP found' just before: the DH group differs"]),
    entry!("charon.v1-aggressive-psk-disabled", F::RefusedPeerAuth, StrongSwan, "Aggressive Mode PSK disabled for security reasons", "", INIT, Some(C::ConfigOther), Cause,
        "the responder refuses Aggressive Mode with a pre-shared key (charon's default) and answers AUTHENTICATION_FAILED: the keys were never compared",
        ["use Main Mode on the initiator (aggressive = no)",
         "or allow it on the responder: charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes"]),
    entry!("charon.v1-mm-decrypt-failed", F::PskMismatch, StrongSwan, "invalid ID_V1 payload length, decryption failed?", "", AUTH, Some(C::AuthPsk), Cause,
        "the first encrypted Main Mode message (the identity) decrypts to garbage: the keys derived from the pre-shared key differ, so the two ends hold different PSKs",
        ["enter the same PSK on both ends (quoting, trailing spaces, the secret selected for this peer's ID or address)"]),
    entry!("charon.v1-decrypt-failed", F::PskMismatch, StrongSwan, "payload length, decryption failed?", "", AUTH, None, Symptom,
        "an encrypted IKEv1 message decrypted to garbage: different pre-shared keys in Main Mode, or keys or IVs out of step later",
        ["the exchange named on the next line: ID_PROT (Main Mode) points at the PSK first"]),
    entry!("charon.v1-unencrypted-payload", F::Incompatible, StrongSwan, "was not encrypted", "payload type ", AUTH, Some(C::Implementation), Cause,
        "the peer sent a payload in clear that IKEv1 requires encrypted (a known quirk of some gateways); charon rejects the message",
        ["charon.accept_unencrypted_mainmode_messages = yes if the peer is known to do this, or fix the peer"]),
    entry!("charon.v1-hash-mismatch", F::PskMismatch, StrongSwan, "calculated HASH does not match HASH payload", "", AUTH, Some(C::AuthPsk), Cause,
        "the peer's HASH (pre-shared key authentication) does not verify: in Aggressive Mode this is how different PSKs show",
        ["compare the PSKs, and the identities that select the secret"]),
    entry!("charon.v1-no-peer-config", F::IdentityRejected, StrongSwan, "no peer config found", "", AUTH, None, Symptom,
        "after decrypting the peer's identity, no IKEv1 connection matches its addresses, identity and authentication method; the responder answers AUTHENTICATION_FAILED",
        ["compare the 'looking for ... peer configs matching' line with the configured remote id",
         "older releases print this too when only the authentication method or Main/Aggressive Mode differs"]),
    entry!("charon.v1-auth-mode-mismatch", F::RefusedPeerAuth, StrongSwan, ", but none allows ", "authentication using", AUTH, Some(C::ConfigOther), Cause,
        "connections for this peer exist, but none allows the authentication method (PSK, RSA, XAuth, hybrid) with the mode used (Main or Aggressive)",
        ["align authby / the auth rounds and aggressive = on both ends"]),
    entry!("charon.v1-notify-no-proposal", F::PeerRefusedProposals, StrongSwan, "NO_PROPOSAL_CHOSEN error notify", "", NONE, None, Symptom,
        "the IKEv1 peer refused the proposals: in Phase 1 an IKE proposal or group mismatch, or a strongSwan responder without a connection for these addresses; in Quick Mode an ESP proposal or PFS mismatch",
        ["read the peer's log", "compare ike= / esp= including the PFS group"]),
    entry!("charon.v1-notify-invalid-id", F::PeerRefusedTs, StrongSwan, "INVALID_ID_INFORMATION error notify", "", NONE, None, Symptom,
        "the IKEv1 peer refused the identities: in Quick Mode its connections do not cover the proposed subnets, in Phase 1 the peer ID",
        ["compare local and remote subnets on both ends (exact masks, protocol and port)", "in Phase 1: the identities"]),
    entry!("charon.v1-notify-auth-failed", F::PeerRefusedAuth, StrongSwan, "AUTHENTICATION_FAILED error notify", "", AUTH, None, Symptom,
        "the IKEv1 peer aborted Phase 1 authentication; only its log says why (identity, method, Aggressive Mode PSK, key)", []),
    entry!("charon.v1-notify-payload-malformed", F::PeerRefusedAuth, StrongSwan, "PAYLOAD_MALFORMED error notify", "", NONE, None, Symptom,
        "the IKEv1 peer could not parse a message: during Main Mode 5/6 usually its side of different pre-shared keys", []),
    entry!("charon.v1-notify-invalid-hash", F::PeerRefusedAuth, StrongSwan, "INVALID_HASH_INFORMATION error notify", "", NONE, None, Symptom,
        "the IKEv1 peer's HASH check of a message failed (pre-shared key, or a HASH interoperability problem)", []),
    entry!("charon.v1-qm-no-child-config", F::TsRejected, StrongSwan, "no matching CHILD_SA config found", "", CHILD, Some(C::TrafficSelectors), Cause,
        "Quick Mode responder: no child config matches the proposed subnets; it answers INVALID_ID_INFORMATION",
        ["compare the 'looking for a child config for' line with the configured local and remote subnets (IKEv1 negotiates one pair per Quick Mode)"]),
    entry!("charon.v1-qm-no-proposal", F::ChildProposalsRejected, StrongSwan, "no matching proposal found, sending", "", CHILD, Some(C::ProposalEsp), Cause,
        "Quick Mode responder: no ESP/AH proposal matches (a PFS group difference included); it answers NO_PROPOSAL_CHOSEN",
        ["compare 'received proposals' with 'configured proposals': encryption, integrity and the PFS group (or none)"]),
    entry!("charon.v1-qm-invalid-ts", F::TsRefused, StrongSwan, "peer selected invalid traffic selectors", "", CHILD, Some(C::TrafficSelectors), Cause,
        "Quick Mode initiator: the responder answered with subnets outside those proposed", []),
    entry!("charon.v1-xauth-failed", F::EapRejected, StrongSwan, "XAuth authentication of '", "failed", AUTH, Some(C::AuthEap), Cause,
        "the XAuth user authentication failed (user name or password, or its backend)",
        ["check the user's secret or the RADIUS/PAM backend the gateway asks"]),
    entry!("charon.v1-xauth-no-secret", F::EapRejected, StrongSwan, "no XAuth secret found for", "", AUTH, Some(C::AuthEap), Cause,
        "no XAuth secret for this user: unknown user on the gateway, or no password on the client", []),
    entry!("charon.v1-dpd-timeout", F::GaveUp, StrongSwan, "DPD check timed out, enforcing DPD action", "", EST, None, Symptom,
        "an established IKEv1 SA saw no answer to dead peer detection: the peer or the path (often a NAT mapping) is gone",
        ["is the NAT keepalive interval shorter than the NAT's UDP timeout?", "did the peer restart?"]),
    entry!("pluto.v1-initiating", F::Initiating, Libreswan, "initiating Main Mode", "", NONE, None, Progress,
        "pluto starts an IKEv1 Main Mode exchange", []),
    entry!("pluto.v1-initiating", F::Initiating, Libreswan, "initiating IKEv1 Main Mode connection", "", NONE, None, Progress,
        "pluto starts an IKEv1 Main Mode exchange", []),
    entry!("pluto.v1-initiating", F::Initiating, Libreswan, "initiating Aggressive Mode", "", NONE, None, Progress,
        "pluto starts an IKEv1 Aggressive Mode exchange", []),
    entry!("pluto.v1-aggressive-no-connection", F::NoMatchingConnection, Libreswan, "initial Aggressive Mode message from", "connection has been configured", INIT, Some(C::ConfigOther), Cause,
        "no aggressive = yes connection matches this peer, its authentication method and identity; pluto drops the message without answering", []),
    entry!("pluto.v1-no-oakley-transform", F::V1ProposalsRejected, Libreswan, "no acceptable Oakley Transform", "", INIT, None, Symptom,
        "every Phase 1 transform the peer offered was refused (NO_PROPOSAL_CHOSEN); the lines before say why for each",
        ["read the 'Oakley Transform [...] refused' and '... not supported.  Attribute' lines before it"]),
    entry!("pluto.v1-oakley-refused", F::V1ProposalsRejected, Libreswan, "Oakley Transform [", "refused", INIT, None, Context,
        "one of the peer's Phase 1 transforms (encryption, hash, DH group) is not in ike=", []),
    entry!("pluto.v1-oakley-group-unsupported", F::KeUnacceptable, Libreswan, "OAKLEY_GROUP ", "not supported.  Attribute", INIT, Some(C::ProposalDh), Cause,
        "the peer's Phase 1 DH group is unknown or disabled here (e.g. modp1024 removed)",
        ["choose a group both ends allow (ike=...;modp2048 or newer)"]),
    entry!("pluto.v1-oakley-attribute-unsupported", F::TransformUnacceptable, Libreswan, "is not supported.  Attribute OAKLEY_", "", INIT, Some(C::ProposalIke), Cause,
        "the peer proposes a Phase 1 encryption or hash algorithm this pluto does not implement or allow", []),
    entry!("pluto.v1-no-psk", F::PskMissing, Libreswan, "Can't authenticate: no preshared key found for", "", INIT, Some(C::AuthPsk), Cause,
        "the peer proposes PSK authentication but no secret matches the two identities (or %any)",
        ["add a matching 'leftid rightid : PSK \"...\"' line; check the identity types (address vs @name)"]),
    entry!("pluto.v1-auth-policy-mismatch", F::RefusedPeerAuth, Libreswan, "policy does not allow OAKLEY_", "", INIT, Some(C::ConfigOther), Cause,
        "the peer proposes PSK where RSA signatures are required, or the reverse", ["align authby= on both ends"]),
    entry!("pluto.v1-hash-mismatch", F::PskMismatch, Libreswan, "received Hash Payload does not match computed value", "", AUTH, Some(C::AuthPsk), Cause,
        "the peer's HASH (pre-shared key authentication) does not verify: different PSKs (Aggressive Mode shows it here)", []),
    entry!("pluto.v1-peer-id-mismatch", F::IdentityRejected, Libreswan, "peer to have ID '", "but peer declares", AUTH, Some(C::AuthId), Cause,
        "the peer authenticated with another identity than rightid; pluto answers INVALID_ID_INFORMATION",
        ["set rightid to the identity the peer sends (behind NAT often its private address)"]),
    entry!("pluto.v1-signature-failed", F::CertNotVerified, Libreswan, "Signature check (on ", "failed", AUTH, Some(C::AuthCert), Cause,
        "the peer's signature does not verify with any public key known for its identity", []),
    entry!("pluto.v1-no-public-key", F::NoTrustedKey, Libreswan, " public key known for '", "", AUTH, Some(C::AuthCert), Cause,
        "no public key or certificate is known for the peer's identity", []),
    entry!("pluto.v1-no-private-key", F::NoPrivateKey, Libreswan, "unable to locate my private key for RSA Signature", "", AUTH, Some(C::AuthCert), Cause,
        "pluto cannot sign: its private key is not in NSS or leftcert names another certificate", []),
    entry!("pluto.v1-cert-bogus", F::CertUnusable, Libreswan, "X509: CERT payload bogus or revoked", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate did not decode or validate (untrusted, expired or revoked)", []),
    entry!("pluto.v1-isakmp-established", F::IkeEstablished, Libreswan, "ISAKMP SA established", "", NONE, None, Progress,
        "IKEv1 Phase 1 is complete", []),
    entry!("pluto.v1-qm-no-proposal", F::ChildProposalsRejected, Libreswan, "no acceptable Proposal in IPsec SA", "", CHILD, Some(C::ProposalEsp), Cause,
        "Quick Mode: none of the peer's ESP/AH proposals is acceptable under phase2alg/esp=", []),
    entry!("pluto.v1-qm-pfs-required", F::ChildProposalsRejected, Libreswan, "we require PFS but Quick I1 SA specifies no GROUP_DESCRIPTION", "", CHILD, Some(C::ProposalEsp), Cause,
        "PFS mismatch: pfs=yes here, the peer's Quick Mode proposal has no DH group", ["enable PFS with the same group on the peer, or pfs=no here"]),
    entry!("pluto.v1-qm-missing-ke", F::ChildProposalsRejected, Libreswan, "missing KE payload in", "Quick Mode", CHILD, Some(C::ProposalEsp), Cause,
        "PFS mismatch: the proposal carries a DH group but the Quick Mode message has no KE payload", []),
    entry!("pluto.v1-first-message-unanswered", F::GaveUp, Libreswan, "No response (or no acceptable response) to our first IKEv1 message", "", INIT, None, Symptom,
        "Main or Aggressive Mode message 1 was never answered: UDP 500 blocked, peer down, or a peer that drops unknown peers silently (pluto does)", []),
    entry!("pluto.v1-qm-unanswered", F::GaveUp, Libreswan, "No acceptable response to our first Quick Mode message", "", CHILD, None, Symptom,
        "Quick Mode got no usable answer: the peer probably refused the proposal or the subnets (pluto ignores the notify it got)",
        ["the peer's log: NO_PROPOSAL_CHOSEN (esp/pfs) or INVALID_ID_INFORMATION (subnets)"]),
    entry!("pluto.v1-ignored-no-proposal", F::PeerRefusedProposals, Libreswan, "ignoring informational payload NO_PROPOSAL_CHOSEN", "", NONE, None, Symptom,
        "the peer sent NO_PROPOSAL_CHOSEN; pluto ignores it and keeps retransmitting", []),
    entry!("pluto.v1-ignored-no-proposal", F::PeerRefusedProposals, Libreswan, "payload, type NO_PROPOSAL_CHOSEN", "", NONE, None, Symptom,
        "the peer sent NO_PROPOSAL_CHOSEN; pluto ignores it and keeps retransmitting", []),
    entry!("pluto.v1-ignored-invalid-id", F::PeerRefusedTs, Libreswan, "ignoring informational payload INVALID_ID_INFORMATION", "", NONE, None, Symptom,
        "the peer refused the identities or (in Quick Mode, most often) the subnets; pluto ignores it and times out", []),
    entry!("pluto.v1-ignored-invalid-id", F::PeerRefusedTs, Libreswan, "payload, type INVALID_ID_INFORMATION", "", NONE, None, Symptom,
        "the peer refused the identities or (in Quick Mode, most often) the subnets; pluto ignores it and times out", []),
    entry!("pluto.v1-xauth-failed", F::EapRejected, Libreswan, "Authentication Failed: Incorrect Username or Password", "", AUTH, Some(C::AuthEap), Cause,
        "the XAUTH user's credentials were rejected (passwd file, PAM or RADIUS)", []),
    entry!("pluto.v1-xauth-failed", F::EapRejected, Libreswan, "Received Cisco XAUTH status: FAIL", "", AUTH, Some(C::AuthEap), Cause,
        "the gateway reported XAUTH failure: wrong user name or password", []),
    entry!("pluto.v1-dpd-hold", F::GaveUp, Libreswan, "DPD action - putting connection into hold", "", EST, None, Symptom,
        "IKEv1 dead peer detection timed out: the peer or the path is gone", []),
    // ---- Cisco IOS / IOS XE: %CRYPTO- syslog and `debug crypto isakmp` / `debug crypto ipsec` (IKEv1) ----
    // Meanings from Cisco's tech notes (ESP drops: 116085, 116858, 115801) and, where Cisco
    // documents none, from the wording when it names the refused attribute itself.
    entry!("cisco.esp-mac-error", F::EspDropped, Cisco, "RECVD_PKT_MAC_ERR", "", EST, Some(C::DataPlane), Cause,
        "ESP packets of an established SA fail their integrity check and are dropped (a few are normal)",
        ["'show crypto ipsec sa detail': #pkts verify failed", "corruption or fragmentation on the path between the peers"]),
    entry!("cisco.esp-replay", F::EspDropped, Cisco, "replay check failed", "", EST, Some(C::DataPlane), Cause,
        "ESP packets arrive outside the anti-replay window (reordered or duplicated on the path, often by QoS) and are dropped",
        ["QoS and reordering on the path", "a larger replay window: crypto ipsec security-association replay window-size"]),
    entry!("cisco.esp-invalid-spi", F::EspDropped, Cisco, "rec'd IPSEC packet has invalid spi", "", EST, Some(C::DataPlane), Cause,
        "ESP arrives for an SPI this router has no SA for: the two ends' SAs are out of step (cleared, rebooted or expired on one side)",
        ["'show crypto ipsec sa' on both ends", "crypto isakmp invalid-spi-recovery and DPD"]),
    entry!("cisco.not-ipsec", F::NegotiationFailed, Cisco, "RECVD_PKT_NOT_IPSEC", "", EST, None, Symptom,
        "a cleartext packet matched a crypto policy that requires protection and was dropped: the peer sent it unprotected",
        ["compare the crypto ACLs or tunnel protection on both ends", "is the peer's SA up?"]),
    entry!("cisco.ikmp-no-sa", F::NegotiationFailed, Cisco, "has no SA and is not an initialization offer", "", NONE, None, Symptom,
        "an IKE message arrived for an ISAKMP SA this router does not have (one side lost or cleared it)", []),
    entry!("cisco.ikmp-mode-failure", F::NegotiationFailed, Cisco, "IKMP_MODE_FAILURE", "", NONE, None, Symptom,
        "an IKEv1 exchange (Main, Aggressive or Quick Mode, named on the line) failed with the peer; the debug lines say why", []),
    entry!("cisco.ikmp-not-offered", F::Incompatible, Cisco, "IKMP_SA_NOT_OFFERED", "", INIT, None, Symptom,
        "the responder answered with an attribute the initiator never offered or changed it", []),
    entry!("cisco.ikmp-not-authenticated", F::NegotiationFailed, Cisco, "IKMP_SA_NOT_AUTH", "", CHILD, None, Symptom,
        "a Quick Mode arrived on an ISAKMP SA whose authentication never completed", []),
    entry!("cisco.ikmp-auth-fail", F::AuthFailed, Cisco, "IKMP_AUTH_FAIL", "", AUTH, None, Symptom,
        "Phase 1 authentication with the host failed", []),
    entry!("cisco.ikmp-not-encrypted", F::NegotiationFailed, Cisco, "IKMP_NOT_ENCRYPTED", "", NONE, None, Symptom,
        "an IKE message that should have been encrypted arrived in clear: the two ends disagree on the state of the exchange", []),
    entry!("cisco.ikmp-bad-message", F::PskMismatch, Cisco, "failed its sanity check or is malformed", "", AUTH, None, Symptom,
        "an IKE message could not be decrypted or parsed: different pre-shared keys in Main Mode, or NAT or the peer's software altering it", []),
    entry!("cisco.ikmp-aggressive-disabled", F::RefusedPeerAuth, Cisco, "IKMP_AG_MODE_DISABLED", "", INIT, Some(C::ConfigOther), Cause,
        "Aggressive Mode is disabled on this router: the exchange was refused before any key was compared",
        ["use Main Mode on the peer, or allow Aggressive Mode here"]),
    entry!("cisco.ikmp-retransmit", F::Retransmit, Cisco, "retransmitting phase 1 MM_NO_STATE", "", INIT, None, Symptom,
        "Main Mode message 1 is sent again: no usable answer from the peer", []),
    entry!("cisco.ikmp-encryption-mismatch", F::TransformUnacceptable, Cisco, "Encryption algorithm offered does not match policy", "", INIT, Some(C::ProposalIke), Cause,
        "the Phase 1 encryption algorithm offered is not the one of this ISAKMP policy", ["compare 'encryption' of the crypto isakmp policies"]),
    entry!("cisco.ikmp-hash-mismatch", F::TransformUnacceptable, Cisco, "Hash algorithm offered does not match policy", "", INIT, Some(C::ProposalIke), Cause,
        "the Phase 1 hash offered is not the one of this ISAKMP policy", ["compare 'hash' of the crypto isakmp policies"]),
    entry!("cisco.ikmp-key-length-mismatch", F::TransformUnacceptable, Cisco, "Proposed key length does not match policy", "", INIT, Some(C::ProposalIke), Cause,
        "the Phase 1 AES key length differs", []),
    entry!("cisco.ikmp-dh-mismatch", F::KeUnacceptable, Cisco, "Diffie-Hellman group offered does not match policy", "", INIT, Some(C::ProposalDh), Cause,
        "the Phase 1 DH group offered is not the one of this ISAKMP policy", ["compare 'group' of the crypto isakmp policies"]),
    entry!("cisco.ikmp-auth-method-mismatch", F::RefusedPeerAuth, Cisco, "Authentication method offered does not match policy", "", INIT, Some(C::ConfigOther), Cause,
        "the peer offers another authentication method (pre-shared key against RSA signatures)", ["'authentication pre-share' or 'rsa-sig' on both ends"]),
    entry!("cisco.ikmp-policy-not-acceptable", F::V1ProposalsRejected, Cisco, "phase 1 SA policy not acceptable", "", INIT, None, Symptom,
        "no ISAKMP policy matched any offer; the 'does not match policy' lines before it name the attribute", []),
    entry!("cisco.ikmp-no-offers", F::V1ProposalsRejected, Cisco, "offers accepted!", "", INIT, None, Symptom,
        "the responder rejected every Phase 1 offer", []),
    entry!("cisco.ikmp-no-psk", F::PskMissing, Cisco, "no pre-shared key based on", "", AUTH, None, Symptom,
        "no pre-shared key is configured for the peer's identity: a missing key, or the peer sends another identity than the key is filed under",
        ["crypto isakmp key ... address/hostname, keyrings", "crypto isakmp identity on the peer"]),
    entry!("cisco.ipsec-transform-unsupported", F::ChildProposalsRejected, Cisco, "transform proposal not supported", "", CHILD, Some(C::ProposalEsp), Cause,
        "no local transform set matches the peer's ESP transforms", ["compare the crypto ipsec transform-sets"]),
    entry!("cisco.ipsec-proxy-ids", F::TsRejected, Cisco, "proxy identities not supported", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer's proxy identities (subnets) match no local crypto ACL", ["mirror the crypto ACLs exactly on both ends"]),
    entry!("cisco.ipsec-policy-invalidated", F::ChildProposalsRejected, Cisco, "IPSec policy invalidated proposal", "", CHILD, None, Symptom,
        "the IPsec policy check rejected the Phase 2 proposal (transform set or crypto ACL)", []),
    entry!("cisco.phase2-not-acceptable", F::ChildProposalsRejected, Cisco, "phase 2 SA policy not acceptable", "", CHILD, None, Symptom,
        "Quick Mode was rejected: transform set, crypto ACL or PFS", []),
    entry!("cisco.sa-already-negotiating", F::Incompatible, Cisco, "SA is already in negotiation, hence not negotiating again", "", INIT, Some(C::Implementation), Cause,
        "IOS refuses to start an IKEv2 SA it believes is already being negotiated (Cisco defect CSCvd69373): the tunnel stays down until the stale negotiation is cleared",
        ["clear crypto ikev2 sa / clear crypto session for the peer", "a release with the fix"]),
    // ASA/FTD IKEv2 syslog messages (ASA syslog messages guide, 750001-753001), matched on their
    // fixed text: real lines may carry `IKEv2 ` before it.
    entry!("asa.ike-weaker-than-esp", F::ChildProposalsRejected, Cisco, "is not strong enough to secure proposed IPSEC encryption algorithm", "Tunnel Rejected", CHILD, Some(C::ProposalEsp), Cause,
        "the ASA refused the tunnel: the IKE cipher negotiated is weaker than the ESP cipher proposed (%ASA-3-750011)", ["use an IKE cipher at least as strong as the ESP cipher (or relax 'crypto ipsec ikev2 sa-strength-enforcement')"]),
    entry!("asa.no-self-credential", F::PskMissing, Cisco, "No preshared key or trustpoint configured for self in tunnel group", "", AUTH, None, Cause,
        "the tunnel group gives the ASA neither a pre-shared key nor a certificate to authenticate itself (%ASA-3-751002)", ["set 'ikev2 local-authentication pre-shared-key' or a trustpoint in the tunnel group's ipsec-attributes"],
        open [(IkeAuth, AuthPsk, "the tunnel group has no local pre-shared key"), (IkeAuth, AuthCert, "the tunnel group has no trustpoint for the ASA's certificate")]),
    entry!("asa.no-remote-auth-method", F::RefusedPeerAuth, Cisco, "No remote authentication method configured for peer in tunnel group", "", AUTH, Some(C::ConfigOther), Cause,
        "the tunnel group says nothing about how the peer authenticates (%ASA-3-751004)", ["set 'ikev2 remote-authentication' (pre-shared-key, certificate or eap) in the tunnel group"]),
    entry!("asa.cert-auth-failed", F::CertNotVerified, Cisco, "Certificate authentication failed. Error:", "", AUTH, Some(C::AuthCert), Cause,
        "the ASA could not authenticate the peer's certificate; the error names the check (%ASA-3-751006)", ["check the peer certificate's chain against the ASA's trustpoints, its validity and revocation"]),
    entry!("asa.no-tunnel-group", F::IdentityRejected, Cisco, "Unable to find tunnel group for peer", "", AUTH, Some(C::AuthId), Cause,
        "no tunnel group matches the peer's identity or address (%ASA-3-751009)", ["name the tunnel group after the peer's address or identity, or map certificates to it (tunnel-group-map)"]),
    entry!("asa.no-self-auth-method", F::NoMatchingConnection, Cisco, "Unable to determine self-authentication method", "", AUTH, Some(C::ConfigOther), Cause,
        "no crypto map or tunnel group matches, so the ASA cannot choose how to authenticate itself (%ASA-3-751010)", ["check the crypto map peer and the tunnel group for this peer"]),
    entry!("asa.user-auth-failed", F::EapRejected, Cisco, "Failed user authentication. Error:", "", AUTH, Some(C::AuthEap), Cause,
        "the remote-access user's (EAP/AAA) authentication failed (%ASA-3-751011)", ["check the user's credentials and the AAA server's log"]),
    entry!("asa.crypto-map-ts", F::TsRejected, Cisco, "Crypto Map Policy not found for remote traffic selector", "", CHILD, Some(C::TrafficSelectors), Cause,
        "no crypto map ACL matches the traffic selectors the peer proposed (%ASA-3-751022)", ["make the crypto ACL mirror the peer's traffic selectors"]),
    entry!("asa.same-outer-inner", F::NegotiationFailed, Cisco, "initiated a tunnel with the same outer and inner addresses", "", CHILD, None, Context,
        "the peer's traffic selectors are its own outer addresses: it may be originate-only or misconfigured (%ASA-4-751016)", []),
    entry!("asa.no-ikev2-proposal", F::NoLocalProposal, Cisco, "IKEv2 Doesn't have a proposal specified", "", INIT, Some(C::ConfigOther), Cause,
        "the crypto map has no IKEv2 IPsec proposal, so the ASA does not try IKEv2 (%ASA-4-752010)", ["add 'set ikev2 ipsec-proposal' to the crypto map entry"]),
    // IOS XE debugs whose meaning Cisco's ASA-router IKEv2 configuration example explains.
    entry!("cisco.peer-id-from-san", F::IdentityRejected, Cisco, "Peer ID check: failed to retreive", "from SAN", AUTH, Some(C::AuthId), Cause,
        "the peer's identity is not in its certificate's subjectAltName, so peer-ID validation fails", ["put the peer's IKE identity (address, FQDN or e-mail) in its certificate's SAN, or relax 'peer-id-validate'"]),
    entry!("cisco.verify-cert-failed", F::CertNotVerified, Cisco, "Verify cert failed", "", AUTH, Some(C::AuthCert), Cause,
        "IOS could not validate the peer's certificate (often the peer sent no intermediate CA, or no trustpoint holds its CA)", ["have the peer send its whole chain (ASA: 'ikev2 remote-authentication certificate' with 'chain'), or add the CA as a trustpoint"]),
    entry!("cisco.peer-auth-data-failed", F::AuthFailed, Cisco, "Verification of peer's authentication data FAILED", "", AUTH, None, Symptom,
        "IOS could not verify the peer's AUTH payload", []),
    entry!("cisco.msg-id-outside-window", F::NegotiationFailed, Cisco, "IKE msg id outside supported window", "", NONE, None, Symptom,
        "a message ID arrived outside the window IOS expects: the two ends disagree on which requests were answered (lost or reordered messages, often large fragmented IKE_AUTH)", [],
        open [(IkeAuth, MtuFragmentation, "a large IKE_AUTH (certificates) is fragmented and its fragments are lost, so it is sent again"),
              (IkeAuth, Implementation, "the ends count message IDs differently (a peer restarted or reuses an ID)")]),
    entry!("cisco.msg-id-outside-window", F::NegotiationFailed, Cisco, "Response is outside of window", "", NONE, None, Symptom,
        "a response arrived for a message ID outside the window IOS expects", [],
        open [(IkeAuth, MtuFragmentation, "a large IKE_AUTH (certificates) is fragmented and its fragments are lost, so it is sent again"),
              (IkeAuth, Implementation, "the ends count message IDs differently (a peer restarted or reuses an ID)")]),
    // ---- Cisco ASA / FTD (%ASA-n-713xxx IKEv1, 402xxx IPsec, 750xxx IKEv2): the syslog guide's meanings ----
    entry!("asa.mismatched-attribute", F::TransformUnacceptable, Cisco, "Mismatched attribute types for class", "", NONE, None, Symptom,
        "the crypto configuration does not match the initiator's: 'Phase 1' an IKE policy attribute, 'Phase 2' an IPsec one (the class and both values are on the line)",
        ["compare the Rcv'd and Cfg'd values on the line with both configurations"]),
    entry!("asa.no-group-for-psk", F::IdentityRejected, Cisco, "No Group found matching", "Pre-shared key peer", AUTH, Some(C::AuthId), Cause,
        "no tunnel group matches the pre-shared-key peer's identity or address", ["the tunnel-group name against the peer's identity"]),
    entry!("asa.no-default-psk", F::PskMissing, Cisco, "BASE GROUP default preshared key not configured", "", AUTH, Some(C::AuthPsk), Cause,
        "no tunnel group for the peer's address and no default pre-shared key", ["create the peer's tunnel-group with its pre-shared key"]),
    entry!("asa.initial-contact-timeout", F::GaveUp, Cisco, "Timed out on initial contact to server", "", INIT, None, Symptom,
        "the first IKE message was never answered", ["is the headend reachable on UDP 500?"]),
    entry!("asa.xauth-failed", F::EapRejected, Cisco, "has failed our user authentication attempt", "", AUTH, Some(C::AuthEap), Cause,
        "the headend rejected the XAUTH user name or password", []),
    entry!("asa.xauth-failed", F::EapRejected, Cisco, "Remote peer has failed user authentication", "", AUTH, Some(C::AuthEap), Cause,
        "the XAUTH user name or password (or the AAA server behind) failed", []),
    entry!("asa.acl-proxy-ids", F::TsRejected, Cisco, "ACL does not match proxy IDs", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the crypto map's ACL does not match the peer's proxy identities (subnets)", ["the crypto ACLs on both ends must mirror each other"]),
    entry!("asa.no-trustpoint", F::NoPrivateKey, Cisco, "no trust-point defined in tunnel-group", "", AUTH, Some(C::AuthCert), Cause,
        "certificate authentication without a trustpoint in the tunnel group", []),
    entry!("asa.no-identity-cert", F::NoPrivateKey, Cisco, "No identity cert specified", "", AUTH, Some(C::AuthCert), Cause,
        "certificate authentication without an identity certificate", []),
    entry!("asa.requested-cert-missing", F::NoPrivateKey, Cisco, "Unable to find the requested certificate", "", AUTH, Some(C::AuthCert), Cause,
        "no identity certificate issued by the CA the peer asked for (CERTREQ)", []),
    entry!("asa.invalid-dh", F::KeUnacceptable, Cisco, "Detected invalid Diffie-Helmann", "", INIT, Some(C::ProposalDh), Cause,
        "the peer proposes a DH group the ASA does not support", []),
    entry!("asa.invalid-spi-notify", F::EspDropped, Cisco, "Received Invalid SPI notify", "", EST, Some(C::DataPlane), Cause,
        "the peer no longer has the SA the ASA sends on (rebooted or cleared)", []),
    entry!("asa.esp-invalid-spi", F::EspDropped, Cisco, "with an invalid SPI", "IPSEC: Received", EST, Some(C::DataPlane), Cause,
        "ESP arrives for an SPI the ASA has no SA for (SAs aged differently or cleared on one end)", []),
    entry!("asa.esp-replay", F::EspDropped, Cisco, "failed anti-replay checking", "", EST, Some(C::DataPlane), Cause,
        "ESP sequence numbers outside the anti-replay window: reordering on the path", []),
    entry!("asa.esp-auth", F::EspDropped, Cisco, "that failed authentication.", "IPSEC: Received an", EST, Some(C::DataPlane), Cause,
        "ESP packets fail their integrity check: corrupted in transit", []),
    entry!("asa.phase1-completed", F::IkeEstablished, Cisco, "PHASE 1 COMPLETED", "", NONE, None, Progress,
        "IKEv1 Phase 1 is complete", []),
    entry!("asa.phase2-completed", F::ChildEstablished, Cisco, "PHASE 2 COMPLETED", "", NONE, None, Progress,
        "IKEv1 Phase 2 is complete", []),
    entry!("asa.ikev2-sa-up", F::IkeEstablished, Cisco, "IKEv2 SA UP. Reason:", "", NONE, None, Progress,
        "the IKEv2 SA is up", []),
    entry!("asa.ikev2-aborted", F::NegotiationFailed, Cisco, "IKEv2 Negotiation aborted due to ERROR", "", NONE, None, Symptom,
        "the ASA aborted an IKEv2 negotiation; the reason follows on the line", []),
    // ---- Juniper Junos (kmd/iked syslog): the system log reference's KMD_ messages and the IKE negotiation lines ----
    entry!("junos.p2-protocol-invalid", F::ChildProposalsRejected, Juniper, "KMD_PM_PROPOSAL_PROTOCOL_INVALID", "", CHILD, Some(C::ProposalEsp), Cause,
        "the peer's Phase 2 proposal uses a protocol other than AH or ESP; kmd rejects it", ["the peer's Phase 2 proposal protocol"]),
    entry!("junos.p2-ipcomp", F::ChildProposalsRejected, Juniper, "KMD_PM_PROTO_IPCOMP_UNSUPPORTED", "", CHILD, Some(C::ProposalEsp), Cause,
        "the peer negotiated IP compression, which kmd does not support", ["disable IPComp on the peer"]),
    entry!("junos.p2-isakmp-reserved", F::Incompatible, Juniper, "KMD_PM_PROTO_ISAKMP_RESV_UNSUPP", "", CHILD, None, Symptom,
        "the peer negotiated protocol ISAKMP or RESERVED for an IPsec SA", []),
    entry!("junos.sa-established", F::ChildEstablished, Juniper, "KMD_PM_SA_ESTABLISHED", "", NONE, None, Progress,
        "an IPsec SA (one per direction) is installed", []),
    entry!("junos.vpn-up", F::ChildEstablished, Juniper, "KMD_VPN_UP_ALARM_USER", "", NONE, None, Progress,
        "the VPN is up", []),
    entry!("junos.vpn-down", F::Deleting, Juniper, "KMD_VPN_DOWN_ALARM_USER", "", EST, None, Symptom,
        "the VPN went down; the Reason field says why", []),
    entry!("junos.ike-up", F::IkeEstablished, Juniper, "IKE negotiation successfully completed", "", NONE, None, Progress,
        "the IKE SA is up", []),
    entry!("junos.ike-failed", F::NegotiationFailed, Juniper, "IKE negotiation failed with error: ", "", NONE, None, Symptom,
        "the IKE negotiation failed; the error follows on the line", []),
    entry!("junos.ts-out-of-range", F::TsRejected, Juniper, "Peer proposed traffic-selectors are not in configured range", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer's traffic selectors (proxy identities) are outside the configured ones", ["the traffic selectors or proxy-identity on both ends"]),
    // ---- Palo Alto PAN-OS (ikemgr.log, system log `vpn` events) ----
    entry!("panos.psk-auth-failure", F::PskMismatch, PaloAlto, " authentication failure", "[PERR]", AUTH, Some(C::AuthPsk), Cause,
        "ikemgr on the responder: Phase 1 authentication failed, which Palo Alto documents as the pre-shared key mismatch signature",
        ["enter the same pre-shared key on both peers"]),
    entry!("panos.no-gateway-for-peer", F::LookupFailed, PaloAlto, "Couldn't find configuration for IKE phase-1 request", "", INIT, None, Symptom,
        "no IKE gateway matches the address the request came from (behind NAT: the translated address and a port other than 500)",
        ["the peer address of the IKE gateway against the request's source address"]),
    entry!("panos.peer-id-mismatch", F::IdentityRejected, PaloAlto, "does not match peers id", "", AUTH, Some(C::AuthId), Cause,
        "the identity the peer sent is not the peer identification configured", ["peer and local identification on both ends (behind NAT the peer may send its private address)"]),
    entry!("panos.child-lacks-ke", F::ChildProposalsRejected, PaloAlto, "message lacks KE payload", "", CHILD, None, Symptom,
        "the child SA request has no KE payload where this end's PFS setting wants one", ["the DH group (PFS) of the IPsec crypto profile on both ends"]),
    entry!("panos.ikev2-abort", F::Deleting, PaloAlto, "aborting IKEv2 SA", "", NONE, None, Symptom,
        "ikemgr aborts an IKEv2 SA (after a failed liveness check or negotiation); the lines before say why", []),
    // pan_ikev2_debug's state line for the SA being torn down: dying from ESTABLISHED shows the
    // SA was up (the liveness check case of Palo Alto's knowledge base).
    entry!("panos.sa-dying-established", F::Deleting, PaloAlto, "SA dying from state ESTABLISHED", "", EST, None, Symptom,
        "an established IKEv2 SA is being torn down (a failed liveness check, a delete); the lines before say why", []),
    entry!("panos.esp-sa-not-found", F::PeerDeletedChild, PaloAlto, "can't find sa for proto ESP spi", "", CHILD, Some(C::ConfigOther), Cause,
        "the peer deleted an ESP SA this firewall no longer has: both ends rekeyed at once, which Palo Alto ties to identical Phase 1 and Phase 2 lifetimes on both peers",
        ["give the two ends different lifetimes (or let one end rekey)"]),
    entry!("panos.p1-started", F::Initiating, PaloAlto, "ike-nego-p1-start", "", NONE, None, Progress,
        "Phase 1 negotiation started", []),
    entry!("panos.p1-succeeded", F::IkeEstablished, PaloAlto, "ike-nego-p1-succ", "", NONE, None, Progress,
        "Phase 1 succeeded", []),
    // `show vpn ike-sa` / `show vpn ipsec-sa` answers (PAN-OS CLI).
    entry!("panos.show-no-sa", F::NoSaListed, PaloAlto, "There is no IKEv", "SA found", NONE, None, Context,
        "the firewall holds no SA of this kind now: the tunnel is down, never came up, or this is the passive unit of an HA pair; the ikemgr log or system log of the attempt says why",
        ["run `test vpn ike-sa gateway NAME` and read `less mp-log ikemgr.log` for the attempt"]),
    entry!("charon.not-ike-version", F::NotIke, StrongSwan, "received unsupported IKE version", "", NONE, None, Symptom,
        "charon received a datagram that is not IKEv1 or IKEv2; on UDP 4500 that is ESP the kernel did not take (its UDP encapsulation socket is not set)", []),
    entry!("fortigate.auth-sent", F::AuthSent, FortiGate, "initiator preparing AUTH msg", "", NONE, None, Progress,
        "FortiOS builds its IKE_AUTH request", []),
    entry!("fortigate.packet-sent", F::PacketSent, FortiGate, "sent IKE msg", "", NONE, None, Progress,
        "FortiOS sent an IKE message", []),
    entry!("fortigate.nat", F::NatDetected, FortiGate, "NAT-T float port 4500", "", NONE, None, Context,
        "FortiOS detected NAT and moves to UDP 4500", []),
    entry!("freeradius.chain-untrusted", F::NoIssuer, Radius, "Certificate chain - cert(s) untrusted", "", AUTH, None, Context,
        "FreeRADIUS could not verify the client certificate's chain (a warning; the EAP-TLS result that follows decides)", []),
    // ---- AWS Site-to-Site VPN tunnel logs ----
    entry!("aws.psk-mismatch", F::PskMismatch, Aws, "detected a pre-shared key mismatch", "", AUTH, Some(C::AuthPsk), Cause,
        "AWS found that the customer gateway's pre-shared key differs from the tunnel's", ["set the same pre-shared key on the customer gateway and the AWS tunnel"]),
    entry!("aws.psk-decrypt", F::PskMismatch, Aws, "payload decryption was unsuccessful due to invalid Pre-shared Key", "", AUTH, Some(C::AuthPsk), Cause,
        "AWS could not decrypt the peer's IKEv1 message: the pre-shared keys differ", []),
    entry!("aws.no-proposal", F::ProposalsRejected, Aws, "No Proposal Match Found by AWS", "", INIT, Some(C::ProposalIke), Cause,
        "none of the customer gateway's phase-1 proposals (encryption, integrity, DH group) is supported by the AWS tunnel",
        ["propose algorithms the tunnel options allow (e.g. AES-GCM/AES-CBC, SHA-2, DH 14 or higher)"]),
    entry!("aws.dpd-timeout", F::GaveUp, Aws, "DPD timed out", "", EST, None, Symptom,
        "the customer gateway stopped answering dead peer detection", []),
    entry!("aws.phase2-failed", F::ChildFailed, Aws, "Phase 2 was unable to establish", "", CHILD, None, Symptom,
        "the CHILD_SA (phase 2) could not be negotiated", []),
    entry!("aws.half-open-deleted", F::HalfOpenTimeout, Aws, "deleting un-established Phase 1 IKE_SA", "", AUTH, None, Symptom,
        "AWS dropped a half-open IKE SA: the peer did not complete the negotiation", []),
    // ---- Azure VPN gateway ----
    entry!("azure.qm-policy-mismatch", F::ChildProposalsRejected, Azure, "IkeCleanupQMNegotiation called with error 13868", "", CHILD, Some(C::ProposalEsp), Cause,
        "the quick mode (CHILD_SA) proposals of the on-premises device match no Azure IPsec policy",
        ["compare the on-premises device's IPsec (phase 2) proposals with the connection's IPsec/IKE policy"]),
    entry!("azure.policy-mismatch", F::ProposalsRejected, Azure, "Sending Notify Message - Policy Mismatch", "", NONE, None, Symptom,
        "the Azure gateway refused the proposals (IKE or IPsec policy)", []),
    // ---- Google Cloud VPN tunnel status ----
    entry!("gcp.peer-identity", F::IdentityRejected, GoogleCloud, "PEER_IDENTITY_MISMATCH", "", AUTH, Some(C::AuthId), Cause,
        "the peer's IKE identity is not its public address (often a peer behind NAT sending its private address)",
        ["set the peer's local identity to its public IP address"]),
    entry!("gcp.ts-narrowing", F::TsRejected, GoogleCloud, "TS_NARROWING_NOT_ALLOWED", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer narrowed the traffic selectors, which an HA VPN tunnel does not allow", ["propose 0.0.0.0/0 traffic selectors (route-based) on the peer"]),
    entry!("gcp.no-incoming", F::GaveUp, GoogleCloud, "NO_INCOMING_PACKETS", "", INIT, None, Symptom,
        "the tunnel receives nothing from the peer", []),
    entry!("gcp.authorization", F::AuthFailed, GoogleCloud, "AUTHORIZATION_ERROR", "", AUTH, None, Symptom,
        "the peer's authentication failed (for example a bad shared secret)", []),
    entry!("gcp.negotiation", F::NegotiationFailed, GoogleCloud, "NEGOTIATION_FAILURE", "", NONE, None, Symptom,
        "the handshake failed; the tunnel's logs say why", []),
    // ---- MikroTik RouterOS ----
    entry!("mikrotik.id-not-in-cert", F::IdentityRejected, MikroTik, "peer's ID does not match certificate", "", AUTH, Some(C::AuthId), Cause,
        "the identity the peer sent is not in its certificate", ["make the peer's identity one of its certificate's subjectAltNames"]),
    entry!("mikrotik.cert-verify", F::NoIssuer, MikroTik, "can't verify peer's certificate from store", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate does not verify against a CA in the router's store", ["import the CA that issued the peer's certificate and mark it trusted"]),
    entry!("mikrotik.killing", F::Deleting, MikroTik, "killing ike2 SA", "", NONE, None, Symptom,
        "RouterOS removed the IKEv2 SA; the lines before (or the peer's log) say why", []),
    entry!("mikrotik.time-up", F::GaveUp, MikroTik, "phase1 negotiation failed due to time up", "", INIT, None, Symptom,
        "the peer never completed phase 1", []),
    // The same message as users quote it in help threads.
    entry!("mikrotik.time-up", F::GaveUp, MikroTik, "phase 1 negotiation failed due to time up", "", INIT, None, Symptom,
        "the peer never completed phase 1", []),
    entry!("mikrotik.no-proposal", F::ProposalsRejected, MikroTik, "no suitable proposal found", "", INIT, Some(C::ProposalIke), Cause,
        "no proposal of the peer matches the router's", ["compare the peer's proposals with the router's IPsec proposal/profile"]),
    // ---- RADIUS behind EAP: Windows NPS reasons, FreeRADIUS ----
    entry!("nps.credentials-mismatch", F::EapRejected, Radius, "Authentication failed due to a user credentials mismatch", "", AUTH, Some(C::AuthEap), Cause,
        "NPS refused the user's credentials (unknown user or wrong password)", []),
    entry!("nps.no-client-auth-eku", F::EapRejected, Radius, "does not contain the Client Authentication purpose", "", AUTH, Some(C::AuthEap), Cause,
        "the EAP-TLS/PEAP user or computer certificate lacks the Client Authentication EKU", ["issue the client certificate with the Client Authentication EKU"]),
    entry!("nps.untrusted-ca", F::EapRejected, Radius, "issued by a certification authority (CA) that is not trusted by the NPS server", "", AUTH, Some(C::AuthEap), Cause,
        "NPS does not trust the CA of the client's EAP certificate", ["add the issuing CA to the NPS server's NTAuth/trusted stores"]),
    entry!("nps.revoked", F::EapRejected, Radius, "is revoked and is not valid", "", AUTH, Some(C::AuthEap), Cause,
        "the client's EAP certificate is revoked", []),
    entry!("nps.clock", F::CertOutsideValidity, Radius, "system clocks on the NPS server and the access client are not synchronized", "", AUTH, Some(C::Clock), Cause,
        "the NPS server's and the client's clocks differ", ["synchronise both clocks (NTP)"]),
    entry!("nps.no-policy", F::EapRejected, Radius, "did not match a configured network policy", "", AUTH, Some(C::AuthEap), Cause,
        "no NPS network policy matches the request (conditions or EAP type)", ["check the NPS network policy's conditions and allowed EAP types"]),
    entry!("nps.incomplete-credentials", F::EapRejected, Radius, "did not receive complete credentials", "", AUTH, Some(C::AuthEap), Cause,
        "the EAP exchange ended without complete credentials from the client", []),
    entry!("nps.reason-code", F::ErrorCode, Radius, "Reason Code:", "", AUTH, None, Symptom,
        "the reason code of an NPS event 6273/6274: Microsoft's reason-code reference says what it means", []),
    entry!("nps.denied", F::EapRejected, Radius, "Network Policy Server denied access to a user", "", AUTH, None, Symptom,
        "NPS denied access (event 6273): the Reason line says why", []),
    entry!("freeradius.login-incorrect", F::EapRejected, Radius, "Login incorrect", "", AUTH, None, Symptom,
        "FreeRADIUS refused the login (the lines before say which check failed)", []),
    // FreeRADIUS 3.x messages (src/main/listen.c, src/lib/radius.c, rlm_mschap, rlm_eap, tls.c
    // and cb.c; TLS alert and X.509 texts are OpenSSL's): the RADIUS server's own statement.
    entry!("freeradius.unknown-client", F::EapRejected, Radius, "from unknown client ", "Ignoring request to", AUTH, Some(C::ConfigOther), Cause,
        "FreeRADIUS ignores the VPN gateway's requests: its address is not a client in clients.conf, so no answer comes back",
        ["add the gateway's source address as a client (clients.conf) with the same shared secret"]),
    entry!("freeradius.shared-secret", F::EapRejected, Radius, "(Shared secret is incorrect.)", "", AUTH, Some(C::ConfigOther), Cause,
        "the RADIUS shared secret differs between the VPN gateway and FreeRADIUS: the request is dropped without an answer",
        ["set the same shared secret in the gateway's RADIUS settings (eap-radius secret) and in FreeRADIUS's clients.conf"]),
    entry!("freeradius.mschap-incorrect", F::EapRejected, Radius, "MS-CHAP2-Response is incorrect", "", AUTH, Some(C::AuthEap), Cause,
        "the user's MSCHAPv2 password is wrong (or the stored hash does not match it)", ["check the user's password on the client and in FreeRADIUS's user store"]),
    entry!("freeradius.no-nt-password", F::EapRejected, Radius, "FAILED: No NT-Password", "", AUTH, Some(C::AuthEap), Cause,
        "FreeRADIUS has no cleartext or NT password for the user (unknown user, or a back end that cannot give the NT hash)", ["check that the user exists with a password MSCHAPv2 can use"]),
    entry!("freeradius.password-expired", F::EapRejected, Radius, "Password has expired.", "User should retry", AUTH, Some(C::AuthEap), Cause,
        "the user's password has expired", ["have the user change the password"]),
    entry!("freeradius.account-disabled", F::EapRejected, Radius, "says that the account is disabled", "", AUTH, Some(C::AuthEap), Cause,
        "the user's account is disabled", []),
    entry!("freeradius.account-locked", F::EapRejected, Radius, "says that the account is locked out", "", AUTH, Some(C::AuthEap), Cause,
        "the user's account is locked out", []),
    entry!("freeradius.no-common-eap-type", F::EapRejected, Radius, "No mutually acceptable types found", "", AUTH, Some(C::AuthEap), Cause,
        "the client refused every EAP method FreeRADIUS offers (for example the client wants EAP-TLS, the server allows only PEAP)",
        ["configure the same EAP method on the client and in FreeRADIUS's eap module (default_eap_type)"]),
    entry!("freeradius.peap-inner-rejected", F::EapRejected, Radius, "Tunneled authentication was rejected", "", AUTH, Some(C::AuthEap), Cause,
        "the inner method (MSCHAPv2) inside PEAP refused the user", ["check the user's credentials; the inner tunnel's lines say why"]),
    entry!("freeradius.client-unknown-ca", F::EapRejected, Radius, "Alert read:fatal:unknown CA", "", AUTH, Some(C::AuthEap), Cause,
        "the VPN client does not trust the CA of FreeRADIUS's EAP server certificate",
        ["install the CA of the RADIUS server's certificate on the client (or select it in the client's EAP settings)"]),
    entry!("freeradius.client-access-denied", F::EapRejected, Radius, "Alert read:fatal:access denied", "", AUTH, Some(C::AuthEap), Cause,
        "the VPN client ended EAP-TLS: it refused the RADIUS server (its certificate's name, CA or the client's own policy)",
        ["check the server names and CA the client's EAP settings accept against the RADIUS server's certificate"]),
    entry!("freeradius.client-bad-certificate", F::EapRejected, Radius, "Alert read:fatal:bad certificate", "", AUTH, Some(C::AuthEap), Cause,
        "the VPN client rejected the RADIUS server's certificate", ["check the RADIUS server certificate's EKU (Server Authentication), name and chain"]),
    entry!("freeradius.client-cert-expired", F::CertOutsideValidity, Radius, "Alert read:fatal:certificate expired", "", AUTH, None, Symptom,
        "the VPN client says the RADIUS server's certificate is expired", [],
        open [(IkeAuth, AuthEap, "the RADIUS server's certificate has expired"), (IkeAuth, Clock, "the client's clock is wrong")]),
    entry!("freeradius.server-unknown-ca", F::EapRejected, Radius, "Alert write:fatal:unknown CA", "", AUTH, Some(C::AuthEap), Cause,
        "FreeRADIUS does not trust the CA of the client's EAP-TLS certificate", ["add the client certificates' CA to the eap module's ca_file / ca_path"]),
    entry!("freeradius.verify-no-issuer", F::NoIssuer, Radius, "unable to get local issuer certificate", "says error", AUTH, Some(C::AuthEap), Cause,
        "FreeRADIUS cannot find the issuer of the client's EAP-TLS certificate among the CAs it trusts",
        ["add the client certificates' CA (and intermediates) to the eap module's ca_file / ca_path"]),
    entry!("freeradius.verify-expired", F::CertOutsideValidity, Radius, "certificate has expired", "says error", AUTH, None, Symptom,
        "FreeRADIUS finds the client's EAP-TLS certificate expired", [],
        open [(IkeAuth, AuthEap, "the client's certificate has expired"), (IkeAuth, Clock, "the RADIUS server's clock is wrong")]),
    entry!("freeradius.verify-not-yet-valid", F::CertOutsideValidity, Radius, "certificate is not yet valid", "says error", AUTH, None, Symptom,
        "FreeRADIUS finds the client's EAP-TLS certificate not yet valid", [],
        open [(IkeAuth, Clock, "the RADIUS server's clock is behind (or the certificate was issued with a future start)"), (IkeAuth, AuthEap, "the certificate was just issued by a CA whose clock is ahead")]),
    entry!("freeradius.cert-field-mismatch", F::EapRejected, Radius, "does not match specified value", "Certificate ", AUTH, Some(C::AuthEap), Cause,
        "the client certificate's CN or issuer is not the one FreeRADIUS's check_cert_cn / check_cert_issuer requires", ["compare the certificate with check_cert_cn / check_cert_issuer in the eap module"]),
    entry!("freeradius.untrusted-intermediate", F::EapRejected, Radius, "There are untrusted certificates in the certificate chain", "", AUTH, Some(C::AuthEap), Cause,
        "the client sent intermediate CAs FreeRADIUS does not trust (reject_unknown_intermediate_ca)", ["add the intermediate CAs to the trusted CAs, or stop the client from sending them"]),
    // Windows NPS System log events about RADIUS clients.
    entry!("nps.unknown-client", F::EapRejected, Radius, "was received from the invalid RADIUS client IP address", "", AUTH, Some(C::ConfigOther), Cause,
        "NPS ignores the VPN gateway's requests: its address is not a RADIUS client in NPS (event 13)", ["add the gateway's source address as a RADIUS client in NPS"]),
    entry!("nps.bad-authenticator", F::EapRejected, Radius, "with an invalid authenticator", "RADIUS client", AUTH, Some(C::ConfigOther), Cause,
        "the RADIUS shared secret differs between the VPN gateway and NPS (event 14)", ["set the same shared secret on the gateway and on the NPS RADIUS client"]),
    // ---- Suricata EVE ----
    entry!("suricata.ike", F::MessageParsed, Suricata, "\"ike\":{", "", NONE, None, Progress,
        "Suricata saw an IKE exchange", []),
    entry!("suricata.ike", F::MessageParsed, Suricata, "\"ike\": {", "", NONE, None, Progress,
        "Suricata saw an IKE exchange", []),
    // ---- notify names pasted alone (after every implementation's own lines, which win) ----
    entry!("ikev2.invalid-ke", F::DhRetry, AnyIkev2, "INVALID_KE_PAYLOAD", "", INIT, None, Progress,
        "the responder asks for another DH group; normal once, a failure when no group is in common", []),
    entry!("ikev2.internal-address-failure", F::PeerRefusedVirtualIp, AnyIkev2, "INTERNAL_ADDRESS_FAILURE", "", AUTH, Some(C::ConfigOther), Symptom,
        "the responder could not assign a virtual IP (pool missing or exhausted)", ["give the responder an address pool for this client"]),
    entry!("ikev2.failed-cp-required", F::PeerRefusedVirtualIp, AnyIkev2, "FAILED_CP_REQUIRED", "", AUTH, Some(C::ConfigOther), Symptom,
        "the responder requires a virtual IP request the initiator did not send", ["configure the client to request a virtual IP"]),
    entry!("ikev2.single-pair-required", F::PeerRefusedTs, AnyIkev2, "SINGLE_PAIR_REQUIRED", "", CHILD, Some(C::TrafficSelectors), Symptom,
        "the responder accepts only one pair of traffic selectors", ["propose one local and one remote subnet per CHILD_SA"]),
    entry!("ikev2.no-additional-sas", F::ChildFailed, AnyIkev2, "NO_ADDITIONAL_SAS", "", CHILD, None, Symptom,
        "the responder refuses more CHILD_SAs on this IKE SA", []),
    entry!("ikev2.invalid-syntax", F::NegotiationFailed, AnyIkev2, "INVALID_SYNTAX", "", NONE, None, Symptom,
        "a message was malformed or unexpected (Libreswan also sends it when installing a Child SA fails)", []),
    entry!("ikev2.temporary-failure", F::RekeyFailed, AnyIkev2, "TEMPORARY_FAILURE", "", EST, None, Progress,
        "the responder is busy (rekey collision); retried later", []),
    entry!("ikev2.child-sa-not-found", F::RekeyFailed, AnyIkev2, "CHILD_SA_NOT_FOUND", "", EST, None, Symptom,
        "the CHILD_SA to rekey does not exist on the responder", []),
    entry!("ikev2.invalid-spi", F::NegotiationFailed, AnyIkev2, "INVALID_SPI", "", EST, None, Context,
        "a message or ESP packet refers to an SA the receiver does not know", []),
    entry!("ikev2.cookie", F::DhRetry, AnyIkev2, "COOKIE", "", INIT, None, Progress,
        "the responder asks for a cookie (under load); normal once", []),
    // ---- Libreswan pluto, IKEv2 failures: texts of libreswan/libreswan programs/pluto
    // (retransmit.c, ikev2_ike_auth.c, ikev2_ts.c, nss_cert_verify.c, ikev2_ike_sa_init.c) and
    // of Oracle's "Interpreting Console Logs" table (OCI Site-to-Site VPN, which logs pluto lines) ----
    entry!("pluto.v2-first-message-unanswered", F::GaveUp, Libreswan, "No response (or no acceptable response) to our first IKEv2 message", "", INIT, None, Symptom,
        "pluto retransmitted IKE_SA_INIT until it gave up: no answer, or none it could accept",
        ["is UDP 500 open both ways (a capture on the responder shows whether the requests arrive)?", "does the peer run IKEv2 for this connection (Oracle documents this line for an IKE version mismatch)?"],
        open [(IkeSaInit, UdpBlocked, "the requests or the answers are dropped on the path (UDP 500)"),
              (IkeSaInit, ConfigOther, "the peer is configured for IKEv1 (or has no connection) and ignores IKEv2"),
              (IkeSaInit, ProposalIke, "the peer drops proposals it cannot accept without answering")]),
    entry!("pluto.ppk-missing", F::PskMissing, Libreswan, "Requested PPK_ID not found and connection requires a valid PPK", "", AUTH, Some(C::ConfigOther), Cause,
        "the connection insists on a post-quantum preshared key (ppk=insist) and the peer's PPK_ID names none pluto holds",
        ["the PPK secrets (ipsec.secrets) and PPK_ID on both ends, or ppk=permit"]),
    entry!("pluto.no-ca", F::NoIssuer, Libreswan, "no Certificate Authority in NSS Certificate DB", "", AUTH, Some(C::AuthCert), Cause,
        "the NSS database holds no CA certificate, so pluto discards the peer's certificates unverified",
        ["import the CA that issued the peer's certificate into the NSS database (ipsec certutil -A -t CT,,)"]),
    entry!("pluto.no-ca", F::NoIssuer, Libreswan, "No Certificate Authority in NSS Certificate DB", "", AUTH, Some(C::AuthCert), Cause,
        "the NSS database holds no CA certificate, so pluto discards the peer's certificates unverified",
        ["import the CA that issued the peer's certificate into the NSS database (ipsec certutil -A -t CT,,)"]),
    entry!("pluto.cert-san-mismatch", F::IdentityRejected, Libreswan, "certificate subjectAltName extension does not match", "", AUTH, Some(C::AuthId), Cause,
        "the identity is not among the certificate's subjectAltNames",
        ["make the IKE identity (leftid/rightid) one of the certificate's subjectAltNames"]),
    entry!("pluto.cert-no-san", F::IdentityRejected, Libreswan, "certificate contains no subjectAltName extension to match", "", AUTH, Some(C::AuthId), Cause,
        "the certificate has no subjectAltName, so the identity cannot be matched to it",
        ["issue the certificate with the identity as a subjectAltName, or use the subject DN as the ID"]),
    entry!("pluto.malformed-ts", F::Incompatible, Libreswan, "received malformed TSi/TSr payload(s)", "", CHILD, Some(C::Implementation), Cause,
        "the peer's traffic selector payloads do not parse", []),
    entry!("pluto.invalid-ke-unacceptable", F::KeUnacceptable, Libreswan, "Discarding unauthenticated INVALID_KE_PAYLOAD response to DH", "", INIT, Some(C::ProposalDh), Cause,
        "the responder asked for a DH group that this end's IKE proposals do not hold",
        ["add the responder's DH group to the IKE proposal (ike=), or the initiator's to the responder's"]),
    // ---- MikroTik RouterOS: the IPsec manual's Troubleshooting/FAQ (help.mikrotik.com/docs/display/ROS/IPsec:
    // proposals, ph2), and router logs quoted in public issues and scripts (identities, password,
    // certificate signature) ----
    entry!("mikrotik.no-valid-proposal", F::ProposalsRejected, MikroTik, "failed to get valid proposal", "", INIT, Some(C::ProposalIke), Cause,
        "the peers' phase 1 proposals have nothing in common",
        ["compare the peer profile (hash, encryption, DH group) with the other end's phase 1"]),
    entry!("mikrotik.rejected-transform", F::TransformUnacceptable, MikroTik, "rejected enctype", "", INIT, Some(C::ProposalIke), Cause,
        "phase 1 encryption differs: local value before the colon, the peer's after", []),
    entry!("mikrotik.rejected-transform", F::TransformUnacceptable, MikroTik, "rejected hashtype", "", INIT, Some(C::ProposalIke), Cause,
        "phase 1 hash differs: local value before the colon, the peer's after", []),
    entry!("mikrotik.ph2-preprocess", F::NegotiationFailed, MikroTik, "failed to pre-process ph2 packet", "", CHILD, None, Symptom,
        "RouterOS could not process the peer's phase 2 (quick mode) message", [],
        open [(ChildSa, ProposalEsp, "the phase 2 proposals (encryption, PFS group) differ"),
              (ChildSa, TrafficSelectors, "no policy matches the peer's selectors")]),
    entry!("mikrotik.wrong-password", F::PskMismatch, MikroTik, "possible cause: wrong password", "", AUTH, Some(C::AuthPsk), Cause,
        "RouterOS could not parse the peer's encrypted message, which it attributes to a different pre-shared key",
        ["enter the same secret on both ends"]),
    entry!("mikrotik.identity-not-found", F::IdentityRejected, MikroTik, "identity not found for", "", AUTH, Some(C::AuthId), Cause,
        "no /ip ipsec identity matches the peer's identity (remote-id) or this end's (my-id)",
        ["compare my-id and remote-id with what each peer sends (behind 1:1 NAT a peer may send an address it does not own)"]),
    entry!("mikrotik.no-identity", F::LookupFailed, MikroTik, "initiator can't find identity for peer", "", AUTH, Some(C::ConfigOther), Cause,
        "the router starts IKE with a peer for which no /ip ipsec identity is configured",
        ["add an /ip ipsec identity for the peer"]),
    entry!("mikrotik.cert-signature", F::CertNotVerified, MikroTik, "certificate signature failure", "", AUTH, Some(C::AuthCert), Cause,
        "the peer's certificate does not verify (its issuer is not trusted or not imported)", []),
    // ---- Palo Alto PAN-OS system log (`vpn` events) and ikemgr.log ----
    // The error table of Palo Alto's VPN troubleshooting guide (phase-1 timeout), the SD-WAN
    // pre-shared key page (authentication result), and system log lines of PA-VM lab reports
    // (IKEv2 SA failed, encryption not presented, retransmission limit).
    entry!("panos.p1-timeout", F::GaveUp, PaloAlto, "IKE phase-1 negotiation is failed as initiator", "due to timeout", INIT, None, Symptom,
        "the firewall's phase 1 requests were never answered",
        ["the peer address of the IKE gateway, routing to it, and UDP 500/4500 on the path"],
        open [(IkeSaInit, UdpBlocked, "the requests or answers are dropped on the path"),
              (IkeSaInit, ConfigOther, "the IKE gateway's peer address or the route to it is wrong")]),
    entry!("panos.ikev2-sa-failed", F::NegotiationFailed, PaloAlto, "IKEv2 IKE SA negotiation is failed", "", NONE, None, Symptom,
        "the IKEv2 SA negotiation failed; the ikemgr log or the next events say why", []),
    entry!("panos.auth-result-failure", F::AuthFailed, PaloAlto, "authentication result: failure", "", AUTH, None, Symptom,
        "ikemgr's authentication of the peer failed (Palo Alto documents it on the responder for a pre-shared key mismatch)", [],
        open [(IkeAuth, AuthPsk, "the pre-shared keys differ (the responder's log shows it)"),
              (IkeAuth, AuthId, "the peer's identity is not the one configured"),
              (IkeAuth, AuthCert, "the peer's certificate does not verify")]),
    entry!("panos.enc-not-presented", F::ProposalsRejected, PaloAlto, "was not presented in the IKE proposal", "", INIT, Some(C::ProposalIke), Cause,
        "the peer's IKE proposal lacks the encryption algorithm the IKE crypto profile requires", ["match the IKE crypto profiles on both ends"]),
    entry!("panos.retransmission-limit", F::GaveUp, PaloAlto, "retransmission count exceeded the limit", "", NONE, None, Symptom,
        "ikemgr gave up after its retransmissions went unanswered", []),
    // ---- FortiGate: the FortiOS log message reference (37124 "IPsec phase 1 error", 37123
    // "Negotiate IPsec phase 2", 37136 "IPsec DPD failed") and FortiClient's reference ----
    entry!("fortigate.dpd-failed", F::GaveUp, FortiGate, "IPsec DPD failed", "", EST, None, Symptom,
        "dead peer detection got no answer: the peer or the path stopped carrying the tunnel's IKE traffic", [],
        open [(Established, UdpBlocked, "the path drops the tunnel's UDP 500/4500 (a NAT mapping or firewall state expired)"),
              (Established, DataPlane, "the peer is down or its tunnel is gone")]),
    entry!("fortigate.dpd-failed", F::GaveUp, FortiGate, "remote seems to be dead", "DPD", EST, None, Symptom,
        "dead peer detection got no answer (FortiClient)", [],
        open [(Established, UdpBlocked, "the path drops the tunnel's UDP 500/4500 (a NAT mapping or firewall state expired)"),
              (Established, DataPlane, "the peer is down or its tunnel is gone")]),
    entry!("fortigate.p1-error", F::NegotiationFailed, FortiGate, "IPsec phase 1 error", "", INIT, None, Symptom,
        "phase 1 failed; the reason field says why", []),
    // ---- Android's IKEv2 client: exception texts of AOSP's IPsec module
    // (com.android.internal.net.ipsec.ike: IkeSessionStateMachine, IkeIdentification) ----
    entry!("android-ike.responder-id", F::IdentityRejected, AndroidIke, "Unrecognized Responder Identification", "", AUTH, Some(C::AuthId), Cause,
        "the server's identity (IDr) is not the remote identity the profile names",
        ["set the profile's server identity to what the server sends (its leftid/local identity)"]),
    entry!("android-ike.cert-no-san", F::IdentityRejected, AndroidIke, "End certificate does not contain SAN", "", AUTH, Some(C::AuthId), Cause,
        "the server's certificate has no subjectAltName, so the server identity cannot be matched to it",
        ["issue the server certificate with its identity (DNS name or address) as a subjectAltName"]),
    entry!("android-ike.ke-group-mismatch", F::KeUnacceptable, AndroidIke, "Received KE payload with mismatched DH group", "", INIT, None, Symptom,
        "the server's KE payload uses another DH group than the proposal it chose", [],
        open [(IkeSaInit, Implementation, "the server answers with a key exchange of a group it did not choose"),
              (IkeSaInit, ProposalDh, "the DH groups of the two ends' proposals differ")]),
    // ---- Cisco ASA/FTD: %ASA-4-750003 reasons as logged (public forum and parser samples) and
    // `debug crypto ikev2` lines of published ASA debug captures ----
    entry!("asa.auth-timer-expired", F::GaveUp, Cisco, "Failed to receive the AUTH msg before the timer expired", "", AUTH, None, Symptom,
        "the ASA answered IKE_SA_INIT and never received the peer's IKE_AUTH", [],
        open [(IkeAuth, MtuFragmentation, "the peer's IKE_AUTH (certificates) is fragmented and the fragments are lost"),
              (IkeAuth, UdpBlocked, "the path drops UDP 4500 after the NAT-T move"),
              (IkeAuth, AuthPsk, "the peer could not use the ASA's answer (keys differ) and gave up")]),
    entry!("asa.no-ipsec-policy-for-ts", F::TsRejected, Cisco, "There was no IPSEC policy found for received TS", "", CHILD, Some(C::TrafficSelectors), Cause,
        "no crypto map entry (ACL) matches the peer's traffic selectors", ["the crypto ACLs on both ends must mirror each other"]),
    entry!("asa.psk-value-differs", F::PskMismatch, Cisco, "Computed authentication value for peer differs from what peer sent", "", AUTH, Some(C::AuthPsk), Cause,
        "the peer's AUTH value does not verify with the tunnel group's pre-shared key", ["enter the same pre-shared key on both ends (ikev2 remote-authentication pre-shared-key)"]),
    entry!("asa.auth-method-mismatch", F::RefusedPeerAuth, Cisco, "Peer authentication method configured is mismatching with the method proposed by peer", "", AUTH, None, Symptom,
        "the peer authenticates with another method (pre-shared key or certificate) than the tunnel group expects", [],
        open [(IkeAuth, AuthPsk, "one end uses a pre-shared key where the other expects one"),
              (IkeAuth, AuthCert, "one end uses a certificate where the other expects one")]),
    // ---- Juniper Junos (kmd/iked): message names of SRX log parsers and remote-log guides ----
    entry!("junos.ts-mismatch", F::TsRejected, Juniper, "KMD_VPN_TS_MISMATCH", "", CHILD, Some(C::TrafficSelectors), Cause,
        "the peer's traffic selectors do not match this end's", ["the traffic selectors or proxy-identity on both ends"]),
    entry!("junos.auth-failed", F::AuthFailed, Juniper, "Authentication failed", "IKE negotiation failed with error", AUTH, None, Symptom,
        "the IKE negotiation failed authenticating a peer", [],
        open [(IkeAuth, AuthPsk, "the pre-shared keys differ"),
              (IkeAuth, AuthId, "the local or remote identity differs from the peer's configuration"),
              (IkeAuth, AuthCert, "the peer's certificate does not verify")]),
];

/// Windows RAS/IKE error codes: number, constant, category (when it decides), phase, meaning.
pub struct WindowsCode {
    pub code: u32,
    pub name: &'static str,
    pub category: Option<Category>,
    pub phase: FailurePhase,
    pub meaning: &'static str,
    pub checks: &'static [&'static str],
}

pub const WINDOWS_CODES: &[WindowsCode] = &[
    WindowsCode { code: 691, name: "ERROR_AUTHENTICATION_FAILURE", category: Some(C::AuthEap), phase: FailurePhase::IkeAuth,
        meaning: "access denied: the user name or password (EAP) was refused",
        checks: &["check the credentials and the RADIUS/NPS log"] },
    WindowsCode { code: 809, name: "ERROR_VPN_TIMEOUT", category: None, phase: FailurePhase::IkeSaInit,
        meaning: "the VPN server did not respond: UDP 500/4500 blocked, IKE_AUTH fragments dropped, or (L2TP) a server behind NAT",
        checks: &["capture on the client: is IKE_SA_INIT answered?", "answered but IKE_AUTH not: large certificate payloads, enable IKEv2 fragmentation", "behind NAT with L2TP: AssumeUDPEncapsulationContextOnSendRule"] },
    WindowsCode { code: 810, name: "ERROR_VPN_BAD_CERT", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "the server's certificate is not valid for this connection", checks: &[] },
    WindowsCode { code: 811, name: "ERROR_VPN_BAD_PSK", category: Some(C::AuthPsk), phase: FailurePhase::IkeAuth,
        meaning: "the pre-shared key is wrong", checks: &[] },
    WindowsCode { code: 812, name: "ERROR_NO_AUTHENTICATION_METHOD", category: Some(C::AuthEap), phase: FailurePhase::IkeAuth,
        meaning: "a policy on the RAS/VPN (NPS) server refused the connection (authentication method or conditions)", checks: &[] },
    WindowsCode { code: 864, name: "(EAP server certificate)", category: Some(C::AuthEap), phase: FailurePhase::IkeAuth,
        meaning: "EAP (PEAP/EAP-TLS) failed: the certificate validating the NPS server certificate is not in the Trusted Root store",
        checks: &["install the CA of the NPS server's certificate in the client's Trusted Root store", "check the NPS server certificate (EKU, SAN, validity)"] },
    WindowsCode { code: 798, name: "ERROR_EAPTLS_NO_CERT (no certificate for EAP)", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "no certificate usable for EAP-TLS was found (the client certificate is missing from the user's Personal store)",
        checks: &["install the client certificate (with its private key) in Current User\\Personal"] },
    WindowsCode { code: 800, name: "ERROR_AUTOMATIC_VPN_FAILED", category: None, phase: FailurePhase::IkeSaInit,
        meaning: "every tunnel type tried failed: the server is unreachable, or IKEv2's certificates or settings are wrong",
        checks: &["set the tunnel type to IKEv2 to see its own error code", "capture at the client: is IKE_SA_INIT answered?"] },
    WindowsCode { code: 1225, name: "ERROR_CONNECTION_REFUSED", category: Some(C::ConfigOther), phase: FailurePhase::IkeSaInit,
        meaning: "the remote computer refused the connection: it is not set to accept this peer's requests (for example a gateway connection in initiator-only mode)",
        checks: &["allow the remote end to respond to this peer (connection mode, peer address)"] },
    WindowsCode { code: 13805, name: "ERROR_IPSEC_IKE_TIMED_OUT", category: None, phase: FailurePhase::IkeSaInit,
        meaning: "the IKE negotiation timed out: the peer did not answer",
        checks: &["is the peer's address right, and UDP 500/4500 open both ways?", "does the peer have a connection for this address and IKE version?"] },
    WindowsCode { code: 13822, name: "ERROR_IPSEC_IKE_DH_FAIL", category: Some(C::ProposalDh), phase: FailurePhase::IkeSaInit,
        meaning: "Diffie-Hellman failed: the DH groups configured do not match",
        checks: &["configure the same DH group on both ends"] },
    WindowsCode { code: 13880, name: "ERROR_IPSEC_IKE_INVALID_MAJOR_VERSION", category: Some(C::ConfigOther), phase: FailurePhase::IkeSaInit,
        meaning: "the peer speaks another IKE version (IKEv1 against IKEv2)",
        checks: &["configure the same IKE version on both ends"] },
    WindowsCode { code: 13999, name: "(traffic selectors unacceptable)", category: Some(C::TrafficSelectors), phase: FailurePhase::ChildSa,
        meaning: "the traffic selectors (local and remote networks) do not match",
        checks: &["make each end's local networks the other's remote networks"] },
    WindowsCode { code: 0x800B_0109, name: "CERT_E_UNTRUSTEDROOT", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "the certificate chains to a root this computer does not trust",
        checks: &["install the root CA in the computer's Trusted Root Certification Authorities store"] },
    WindowsCode { code: 0x8007_0040, name: "(no Server Authentication EKU)", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "the server certificate lacks the Server Authentication EKU",
        checks: &["issue the server certificate with the Server Authentication EKU (and IP security IKE intermediate)"] },
    WindowsCode { code: 0x8009_0326, name: "SEC_E_ILLEGAL_MESSAGE", category: None, phase: FailurePhase::IkeAuth,
        meaning: "the TLS handshake of EAP-TLS received an unexpected message: a certificate the other side refuses",
        checks: &["is the client certificate's root uploaded to / trusted by the server?", "is the client certificate valid and complete (chain)?"] },
    WindowsCode { code: 13801, name: "ERROR_IPSEC_IKE_AUTH_FAIL", category: None, phase: FailurePhase::IkeAuth,
        meaning: "IKE authentication credentials are unacceptable: the server certificate is not trusted or does not carry the server name, or the wrong client certificate was picked",
        checks: &["does the server certificate's SAN hold the exact name or address the client dials?", "is its issuing CA in the computer's Trusted Root store?", "does it have the Server Authentication EKU?"] },
    WindowsCode { code: 13806, name: "ERROR_IPSEC_IKE_NO_CERT", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "IKE failed to find a valid machine certificate (missing, untrusted chain or wrong EKU)", checks: &[] },
    WindowsCode { code: 13819, name: "ERROR_IPSEC_IKE_INVALID_CERT_TYPE", category: Some(C::AuthCert), phase: FailurePhase::IkeAuth,
        meaning: "the certificate type or key usage is not acceptable", checks: &[] },
    WindowsCode { code: 13843, name: "ERROR_IPSEC_IKE_INVALID_PAYLOAD", category: None, phase: FailurePhase::IkeAuth,
        meaning: "an invalid payload was received", checks: &[] },
    WindowsCode { code: 13868, name: "ERROR_IPSEC_IKE_POLICY_MATCH", category: Some(C::ProposalIke), phase: FailurePhase::IkeSaInit,
        meaning: "policy match error: no IKE proposal in common (Windows defaults are 3DES/SHA1/MODP1024)",
        checks: &["Set-VpnConnectionIPsecConfiguration on the client, or add the client's proposals on the server"] },
];

/// IKEv2 notify types people ask about.
pub struct NotifyHelp {
    pub name: &'static str,
    pub number: u16,
    pub meaning: &'static str,
    pub causes: &'static [&'static str],
}

pub const NOTIFIES: &[NotifyHelp] = &[
    NotifyHelp { name: "NO_PROPOSAL_CHOSEN", number: 14,
        meaning: "the responder accepts none of the proposals (IKE_SA_INIT: IKE SA; IKE_AUTH or CREATE_CHILD_SA: CHILD_SA)",
        causes: &["proposal mismatch (encryption, integrity, PRF, DH group)", "strongSwan also sends it when no connection matches the addresses ('no IKE config found'): config-other", "IKEv2 sent to an IKEv1-only peer", "in a rekey with KE: PFS group only on one side"] },
    NotifyHelp { name: "AUTHENTICATION_FAILED", number: 24,
        meaning: "the peer refused the authentication; the sender's log says why",
        causes: &["PSK mismatch ('MAC mismatched')", "certificate untrusted, expired or not yet valid", "identity not in the certificate or matching no connection", "EAP credentials"] },
    NotifyHelp { name: "TS_UNACCEPTABLE", number: 38,
        meaning: "the proposed traffic selectors fit no configuration of the responder",
        causes: &["local_ts/remote_ts (leftsubnet/rightsubnet) differ", "the client asks for a virtual IP range the server does not assign"] },
    NotifyHelp { name: "INVALID_KE_PAYLOAD", number: 17,
        meaning: "the responder wants another DH group; the initiator should retry with it (normal once)",
        causes: &["no common DH group when it repeats or the retry fails"] },
    NotifyHelp { name: "INTERNAL_ADDRESS_FAILURE", number: 36,
        meaning: "the responder could not assign a virtual IP", causes: &["address pool exhausted or missing"] },
    NotifyHelp { name: "FAILED_CP_REQUIRED", number: 37,
        meaning: "the responder requires a configuration payload request (virtual IP) the initiator did not send",
        causes: &["client not configured to request a virtual IP"] },
    NotifyHelp { name: "SINGLE_PAIR_REQUIRED", number: 34,
        meaning: "the responder accepts only one pair of traffic selectors", causes: &[] },
    NotifyHelp { name: "NO_ADDITIONAL_SAS", number: 35,
        meaning: "the responder refuses more CHILD_SAs on this IKE SA", causes: &[] },
    NotifyHelp { name: "INVALID_SYNTAX", number: 7,
        meaning: "a message was malformed or unexpected; Libreswan also sends it when installing a Child SA fails",
        causes: &["kernel refused the SA (Libreswan)", "implementation bug or interoperability problem"] },
    NotifyHelp { name: "TEMPORARY_FAILURE", number: 43,
        meaning: "the responder is busy (rekey collision); retry later", causes: &[] },
    NotifyHelp { name: "CHILD_SA_NOT_FOUND", number: 44,
        meaning: "the CHILD_SA to rekey does not exist on the responder", causes: &[] },
    NotifyHelp { name: "COOKIE", number: 16390,
        meaning: "the responder is under load and asks the initiator to repeat IKE_SA_INIT with this cookie (normal once)",
        causes: &["a cookie loop means the retried request is dropped or altered"] },
    NotifyHelp { name: "INVALID_SPI", number: 11,
        meaning: "a message or ESP packet refers to an SA the receiver does not know",
        causes: &["the peer restarted or deleted the SA", "NAT rebinding sent traffic to a stale SA"] },
];

/// Looks up a line's entry by tag.
pub fn by_tag(tag: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.tag == tag)
}

pub fn windows_code(code: u32) -> Option<&'static WindowsCode> {
    WINDOWS_CODES.iter().find(|c| c.code == code)
}

/// What the Azure VPN gateway's connection codes mean where they say more (or less) than the
/// Windows code of the same number: its site-to-site connections authenticate with pre-shared
/// keys only, and its policy match error covers the IKE and the IPsec policy alike.
pub const AZURE_CODES: &[WindowsCode] = &[
    WindowsCode { code: 13801, name: "ERROR_IPSEC_IKE_AUTH_FAIL", category: Some(C::AuthPsk), phase: FailurePhase::IkeAuth,
        meaning: "authentication failed: Azure site-to-site connections use a pre-shared key, which differs between the connection and the on-premises device",
        checks: &["set the same shared key on the Azure connection and the on-premises device"] },
    WindowsCode { code: 13868, name: "ERROR_IPSEC_IKE_POLICY_MATCH", category: None, phase: FailurePhase::IkeSaInit,
        meaning: "policy match error: the on-premises device's IKE or IPsec proposals match no Azure policy",
        checks: &["compare phase 1 and phase 2 proposals with the connection's IPsec/IKE policy"] },
];

/// A code as the Azure gateway means it.
pub fn azure_code(code: u32) -> Option<&'static WindowsCode> {
    AZURE_CODES
        .iter()
        .find(|c| c.code == code)
        .or_else(|| windows_code(code))
}

/// A Windows NPS `Reason Code` (events 6273/6274): what the RADIUS server behind the VPN
/// gateway's EAP says. Always in IKE_AUTH, where EAP runs.
pub struct NpsReason {
    pub code: u32,
    /// The category when the reason decides it; NPS refusals of EAP credentials (user,
    /// password, certificate, policy) are `auth-eap`, as the VPN client sees them.
    pub category: Option<Category>,
    pub meaning: &'static str,
    pub checks: &'static [&'static str],
    /// When `category` is `None`: the causes that fit, most likely first.
    pub open: &'static [OpenCause],
}

const NPS_CERT: &[&str] = &["check the client certificate on the NPS server's terms: issuing CA trusted (NTAuth for enterprise CAs), Client Authentication EKU, validity, revocation reachable"];
const NPS_POLICY: &[&str] = &["compare the request with the NPS connection request and network policies (conditions, NAS-Port-Type Virtual, allowed EAP types)"];
const NPS_USER: &[&str] = &["check the user account in Active Directory (exists, enabled, not locked out, password current)"];

macro_rules! nps {
    ($code:literal, $cat:ident, $meaning:literal, $checks:expr) => {
        NpsReason { code: $code, category: Some(Category::$cat), meaning: $meaning, checks: $checks, open: &[] }
    };
    ($code:literal, open [$(($phase:ident, $ocat:ident, $why:literal)),* $(,)?], $meaning:literal, $checks:expr) => {
        NpsReason { code: $code, category: None, meaning: $meaning, checks: $checks,
            open: &[$(OpenCause { phase: FailurePhase::$phase, category: Category::$ocat, why: $why }),*] }
    };
}

/// NPS reason codes from Microsoft's NPS reason-code reference (codes 0-303), the ones a VPN's
/// EAP meets; the meanings are the reference's, shortened.
pub const NPS_REASONS: &[NpsReason] = &[
    nps!(7, AuthEap, "the domain in the User-Name does not exist", NPS_USER),
    nps!(8, AuthEap, "the user account in the User-Name does not exist", NPS_USER),
    nps!(16, AuthEap, "the user name or the password is wrong (credentials mismatch)", NPS_USER),
    nps!(18, AuthEap, "the client's authentication method is not supported by NPS for this connection", NPS_POLICY),
    nps!(21, AuthEap, "an NPS extension DLL (for example the MFA extension) rejected the request", &["read the extension's own log (e.g. the NPS MFA extension's AuthZ events)"]),
    nps!(22, AuthEap, "NPS and the client could not agree on an EAP type", &["offer the same EAP type (EAP-TLS, PEAP-MSCHAPv2) in the client profile and the NPS network policy"]),
    nps!(23, open [(IkeAuth, AuthEap, "NPS's EAP failed: most often its own server certificate (expired, private key unreadable, revocation check failed)"),
                   (IkeAuth, AuthCert, "the client's certificate could not be processed")],
        "an error occurred in NPS's use of EAP; the EAP log files say which", &["check the NPS server certificate (validity, private key, chain) and the EAP logs in %windir%\\System32\\Logfiles"]),
    nps!(33, AuthEap, "the user must change the password before connecting", NPS_USER),
    nps!(34, AuthEap, "the user account is disabled", NPS_USER),
    nps!(35, AuthEap, "the user account has expired", NPS_USER),
    nps!(36, AuthEap, "the user account is locked out after too many failed attempts", NPS_USER),
    nps!(48, AuthEap, "the request matched no NPS network policy", NPS_POLICY),
    nps!(49, AuthEap, "the request matched no NPS connection request policy", NPS_POLICY),
    nps!(65, AuthEap, "the user account's dial-in Network Access Permission is set to deny", &["set the account's dial-in permission to 'Control access through NPS Network Policy' or allow"]),
    nps!(66, AuthEap, "the client used an authentication method the matching network policy does not enable", NPS_POLICY),
    nps!(69, AuthEap, "the Calling-Station-ID constraint of the matching network policy does not match", NPS_POLICY),
    nps!(70, AuthEap, "the NAS-Port-Type constraint of the matching network policy does not match (a VPN is 'Virtual')", NPS_POLICY),
    nps!(73, AuthEap, "the certificate's Enhanced Key Usage is missing or not valid for this purpose", NPS_CERT),
    nps!(96, open [(IkeAuth, MtuFragmentation, "the EAP-TLS certificate messages are fragmented and lost on the way"),
                   (IkeAuth, AuthEap, "the client gave up the EAP exchange (a prompt or its certificate check failed)")],
        "the EAP session timed out before the client completed it", &["capture between gateway and NPS: are large RADIUS packets (EAP-TLS certificates) fragmented and lost?"]),
    nps!(112, open [(IkeAuth, AuthEap, "the remote RADIUS server refused the credentials")],
        "the remote RADIUS server this NPS proxies to rejected the request; its log says why", &["read the remote RADIUS server's log for the same request"]),
    nps!(117, open [(IkeAuth, UdpBlocked, "the remote RADIUS server is unreachable (UDP 1812 blocked or it is down)")],
        "the remote RADIUS server this NPS proxies to did not answer in time", &["check that the remote RADIUS server is up and reachable on UDP 1812"]),
    nps!(256, AuthEap, "the client's certificate is revoked", NPS_CERT),
    nps!(258, AuthEap, "NPS could not reach the revocation list to check the client's certificate", &["publish the CRL where NPS can reach it (CDP), or check NPS's access to it"]),
    nps!(259, AuthEap, "the CA that publishes the revocation list is unavailable, so the certificate could not be checked", &["publish the CRL where NPS can reach it (CDP), or check NPS's access to it"]),
    nps!(260, AuthEap, "the EAP message was altered on the way (the RADIUS message's integrity check failed): usually the RADIUS shared secret", &["set the same RADIUS shared secret on the VPN gateway and in the NPS RADIUS client"]),
    nps!(262, open [(IkeAuth, MtuFragmentation, "an EAP-TLS message was fragmented and arrived incomplete"),
                    (IkeAuth, AuthEap, "the client's EAP message was malformed")],
        "NPS discarded an incomplete RADIUS message whose signature it could not verify", &[]),
    nps!(263, AuthEap, "NPS did not receive complete credentials from the client", &["check the client's EAP settings (certificate selection, stored credentials)"]),
    nps!(264, Clock, "the clocks of the NPS server and the client differ (reported by the security provider EAP uses)", &["synchronise both clocks (NTP)"]),
    nps!(265, AuthEap, "the client's certificate chains to an enterprise root CA that NPS does not trust", NPS_CERT),
    nps!(266, open [(IkeAuth, AuthEap, "the client's EAP message is not what NPS expected (EAP type or TLS settings)"),
                    (IkeAuth, MtuFragmentation, "an EAP-TLS message was cut by fragmentation")],
        "NPS received an unexpected or badly formatted message and discarded it", &[]),
    nps!(267, AuthEap, "the client's certificate lacks the Client Authentication EKU", NPS_CERT),
    nps!(268, AuthEap, "the client's certificate has expired", NPS_CERT),
    nps!(269, AuthEap, "NPS and the client have no TLS algorithm in common", &["enable a common TLS version and cipher suite on the NPS server and the client"]),
    nps!(272, AuthEap, "the client's certificate maps to several accounts", NPS_CERT),
    nps!(273, AuthEap, "the trust provider NPS called is not recognised", NPS_CERT),
    nps!(278, AuthEap, "the client's certificate has expired", NPS_CERT),
    nps!(279, AuthEap, "the validity periods of the certificates in the chain do not nest", NPS_CERT),
    nps!(280, AuthEap, "the client's certificate was not issued by a valid CA", NPS_CERT),
    nps!(281, AuthEap, "the chain exceeds a CA's path length constraint", NPS_CERT),
    nps!(282, AuthEap, "the client's certificate has a critical extension NPS does not know", NPS_CERT),
    nps!(283, AuthEap, "the client's certificate lacks the Client Authentication purpose", NPS_CERT),
    nps!(284, AuthEap, "the certificate's issuer and its parent in the chain do not match", NPS_CERT),
    nps!(285, AuthEap, "NPS cannot find the client's certificate, or it is malformed", NPS_CERT),
    nps!(286, AuthEap, "the client's certificate was issued by a CA that NPS does not trust", NPS_CERT),
    nps!(287, AuthEap, "the client's certificate does not chain to an enterprise root CA NPS trusts", NPS_CERT),
    nps!(288, AuthEap, "an unspecified certificate trust failure", NPS_CERT),
    nps!(289, AuthEap, "the client's certificate is revoked", NPS_CERT),
    nps!(291, AuthEap, "NPS cannot reach the revocation list for the client's certificate", &["publish the CRL where NPS can reach it (CDP), or check NPS's access to it"]),
    nps!(292, AuthEap, "the User-Name does not match the certificate's common name", NPS_CERT),
    nps!(293, AuthEap, "the client's certificate lacks the Client Authentication EKU", NPS_CERT),
    nps!(294, AuthEap, "an administrator marked the client's certificate untrusted", NPS_CERT),
    nps!(295, AuthEap, "the client's certificate was issued by a CA that NPS does not trust", NPS_CERT),
    nps!(297, AuthEap, "the client's certificate has no valid name", NPS_CERT),
    nps!(298, AuthEap, "the certificate has no valid UPN, or the User-Name does not match it", NPS_CERT),
    nps!(300, AuthEap, "the certificate is malformed: EAP finds no credential information in it", NPS_CERT),
    nps!(301, AuthEap, "the client sent a cryptobinding TLV that is not valid (PEAP)", &["align the PEAP cryptobinding setting of the client and the NPS policy"]),
    nps!(302, AuthEap, "the client sent no cryptobinding TLV where NPS requires one (PEAP)", &["align the PEAP cryptobinding setting of the client and the NPS policy"]),
];

/// An NPS reason code's meaning.
pub fn nps_reason(code: u32) -> Option<&'static NpsReason> {
    NPS_REASONS.iter().find(|r| r.code == code)
}

/// Meaning of a kernel errno returned when installing an IPsec SA, naming what is missing.
pub fn errno_meaning(errno: i64) -> &'static str {
    match errno {
        2 => "ENOENT: the kernel lacks the algorithm (crypto module such as GCM or the cipher is not loaded)",
        3 => "ESRCH: the SA or policy does not exist in the kernel",
        17 => "EEXIST: an SA or policy with the same selector already exists",
        22 => "EINVAL: the kernel rejects a parameter (key length, algorithm, or a 32-bit userland on a 64-bit kernel)",
        38 => "ENOSYS: the kernel does not implement the requested algorithm or XFRM feature",
        93 => "EPROTONOSUPPORT: the kernel has no ESP/AH support in XFRM (CONFIG_INET_ESP / CONFIG_INET6_ESP or the esp4/esp6 modules missing)",
        95 => "EOPNOTSUPP: the operation is not supported (often a 32-bit userland on a 64-bit kernel)",
        97 => "EAFNOSUPPORT: the kernel has no XFRM support for this address family (CONFIG_XFRM_USER, IPv6 IPsec)",
        _ => "the kernel refused the request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner's automaton reports, at a position, only the first entry whose pattern matches
    /// there: a second entry of the same implementation with the same pattern (another `require`
    /// or fact) would never be reached. Give it a pattern of its own (e.g. the notify name).
    #[test]
    fn no_entry_is_shadowed_by_another_with_the_same_pattern() {
        for (i, a) in ENTRIES.iter().enumerate() {
            for b in &ENTRIES[i + 1..] {
                if a.pattern == b.pattern && a.implementation == b.implementation {
                    assert!(
                        a.require == b.require && a.fact == b.fact,
                        "{} and {} share the pattern {:?}: the second is never reached",
                        a.tag,
                        b.tag,
                        a.pattern
                    );
                }
            }
        }
    }

    /// Each NPS reason code once; a decided reason names no open causes, an open one some.
    #[test]
    fn nps_reasons_are_unique_and_decided_or_open() {
        for (i, r) in NPS_REASONS.iter().enumerate() {
            assert!(
                NPS_REASONS[i + 1..].iter().all(|o| o.code != r.code),
                "code {} twice",
                r.code
            );
            assert_eq!(r.category.is_none(), !r.open.is_empty(), "code {}", r.code);
            assert!(r.open.len() <= 3, "code {}", r.code);
        }
        assert_eq!(
            nps_reason(264).and_then(|r| r.category),
            Some(Category::Clock)
        );
        assert!(nps_reason(1).is_none());
    }

    /// Causes named for an open line are for lines that leave the cause open, and fit in a
    /// verdict's candidates.
    #[test]
    fn open_causes_only_on_open_lines() {
        for e in ENTRIES.iter().filter(|e| !e.open.is_empty()) {
            assert!(
                e.category.is_none(),
                "{} decides a category and names open causes",
                e.tag
            );
            assert!(e.open.len() <= 3, "{} names more than 3 open causes", e.tag);
        }
        assert!(ENTRIES.iter().any(|e| !e.open.is_empty()));
    }
}
