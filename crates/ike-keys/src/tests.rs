use super::*;

#[test]
fn wireshark_table_line() {
    let text = "# comment\n\"0011223344556677\",\"8899aabbccddeeff\",\"000102030405060708090a0b0c0d0e0f\",\"101112131415161718191a1b1c1d1e1f\",\"AES-CBC-128 [RFC3602]\",\"2021222324252627282922232425262728292a2b\",\"3031323334353637383932333435363738393a3b\",\"HMAC_SHA1_96 [RFC2404]\"\n";
    assert!(looks_like_keys(text.as_bytes()));
    let table = parse(text.as_bytes());
    assert_eq!(table.format, Some(KeyFormat::WiresharkTable));
    assert_eq!(table.sets.len(), 1, "{:?}", table.notes);
    let set = &table.sets[0];
    assert_eq!(set.spi_i, Some(0x0011223344556677));
    assert_eq!(set.spi_r, Some(0x8899aabbccddeeff));
    assert_eq!(set.encryption, Encryption::from_transform_id(12, Some(128)));
    assert_eq!(set.integrity, IntegritySpec::Some(Integrity::HmacSha1_96));
    assert_eq!(set.sk_ei.len(), 16);
    assert_eq!(set.sk_ai.len(), 20);
    assert_eq!(
        set.to_wireshark_line().unwrap(),
        text.lines().nth(1).unwrap()
    );
    let debug = format!("{set:?}");
    assert!(!debug.contains("000102"), "{debug}");
}

#[test]
fn save_keys_line_with_aead() {
    let text = "6487b0020437136e,adc2acf01f1da7f3,000102030405060708090a0b0c0d0e0f10111213,101112131415161718191a1b1c1d1e1f20212223,\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n";
    let table = parse(text.as_bytes());
    assert_eq!(table.format, Some(KeyFormat::StrongswanSaveKeys));
    let set = &table.sets[0];
    assert_eq!(set.integrity, IntegritySpec::None);
    assert!(set.sk_ai.is_empty());
    assert_eq!(set.encryption.unwrap().key_material_len(), 20);
}

#[test]
fn unusable_lines_become_notes() {
    let text = "a,b\n0011223344556677,8899aabbccddeeff,00,00,\"FOO\",,,\"NONE [RFC4306]\"\n\"\",\n";
    let table = parse(text.as_bytes());
    assert!(table.sets.is_empty());
    assert_eq!(table.notes.len(), 3, "{:?}", table.notes);
}

const CHARON: &str = "\
14[IKE] <home|1> initiating IKE_SA home[1] to 10.99.2.2
15[IKE] <home|1> natd_chunk => 22 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: 99 76 01 98 58 B1 FE DF E9 8D B0 A2 B0 A7 F7 BD  .v..X...........
15[IKE] <home|1>   16: 0A 63 02 03 01 F4                                .c....
15[IKE] <home|1> selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519
15[IKE] <home|1> Sk_d secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1> Sk_ai secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: A0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: A0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1> Sk_ar secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: B0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: B0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1> Sk_ei secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: C0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: C0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1> Sk_er secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: D0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: D0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1> Sk_pi secret => 32 bytes @ 0x7f4bf0003000
15[IKE] <home|1>    0: E0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
15[IKE] <home|1>   16: E0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................
";

#[test]
fn charon_level_4_log() {
    assert!(looks_like_keys(CHARON.as_bytes()));
    let table = parse(CHARON.as_bytes());
    assert_eq!(table.format, Some(KeyFormat::CharonLog));
    assert_eq!(table.sets.len(), 1, "{:?}", table.notes);
    let set = &table.sets[0];
    assert_eq!(set.spi_i, Some(0x99760198_58b1fedf));
    assert_eq!(set.spi_r, Some(0xe98db0a2_b0a7f7bd));
    assert_eq!(set.encryption, Encryption::from_transform_id(12, Some(256)));
    assert_eq!(
        set.integrity,
        IntegritySpec::Some(Integrity::HmacSha256_128)
    );
    assert_eq!(set.sk_ai[0], 0xa0);
    assert_eq!(set.sk_ei[0], 0xc0);
    assert_eq!(set.sk_er.len(), 32);
    assert_eq!(set.sk_er[16], 0xd0);
}

#[test]
fn hostile_inputs_do_not_panic() {
    for text in [
        "Sk_ei secret => 99999999999 bytes\n   0: ZZ",
        "Sk_ei secret =>",
        "<<<<>>>> Sk_d secret => 4 bytes\n 0: 01",
        "\"\\",
        ",,,,,,,",
        "natd_chunk => 1\n0: 00",
    ] {
        let _ = parse(text.as_bytes());
    }
}

#[test]
fn key_material_is_stripped_and_the_rest_kept() {
    let log = "Dec  6 06:00:01 gw charon: 15[IKE] <home|1> Sk_ei secret => 32 bytes @ 0x7f4bf0003000\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1>    0: C0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1>   16: C1 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F  ................\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1> shared Diffie Hellman secret => 2 bytes @ 0x1\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1>    0: DD EE                                            ..\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1> natd_chunk => 22 bytes @ 0x2\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1>    0: 0A 0B                                            ..\n\
Dec  6 06:00:01 gw charon: 15[IKE] <home|1> authentication of 'gw' (myself) with pre-shared key successful\n";
    let (out, removed) = crate::strip_key_material(log);
    assert_eq!(removed, 3, "{out}");
    // Every dump goes (decrypted payloads hold passwords); the story of the exchange stays.
    for dumped in ["C0 01", "C1 01", "DD EE", "0A 0B"] {
        assert!(!out.contains(dumped), "{out}");
    }
    assert!(out.contains("natd_chunk => 22 bytes") && out.contains("pre-shared key successful"));
    assert!(out.contains("Sk_ei secret => 32 bytes @ 0x7f4bf0003000 [key material removed]"));
    // What is left has no keys for the reader of key logs either.
    assert!(parse(out.as_bytes()).sets.is_empty());
    // A log cut inside a key's dump: its orphan lines go too.
    let cut = log
        .split_once('\n')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let (out, _) = crate::strip_key_material(cut);
    assert!(!out.contains("C0 01") && !out.contains("C1 01"), "{out}");
}
