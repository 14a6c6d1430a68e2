use super::*;

/// A good station file, shared with the operator-facing checks in
/// `tests/station/config_check.rs` (which replace its lines by number).
const GOOD: &str = include_str!("../../tests/good_station.toml");

/// The line number `n` lines after the end of [`GOOD`], for a table appended to it.
fn after_good(n: usize) -> usize {
    GOOD.lines().count() + n
}

#[test]
fn good_config_parses_with_defaults() {
    let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
    assert_eq!(c.printers.len(), 2);
    assert_eq!(c.policy.max_attempts, 3);
    assert_eq!(
        c.printers[1].encoder.as_ref().unwrap().station,
        cetak_drivers::printer::station::EncoderStation::Contactless
    );
    // Typed at load: nothing downstream parses the blangko string again.
    assert_eq!(c.printers[0].blangko, crate::journal::BlangkoType::Kia);
    assert_eq!(c.printers[1].blangko, crate::journal::BlangkoType::KtpEl);
    assert_eq!(
        c.printers[0].uri,
        cetak_drivers::transport::PrinterUri::Tcp {
            host: "127.0.0.1".into(),
            port: 9100
        }
    );
    let reader = &c.printers[1].encoder.as_ref().unwrap().reader;
    assert!(reader.matches("Virtual PCD 00 00"));
    assert_eq!(c.spool_dir(), PathBuf::from("/var/lib/cetak/spool"));
}

#[test]
fn unknown_key_names_key_and_line() {
    let text = GOOD.replace("blangko = \"kia\"", "blangko = \"kia\"\nfeeder = 3");
    match Config::parse(&text, Path::new("t.toml")) {
        Err(ConfigError::Syntax { line, message, .. }) => {
            assert_eq!(line, 12, "{message}");
            assert!(message.contains("feeder"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn wrong_type_names_line() {
    let text = GOOD.replace("id = \"P1\"", "id = 1");
    match Config::parse(&text, Path::new("t.toml")) {
        Err(ConfigError::Syntax { line, .. }) => assert_eq!(line, 9),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

const KEY: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

#[test]
fn trust_keys_parse_with_rotation() {
    let text = format!(
            "{GOOD}\n[[trust.key]]\nkid = \"old\"\npublic_key = \"{KEY}\"\nnot_after = \"2027-06-30T00:00:00Z\"\n\n[[trust.key]]\nkid = \"new\"\npublic_key = \"{KEY}\"\n"
        );
    let c = Config::parse(&text, Path::new("t.toml")).unwrap();
    let store = c.trust_store().unwrap();
    let kids: Vec<_> = store.keys().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, ["new", "old"]);
    assert!(store.keys().any(|k| k.not_after.is_some()));
    assert!(!c.policy.training);
    assert_eq!(c.policy.retention_days, 3);
}

#[test]
fn bad_trust_keys_name_key_and_line() {
    let head = format!("{GOOD}\n[[trust.key]]\nkid = \"k1\"\n");
    let base_line = head.lines().count();
    for (extra, field, line) in [
        (
            "public_key = \"abc\"\n".to_string(),
            "public_key",
            base_line + 1,
        ),
        (
            format!("public_key = \"{KEY}=\"\n"),
            "public_key",
            base_line + 1,
        ),
        (
            format!("public_key = \"{KEY}\"\nnot_after = \"tomorrow\"\n"),
            "not_after",
            base_line + 2,
        ),
        (
            format!(
                "public_key = \"{KEY}\"\n[[trust.key]]\nkid = \"k1\"\npublic_key = \"{KEY}\"\n"
            ),
            "kid",
            base_line + 3,
        ),
    ] {
        let text = format!("{head}{extra}");
        match Config::parse(&text, Path::new("t.toml")) {
            Err(ConfigError::Invalid {
                line: l,
                key,
                id,
                en,
                ..
            }) => {
                let index = if field == "kid" { 1 } else { 0 };
                assert_eq!(key, format!("trust.key[{index}].{field}"), "{en}");
                assert_eq!(l, line, "{en}");
                assert!(id.contains("(kid \"k1\")") && en.contains("(kid \"k1\")"));
                for english in ["must", "given twice", "not an", "bytes"] {
                    assert!(!id.contains(english), "English in {id:?}");
                }
            }
            other => panic!("expected an error for {extra:?}, got {other:?}"),
        }
    }
}

#[test]
fn link_table_parses_and_checks() {
    let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
    assert!(c.link.is_none(), "no [link] = offline station");
    let text = format!(
            "{GOOD}\n[link]\nserver_url = \"https://dinas.example/\"\ntoken_file = \"/etc/cetak/token\"\n"
        );
    let c = Config::parse(&text, Path::new("t.toml")).unwrap();
    let link = c.link.unwrap();
    assert_eq!(link.lease_seconds, 300);
    assert_eq!(link.renew_every(), std::time::Duration::from_secs(150));
    let bad = text.replace("token_file", "lease_seconds = 5\ntoken_file");
    assert!(matches!(
        Config::parse(&bad, Path::new("t.toml")),
        Err(ConfigError::Invalid { key, .. }) if key == "link.lease_seconds"
    ));
    let bad = text.replace("token_file", "tokenfile");
    match Config::parse(&bad, Path::new("t.toml")) {
        Err(ConfigError::Syntax { line, message, .. }) => {
            let expected = bad
                .lines()
                .position(|l| l.starts_with("tokenfile"))
                .map(|i| i + 1);
            assert_eq!(Some(line), expected, "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let bad = text.replace("token_file", "push_listen = \"0.0.0.0:8443\"\ntoken_file");
    assert!(matches!(
        Config::parse(&bad, Path::new("t.toml")),
        Err(ConfigError::Invalid { key, .. }) if key == "link.push_token_file"
    ));
}

#[test]
fn bad_values_name_the_key() {
    let text = GOOD.replace("blangko = \"ktp-el\"", "blangko = \"sim\"");
    match Config::parse(&text, Path::new("t.toml")) {
        Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "printer[1].blangko"),
        other => panic!("expected invalid, got {other:?}"),
    }
    let text = GOOD.replace("id = \"P2\"", "id = \"P1\"");
    assert!(matches!(
        Config::parse(&text, Path::new("t.toml")),
        Err(ConfigError::Invalid { key, .. }) if key == "printer[1].id"
    ));
}

#[test]
fn batch_policies_and_queue_order_are_read_and_checked() {
    let c = Config::parse(GOOD, Path::new("t.toml")).unwrap();
    assert_eq!(
        c.journal_options().batch_order,
        crate::journal::BatchOrder::BatchFirst
    );
    let p = c.validation_policy();
    assert_eq!(p.programmes.names().collect::<Vec<_>>(), ["sekolah"]);
    assert_eq!(
        p.for_batch(Some("sekolah")).unwrap(),
        &crate::job::ValidationPolicy::collective_programme()
    );

    let text = format!(
        "{GOOD}\n[queue]\nbatch_order = \"fifo\"\n\n[validation.policies.pesantren]\n\
             max_image_bytes = 204800\nfirst_issuance_only = true\n"
    );
    let c = Config::parse(&text, Path::new("t.toml")).unwrap();
    assert_eq!(
        c.journal_options().batch_order,
        crate::journal::BatchOrder::Fifo
    );
    let p = c.validation_policy();
    assert_eq!(
        p.programmes.names().collect::<Vec<_>>(),
        ["pesantren", "sekolah"]
    );
    let named = p.for_batch(Some("pesantren")).unwrap();
    assert_eq!(named.max_image_bytes, 204_800);
    assert!(named.first_issuance_only && !named.photo_jpeg_only);
    assert_eq!(p.for_batch(Some("pondok")), Err("pondok"));
    assert_eq!(p.for_batch(None).unwrap(), &p);

    let bad = format!("{GOOD}\n[validation.policies.\"two words\"]\nmax_image_bytes = 1\n");
    match Config::parse(&bad, Path::new("t.toml")) {
        Err(ConfigError::Invalid { key, .. }) => {
            assert_eq!(key, "validation.policies.two words")
        }
        other => panic!("expected an invalid key, got {other:?}"),
    }
    let bad = format!("{GOOD}\n[queue]\nbatch_order = \"school\"\n");
    assert!(matches!(
        Config::parse(&bad, Path::new("t.toml")),
        Err(ConfigError::Syntax { .. })
    ));
}

/// The key and both texts of an `Invalid` error, or a panic.
fn invalid(text: &str) -> (String, usize, String, String) {
    match Config::parse(text, Path::new("t.toml")) {
        Err(ConfigError::Invalid {
            key, line, id, en, ..
        }) => (key, line, id, en),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

#[test]
fn dashboard_off_loopback_needs_tls_and_the_pair_goes_together() {
    let ok = GOOD.to_string() + "\n[dashboard]\nlisten = \"[::1]:0\"\n";
    let d = Config::parse(&ok, Path::new("t.toml")).unwrap().dashboard;
    let d = d.unwrap();
    assert!(d.account_sign_in && d.tls().is_none());

    let text = GOOD.to_string() + "\n[dashboard]\nlisten = \"0.0.0.0:8470\"\n";
    let (key, line, id, en) = invalid(&text);
    assert_eq!((key.as_str(), line), ("dashboard.listen", after_good(3)));
    assert!(
        en.contains("loopback") && en.contains("tls_cert/tls_key"),
        "{en}"
    );
    assert!(
        id.contains("tanpa TLS") && id.contains("tls_cert/tls_key"),
        "{id}"
    );

    let text = GOOD.to_string() + "\n[dashboard]\ntls_cert = \"/etc/cetak/d.crt\"\n";
    let (key, _, id, en) = invalid(&text);
    assert_eq!(key, "dashboard.tls_key");
    assert_eq!(
        (id.as_str(), en.as_str()),
        (
            "tls_cert dan tls_key harus diisi bersama",
            "tls_cert and tls_key go together"
        )
    );
    let text = GOOD.to_string() + "\n[dashboard]\ntls_key = \"/etc/cetak/d.key\"\n";
    assert_eq!(invalid(&text).0, "dashboard.tls_cert");

    let text =
        GOOD.to_string() + "\n[dashboard]\ntls_cert = \"d.crt\"\ntls_key = \"/etc/cetak/d.key\"\n";
    assert_eq!(invalid(&text).0, "dashboard.tls_cert");
    let text = GOOD.to_string() + "\n[dashboard]\nlisten = \"localhost:8470\"\n";
    assert_eq!(invalid(&text).0, "dashboard.listen");
}

#[test]
fn dashboard_tls_files_are_read_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("d.crt"), dir.path().join("d.key"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let with = |cert: &Path, key: &Path| {
        GOOD.to_string()
            + &format!(
                "\n[dashboard]\nlisten = \"0.0.0.0:0\"\ntls_cert = {:?}\ntls_key = {:?}\n",
                cert.display().to_string(),
                key.display().to_string()
            )
    };
    let c = Config::parse(&with(&cert, &key), Path::new("t.toml")).unwrap();
    assert_eq!(c.dashboard.unwrap().tls(), Some((&*cert, &*key)));
    // The key where the certificate should be: no certificate in it.
    let (k, line, id, en) = invalid(&with(&key, &key));
    assert_eq!((k.as_str(), line), ("dashboard.tls_cert", after_good(4)));
    assert!(id.contains("sertifikat") && id.contains("PEM"), "{id}");
    assert!(en.contains("certificate") && en.contains("PEM"), "{en}");
    let missing = dir.path().join("none.key");
    let (k, _, id, en) = invalid(&with(&cert, &missing));
    assert_eq!(k, "dashboard.tls_key");
    assert!(id.contains("tidak ada"), "{id}");
    assert!(en.contains("no such file"), "{en}");
}
