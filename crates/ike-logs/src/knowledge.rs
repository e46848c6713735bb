//! What log lines mean. Each entry is a literal piece of a canonical line (as the implementation's
//! source writes it, with the printf arguments left out), the phase and root-cause category it
//! points to, and whether it decides the cause alone (`Cause`), only says something failed
//! (`Symptom`), or records progress the diagnosis needs to place the failure (`Progress`,
//! `Context`). The same table answers `ike-doctor explain`.
//!
//! Strings were checked against the implementations' sources or real logs (the lab's daemon
//! logs, public issue threads); the tag names the line, not a source location.

/// Who wrote the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Implementation {
    StrongSwan,
    Libreswan,
    Windows,
    Apple,
    FortiGate,
    Cisco,
}

impl Implementation {
    pub fn as_str(self) -> &'static str {
        match self {
            Implementation::StrongSwan => "strongSwan",
            Implementation::Libreswan => "Libreswan",
            Implementation::Windows => "Windows",
            Implementation::Apple => "Apple",
            Implementation::FortiGate => "FortiGate",
            Implementation::Cisco => "Cisco",
        }
    }
}

/// A phase in the contract's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    IkeSaInit,
    IkeAuth,
    ChildSa,
    Established,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::IkeSaInit => "IKE_SA_INIT",
            Phase::IkeAuth => "IKE_AUTH",
            Phase::ChildSa => "CHILD_SA",
            Phase::Established => "ESTABLISHED",
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

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Stable name of the line, e.g. `charon.psk-mac-mismatch`.
    pub tag: &'static str,
    pub implementation: Implementation,
    /// Literal text that identifies the line (case-sensitive, as logged).
    pub pattern: &'static str,
    /// A second literal the line must also hold (empty: none).
    pub require: &'static str,
    pub phase: Option<Phase>,
    /// Contract category when the line decides it.
    pub category: Option<&'static str>,
    pub role: Role,
    /// What the line means, for people.
    pub meaning: &'static str,
    /// What to check to tell the possible causes apart.
    pub checks: &'static [&'static str],
}

use Implementation::{Apple, Cisco, FortiGate, Libreswan, StrongSwan, Windows};
use Role::{Cause, Context, Progress, Symptom, TimeContext};

const INIT: Option<Phase> = Some(Phase::IkeSaInit);
const AUTH: Option<Phase> = Some(Phase::IkeAuth);
const CHILD: Option<Phase> = Some(Phase::ChildSa);
const NONE: Option<Phase> = None;

macro_rules! entry {
    ($tag:literal, $imp:expr, $pattern:literal, $require:literal, $phase:expr, $cat:expr, $role:expr, $meaning:literal, [$($check:literal),* $(,)?]) => {
        Entry {
            tag: $tag,
            implementation: $imp,
            pattern: $pattern,
            require: $require,
            phase: $phase,
            category: $cat,
            role: $role,
            meaning: $meaning,
            checks: &[$($check),*],
        }
    };
}

/// Every line the parsers recognise.
pub const ENTRIES: &[Entry] = &[
    // ---- strongSwan charon: progress ----
    entry!("charon.packet-sent", StrongSwan, "sending packet: from ", "", NONE, None, Progress,
        "charon sent an IKE datagram (addresses, ports and size are on the line)", []),
    entry!("charon.packet-received", StrongSwan, "received packet: from ", "", NONE, None, Progress,
        "charon received an IKE datagram", []),
    entry!("charon.generating", StrongSwan, "] generating ", "", NONE, None, Progress,
        "charon built an IKE message; the payloads are listed in brackets", []),
    entry!("charon.generating", StrongSwan, "> generating ", "", NONE, None, Progress,
        "charon built an IKE message; the payloads are listed in brackets", []),
    entry!("charon.parsed", StrongSwan, "] parsed ", "", NONE, None, Progress,
        "charon parsed an IKE message; the payloads are listed in brackets", []),
    entry!("charon.parsed", StrongSwan, "> parsed ", "", NONE, None, Progress,
        "charon parsed an IKE message; the payloads are listed in brackets", []),
    entry!("charon.initiating", StrongSwan, "initiating IKE_SA ", "", NONE, None, Progress,
        "charon starts an IKE SA as initiator", []),
    entry!("charon.peer-initiating", StrongSwan, " is initiating an IKE_SA", "", NONE, None, Progress,
        "a peer starts an IKE SA with this responder", []),
    entry!("charon.ike-established", StrongSwan, " established between ", "IKE_SA", NONE, None, Progress,
        "the IKE SA is authenticated and established", []),
    entry!("charon.child-established", StrongSwan, " established with SPIs ", "CHILD_SA", NONE, None, Progress,
        "a CHILD_SA is installed (its ESP SPIs are on the line)", []),
    entry!("charon.retransmit", StrongSwan, " of request with message ID ", "retransmit", NONE, None, Symptom,
        "charon got no answer and sends the request again; message ID 0 is IKE_SA_INIT, 1 is the first IKE_AUTH",
        ["message ID 0: is the responder reachable on UDP 500 and its daemon listening?",
         "message ID 1 after the move to UDP 4500: is UDP 4500 open, and is the IKE_AUTH request larger than the path MTU?"]),
    entry!("charon.give-up", StrongSwan, "giving up after ", "retransmit", NONE, None, Symptom,
        "charon stopped retransmitting: the peer never answered this request", []),
    entry!("charon.peer-not-responding", StrongSwan, "establishing IKE_SA failed, peer not responding", "", NONE, None, Symptom,
        "summary of a request that was never answered", []),
    entry!("charon.responder-retransmit", StrongSwan, "received retransmit of request with ID ", "", NONE, Some("udp-blocked"), Symptom,
        "the responder answers but the initiator keeps resending: the responses do not reach it (return path, NAT or firewall)",
        ["capture on the initiator: do the responses arrive?", "check firewalls and NAT between the peers for the return direction"]),
    entry!("charon.half-open-timeout", StrongSwan, "deleting half open IKE_SA with ", "", AUTH, None, Symptom,
        "the responder answered IKE_SA_INIT but IKE_AUTH never arrived",
        ["is UDP 4500 open towards the responder?", "is the IKE_AUTH request IP-fragmented and the fragments dropped? enable IKEv2 fragmentation"]),
    entry!("charon.nat-local", StrongSwan, "local host is behind NAT", "", NONE, None, Context,
        "NAT detected on this side: IKE and ESP move to UDP 4500", []),
    entry!("charon.nat-remote", StrongSwan, "remote host is behind NAT", "", NONE, None, Context,
        "NAT detected on the peer's side: IKE and ESP move to UDP 4500", []),
    entry!("charon.nat-faked", StrongSwan, "faking NAT situation to enforce UDP encapsulation", "", NONE, None, Context,
        "UDP encapsulation is forced (encap=yes): IKE and ESP move to UDP 4500", []),
    entry!("charon.fragmenting", StrongSwan, "splitting IKE message (", "", NONE, None, Context,
        "IKEv2 fragmentation (RFC 7383) is in use for a large message", []),
    entry!("charon.child-deleted-by-peer", StrongSwan, "received DELETE for ESP CHILD_SA", "", NONE, None, Context,
        "the peer deleted a CHILD_SA", []),
    entry!("charon.daemon-start", StrongSwan, "Starting IKE charon daemon", "", NONE, None, Progress,
        "charon started", []),
    entry!("pluto.daemon-start", Libreswan, "Starting Pluto", "", NONE, None, Progress,
        "pluto started", []),
    entry!("charon.child-failed", StrongSwan, "failed to establish CHILD_SA, keeping IKE_SA", "", CHILD, None, Symptom,
        "the IKE SA is up but the CHILD_SA could not be created; the line before says why", []),
    entry!("charon.rekey-failed", StrongSwan, "CHILD_SA rekeying failed", "", CHILD, None, Symptom,
        "a CHILD_SA rekey (CREATE_CHILD_SA) was refused", []),
    entry!("charon.dh-retry", StrongSwan, " unacceptable, requesting ", "", NONE, None, Progress,
        "the responder asks for another key exchange method (INVALID_KE_PAYLOAD); normal once", []),
    entry!("charon.dh-retry", StrongSwan, "peer didn't accept ", "", NONE, None, Progress,
        "the initiator retries with the key exchange method the responder asked for; normal once", []),
    entry!("charon.transform-unacceptable", StrongSwan, "no acceptable ENCRYPTION_ALGORITHM found", "", NONE, None, Context,
        "no common encryption algorithm in a proposal", []),
    entry!("charon.transform-unacceptable", StrongSwan, "no acceptable INTEGRITY_ALGORITHM found", "", NONE, None, Context,
        "no common integrity algorithm in a proposal", []),
    entry!("charon.transform-unacceptable", StrongSwan, "no acceptable PSEUDO_RANDOM_FUNCTION found", "", NONE, None, Context,
        "no common PRF in a proposal", []),
    entry!("charon.transform-unacceptable", StrongSwan, "no acceptable EXTENDED_SEQUENCE_NUMBERS found", "", NONE, None, Context,
        "ESN setting differs", []),
    entry!("charon.ke-unacceptable", StrongSwan, "no acceptable DIFFIE_HELLMAN_GROUP found", "", NONE, None, Context,
        "no common Diffie-Hellman group in a proposal (in CREATE_CHILD_SA: PFS mismatch)", []),
    entry!("charon.ke-unacceptable", StrongSwan, "no acceptable KEY_EXCHANGE_METHOD found", "", NONE, None, Context,
        "no common key exchange method in a proposal (in CREATE_CHILD_SA: PFS mismatch)", []),
    entry!("charon.cert-dates", StrongSwan, "certificate invalid (valid from ", "", AUTH, Some("auth-cert"), Context,
        "a certificate is outside its validity period at the log's time: expired, or not yet valid (then often a wrong clock)",
        ["compare the dates with the host's clock (date -u)", "renew the certificate if it expired"]),
    entry!("charon.no-issuer", StrongSwan, "no issuer certificate found for ", "", AUTH, Some("auth-cert"), Context,
        "the CA (or an intermediate) of a received certificate is not trusted on this side",
        ["install the issuing CA as trusted (swanctl x509ca / ipsec.d/cacerts)", "send the intermediate certificates"]),
    entry!("charon.auth-failed-received", StrongSwan, "received AUTHENTICATION_FAILED notify", "", AUTH, None, Symptom,
        "the peer refused our authentication; only the peer's log says why (PSK, certificate, identity or EAP)",
        ["read the responder's log at the same time", "MAC mismatched there: PSK; no trusted public key: certificate or identity; no matching peer config: identity"]),
    entry!("charon.no-proposal-init", StrongSwan, "received NO_PROPOSAL_CHOSEN notify error", "", INIT, None, Symptom,
        "the responder refused IKE_SA_INIT: no common proposal, or no connection matches the addresses at all",
        ["responder log 'no IKE config found': addresses/connection (config-other)", "responder log 'received proposals unacceptable': compare received and configured proposals"]),
    // ---- strongSwan charon: causes ----
    entry!("charon.psk-mac-mismatch", StrongSwan, "but MAC mismatched", "", AUTH, Some("auth-psk"), Cause,
        "the peer's AUTH payload does not verify with the configured pre-shared key: the keys differ",
        ["compare the secrets byte for byte (quotes, trailing spaces, encoding)", "check that the secret selected is the one for these identities"]),
    entry!("charon.psk-missing", StrongSwan, "no shared key found for ", "", AUTH, Some("auth-psk"), Cause,
        "no pre-shared key is configured for this pair of identities",
        ["add a secret whose id matches the identities on the line"]),
    entry!("charon.no-trusted-key", StrongSwan, " public key found for ", "no trusted", AUTH, Some("auth-cert"), Cause,
        "no certificate trusted for the peer's identity: untrusted chain, expired or not yet valid, or the identity is not in the certificate",
        ["lines just before: 'no issuer certificate found' (chain), 'certificate invalid (valid from...)' (dates)",
         "neither: the peer's identity is not in its certificate's subject or subjectAltName"]),
    entry!("charon.no-private-key", StrongSwan, "no private key found for ", "", AUTH, Some("auth-cert"), Cause,
        "the own private key for the certificate or identity is not loaded",
        ["load the key (swanctl --load-creds)", "make the local identity match the certificate"]),
    entry!("charon.revoked", StrongSwan, "certificate was revoked on ", "", AUTH, Some("auth-cert"), Cause,
        "the peer's certificate is revoked", []),
    entry!("charon.critical-extension", StrongSwan, "found unsupported critical X.509 extension", "", AUTH, Some("auth-cert"), Cause,
        "a certificate carries a critical extension strongSwan does not support, so it is not loaded", []),
    entry!("charon.constraint-identity", StrongSwan, "constraint check failed: identity ", "", AUTH, Some("auth-id"), Cause,
        "the peer's identity is not the one configured as remote identity",
        ["compare the configured remote id with the identity and certificate the peer presents"]),
    // 5.9.x wording of the same check (the Android app prints it when the server's certificate
    // does not hold the address or name the profile dials).
    entry!("charon.constraint-identity", StrongSwan, "certificate does not confirm identity", "constraint check failed", AUTH, Some("auth-id"), Cause,
        "the certificate does not hold the identity configured for the peer (the name or address dialled is not in its subjectAltName)",
        ["dial the name or address the certificate was issued for", "or reissue the certificate with that name or address as subjectAltName"]),
    entry!("charon.no-peer-config", StrongSwan, "no matching peer config found", "", AUTH, Some("auth-id"), Cause,
        "the identities (IDi/IDr) or authentication round match no connection on the responder",
        ["read the identities on the 'looking for peer configs matching' line just before"]),
    entry!("charon.idr-mismatch", StrongSwan, "' does not match to '", "IDir", AUTH, Some("auth-id"), Cause,
        "the responder presented another identity than the one configured", []),
    entry!("charon.eap-config", StrongSwan, "peer requested EAP, config unacceptable", "", AUTH, Some("auth-eap"), Cause,
        "the client wants EAP but no connection allows EAP for it", []),
    entry!("charon.eap-config", StrongSwan, "peer requested EAP, config inacceptable", "", AUTH, Some("auth-eap"), Cause,
        "the client wants EAP but no connection allows EAP for it", []),
    entry!("charon.eap-no-key", StrongSwan, "no EAP key found for hosts ", "", AUTH, Some("auth-eap"), Cause,
        "no EAP secret for this user", []),
    entry!("charon.eap-failed", StrongSwan, "EAP-MS-CHAPv2 verification failed", "", AUTH, Some("auth-eap"), Cause,
        "the EAP-MSCHAPv2 password is wrong (or RADIUS refused it)", []),
    entry!("charon.eap-failed", StrongSwan, "EAP-MS-CHAPv2 failed with error ", "", AUTH, Some("auth-eap"), Cause,
        "the EAP server refused the EAP-MSCHAPv2 credentials", []),
    entry!("charon.eap-failed", StrongSwan, " method failed", "EAP", AUTH, Some("auth-eap"), Cause,
        "the EAP method failed: credentials refused", []),
    entry!("charon.eap-failed", StrongSwan, " failed for peer ", "EAP method", AUTH, Some("auth-eap"), Cause,
        "the EAP method failed for this peer: credentials refused", []),
    entry!("charon.proposals-unacceptable", StrongSwan, "received proposals unacceptable", "", INIT, Some("proposal-ike"), Cause,
        "no IKE proposal of the initiator is acceptable",
        ["compare the 'received proposals' and 'configured proposals' lines", "only the DH group differs: proposal-dh"]),
    // strongSwan before 5.9 spelled it "inacceptable".
    entry!("charon.proposals-unacceptable", StrongSwan, "received proposals inacceptable", "", INIT, Some("proposal-ike"), Cause,
        "no IKE proposal of the initiator is acceptable",
        ["compare the 'received proposals' and 'configured proposals' lines", "only the DH group differs: proposal-dh"]),
    entry!("charon.no-ike-config", StrongSwan, "no IKE config found for ", "", INIT, Some("config-other"), Cause,
        "no connection matches the local and remote addresses; the initiator only sees NO_PROPOSAL_CHOSEN",
        ["check local_addrs/left and remote_addrs/right (public vs private address behind NAT)", "check that an IKEv2 connection is loaded"]),
    entry!("charon.child-no-proposal", StrongSwan, "no acceptable proposal found", "", CHILD, Some("proposal-esp"), Cause,
        "no common CHILD_SA (ESP/AH) proposal; in a rekey with KE, the PFS groups differ",
        ["compare esp_proposals on both sides", "rekey refused with KE: DH group (PFS) only on one side"]),
    entry!("charon.child-no-proposal-received", StrongSwan, "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built", "", CHILD, Some("proposal-esp"), Cause,
        "the responder found no common CHILD_SA proposal", []),
    entry!("charon.ts-unacceptable", StrongSwan, "traffic selectors ", "acceptable", CHILD, Some("traffic-selectors"), Cause,
        "the proposed traffic selectors do not fit the responder's configuration", []),
    entry!("charon.ts-unacceptable-received", StrongSwan, "received TS_UNACCEPTABLE notify", "", CHILD, Some("traffic-selectors"), Cause,
        "the responder refused the proposed traffic selectors",
        ["compare local_ts/remote_ts (leftsubnet/rightsubnet) on both sides"]),
    entry!("charon.pool-full", StrongSwan, " is full, unable to assign address", "", CHILD, Some("config-other"), Cause,
        "the virtual IP pool is exhausted", ["enlarge the pool or release stale leases"]),
    entry!("charon.no-virtual-ip", StrongSwan, "no virtual IP found", "", CHILD, Some("config-other"), Cause,
        "no virtual IP could be assigned (pool missing or exhausted)", []),
    entry!("charon.address-failure", StrongSwan, "received INTERNAL_ADDRESS_FAILURE notify", "", CHILD, Some("config-other"), Cause,
        "the gateway could not assign a virtual IP (pool exhausted or missing)", []),
    entry!("charon.cp-required", StrongSwan, "received FAILED_CP_REQUIRED notify", "", CHILD, Some("config-other"), Cause,
        "the gateway requires a virtual IP request (CP) that the client did not send", []),
    entry!("charon.cp-failed", StrongSwan, "configuration payload negotiation failed", "", CHILD, Some("config-other"), Cause,
        "the configuration payload (virtual IP, DNS) could not be satisfied", []),
    entry!("charon.netlink-error", StrongSwan, "received netlink error: ", "", CHILD, Some("implementation"), Context,
        "the kernel refused an IPsec request; the errno names the missing feature", []),
    entry!("charon.sad-failed", StrongSwan, "unable to add SAD entry with SPI ", "", CHILD, Some("implementation"), Cause,
        "the kernel refused to install an IPsec SA", []),
    entry!("charon.sad-install-failed", StrongSwan, "unable to install inbound and outbound IPsec SA (SAD) in kernel", "", CHILD, Some("implementation"), Cause,
        "the kernel refused to install the CHILD_SA's IPsec SAs",
        ["see the netlink error just before: errno 93/97 XFRM or ESP missing, 2 or 38 algorithm missing"]),
    entry!("charon.spd-install-failed", StrongSwan, "unable to install IPsec policies (SPD) in kernel", "", CHILD, Some("implementation"), Cause,
        "the kernel refused the IPsec policies", []),
    entry!("charon.spi-failed", StrongSwan, "allocating SPI failed", "", CHILD, Some("implementation"), Cause,
        "the kernel could not allocate an SPI (XFRM missing, or a 32-bit userland on a 64-bit kernel)", []),
    entry!("charon.bind-failed", StrongSwan, "unable to bind socket: ", "", INIT, Some("implementation"), Cause,
        "charon cannot bind its IKE port: another program holds it",
        ["ss -lunp 'sport = :500 or sport = :4500'", "stop the other IKE daemon"]),
    entry!("charon.socket-failed", StrongSwan, "could not open IPv4 socket", "", INIT, Some("implementation"), Context,
        "charon runs without IPv4 IKE sockets", []),
    entry!("charon.netlink-socket", StrongSwan, "unable to create netlink socket", "", INIT, Some("implementation"), Cause,
        "the kernel has no (or no permitted) XFRM netlink interface", []),
    entry!("charon.kernel-ipsec-missing", StrongSwan, "unmet dependency: CUSTOM:kernel-ipsec", "", INIT, Some("implementation"), Cause,
        "no kernel IPsec backend could be loaded", []),
    // ---- Libreswan pluto ----
    entry!("pluto.sent-init", Libreswan, "sent IKE_SA_INIT request", "", NONE, None, Progress,
        "pluto sent IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", Libreswan, "sent IKE_SA_INIT reply", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", Libreswan, "sent IKE_SA_INIT response", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT", []),
    entry!("pluto.sent-init-reply", Libreswan, "sent IKE_SA_INIT (or IKE_INTERMEDIATE) response", "", NONE, None, Progress,
        "pluto answered IKE_SA_INIT (5.x wording)", []),
    entry!("pluto.sent-auth", Libreswan, "sent IKE_AUTH request", "", NONE, None, Progress,
        "pluto sent IKE_AUTH", []),
    entry!("pluto.ike-established", Libreswan, "established IKE SA", "", NONE, None, Progress,
        "the IKE SA is authenticated (Libreswan 4.x/5.x)", []),
    entry!("pluto.child-established", Libreswan, "established Child SA", "", NONE, None, Progress,
        "a Child SA is installed (Libreswan 4.x/5.x)", []),
    entry!("pluto.child-established", Libreswan, "IPsec SA established", "", NONE, None, Progress,
        "a Child SA is installed (older Libreswan)", []),
    entry!("pluto.retransmit", Libreswan, ": retransmission; will wait ", "", NONE, None, Symptom,
        "pluto got no answer and resends; the state name says which exchange (PARENT_I1/IKE_SA_INIT_I: IKE_SA_INIT, PARENT_I2/IKE_AUTH_I: IKE_AUTH)", []),
    entry!("pluto.timeout", Libreswan, " timeout exceeded after ", "", NONE, None, Symptom,
        "pluto gave up waiting for an answer; 'Possible authentication failure' in IKE_AUTH usually means the request never arrived",
        ["IKE_SA_INIT: UDP 500 blocked, daemon down or IKE version mismatch", "IKE_AUTH: fragmentation or UDP 4500"]),
    entry!("pluto.duplicate-init", Libreswan, "received duplicate IKE_SA_INIT message request", "", INIT, Some("udp-blocked"), Symptom,
        "the responder answers but the initiator keeps resending: the responses are lost on the way back", []),
    // 4.x/5.x: "IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED";
    // 3.2x: "IKE SA authentication request rejected: AUTHENTICATION_FAILED".
    entry!("pluto.auth-rejected", Libreswan, "authentication request rejected", "", AUTH, None, Symptom,
        "the peer refused our authentication; only its log says why", []),
    entry!("pluto.psk-mismatch", Libreswan, "authentication failed: computed hash does not match", "", AUTH, Some("auth-psk"), Cause,
        "the peer's PSK AUTH payload does not verify: the pre-shared keys differ", []),
    entry!("pluto.psk-missing", Libreswan, "No matching PSK found", "", AUTH, Some("auth-psk"), Cause,
        "no pre-shared key for these identities", []),
    entry!("pluto.psk-missing", Libreswan, "authentication failed: no PSK found", "", AUTH, Some("auth-psk"), Cause,
        "no pre-shared key for these identities", []),
    entry!("pluto.no-proposal-sent", Libreswan, "with unencrypted notification NO_PROPOSAL_CHOSEN", "", INIT, Some("proposal-ike"), Cause,
        "pluto refused IKE_SA_INIT: no common IKE proposal (or no IKEv2 connection at all)", []),
    entry!("pluto.no-connection", Libreswan, "no suitable connection found with IKEv2 policy", "", INIT, Some("config-other"), Cause,
        "no IKEv2 connection matches this peer", []),
    entry!("pluto.no-connection", Libreswan, "but no connection has been authorized with policy", "", INIT, Some("config-other"), Cause,
        "no loaded connection matches this peer's first message and authentication policy (connection not loaded, wrong addresses, or IKE version or authby differ)",
        ["ipsec status: is the connection loaded (ipsec auto --add)?", "do left=/right= and the IKE version and authby match the peer?"]),
    entry!("pluto.no-proposal-child", Libreswan, "with encrypted notification NO_PROPOSAL_CHOSEN", "", CHILD, Some("proposal-esp"), Cause,
        "pluto refused the Child SA proposal", []),
    entry!("pluto.no-local-proposal", Libreswan, "no local proposal matches remote proposals", "", NONE, None, Context,
        "no proposal in common; ESP in the remote proposals means the Child SA", []),
    entry!("pluto.ts-unacceptable", Libreswan, "with encrypted notification TS_UNACCEPTABLE", "", CHILD, Some("traffic-selectors"), Cause,
        "pluto refused the traffic selectors", []),
    entry!("pluto.ts-unacceptable", Libreswan, "No IKEv2 connection found with compatible Traffic Selectors", "", CHILD, Some("traffic-selectors"), Cause,
        "no connection covers the proposed traffic selectors", []),
    entry!("pluto.dropping-notify", Libreswan, "NO_PROPOSAL_CHOSEN notification", "dropping unexpected", NONE, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN (IKE_SA_INIT: IKE proposal; IKE_AUTH: Child SA proposal)", []),
    entry!("pluto.dropping-ts", Libreswan, "TS_UNACCEPTABLE notification", "dropping unexpected", CHILD, Some("traffic-selectors"), Cause,
        "the peer refused the traffic selectors", []),
    // The notify as pluto names it in any line, debug dumps included ("Notify Message Type:
    // v2N_TS_UNACCEPTABLE"), whether sent or received: the Child SA's selectors were refused.
    entry!("pluto.ts-notify", Libreswan, "v2N_TS_UNACCEPTABLE", "", CHILD, Some("traffic-selectors"), Cause,
        "a TS_UNACCEPTABLE notify was sent or received: the Child SA's traffic selectors fit no connection",
        ["compare leftsubnet/rightsubnet (local_ts/remote_ts) on both sides"]),
    entry!("pluto.unauth-no-proposal", Libreswan, "received unauthenticated v2N_NO_PROPOSAL_CHOSEN", "", INIT, None, Symptom,
        "the responder answered NO_PROPOSAL_CHOSEN to IKE_SA_INIT", []),
    entry!("pluto.netlink-add-sa", Libreswan, "netlink response for Add SA ", "", CHILD, Some("implementation"), Cause,
        "the kernel refused to install the IPsec SA; the errno names the missing feature", []),
    entry!("pluto.bind-failed", Libreswan, "Address already in use", "bind", INIT, Some("implementation"), Cause,
        "pluto cannot bind its IKE port: another IKE daemon holds it", []),
    entry!("pluto.xfrm-socket-policy", Libreswan, "setsockopt IP_XFRM_POLICY", "", INIT, Some("implementation"), Cause,
        "the kernel refuses the per-socket IPsec bypass policy pluto sets on its IKE sockets; the errno names why",
        ["errno 95 on ARM: a 64-bit kernel with a 32-bit userland (no XFRM compat layer)", "otherwise check the kernel's XFRM support (CONFIG_XFRM_USER)"]),
    entry!("pluto.no-interfaces", Libreswan, "no public interfaces found", "", INIT, None, Symptom,
        "pluto listens on no interface, so no IKE packet is answered", ["the lines before say why the interfaces were refused"]),
    entry!("pluto.peer-id-mismatch", Libreswan, "mismatched on first found connection", "Peer ID", AUTH, Some("auth-id"), Cause,
        "the peer's identity matches no connection", []),
    entry!("pluto.san-mismatch", Libreswan, "is not specified on the certificate SubjectAltName", "", AUTH, Some("auth-id"), Cause,
        "the peer's identity is not in its certificate's subjectAltName", []),
    entry!("pluto.san-mismatch", Libreswan, "unmatched IKE ID in certificate SAN", "", AUTH, Some("auth-id"), Cause,
        "the peer's identity is not in its certificate's subjectAltName", []),
    entry!("pluto.cert-expired", Libreswan, "SEC_ERROR_EXPIRED_CERTIFICATE", "", AUTH, Some("auth-cert"), Cause,
        "NSS rejects a certificate as expired (also printed for not-yet-valid ones: check the clock)", []),
    entry!("pluto.cert-untrusted", Libreswan, "SEC_ERROR_UNKNOWN_ISSUER", "", AUTH, Some("auth-cert"), Cause,
        "NSS does not know the certificate's issuer", []),
    entry!("pluto.cert-untrusted", Libreswan, "SEC_ERROR_UNTRUSTED_ISSUER", "", AUTH, Some("auth-cert"), Cause,
        "NSS does not trust the certificate's issuer", []),
    entry!("pluto.eap-required", Libreswan, "Peer attempted EAP authentication, but IKE_AUTH is required", "", AUTH, Some("auth-eap"), Cause,
        "the client uses EAP but the connection expects certificate or PSK authentication", []),
    entry!("pluto.ikev1-psk-mismatch", Libreswan, "mismatch of preshared secrets", "", AUTH, Some("auth-psk"), Cause,
        "IKEv1: the peer's encrypted payload does not decrypt: the pre-shared keys differ", []),
    entry!("pluto.fatal", Libreswan, "encountered fatal error in state", "", NONE, None, Symptom,
        "pluto abandoned the exchange; the line before says why", []),
    // ---- Windows RasClient ----
    entry!("windows.error-code", Windows, "error code returned on failure is ", "", NONE, None, Symptom,
        "a Windows VPN connection failed with this error code (see `ike-doctor explain CODE`)", []),
    entry!("windows.error-code", Windows, "which has failed. The error code", "", NONE, None, Symptom,
        "a Windows VPN connection failed with this error code (see `ike-doctor explain CODE`)", []),
    entry!("windows.time", Windows, "TimeCreated", "", NONE, None, TimeContext, "time of a Windows event", []),
    entry!("windows.time", Windows, "Date:", "", NONE, None, TimeContext, "time of a Windows event", []),
    entry!("windows.xml-data", Windows, "<Data", "", NONE, None, TimeContext, "data of a Windows event (XML)", []),
    entry!("windows.xml-id", Windows, "<EventID", "", NONE, None, TimeContext, "id of a Windows event (XML)", []),
    // ---- Apple NetworkExtension (NEIKEv2) ----
    entry!("apple.init-no-response", Apple, "Failed to receive IKE SA Init packet", "", INIT, None, Symptom,
        "the IKEv2 server never answered IKE_SA_INIT", []),
    entry!("apple.no-proposal", Apple, "NO_PROPOSAL_CHOSEN", "", NONE, None, Symptom,
        "the server refused the proposals (iOS/macOS default proposals: check the server accepts them)", []),
    entry!("apple.auth-failed", Apple, "AUTHENTICATION_FAILED", "", AUTH, None, Symptom,
        "the server refused the authentication", []),
    entry!("apple.auth-failed", Apple, "User authentication failed", "", AUTH, None, Symptom,
        "authentication failed; on iOS and macOS also shown for an identity or SAN mismatch", []),
    entry!("apple.server-cert", Apple, "Certificate authentication data could not be verified", "", AUTH, Some("auth-cert"), Cause,
        "the client could not verify the server's certificate", []),
    entry!("apple.ts-unacceptable", Apple, "TS_UNACCEPTABLE", "", CHILD, Some("traffic-selectors"), Cause,
        "the server refused the traffic selectors", []),
    // ---- FortiGate (diagnose debug application ike -1) ----
    entry!("fortigate.no-proposal", FortiGate, "no SA proposal chosen", "", INIT, Some("proposal-ike"), Cause,
        "FortiOS found no matching phase-1 proposal", ["compare encryption, integrity and DH group of phase 1 on both peers"]),
    entry!("fortigate.no-proposal", FortiGate, "no suitable proposal found", "", INIT, Some("proposal-ike"), Cause,
        "FortiOS found no matching phase-1 proposal", ["compare encryption, integrity and DH group of phase 1 on both peers"]),
    entry!("fortigate.no-proposal", FortiGate, "peer SA proposal not match local policy", "", NONE, None, Context,
        "FortiOS found no matching proposal", []),
    entry!("fortigate.negotiation-failure", FortiGate, "negotiation failure", "", NONE, None, Symptom,
        "FortiOS gave up the negotiation; the lines before say why", []),
    entry!("fortigate.psk-mismatch", FortiGate, "probable pre-shared secret mismatch", "", AUTH, Some("auth-psk"), Cause,
        "the pre-shared keys differ", []),
    entry!("fortigate.auth-failed", FortiGate, "AUTHENTICATION_FAILED", "", AUTH, None, Symptom,
        "authentication refused", []),
    entry!("fortigate.no-response", FortiGate, "negotiation timeout", "", NONE, None, Symptom,
        "the peer did not answer", []),
    entry!("fortigate.no-gateway", FortiGate, "no matching gateway for new request", "", INIT, Some("config-other"), Cause,
        "no phase-1 gateway matches the peer's address or identity", []),
    entry!("fortigate.ts", FortiGate, "TS_UNACCEPTABLE", "", CHILD, Some("traffic-selectors"), Cause,
        "traffic selectors (phase-2 selectors) do not match", []),
    entry!("fortigate.established", FortiGate, "SA proposal chosen, matched", "", NONE, None, Progress,
        "FortiOS matched a proposal", []),
    // ---- Cisco IOS / IOS XE / ASA (debug crypto ikev2 protocol, platform, error) ----
    // Lines as the debugs print them after the `IKEv2-PROTO-N: (sa):`, `IKEv2-PLAT-N:`,
    // `IKEv2-ERROR:` or `IKEv2:(SESSION ID = n,SA ID = n):` prefix; IOS wraps long lines, so the
    // patterns are the parts that stay on one line.
    entry!("cisco.no-matching-policy", Cisco, "Failed to find a matching policy", "", INIT, Some("proposal-ike"), Cause,
        "the responder found no IKE policy matching the received proposals; the 'Received Policies' and 'Expected Policies' lines list both sides",
        ["compare encryption, integrity, PRF and DH group of 'Received Policies' with 'Expected Policies'", "on IOS XE an ESP proposal in those lines means the first Child SA (transform set)"]),
    entry!("cisco.verify-policies", Cisco, "Failed to verify the proposed policies", "", INIT, None, Context,
        "the proposals received do not match the configured policies", []),
    entry!("cisco.no-proposal-received", Cisco, "Received no proposal chosen notify", "", INIT, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN; only its debugs say which algorithm differs",
        ["read the responder's 'Received Policies' / 'Expected Policies' lines"]),
    entry!("cisco.no-proposal-received", Cisco, "NOTIFY(NO_PROPOSAL_CHOSEN)", "", NONE, None, Symptom,
        "the peer answered NO_PROPOSAL_CHOSEN (IKE_SA_INIT: IKE proposal; IKE_AUTH: the Child SA's transform set)", []),
    entry!("cisco.init-failed", Cisco, "Failed SA init exchange", "", INIT, None, Symptom,
        "the IKE_SA_INIT exchange failed; the lines before say why", []),
    entry!("cisco.init-failed", Cisco, "Initial exchange failed", "", INIT, None, Symptom,
        "the IKE_SA_INIT exchange failed; the lines before say why", []),
    entry!("cisco.peer-id-check", Cisco, "Peer ID check failed", "", AUTH, Some("auth-id"), Cause,
        "the ASA could not find the peer's identity (its address or name) in the peer certificate's subjectAltName",
        ["put the peer's IKE identity in its certificate's subjectAltName", "or set peer-id-validate nocheck in the tunnel group"]),
    entry!("cisco.profile-by-cert", Cisco, "Profile could not be found by peer certificate", "", AUTH, Some("auth-id"), Cause,
        "no IKEv2 profile matches the identity the peer presented with its certificate (ID type or value differ from 'match identity remote')",
        ["compare the peer's identity (type and value) with 'match identity remote' of the IKEv2 profile", "ASA peers send their certificate DN unless 'crypto isakmp identity address'"]),
    entry!("cisco.profile-not-found", Cisco, "IKEv2 profile not found", "", NONE, None, Context,
        "no IKEv2 profile was found for a lookup; harmless during config exchange, fatal when it follows the identity search", []),
    entry!("cisco.cert-encoding", Cisco, "Unsupported cert encoding found", "", AUTH, Some("implementation"), Cause,
        "the peer asked for HTTP-URL certificate lookup that this ASA does not negotiate (CSCul48246): the two implementations do not interoperate",
        ["on the IOS router: no crypto ikev2 http-url cert", "or upgrade the ASA to a release with the fix"]),
    entry!("cisco.item-not-found", Cisco, "locate an item in the database", "", AUTH, None, Symptom,
        "a lookup failed during the exchange (profile, key, identity or certificate); the lines before say which", []),
    entry!("cisco.auth-failed", Cisco, "Auth exchange failed", "", AUTH, None, Symptom,
        "the IKE_AUTH exchange failed; the lines before (or the peer's debugs) say why", []),
    entry!("cisco.auth-failed", Cisco, "Verify auth failed", "", AUTH, None, Symptom,
        "the peer's AUTH payload or identity did not verify", []),
    entry!("cisco.auth-failed", Cisco, "Failed to authenticate the IKE SA", "", AUTH, None, Symptom,
        "the IKE SA could not be authenticated (pre-shared key, certificate or identity)", []),
    entry!("cisco.auth-failed", Cisco, "NOTIFY(AUTHENTICATION_FAILED)", "", AUTH, None, Symptom,
        "the peer refused the authentication; only its debugs say why", []),
    entry!("cisco.ts-unacceptable", Cisco, "NOTIFY(TS_UNACCEPTABLE)", "", CHILD, Some("traffic-selectors"), Cause,
        "the peer refused the traffic selectors (crypto ACLs / proxy identities differ)", []),
    entry!("cisco.retransmit", Cisco, "Retransmitting packet", "", NONE, None, Symptom,
        "no answer yet: the request is sent again", []),
    entry!("cisco.dh-retry", Cisco, "KE payload contained the wrong DH group", "", NONE, None, Progress,
        "the responder asks for another DH group (INVALID_KE_PAYLOAD); normal once", []),
    entry!("cisco.ike-established", Cisco, "IKEV2 SA created", "", NONE, None, Progress,
        "the IKE SA is authenticated and established", []),
];

/// Windows RAS/IKE error codes: number, constant, category (when it decides), phase, meaning.
pub struct WindowsCode {
    pub code: u32,
    pub name: &'static str,
    pub category: Option<&'static str>,
    pub phase: Phase,
    pub meaning: &'static str,
    pub checks: &'static [&'static str],
}

pub const WINDOWS_CODES: &[WindowsCode] = &[
    WindowsCode { code: 691, name: "ERROR_AUTHENTICATION_FAILURE", category: Some("auth-eap"), phase: Phase::IkeAuth,
        meaning: "access denied: the user name or password (EAP) was refused",
        checks: &["check the credentials and the RADIUS/NPS log"] },
    WindowsCode { code: 809, name: "ERROR_VPN_TIMEOUT", category: None, phase: Phase::IkeSaInit,
        meaning: "the VPN server did not respond: UDP 500/4500 blocked, IKE_AUTH fragments dropped, or (L2TP) a server behind NAT",
        checks: &["capture on the client: is IKE_SA_INIT answered?", "answered but IKE_AUTH not: large certificate payloads, enable IKEv2 fragmentation", "behind NAT with L2TP: AssumeUDPEncapsulationContextOnSendRule"] },
    WindowsCode { code: 810, name: "ERROR_VPN_BAD_CERT", category: Some("auth-cert"), phase: Phase::IkeAuth,
        meaning: "the server's certificate is not valid for this connection", checks: &[] },
    WindowsCode { code: 811, name: "ERROR_VPN_BAD_PSK", category: Some("auth-psk"), phase: Phase::IkeAuth,
        meaning: "the pre-shared key is wrong", checks: &[] },
    WindowsCode { code: 812, name: "ERROR_NO_AUTHENTICATION_METHOD", category: Some("auth-eap"), phase: Phase::IkeAuth,
        meaning: "a policy on the RAS/VPN (NPS) server refused the connection (authentication method or conditions)", checks: &[] },
    WindowsCode { code: 864, name: "(EAP server certificate)", category: Some("auth-cert"), phase: Phase::IkeAuth,
        meaning: "the certificate validating the NPS server certificate is not in the Trusted Root store", checks: &[] },
    WindowsCode { code: 13801, name: "ERROR_IPSEC_IKE_AUTH_FAIL", category: None, phase: Phase::IkeAuth,
        meaning: "IKE authentication credentials are unacceptable: the server certificate is not trusted or does not carry the server name, or the wrong client certificate was picked",
        checks: &["does the server certificate's SAN hold the exact name or address the client dials?", "is its issuing CA in the computer's Trusted Root store?", "does it have the Server Authentication EKU?"] },
    WindowsCode { code: 13806, name: "ERROR_IPSEC_IKE_NO_CERT", category: Some("auth-cert"), phase: Phase::IkeAuth,
        meaning: "IKE failed to find a valid machine certificate (missing, untrusted chain or wrong EKU)", checks: &[] },
    WindowsCode { code: 13819, name: "ERROR_IPSEC_IKE_INVALID_CERT_TYPE", category: Some("auth-cert"), phase: Phase::IkeAuth,
        meaning: "the certificate type or key usage is not acceptable", checks: &[] },
    WindowsCode { code: 13843, name: "ERROR_IPSEC_IKE_INVALID_PAYLOAD", category: None, phase: Phase::IkeAuth,
        meaning: "an invalid payload was received", checks: &[] },
    WindowsCode { code: 13868, name: "ERROR_IPSEC_IKE_POLICY_MATCH", category: Some("proposal-ike"), phase: Phase::IkeSaInit,
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
