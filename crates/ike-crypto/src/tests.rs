//! Known-answer tests from the RFCs' and NIST's vectors, and round trips of the SK payload.

use super::*;

fn h(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn range(start: u8, end: u8) -> Vec<u8> {
    (start..end).collect()
}

const JEFE: &[u8] = b"what do ya want for nothing?";

#[test]
fn hmac_prfs_rfc2202_rfc4231_test_case_2() {
    assert_eq!(
        Prf::HmacMd5.compute(b"Jefe", JEFE),
        h("750c783e6ab0b503eaa86e310a5db738")
    );
    assert_eq!(
        Prf::HmacSha1.compute(b"Jefe", JEFE),
        h("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    );
    assert_eq!(
        Prf::HmacSha256.compute(b"Jefe", JEFE),
        h("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    );
    assert_eq!(
        Prf::HmacSha384.compute(b"Jefe", JEFE),
        h("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")
    );
    assert_eq!(
        Prf::HmacSha512.compute(b"Jefe", JEFE),
        h("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
    );
}

#[test]
fn hmac_integrity_truncation_rfc4868() {
    // RFC 4868 2.7.2: the truncated ICVs are the leading octets of the RFC 4231 HMACs.
    let parts: [&[u8]; 2] = [b"what do ya ", b"want for nothing?"];
    assert_eq!(
        Integrity::HmacSha1_96.compute(b"Jefe", &parts).unwrap(),
        h("effcdf6ae5eb2fa2d27416d5")
    );
    assert_eq!(
        Integrity::HmacMd5_96.compute(b"Jefe", &parts).unwrap(),
        h("750c783e6ab0b503eaa86e31")
    );
    assert_eq!(
        Integrity::HmacSha256_128.compute(b"Jefe", &parts).unwrap(),
        h("5bdcc146bf60754e6a042426089575c7")
    );
    assert_eq!(
        Integrity::HmacSha384_192.compute(b"Jefe", &parts).unwrap(),
        h("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47")
    );
    assert_eq!(
        Integrity::HmacSha512_256.compute(b"Jefe", &parts).unwrap(),
        h("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554")
    );
}

#[test]
fn aes_xcbc_mac_rfc3566() {
    let key: [u8; 16] = range(0, 16).try_into().unwrap();
    let cases: [(Vec<u8>, &str); 7] = [
        (vec![], "75f0251d528ac01c4573dfd584d79f29"),
        (range(0, 3), "5b376580ae2f19afe7219ceef172756f"),
        (range(0, 16), "d2a246fa349b68a79998a4394ff7a263"),
        (range(0, 20), "47f51b4564966215b8985c63055ed308"),
        (range(0, 32), "f54f0ec8d2b9f3d36807734bd5283fd4"),
        (range(0, 34), "becbb3bccdb518a30677d5481fb6b4d8"),
        (vec![0; 1000], "f0dafee895db30253761103b5d84528f"),
    ];
    for (message, mac) in cases {
        assert_eq!(
            aes_xcbc_mac(&key, &message).to_vec(),
            h(mac),
            "message of {} bytes",
            message.len()
        );
    }
    assert_eq!(
        Integrity::AesXcbc96.compute(&key, &[&range(0, 3)]).unwrap(),
        h("5b376580ae2f19afe7219cee")
    );
}

#[test]
fn aes_xcbc_prf_128_rfc4434() {
    let message = range(0, 20);
    assert_eq!(
        Prf::Aes128Xcbc.compute(&range(0, 16), &message),
        h("47f51b4564966215b8985c63055ed308")
    );
    assert_eq!(
        Prf::Aes128Xcbc.compute(&range(0, 10), &message),
        h("0fa087af7d866e7653434e602fdde835")
    );
    let long_key = [range(0, 16), h("edcb")].concat();
    assert_eq!(
        Prf::Aes128Xcbc.compute(&long_key, &message),
        h("8cd3c93ae598a9803006ffb67c40e9e4")
    );
}

#[test]
fn aes_cmac_rfc4493() {
    let key: [u8; 16] = h("2b7e151628aed2a6abf7158809cf4f3c").try_into().unwrap();
    assert_eq!(
        aes_cmac(&key, &[]).to_vec(),
        h("bb1d6929e95937287fa37d129b756746")
    );
    assert_eq!(
        aes_cmac(&key, &h("6bc1bee22e409f96e93d7e117393172a")).to_vec(),
        h("070a16b46b4d4144f79bdd9dd04a287c")
    );
    let m40 =
        h("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411");
    assert_eq!(
        aes_cmac(&key, &m40).to_vec(),
        h("dfa66747de9ae63030ca32611497c827")
    );
    assert_eq!(
        Integrity::AesCmac96
            .compute(&key, &[&m40[..7], &m40[7..]])
            .unwrap(),
        h("dfa66747de9ae63030ca3261")
    );
}

#[test]
fn aes_cmac_prf_128_rfc4615() {
    let message = range(0, 20);
    assert_eq!(
        Prf::Aes128Cmac.compute(&range(0, 16), &message),
        h("980ae87b5f4c9c5214f5b6a8455e4c2d")
    );
    assert_eq!(
        Prf::Aes128Cmac.compute(&range(0, 10), &message),
        h("290d9e112edb09ee141fcf64c0b72f3d")
    );
    let long_key = [range(0, 16), h("edcb")].concat();
    assert_eq!(
        Prf::Aes128Cmac.compute(&long_key, &message),
        h("84a348a4a45d235babfffc0d2b4da09a")
    );
}

#[test]
fn prf_plus_follows_rfc7296_2_13() {
    let key = b"key";
    let seed = b"seed";
    let t1 = Prf::HmacSha256.compute(key, &[&seed[..], &[1]].concat());
    let t2 = Prf::HmacSha256.compute(key, &[&t1[..], &seed[..], &[2]].concat());
    let out = prf_plus(Prf::HmacSha256, key, seed, 40).unwrap();
    assert_eq!(out, [t1, t2[..8].to_vec()].concat());
    assert!(prf_plus(Prf::HmacSha1, key, seed, 20 * 255).is_ok());
    assert!(matches!(
        prf_plus(Prf::HmacSha1, key, seed, 20 * 255 + 1),
        Err(CryptoError::KeyMaterialTooLong { .. })
    ));
}

/// A non-AEAD SkCipher with a given cipher key and a zero HMAC-SHA1 key, for the cipher KATs.
fn cbc_or_ctr(encryption: Encryption, key: &[u8]) -> SkCipher {
    let suite = IkeSuite {
        encryption,
        integrity: Some(Integrity::HmacSha1_96),
        prf: Prf::HmacSha1,
    };
    SkCipher::new(&suite, key, &[0; 20]).unwrap()
}

fn encrypt(cipher: &SkCipher, iv: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut text = plaintext.to_vec();
    cipher.cipher_apply(iv, &mut text, true).unwrap();
    text
}

fn decrypt(cipher: &SkCipher, iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut text = ciphertext.to_vec();
    cipher.cipher_apply(iv, &mut text, false).unwrap();
    text
}

#[test]
fn aes_cbc_rfc3602_cases_1_and_2() {
    let cipher = cbc_or_ctr(
        Encryption::AesCbc { key_bits: 128 },
        &h("06a9214036b8a15b512e03d534120006"),
    );
    let iv = h("3dafba429d9eb430b422da802c9fac41");
    let ct = h("e353779c1079aeb82708942dbe77181a");
    assert_eq!(encrypt(&cipher, &iv, b"Single block msg"), ct);
    assert_eq!(decrypt(&cipher, &iv, &ct), b"Single block msg".to_vec());

    let cipher = cbc_or_ctr(
        Encryption::AesCbc { key_bits: 128 },
        &h("c286696d887c9aa0611bbb3e2025a45a"),
    );
    let iv = h("562e17996d093d28ddb3ba695a2e6f58");
    let ct = h("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");
    assert_eq!(encrypt(&cipher, &iv, &range(0, 32)), ct);
    assert_eq!(decrypt(&cipher, &iv, &ct), range(0, 32));
}

#[test]
fn aes_ctr_rfc3686_vectors_1_and_2() {
    // Key material is the AES key followed by the 4-byte nonce (RFC 5930 2).
    let cipher = cbc_or_ctr(
        Encryption::AesCtr { key_bits: 128 },
        &h("ae6852f8121067cc4bf7a5765577f39e 00000030"),
    );
    let ct = h("e4095d4fb7a7b3792d6175a3261311b8");
    assert_eq!(encrypt(&cipher, &[0; 8], b"Single block msg"), ct);
    assert_eq!(decrypt(&cipher, &[0; 8], &ct), b"Single block msg".to_vec());

    let cipher = cbc_or_ctr(
        Encryption::AesCtr { key_bits: 128 },
        &h("7e24067817fae0d743d6ce1f32539163 006cb6db"),
    );
    let iv = h("c0543b59da48d90b");
    let ct = h("5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28");
    assert_eq!(encrypt(&cipher, &iv, &range(0, 32)), ct);
}

#[test]
fn triple_des_sp800_67_example() {
    let key = h("0123456789abcdef 23456789abcdef01 456789abcdef0123");
    let cipher = cbc_or_ctr(Encryption::TripleDesCbc, &key);
    // SP 800-67 gives ECB blocks; CBC with a zero IV on one block is ECB of that block.
    let plaintext = b"The qufck brown fox jump";
    let ecb = h("a826fd8ce53b855f cce21c8112256fe6 68d5c05dd9b6b900");
    for (p, c) in plaintext.chunks(8).zip(ecb.chunks(8)) {
        assert_eq!(encrypt(&cipher, &[0; 8], p), c.to_vec());
        assert_eq!(decrypt(&cipher, &[0; 8], c), p.to_vec());
    }
}

#[test]
fn aes_gcm_mcgrew_viega_test_case_4_with_each_icv_length() {
    // Test Case 4 of "The Galois/Counter Mode of Operation": the 12-byte IV splits into the
    // 4-byte salt (end of SK_e) and the 8-byte IV of the payload (RFC 5282 4).
    let key = h("feffe9928665731c6d6a8f9467308308 cafebabe");
    let iv = h("facedbaddecaf888");
    let aad = h("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let plaintext = h("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    let ct = h("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
    let tag = h("5bc94fbc3221a5db94fae95ae7121a47");
    for icv_len in [8u8, 12, 16] {
        let suite = IkeSuite {
            encryption: Encryption::AesGcm {
                key_bits: 128,
                icv_len,
            },
            integrity: None,
            prf: Prf::HmacSha256,
        };
        let cipher = SkCipher::new(&suite, &key, &[]).unwrap();
        let mut text = plaintext.clone();
        let icv = cipher.aead_seal(&aad, &iv, &mut text).unwrap();
        assert_eq!(text, ct);
        assert_eq!(icv, tag[..usize::from(icv_len)].to_vec());
        // open() strips the last octet as pad length (0x39 = 57 octets of padding).
        let body = [iv.clone(), ct.clone(), icv].concat();
        assert_eq!(
            cipher.open(&aad, &body).unwrap(),
            plaintext[..plaintext.len() - 58].to_vec()
        );
        let mut corrupted = body.clone();
        corrupted[10] ^= 1;
        assert_eq!(
            cipher.open(&aad, &corrupted),
            Err(CryptoError::IntegrityCheckFailed)
        );
        assert_eq!(
            cipher.open(b"other aad", &body),
            Err(CryptoError::IntegrityCheckFailed)
        );
    }
}

#[test]
fn ccm_rfc3610_packet_vector_1() {
    // The CCM construction the IKE cipher uses, with RFC 3610's 13-byte nonce.
    use ccm::aead::{Aead, KeyInit, Payload};
    use ccm::consts::{U13, U8};
    let cipher = ccm::Ccm::<aes::Aes128, U8, U13>::new_from_slice(&range(0xc0, 0xd0)).unwrap();
    let out = cipher
        .encrypt(
            h("00000003020100a0a1a2a3a4a5").as_slice().into(),
            Payload {
                msg: &range(8, 0x1f),
                aad: &range(0, 8),
            },
        )
        .unwrap();
    assert_eq!(
        out,
        h("588c979a61c663d2f066d0c2c0f989806d5f6b61dac384 17e8d12cfdf926e0")
    );
}

#[test]
fn aes_ccm_with_rfc4309_nonce() {
    // RFC 4309 gives no vectors; these come from pyca/cryptography's AESCCM with the 11-byte
    // nonce salt | IV, an implementation independent of the one used here.
    let key = [range(0x40, 0x50), h("a1a2a3")].concat();
    let iv = h("0001020304050607");
    let aad = range(0x20, 0x40);
    let plaintext = h("494b455f4155544820696e6e6572207061796c6f6164730000");
    let ct = "84d372e1815113fa9b8770e45f76717c821b22b12692a26662";
    let tags = [
        (8u8, "d1bf0bde8b8764af"),
        (12, "35a0fbc4b19c389e29bd2496"),
        (16, "cefe4566bba9e9fad681f54de982db10"),
    ];
    for (icv_len, tag) in tags {
        let suite = IkeSuite {
            encryption: Encryption::AesCcm {
                key_bits: 128,
                icv_len,
            },
            integrity: None,
            prf: Prf::HmacSha256,
        };
        let cipher = SkCipher::new(&suite, &key, &[]).unwrap();
        let body = [iv.clone(), h(ct), h(tag)].concat();
        assert_eq!(
            cipher.open(&aad, &body).unwrap(),
            plaintext[..plaintext.len() - 1].to_vec()
        );
        assert_eq!(
            cipher
                .seal(&aad, &plaintext[..plaintext.len() - 1], &iv)
                .unwrap(),
            body
        );
        let mut corrupted = body.clone();
        corrupted[9] ^= 0x80;
        assert_eq!(
            cipher.open(&aad, &corrupted),
            Err(CryptoError::IntegrityCheckFailed)
        );
    }
}

#[test]
fn chacha20_poly1305_rfc7539_2_8_2() {
    // RFC 7634 2: the 12-byte nonce is the 4-byte salt (end of SK_e) and the 8-byte IV.
    let key = [range(0x80, 0xa0), h("07000000")].concat();
    let iv = h("4041424344454647");
    let aad = h("50515253c0c1c2c3c4c5c6c7");
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let expected = h("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116");
    let suite = IkeSuite {
        encryption: Encryption::ChaCha20Poly1305,
        integrity: None,
        prf: Prf::HmacSha256,
    };
    let cipher = SkCipher::new(&suite, &key, &[]).unwrap();
    let mut text = plaintext.to_vec();
    let tag = cipher.aead_seal(&aad, &iv, &mut text).unwrap();
    assert_eq!(text, expected);
    assert_eq!(tag, h("1ae10b594f09e26a7e902ecbd0600691"));
    let body = [iv.clone(), expected, tag].concat();
    // The last plaintext octet '.' (0x2e) reads as 46 octets of padding.
    assert_eq!(
        cipher.open(&aad, &body).unwrap(),
        plaintext[..plaintext.len() - 47].to_vec()
    );
}

fn all_suites() -> Vec<IkeSuite> {
    let mut suites = Vec::new();
    let integrities = [
        Integrity::HmacMd5_96,
        Integrity::HmacSha1_96,
        Integrity::AesXcbc96,
        Integrity::AesCmac96,
        Integrity::HmacSha256_128,
        Integrity::HmacSha384_192,
        Integrity::HmacSha512_256,
    ];
    for key_bits in [128, 192, 256] {
        for integrity in integrities {
            for encryption in [
                Encryption::AesCbc { key_bits },
                Encryption::AesCtr { key_bits },
            ] {
                suites.push(IkeSuite {
                    encryption,
                    integrity: Some(integrity),
                    prf: Prf::HmacSha256,
                });
            }
        }
        for icv_len in [8, 12, 16] {
            for encryption in [
                Encryption::AesGcm { key_bits, icv_len },
                Encryption::AesCcm { key_bits, icv_len },
            ] {
                suites.push(IkeSuite {
                    encryption,
                    integrity: None,
                    prf: Prf::Aes128Xcbc,
                });
            }
        }
    }
    suites.push(IkeSuite {
        encryption: Encryption::TripleDesCbc,
        integrity: Some(Integrity::HmacSha1_96),
        prf: Prf::HmacSha1,
    });
    suites.push(IkeSuite {
        encryption: Encryption::ChaCha20Poly1305,
        integrity: None,
        prf: Prf::HmacSha512,
    });
    suites
}

#[test]
fn every_suite_round_trips_and_detects_wrong_keys() {
    for suite in all_suites() {
        let keys = derive_ike_sa_keys(
            &suite,
            &[1; 32],
            &[2; 32],
            &[3; 256],
            0x0102030405060708,
            0x1112131415161718,
        )
        .unwrap();
        assert_eq!(
            keys.sk_ei.len(),
            suite.encryption.key_material_len(),
            "{suite:?}"
        );
        let i = keys.initiator_cipher(&suite).unwrap();
        let r = keys.responder_cipher(&suite).unwrap();
        for inner_len in [0usize, 1, 15, 16, 17, 100] {
            let inner = vec![0xab; inner_len];
            let iv = vec![7; suite.encryption.iv_len()];
            let body = i.seal(b"IKE header and SK header", &inner, &iv).unwrap();
            assert_eq!(body.len(), i.sealed_len(inner_len), "{suite:?}");
            assert_eq!(
                i.open(b"IKE header and SK header", &body).unwrap(),
                inner,
                "{suite:?}"
            );
            assert!(
                r.open(b"IKE header and SK header", &body).is_err(),
                "{suite:?}"
            );
            assert_eq!(
                r.open(b"IKE header and SK header", &body),
                Err(CryptoError::IntegrityCheckFailed),
                "{suite:?}"
            );
            for cut in 0..body.len().min(12) {
                let _ = i.open(b"x", &body[..cut]);
            }
        }
    }
}

#[test]
fn transform_ids_round_trip() {
    for suite in all_suites() {
        let back = IkeSuite::from_transform_ids(
            suite.encryption.transform_id(),
            suite.encryption.key_bits(),
            suite.integrity.map(Integrity::transform_id),
            suite.prf.transform_id(),
        )
        .unwrap();
        assert_eq!(back, suite);
    }
    assert!(IkeSuite::from_transform_ids(12, Some(128), None, 2).is_err());
    assert!(IkeSuite::from_transform_ids(20, Some(256), Some(12), 2).is_err());
    assert!(IkeSuite::from_transform_ids(12, Some(100), Some(12), 2).is_err());
    assert!(IkeSuite::from_transform_ids(99, None, Some(12), 2).is_err());
}

#[test]
fn key_derivation_layout_rfc7296_2_14() {
    let suite = IkeSuite::from_transform_ids(12, Some(256), Some(12), 5).unwrap();
    let (ni, nr, gir) = (vec![0x11; 32], vec![0x22; 32], vec![0x33; 256]);
    let (spi_i, spi_r) = (0x8899aabbccddeeffu64, 0x0011223344556677u64);
    let seed = Prf::HmacSha256.compute(&[ni.clone(), nr.clone()].concat(), &gir);
    assert_eq!(skeyseed(Prf::HmacSha256, &ni, &nr, &gir), seed);
    let keys = derive_ike_sa_keys(&suite, &ni, &nr, &gir, spi_i, spi_r).unwrap();
    let stream = prf_plus(
        Prf::HmacSha256,
        &seed,
        &[
            ni.clone(),
            nr.clone(),
            spi_i.to_be_bytes().to_vec(),
            spi_r.to_be_bytes().to_vec(),
        ]
        .concat(),
        32 * 3 + 32 * 2 + 32 * 2,
    )
    .unwrap();
    assert_eq!(keys.sk_d, stream[0..32].to_vec());
    assert_eq!(keys.sk_ai, stream[32..64].to_vec());
    assert_eq!(keys.sk_ar, stream[64..96].to_vec());
    assert_eq!(keys.sk_ei, stream[96..128].to_vec());
    assert_eq!(keys.sk_er, stream[128..160].to_vec());
    assert_eq!(keys.sk_pi, stream[160..192].to_vec());
    assert_eq!(keys.sk_pr, stream[192..224].to_vec());
    assert!(
        !format!("{keys:?}").contains("17"),
        "Debug must not print key bytes"
    );

    // AES-XCBC/CMAC PRFs key SKEYSEED with the first 64 bits of each nonce only.
    let xcbc = skeyseed(Prf::Aes128Xcbc, &ni, &nr, &gir);
    assert_eq!(
        xcbc,
        Prf::Aes128Xcbc.compute(&[&ni[..8], &nr[..8]].concat(), &gir)
    );

    let child = child_sa_keymat(Prf::HmacSha256, &keys.sk_d, None, &ni, &nr, 64).unwrap();
    assert_eq!(
        child,
        prf_plus(
            Prf::HmacSha256,
            &keys.sk_d,
            &[ni.clone(), nr.clone()].concat(),
            64
        )
        .unwrap()
    );
    let rekeyed = rekey_skeyseed(Prf::HmacSha256, &keys.sk_d, &gir, &ni, &nr);
    assert_eq!(
        rekeyed,
        Prf::HmacSha256.compute(&keys.sk_d, &[gir, ni, nr].concat())
    );
}
