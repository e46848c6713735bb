//! IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registries as named newtypes.
//! Names print the way strongSwan and Wireshark print them; unknown values print as numbers.
//!
//! Every newtype keeps its raw value public (`.0`), so values outside the registry survive a
//! parse/emit round trip unchanged.

use core::fmt;

macro_rules! newtype {
    ($(#[$m:meta])* $name:ident, $inner:ty) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $inner);
    };
}

/// Declares named constants, `name()` and a `Display` that falls back to the number.
/// Values must be distinct (aliases are declared separately).
macro_rules! named {
    ($ty:ident { $( $(#[$m:meta])* $konst:ident = $val:literal => $text:literal ),* $(,)? }) => {
        impl $ty {
            $( $(#[$m])* pub const $konst: $ty = $ty($val); )*

            /// Registry name, `None` for values this crate does not know.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }

            /// What `Display` writes (the name, or the number), borrowed for a known value.
            pub fn name_or_number(self) -> std::borrow::Cow<'static, str> {
                match self.name() {
                    Some(name) => std::borrow::Cow::Borrowed(name),
                    None => std::borrow::Cow::Owned(self.0.to_string()),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}", self.0),
                }
            }
        }
    };
}

newtype!(
    /// Exchange type (IKE header), e.g. 34 = IKE_SA_INIT.
    ExchangeType, u8);
newtype!(
    /// Payload type (next-payload fields), e.g. 33 = SA, 46 = SK.
    PayloadType, u8);
newtype!(
    /// Notify message type: below 16384 an error, from 16384 a status.
    NotifyType, u16);
newtype!(
    /// Transform type inside a proposal: 1 ENCR, 2 PRF, 3 INTEG, 4 KE, 5 ESN, 6..12 ADDKE1..7.
    TransformType, u8);
newtype!(/// Key exchange method (transform type 4), e.g. 14 = MODP_2048, 31 = CURVE_25519.
    DhGroup, u16);
newtype!(
    /// Identification type (IDi/IDr payloads).
    IdType, u8);
newtype!(
    /// Authentication method (AUTH payload).
    AuthMethod, u8);
newtype!(
    /// Certificate encoding (CERT and CERTREQ payloads).
    CertEncoding, u8);
newtype!(
    /// Traffic selector type.
    TsType, u8);
newtype!(
    /// Security protocol identifier (proposals, notifies, deletes).
    ProtocolId, u8);

named!(ExchangeType {
    IKE_SA_INIT = 34 => "IKE_SA_INIT",
    IKE_AUTH = 35 => "IKE_AUTH",
    CREATE_CHILD_SA = 36 => "CREATE_CHILD_SA",
    INFORMATIONAL = 37 => "INFORMATIONAL",
    IKE_SESSION_RESUME = 38 => "IKE_SESSION_RESUME",
    GSA_AUTH = 39 => "GSA_AUTH",
    GSA_REGISTRATION = 40 => "GSA_REGISTRATION",
    GSA_REKEY = 41 => "GSA_REKEY",
    /// RFC 9242.
    IKE_INTERMEDIATE = 43 => "IKE_INTERMEDIATE",
    /// RFC 9370.
    IKE_FOLLOWUP_KE = 44 => "IKE_FOLLOWUP_KE",
    GSA_INBAND_REKEY = 45 => "GSA_INBAND_REKEY",
});

impl ExchangeType {
    /// IKEv1 exchange names (RFC 2408/2409 and common extensions), for messages whose header
    /// says version 1.0. Those share the header layout but not the exchange numbers.
    pub fn ikev1_name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("BASE"),
            2 => Some("ID_PROT"),
            3 => Some("AUTH_ONLY"),
            4 => Some("AGGRESSIVE"),
            5 => Some("INFORMATIONAL_V1"),
            6 => Some("TRANSACTION"),
            32 => Some("QUICK_MODE"),
            33 => Some("NEW_GROUP_MODE"),
            _ => None,
        }
    }
}

named!(PayloadType {
    /// "No Next Payload".
    NONE = 0 => "NONE",
    SA = 33 => "SECURITY_ASSOCIATION",
    KE = 34 => "KEY_EXCHANGE",
    IDI = 35 => "ID_INITIATOR",
    IDR = 36 => "ID_RESPONDER",
    CERT = 37 => "CERTIFICATE",
    CERTREQ = 38 => "CERTIFICATE_REQUEST",
    AUTH = 39 => "AUTHENTICATION",
    NONCE = 40 => "NONCE",
    NOTIFY = 41 => "NOTIFY",
    DELETE = 42 => "DELETE",
    VENDOR_ID = 43 => "VENDOR_ID",
    TSI = 44 => "TRAFFIC_SELECTOR_INITIATOR",
    TSR = 45 => "TRAFFIC_SELECTOR_RESPONDER",
    /// Encrypted and Authenticated.
    SK = 46 => "ENCRYPTED",
    CP = 47 => "CONFIGURATION",
    EAP = 48 => "EXTENSIBLE_AUTHENTICATION",
    GSPM = 49 => "GENERIC_SECURE_PASSWORD_METHOD",
    IDG = 50 => "GROUP_IDENTIFICATION",
    GSA = 51 => "GROUP_SECURITY_ASSOCIATION",
    KD = 52 => "KEY_DOWNLOAD",
    /// Encrypted and Authenticated Fragment (RFC 7383).
    SKF = 53 => "ENCRYPTED_FRAGMENT",
    /// Puzzle Solution (RFC 8019).
    PS = 54 => "PUZZLE_SOLUTION",
});

impl PayloadType {
    /// The short name strongSwan prints in `[ ... ]` payload lists ("SA", "No", "N", "EF"...).
    /// SK prints as "SK" (strongSwan's table says "E", but it logs decrypted contents instead).
    pub fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            33 => "SA",
            34 => "KE",
            35 => "IDi",
            36 => "IDr",
            37 => "CERT",
            38 => "CERTREQ",
            39 => "AUTH",
            40 => "No",
            41 => "N",
            42 => "D",
            43 => "V",
            44 => "TSi",
            45 => "TSr",
            46 => "SK",
            47 => "CP",
            48 => "EAP",
            49 => "GSPM",
            50 => "IDg",
            51 => "GSA",
            52 => "KD",
            53 => "EF",
            54 => "PS",
            _ => return None,
        })
    }
}

named!(NotifyType {
    UNSUPPORTED_CRITICAL_PAYLOAD = 1 => "UNSUPPORTED_CRITICAL_PAYLOAD",
    INVALID_IKE_SPI = 4 => "INVALID_IKE_SPI",
    INVALID_MAJOR_VERSION = 5 => "INVALID_MAJOR_VERSION",
    INVALID_SYNTAX = 7 => "INVALID_SYNTAX",
    INVALID_MESSAGE_ID = 9 => "INVALID_MESSAGE_ID",
    INVALID_SPI = 11 => "INVALID_SPI",
    /// IKEv1 value, still sent by some IKEv2 stacks.
    ATTRIBUTES_NOT_SUPPORTED = 13 => "ATTRIBUTES_NOT_SUPPORTED",
    NO_PROPOSAL_CHOSEN = 14 => "NO_PROPOSAL_CHOSEN",
    /// IKEv1 value, still sent by some IKEv2 stacks.
    PAYLOAD_MALFORMED = 16 => "PAYLOAD_MALFORMED",
    INVALID_KE_PAYLOAD = 17 => "INVALID_KE_PAYLOAD",
    /// IKEv1 value, still sent by some IKEv2 stacks.
    INVALID_ID_INFORMATION = 18 => "INVALID_ID_INFORMATION",
    /// IKEv1 value.
    INVALID_CERT_ENCODING = 19 => "INVALID_CERT_ENCODING",
    /// IKEv1 value.
    INVALID_CERTIFICATE = 20 => "INVALID_CERTIFICATE",
    /// IKEv1 value.
    CERT_TYPE_UNSUPPORTED = 21 => "CERT_TYPE_UNSUPPORTED",
    /// IKEv1 value.
    INVALID_CERT_AUTHORITY = 22 => "INVALID_CERT_AUTHORITY",
    /// IKEv1 value.
    INVALID_HASH_INFORMATION = 23 => "INVALID_HASH_INFORMATION",
    AUTHENTICATION_FAILED = 24 => "AUTHENTICATION_FAILED",
    SINGLE_PAIR_REQUIRED = 34 => "SINGLE_PAIR_REQUIRED",
    NO_ADDITIONAL_SAS = 35 => "NO_ADDITIONAL_SAS",
    INTERNAL_ADDRESS_FAILURE = 36 => "INTERNAL_ADDRESS_FAILURE",
    FAILED_CP_REQUIRED = 37 => "FAILED_CP_REQUIRED",
    TS_UNACCEPTABLE = 38 => "TS_UNACCEPTABLE",
    INVALID_SELECTORS = 39 => "INVALID_SELECTORS",
    UNACCEPTABLE_ADDRESSES = 40 => "UNACCEPTABLE_ADDRESSES",
    UNEXPECTED_NAT_DETECTED = 41 => "UNEXPECTED_NAT_DETECTED",
    USE_ASSIGNED_HOA = 42 => "USE_ASSIGNED_HoA",
    TEMPORARY_FAILURE = 43 => "TEMPORARY_FAILURE",
    CHILD_SA_NOT_FOUND = 44 => "CHILD_SA_NOT_FOUND",
    INVALID_GROUP_ID = 45 => "INVALID_GROUP_ID",
    AUTHORIZATION_FAILED = 46 => "AUTHORIZATION_FAILED",
    STATE_NOT_FOUND = 47 => "STATE_NOT_FOUND",
    TS_MAX_QUEUE = 48 => "TS_MAX_QUEUE",
    /// strongSwan mediation extension (private use error).
    ME_CONNECT_FAILED = 8192 => "ME_CONNECT_FAILED",
    /// Microsoft private status carrying a 4-byte code (Windows RRAS).
    MS_NOTIFY_STATUS = 12345 => "MS_NOTIFY_STATUS",
    INITIAL_CONTACT = 16384 => "INITIAL_CONTACT",
    SET_WINDOW_SIZE = 16385 => "SET_WINDOW_SIZE",
    ADDITIONAL_TS_POSSIBLE = 16386 => "ADDITIONAL_TS_POSSIBLE",
    IPCOMP_SUPPORTED = 16387 => "IPCOMP_SUPPORTED",
    NAT_DETECTION_SOURCE_IP = 16388 => "NAT_DETECTION_SOURCE_IP",
    NAT_DETECTION_DESTINATION_IP = 16389 => "NAT_DETECTION_DESTINATION_IP",
    COOKIE = 16390 => "COOKIE",
    USE_TRANSPORT_MODE = 16391 => "USE_TRANSPORT_MODE",
    HTTP_CERT_LOOKUP_SUPPORTED = 16392 => "HTTP_CERT_LOOKUP_SUPPORTED",
    REKEY_SA = 16393 => "REKEY_SA",
    ESP_TFC_PADDING_NOT_SUPPORTED = 16394 => "ESP_TFC_PADDING_NOT_SUPPORTED",
    NON_FIRST_FRAGMENTS_ALSO = 16395 => "NON_FIRST_FRAGMENTS_ALSO",
    MOBIKE_SUPPORTED = 16396 => "MOBIKE_SUPPORTED",
    ADDITIONAL_IP4_ADDRESS = 16397 => "ADDITIONAL_IP4_ADDRESS",
    ADDITIONAL_IP6_ADDRESS = 16398 => "ADDITIONAL_IP6_ADDRESS",
    NO_ADDITIONAL_ADDRESSES = 16399 => "NO_ADDITIONAL_ADDRESSES",
    UPDATE_SA_ADDRESSES = 16400 => "UPDATE_SA_ADDRESSES",
    COOKIE2 = 16401 => "COOKIE2",
    NO_NATS_ALLOWED = 16402 => "NO_NATS_ALLOWED",
    AUTH_LIFETIME = 16403 => "AUTH_LIFETIME",
    MULTIPLE_AUTH_SUPPORTED = 16404 => "MULTIPLE_AUTH_SUPPORTED",
    ANOTHER_AUTH_FOLLOWS = 16405 => "ANOTHER_AUTH_FOLLOWS",
    REDIRECT_SUPPORTED = 16406 => "REDIRECT_SUPPORTED",
    REDIRECT = 16407 => "REDIRECT",
    REDIRECTED_FROM = 16408 => "REDIRECTED_FROM",
    TICKET_LT_OPAQUE = 16409 => "TICKET_LT_OPAQUE",
    TICKET_REQUEST = 16410 => "TICKET_REQUEST",
    TICKET_ACK = 16411 => "TICKET_ACK",
    TICKET_NACK = 16412 => "TICKET_NACK",
    TICKET_OPAQUE = 16413 => "TICKET_OPAQUE",
    LINK_ID = 16414 => "LINK_ID",
    USE_WESP_MODE = 16415 => "USE_WESP_MODE",
    ROHC_SUPPORTED = 16416 => "ROHC_SUPPORTED",
    EAP_ONLY_AUTHENTICATION = 16417 => "EAP_ONLY_AUTHENTICATION",
    CHILDLESS_IKEV2_SUPPORTED = 16418 => "CHILDLESS_IKEV2_SUPPORTED",
    QUICK_CRASH_DETECTION = 16419 => "QUICK_CRASH_DETECTION",
    IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420 => "IKEV2_MESSAGE_ID_SYNC_SUPPORTED",
    IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421 => "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
    IKEV2_MESSAGE_ID_SYNC = 16422 => "IKEV2_MESSAGE_ID_SYNC",
    IPSEC_REPLAY_COUNTER_SYNC = 16423 => "IPSEC_REPLAY_COUNTER_SYNC",
    SECURE_PASSWORD_METHODS = 16424 => "SECURE_PASSWORD_METHODS",
    PSK_PERSIST = 16425 => "PSK_PERSIST",
    PSK_CONFIRM = 16426 => "PSK_CONFIRM",
    ERX_SUPPORTED = 16427 => "ERX_SUPPORTED",
    IFOM_CAPABILITY = 16428 => "IFOM_CAPABILITY",
    /// strongSwan's name; IANA now lists 16429 as GROUP_SENDER (RFC 9838).
    SENDER_REQUEST_ID = 16429 => "SENDER_REQUEST_ID",
    /// RFC 7383 (IANA: IKEV2_FRAGMENTATION_SUPPORTED).
    FRAGMENTATION_SUPPORTED = 16430 => "FRAGMENTATION_SUPPORTED",
    /// RFC 7427.
    SIGNATURE_HASH_ALGORITHMS = 16431 => "SIGNATURE_HASH_ALGORITHMS",
    CLONE_IKE_SA_SUPPORTED = 16432 => "CLONE_IKE_SA_SUPPORTED",
    CLONE_IKE_SA = 16433 => "CLONE_IKE_SA",
    PUZZLE = 16434 => "PUZZLE",
    USE_PPK = 16435 => "USE_PPK",
    PPK_IDENTITY = 16436 => "PPK_IDENTITY",
    NO_PPK_AUTH = 16437 => "NO_PPK_AUTH",
    /// RFC 9242.
    INTERMEDIATE_EXCHANGE_SUPPORTED = 16438 => "INTERMEDIATE_EXCHANGE_SUPPORTED",
    IP4_ALLOWED = 16439 => "IP4_ALLOWED",
    IP6_ALLOWED = 16440 => "IP6_ALLOWED",
    /// RFC 9370.
    ADDITIONAL_KEY_EXCHANGE = 16441 => "ADDITIONAL_KEY_EXCHANGE",
    /// RFC 9347.
    USE_AGGFRAG = 16442 => "USE_AGGFRAG",
    SUPPORTED_AUTH_METHODS = 16443 => "SUPPORTED_AUTH_METHODS",
    SA_RESOURCE_INFO = 16444 => "SA_RESOURCE_INFO",
    USE_PPK_INT = 16445 => "USE_PPK_INT",
    PPK_IDENTITY_KEY = 16446 => "PPK_IDENTITY_KEY",
    IKE_SA_INIT_FULL_TRANSCRIPT_AUTH = 16447 => "IKE_SA_INIT_FULL_TRANSCRIPT_AUTH",
    /// IKEv1 INITIAL-CONTACT, seen from some mixed stacks.
    INITIAL_CONTACT_IKEV1 = 24578 => "INITIAL_CONTACT_IKEV1",
    DPD_R_U_THERE = 36136 => "DPD_R_U_THERE",
    DPD_R_U_THERE_ACK = 36137 => "DPD_R_U_THERE_ACK",
    UNITY_LOAD_BALANCE = 40501 => "UNITY_LOAD_BALANCE",
    /// strongSwan private status types.
    USE_BEET_MODE = 40961 => "USE_BEET_MODE",
    ME_MEDIATION = 40962 => "ME_MEDIATION",
    ME_ENDPOINT = 40963 => "ME_ENDPOINT",
    ME_CALLBACK = 40964 => "ME_CALLBACK",
    ME_CONNECTID = 40965 => "ME_CONNECTID",
    ME_CONNECTKEY = 40966 => "ME_CONNECTKEY",
    ME_CONNECTAUTH = 40967 => "ME_CONNECTAUTH",
    ME_RESPONSE = 40968 => "ME_RESPONSE",
    RADIUS_ATTRIBUTE = 40969 => "RADIUS_ATTRIBUTE",
});

impl NotifyType {
    /// IANA's name for 16430.
    pub const IKEV2_FRAGMENTATION_SUPPORTED: NotifyType = NotifyType::FRAGMENTATION_SUPPORTED;

    /// Error types are below 16384 (RFC 7296 section 3.10.1).
    pub fn is_error(self) -> bool {
        self.0 < 16384
    }

    /// The abbreviation strongSwan logs inside `N(...)` (its `notify_type_short_names`).
    pub fn short_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "CRIT",
            4 => "INVAL_IKE_SPI",
            5 => "INVAL_MAJOR",
            7 => "INVAL_SYN",
            9 => "INVAL_MID",
            11 => "INVAL_SPI",
            13 => "ATTR_UNSUP",
            14 => "NO_PROP",
            16 => "PLD_MAL",
            17 => "INVAL_KE",
            18 => "INVAL_ID",
            19 => "INVAL_CERTEN",
            20 => "INVAL_CERT",
            21 => "CERT_UNSUP",
            22 => "INVAL_CA",
            23 => "INVAL_HASH",
            24 => "AUTH_FAILED",
            34 => "SINGLE_PAIR",
            35 => "NO_ADD_SAS",
            36 => "INT_ADDR_FAIL",
            37 => "FAIL_CP_REQ",
            38 => "TS_UNACCEPT",
            39 => "INVAL_SEL",
            40 => "UNACCEPT_ADDR",
            41 => "UNEXPECT_NAT",
            42 => "ASSIGNED_HoA",
            43 => "TEMP_FAIL",
            44 => "NO_CHILD_SA",
            8192 => "ME_CONN_FAIL",
            12345 => "MS_STATUS",
            16384 => "INIT_CONTACT",
            16385 => "SET_WINSIZE",
            16386 => "ADD_TS_POSS",
            16387 => "IPCOMP_SUP",
            16388 => "NATD_S_IP",
            16389 => "NATD_D_IP",
            16390 => "COOKIE",
            16391 => "USE_TRANSP",
            16392 => "HTTP_CERT_LOOK",
            16393 => "REKEY_SA",
            16394 => "ESP_TFC_PAD_N",
            16395 => "NON_FIRST_FRAG",
            16396 => "MOBIKE_SUP",
            16397 => "ADD_4_ADDR",
            16398 => "ADD_6_ADDR",
            16399 => "NO_ADD_ADDR",
            16400 => "UPD_SA_ADDR",
            16401 => "COOKIE2",
            16402 => "NO_NATS",
            16403 => "AUTH_LFT",
            16404 => "MULT_AUTH",
            16405 => "AUTH_FOLLOWS",
            16406 => "REDIR_SUP",
            16407 => "REDIR",
            16408 => "REDIR_FROM",
            16409 => "TKT_LT_OPAK",
            16410 => "TKT_REQ",
            16411 => "TKT_ACK",
            16412 => "TKT_NACK",
            16413 => "TKT_OPAK",
            16414 => "LINK_ID",
            16415 => "WESP_MODE",
            16416 => "ROHC_SUP",
            16417 => "EAP_ONLY",
            16418 => "CHDLESS_SUP",
            16419 => "CRASH_DET",
            16420 => "MSG_ID_SYN_SUP",
            16421 => "RPL_CTR_SYN_SUP",
            16422 => "MSG_ID_SYN",
            16423 => "RPL_CTR_SYN",
            16424 => "SEC_PASSWD",
            16425 => "PSK_PST",
            16426 => "PSK_CFM",
            16427 => "ERX_SUP",
            16428 => "IFOM_CAP",
            16429 => "SENDER_REQ_ID",
            16430 => "FRAG_SUP",
            16431 => "HASH_ALG",
            // The following follow strongSwan 6 (PPK, RFC 9242/9370/9347 support).
            16435 => "USE_PPK",
            16436 => "PPK_ID",
            16437 => "NO_PPK_AUTH",
            16438 => "IKE_INT_SUP",
            16441 => "ADD_KE",
            16442 => "USE_AGGFRAG",
            24578 => "INITIAL_CONTACT",
            36136 => "DPD",
            36137 => "DPD_ACK",
            40501 => "UNITY_LB",
            40961 => "BEET_MODE",
            40962 => "ME_MED",
            40963 => "ME_EP",
            40964 => "ME_CB",
            40965 => "ME_CID",
            40966 => "ME_CKEY",
            40967 => "ME_CAUTH",
            40968 => "ME_R",
            40969 => "RADIUS",
            _ => return None,
        })
    }
}

named!(TransformType {
    ENCR = 1 => "ENCRYPTION_ALGORITHM",
    PRF = 2 => "PSEUDO_RANDOM_FUNCTION",
    INTEG = 3 => "INTEGRITY_ALGORITHM",
    /// Key exchange method (formerly Diffie-Hellman group).
    KE = 4 => "KEY_EXCHANGE_METHOD",
    /// Extended sequence numbers (RFC 9827 renames it "Sequence Numbers").
    ESN = 5 => "EXTENDED_SEQUENCE_NUMBERS",
    ADDKE1 = 6 => "ADDITIONAL_KEY_EXCHANGE_1",
    ADDKE2 = 7 => "ADDITIONAL_KEY_EXCHANGE_2",
    ADDKE3 = 8 => "ADDITIONAL_KEY_EXCHANGE_3",
    ADDKE4 = 9 => "ADDITIONAL_KEY_EXCHANGE_4",
    ADDKE5 = 10 => "ADDITIONAL_KEY_EXCHANGE_5",
    ADDKE6 = 11 => "ADDITIONAL_KEY_EXCHANGE_6",
    ADDKE7 = 12 => "ADDITIONAL_KEY_EXCHANGE_7",
});

impl TransformType {
    /// Old name of transform type 4.
    pub const DH: TransformType = TransformType::KE;

    /// For ADDKE1..ADDKE7, the index 1..7.
    pub fn additional_ke_index(self) -> Option<u8> {
        (6..=12).contains(&self.0).then(|| self.0 - 5)
    }
}

named!(DhGroup {
    NONE = 0 => "KE_NONE",
    MODP_768 = 1 => "MODP_768",
    MODP_1024 = 2 => "MODP_1024",
    MODP_1536 = 5 => "MODP_1536",
    MODP_2048 = 14 => "MODP_2048",
    MODP_3072 = 15 => "MODP_3072",
    MODP_4096 = 16 => "MODP_4096",
    MODP_6144 = 17 => "MODP_6144",
    MODP_8192 = 18 => "MODP_8192",
    ECP_256 = 19 => "ECP_256",
    ECP_384 = 20 => "ECP_384",
    ECP_521 = 21 => "ECP_521",
    MODP_1024_160 = 22 => "MODP_1024_160",
    MODP_2048_224 = 23 => "MODP_2048_224",
    MODP_2048_256 = 24 => "MODP_2048_256",
    ECP_192 = 25 => "ECP_192",
    ECP_224 = 26 => "ECP_224",
    ECP_224_BP = 27 => "ECP_224_BP",
    ECP_256_BP = 28 => "ECP_256_BP",
    ECP_384_BP = 29 => "ECP_384_BP",
    ECP_512_BP = 30 => "ECP_512_BP",
    CURVE_25519 = 31 => "CURVE_25519",
    CURVE_448 = 32 => "CURVE_448",
    GOST3410_2012_256 = 33 => "GOST3410_2012_256",
    GOST3410_2012_512 = 34 => "GOST3410_2012_512",
    ML_KEM_512 = 35 => "ML_KEM_512",
    ML_KEM_768 = 36 => "ML_KEM_768",
    ML_KEM_1024 = 37 => "ML_KEM_1024",
});

named!(IdType {
    IPV4_ADDR = 1 => "ID_IPV4_ADDR",
    FQDN = 2 => "ID_FQDN",
    RFC822_ADDR = 3 => "ID_RFC822_ADDR",
    IPV6_ADDR = 5 => "ID_IPV6_ADDR",
    DER_ASN1_DN = 9 => "ID_DER_ASN1_DN",
    DER_ASN1_GN = 10 => "ID_DER_ASN1_GN",
    KEY_ID = 11 => "ID_KEY_ID",
    FC_NAME = 12 => "ID_FC_NAME",
    NULL = 13 => "ID_NULL",
});

named!(AuthMethod {
    RSA_SIG = 1 => "RSA signature",
    PSK = 2 => "pre-shared key",
    DSS_SIG = 3 => "DSS signature",
    ECDSA_256 = 9 => "ECDSA-256 signature",
    ECDSA_384 = 10 => "ECDSA-384 signature",
    ECDSA_521 = 11 => "ECDSA-521 signature",
    GSPM = 12 => "secure password method",
    NULL = 13 => "NULL authentication",
    /// RFC 7427.
    DIGITAL_SIGNATURE = 14 => "digital signature",
});

named!(CertEncoding {
    PKCS7_WRAPPED_X509 = 1 => "PKCS7_WRAPPED_X509",
    PGP = 2 => "PGP",
    DNS_SIGNED_KEY = 3 => "DNS_SIGNED_KEY",
    X509_SIGNATURE = 4 => "X509_SIGNATURE",
    KERBEROS_TOKEN = 6 => "KERBEROS_TOKEN",
    CRL = 7 => "CRL",
    ARL = 8 => "ARL",
    SPKI = 9 => "SPKI",
    X509_ATTRIBUTE = 10 => "X509_ATTRIBUTE",
    RAW_RSA_KEY = 11 => "RAW_RSA_KEY",
    HASH_URL_X509_CERT = 12 => "HASH_URL_X509_CERT",
    HASH_URL_X509_BUNDLE = 13 => "HASH_URL_X509_BUNDLE",
    OCSP_CONTENT = 14 => "OCSP_CONTENT",
    RAW_PUBLIC_KEY = 15 => "RAW_PUBLIC_KEY",
});

named!(TsType {
    IPV4_ADDR_RANGE = 7 => "TS_IPV4_ADDR_RANGE",
    IPV6_ADDR_RANGE = 8 => "TS_IPV6_ADDR_RANGE",
    FC_ADDR_RANGE = 9 => "TS_FC_ADDR_RANGE",
    SECLABEL = 10 => "TS_SECLABEL",
});

named!(ProtocolId {
    NONE = 0 => "NONE",
    IKE = 1 => "IKE",
    AH = 2 => "AH",
    ESP = 3 => "ESP",
    FC_ESP_HEADER = 4 => "FC_ESP_HEADER",
    FC_CT_AUTHENTICATION = 5 => "FC_CT_AUTHENTICATION",
});

/// Encryption algorithm names (transform type 1), strongSwan spelling where it has one.
fn encr_name(id: u16) -> Option<&'static str> {
    Some(match id {
        1 => "DES_IV64",
        2 => "DES_CBC",
        3 => "3DES_CBC",
        4 => "RC5_CBC",
        5 => "IDEA_CBC",
        6 => "CAST_CBC",
        7 => "BLOWFISH_CBC",
        8 => "3IDEA",
        9 => "DES_IV32",
        11 => "NULL",
        12 => "AES_CBC",
        13 => "AES_CTR",
        14 => "AES_CCM_8",
        15 => "AES_CCM_12",
        16 => "AES_CCM_16",
        18 => "AES_GCM_8",
        19 => "AES_GCM_12",
        20 => "AES_GCM_16",
        21 => "NULL_AES_GMAC",
        23 => "CAMELLIA_CBC",
        24 => "CAMELLIA_CTR",
        25 => "CAMELLIA_CCM_8",
        26 => "CAMELLIA_CCM_12",
        27 => "CAMELLIA_CCM_16",
        28 => "CHACHA20_POLY1305",
        29 => "AES_CCM_8_IIV",
        30 => "AES_GCM_16_IIV",
        31 => "CHACHA20_POLY1305_IIV",
        32 => "KUZNYECHIK_MGM_KTREE",
        33 => "MAGMA_MGM_KTREE",
        34 => "KUZNYECHIK_MGM_MAC_KTREE",
        35 => "MAGMA_MGM_MAC_KTREE",
        _ => return None,
    })
}

/// Pseudo-random function names (transform type 2).
fn prf_name(id: u16) -> Option<&'static str> {
    Some(match id {
        1 => "PRF_HMAC_MD5",
        2 => "PRF_HMAC_SHA1",
        3 => "PRF_HMAC_TIGER",
        4 => "PRF_AES128_XCBC",
        5 => "PRF_HMAC_SHA2_256",
        6 => "PRF_HMAC_SHA2_384",
        7 => "PRF_HMAC_SHA2_512",
        8 => "PRF_AES128_CMAC",
        9 => "PRF_HMAC_STREEBOG_512",
        _ => return None,
    })
}

/// Integrity algorithm names (transform type 3).
fn integ_name(id: u16) -> Option<&'static str> {
    Some(match id {
        0 => "NONE",
        1 => "HMAC_MD5_96",
        2 => "HMAC_SHA1_96",
        3 => "DES_MAC",
        4 => "KPDK_MD5",
        5 => "AES_XCBC_96",
        6 => "HMAC_MD5_128",
        7 => "HMAC_SHA1_160",
        8 => "AES_CMAC_96",
        9 => "AES_128_GMAC",
        10 => "AES_192_GMAC",
        11 => "AES_256_GMAC",
        12 => "HMAC_SHA2_256_128",
        13 => "HMAC_SHA2_384_192",
        14 => "HMAC_SHA2_512_256",
        _ => return None,
    })
}

/// Name of transform `id` within `transform_type` (strongSwan spelling), `None` when unknown.
pub fn transform_name(transform_type: TransformType, id: u16) -> Option<&'static str> {
    match transform_type.0 {
        1 => encr_name(id),
        2 => prf_name(id),
        3 => integ_name(id),
        4 | 6..=12 => DhGroup(id).name(),
        5 => match id {
            0 => Some("NO_EXT_SEQ"),
            1 => Some("EXT_SEQ"),
            _ => None,
        },
        _ => None,
    }
}

/// Short names of configuration attribute types as strongSwan logs them in `CPRQ(...)`.
pub fn config_attribute_short_name(attribute_type: u16) -> Option<&'static str> {
    Some(match attribute_type & 0x7fff {
        1 => "ADDR",
        2 => "MASK",
        3 => "DNS",
        4 => "NBNS",
        5 => "EXP",
        6 => "DHCP",
        7 => "VER",
        8 => "ADDR6",
        9 => "MASK6",
        10 => "DNS6",
        11 => "NBNS6",
        12 => "DHCP6",
        13 => "SUBNET",
        14 => "SUP",
        15 => "SUBNET6",
        16 => "MIP6HPFX",
        17 => "LINK6",
        18 => "PFX6",
        19 => "HOA",
        16520 => "X_TYPE",
        16521 => "X_USER",
        16522 => "X_PWD",
        16523 => "X_CODE",
        16524 => "X_MSG",
        16525 => "X_CHALL",
        16526 => "X_DOMAIN",
        16527 => "X_STATUS",
        16528 => "X_PIN",
        16529 => "X_ANSWER",
        23456 => "SRV",
        23457 => "SRV6",
        28672 => "U_BANNER",
        28673 => "U_SAVEPWD",
        28674 => "U_DEFDOM",
        28675 => "U_SPLITDNS",
        28676 => "U_SPLITINC",
        28677 => "U_NATTPORT",
        28678 => "U_LOCALLAN",
        28679 => "U_PFS",
        28680 => "U_FWTYPE",
        28681 => "U_BKPSRV",
        28682 => "U_DDNSHOST",
        _ => return None,
    })
}

/// EAP codes as strongSwan abbreviates them ("REQ", "RES", "SUCC", "FAIL").
pub fn eap_code_short_name(code: u8) -> Option<&'static str> {
    Some(match code {
        eap::REQUEST => "REQ",
        eap::RESPONSE => "RES",
        eap::SUCCESS => "SUCC",
        eap::FAILURE => "FAIL",
        _ => return None,
    })
}

/// EAP codes and the types that are no method (RFC 3748 4 and 5), as the EAP payload
/// carries them.
pub mod eap {
    pub const REQUEST: u8 = 1;
    pub const RESPONSE: u8 = 2;
    pub const SUCCESS: u8 = 3;
    pub const FAILURE: u8 = 4;
    /// A response refusing the requested method, naming the ones the sender would do.
    pub const TYPE_NAK: u8 = 3;
}

/// EAP method types as strongSwan abbreviates them ("ID", "MSCHAPV2", "TLS"...).
pub fn eap_type_short_name(eap_type: u8) -> Option<&'static str> {
    Some(match eap_type {
        1 => "ID",
        2 => "NTF",
        3 => "NAK",
        4 => "MD5",
        5 => "OTP",
        6 => "GTC",
        13 => "TLS",
        18 => "SIM",
        21 => "TTLS",
        23 => "AKA",
        25 => "PEAP",
        26 => "MSCHAPV2",
        33 => "MSTLV",
        38 => "TNC",
        54 => "PT",
        254 => "EXP",
        255 => "XP",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_names_and_display() {
        assert_eq!(
            NotifyType::NO_PROPOSAL_CHOSEN.name(),
            Some("NO_PROPOSAL_CHOSEN")
        );
        assert_eq!(NotifyType(16388).name(), Some("NAT_DETECTION_SOURCE_IP"));
        assert_eq!(NotifyType::COOKIE.0, 16390);
        assert_eq!(NotifyType::FRAGMENTATION_SUPPORTED.0, 16430);
        assert_eq!(NotifyType::SIGNATURE_HASH_ALGORITHMS.0, 16431);
        assert_eq!(NotifyType::REDIRECT_SUPPORTED.0, 16406);
        assert_eq!(NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED.0, 16420);
        assert_eq!(NotifyType(60000).to_string(), "60000");
        assert_eq!(NotifyType(60000).name_or_number(), "60000");
        assert_eq!(
            NotifyType::NO_PROPOSAL_CHOSEN.name_or_number(),
            NotifyType::NO_PROPOSAL_CHOSEN.to_string()
        );
        assert_eq!(
            NotifyType::AUTHENTICATION_FAILED.to_string(),
            "AUTHENTICATION_FAILED"
        );
        assert!(NotifyType::TS_UNACCEPTABLE.is_error());
        assert!(!NotifyType::INITIAL_CONTACT.is_error());
    }

    #[test]
    fn notify_short_names_follow_strongswan() {
        let cases = [
            (16388, "NATD_S_IP"),
            (16389, "NATD_D_IP"),
            (16430, "FRAG_SUP"),
            (16431, "HASH_ALG"),
            (14, "NO_PROP"),
            (17, "INVAL_KE"),
            (24, "AUTH_FAILED"),
            (38, "TS_UNACCEPT"),
            (16390, "COOKIE"),
            (16406, "REDIR_SUP"),
            (16404, "MULT_AUTH"),
        ];
        for (value, short) in cases {
            assert_eq!(NotifyType(value).short_name(), Some(short), "{value}");
        }
        assert_eq!(NotifyType(16500).short_name(), None);
    }

    #[test]
    fn exchange_and_payload_types() {
        assert_eq!(ExchangeType::IKE_SA_INIT.0, 34);
        assert_eq!(ExchangeType::IKE_INTERMEDIATE.0, 43);
        assert_eq!(ExchangeType::IKE_FOLLOWUP_KE.0, 44);
        assert_eq!(ExchangeType(2).ikev1_name(), Some("ID_PROT"));
        assert_eq!(ExchangeType(99).to_string(), "99");
        assert_eq!(PayloadType::SK.0, 46);
        assert_eq!(PayloadType::SKF.0, 53);
        assert_eq!(PayloadType::NONCE.short_name(), Some("No"));
        assert_eq!(PayloadType(200).short_name(), None);
    }

    #[test]
    fn transform_names() {
        assert_eq!(transform_name(TransformType::ENCR, 12), Some("AES_CBC"));
        assert_eq!(transform_name(TransformType::ENCR, 20), Some("AES_GCM_16"));
        assert_eq!(
            transform_name(TransformType::ENCR, 28),
            Some("CHACHA20_POLY1305")
        );
        assert_eq!(transform_name(TransformType::ENCR, 3), Some("3DES_CBC"));
        assert_eq!(
            transform_name(TransformType::PRF, 5),
            Some("PRF_HMAC_SHA2_256")
        );
        assert_eq!(
            transform_name(TransformType::PRF, 8),
            Some("PRF_AES128_CMAC")
        );
        assert_eq!(
            transform_name(TransformType::INTEG, 12),
            Some("HMAC_SHA2_256_128")
        );
        assert_eq!(transform_name(TransformType::INTEG, 5), Some("AES_XCBC_96"));
        assert_eq!(transform_name(TransformType::KE, 14), Some("MODP_2048"));
        assert_eq!(transform_name(TransformType::KE, 31), Some("CURVE_25519"));
        assert_eq!(
            transform_name(TransformType::ADDKE1, 36),
            Some("ML_KEM_768")
        );
        assert_eq!(transform_name(TransformType::ESN, 0), Some("NO_EXT_SEQ"));
        assert_eq!(transform_name(TransformType(99), 1), None);
        assert_eq!(TransformType::ADDKE3.additional_ke_index(), Some(3));
    }

    #[test]
    fn other_registries() {
        assert_eq!(IdType::FQDN.to_string(), "ID_FQDN");
        assert_eq!(AuthMethod::PSK.to_string(), "pre-shared key");
        assert_eq!(CertEncoding::X509_SIGNATURE.to_string(), "X509_SIGNATURE");
        assert_eq!(TsType::IPV6_ADDR_RANGE.to_string(), "TS_IPV6_ADDR_RANGE");
        assert_eq!(ProtocolId::ESP.to_string(), "ESP");
        assert_eq!(config_attribute_short_name(1), Some("ADDR"));
        assert_eq!(eap_type_short_name(26), Some("MSCHAPV2"));
    }
}
