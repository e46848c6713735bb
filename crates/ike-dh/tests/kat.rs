//! Known-answer tests: published vectors (RFC 5903 section 8, RFC 7748 sections 5.2 and 6) and,
//! for the MODP groups and P-521 where no RFC publishes one, vectors made with OpenSSL 3.0
//! (`openssl genpkey`/`pkeyutl -derive`; group 2 with Python's `pow`), i.e. by another
//! implementation.
use ike_dh::{DhError, KeyPair};
use ike_wire::DhGroup;

fn hex(s: &str) -> Vec<u8> {
    let mut s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if s.len() % 2 == 1 {
        s.insert(0, '0');
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn kat(group: DhGroup, private: &str, own_public: Option<&str>, peer: &str, shared: &str) {
    let pair = KeyPair::from_private(group, &hex(private)).unwrap();
    if let Some(own) = own_public {
        assert_eq!(pair.public(), &hex(own)[..], "{group} public value");
    }
    let got = pair.shared_secret(&hex(peer)).unwrap();
    assert_eq!(&got[..], &hex(shared)[..], "{group} shared secret");
}

#[test]
fn rfc5903_ecp_256() {
    kat(
        DhGroup::ECP_256,
        "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
        Some(
            "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180
             5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
        ),
        "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63
         56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
        "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE",
    );
    // The responder's side of the same exchange.
    kat(
        DhGroup::ECP_256,
        "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
        Some(
            "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63
             56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
        ),
        "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180
         5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
        "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE",
    );
}

#[test]
fn rfc5903_ecp_384() {
    kat(
        DhGroup::ECP_384,
        "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655
         E35B5380 41E649EE 3FAEF896 783AB194",
        None,
        "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D
         0D1AC43A 0336DEF9 6FDA41D0 774A3571 DCFBEC7A ACF31964 72169E83 8430367F
         66EEBE3C 6E70C416 DD5F0C68 759DD1FF F83FA401 42209DFF 5EAAD96D B9E6386C",
        "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4
         D6031355 69B9E9D0 9CF5D4A2 70F59746",
    );
}

#[test]
fn openssl_ecp_521() {
    kat(
        DhGroup::ECP_521,
        "01539974d6525d254cf482e6ab10bf5b7ff0e6fad1b78e083d57f2d66b602518de767cd1002a673505693a2b18743b10b673ab86bf5a08ce74a098cb1ab2b3b2876d",
        None,
        "01e97bcb21455ef67d209342efec6c5ebcc9e60998ebd801bc73bca6575cd024d638d6bbd3cc0116184dd7fefcabafc55e2c69d9e7010126b963d7c979c7cf6bd1aa000a5f652c90fc02e1bcd58dba94fefab0e4564697056ccde852423545fd7532545b550575692aad8787ae1017f42395cf639465ec948cb3423227c22b0e28f22da0",
        "002fa70224c4bb79d711095b4be60dd62114f22a7721ba32db85ab17010c1c3f2984cb95e40b896145457cfa675f3899d1b58fd8f1452bfe49c1fde49bd1e0a27aba",
    );
}

#[test]
fn rfc7748_curve25519() {
    // Section 5.2: scalar multiplication of an arbitrary u-coordinate.
    kat(
        DhGroup::CURVE_25519,
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        None,
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    );
    kat(
        DhGroup::CURVE_25519,
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        None,
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    );
}

#[test]
fn rfc7748_curve448() {
    kat(
        DhGroup::CURVE_448,
        "3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3",
        None,
        "06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086",
        "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f",
    );
    kat(
        DhGroup::CURVE_448,
        "203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c538345dd77c3e4806e25f46d3315c44e0a5b4371282dd2c8d5be3095f",
        None,
        "0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b165d015894e56c4d3570bee52fe205e28a78b91cdfbde71ce8d157db",
        "884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7ad1b3ee3a5700df34321d62077e63633c575c1c954514e99da7c179d",
    );
}

/// `tests/vectors/modp.txt`: one line per group, `BITS PRIVATE PEER_PUBLIC SHARED` in hex.
#[test]
fn modp_groups_agree_with_another_implementation() {
    let mut seen = Vec::new();
    for line in include_str!("vectors/modp.txt").lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [bits, private, peer, shared] = fields[..] else {
            panic!("bad vector line {line}")
        };
        let group = match bits {
            "1024" => DhGroup::MODP_1024,
            "1536" => DhGroup::MODP_1536,
            "2048" => DhGroup::MODP_2048,
            "3072" => DhGroup::MODP_3072,
            "4096" => DhGroup::MODP_4096,
            "6144" => DhGroup::MODP_6144,
            "8192" => DhGroup::MODP_8192,
            other => panic!("unknown group {other}"),
        };
        kat(group, private, None, peer, shared);
        seen.push(group);
    }
    assert_eq!(seen.len(), 7, "every MODP group has a vector");
}

#[test]
fn invalid_ecp_point_is_refused() {
    let pair = KeyPair::generate(DhGroup::ECP_256).unwrap();
    let mut not_on_curve = pair.public().to_vec();
    not_on_curve[63] ^= 1;
    assert_eq!(
        pair.shared_secret(&not_on_curve).unwrap_err(),
        DhError::InvalidPublicValue
    );
}
