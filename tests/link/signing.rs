//! Signed jobs: JWS compact / EdDSA verification rules, against the public API.

use base64::Engine as _;
use cetak::cli::demo::key as demo;
use cetak::messages::MessageText as _;
use cetak::signing::{
    self, parse_private_key, parse_public_key, sign, sign_with_header, Jws, SignatureError,
    TrustStore,
};
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::SigningKey;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

// RFC 8037 appendix A.1 / A.4.
const RFC_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const RFC_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn store() -> TrustStore {
    TrustStore::new()
        .with_key("k1", key(1).verifying_key(), None)
        .unwrap()
}

const PAYLOAD: &[u8] = br#"{"job_id":"J-1","x":"y"}"#;

fn code(r: Result<Vec<u8>, SignatureError>) -> &'static str {
    r.expect_err("must be refused").code()
}

#[test]
fn rfc8037_known_answer() {
    let sk = parse_private_key(RFC_D).unwrap();
    assert_eq!(signing::b64url(sk.verifying_key().as_bytes()), RFC_X);
    // Ed25519 is deterministic: our signer gives the RFC's bytes exactly.
    let ours = sign_with_header(&sk, r#"{"alg":"EdDSA"}"#, b"Example of Ed25519 signing");
    assert_eq!(ours, RFC_JWS);
    // And our parser/verifier accepts the RFC's JWS with the RFC's public key.
    let jws = Jws::parse(RFC_JWS.as_bytes()).unwrap();
    jws.check_alg().unwrap();
    jws.verify_with(&parse_public_key(RFC_X).unwrap()).unwrap();
    assert_eq!(jws.payload, b"Example of Ed25519 signing");
    // The station needs a kid to pick the key: the bare RFC example is refused by the store.
    let store = TrustStore::new()
        .with_key("rfc", parse_public_key(RFC_X).unwrap(), None)
        .unwrap();
    assert_eq!(code(store.verify(RFC_JWS, now())), "malformed_jws");
}

#[test]
fn round_trip_returns_the_payload_and_the_header_is_as_documented() {
    let jws = sign(&key(1), "k1", PAYLOAD);
    assert_eq!(store().verify(&jws, now()).unwrap(), PAYLOAD);
    // A trailing newline (file written by `cetak sign > x.jws`) is fine.
    assert_eq!(store().verify(&format!("{jws}\n"), now()).unwrap(), PAYLOAD);
    let header = B64.decode(jws.split('.').next().unwrap()).unwrap();
    let h: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(
        h,
        serde_json::json!({"alg":"EdDSA","kid":"k1","typ":"cetak-job+jws"})
    );
}

#[test]
fn missing_signature_is_unsigned() {
    let jws = sign(&key(1), "k1", PAYLOAD);
    let (input, _) = jws.rsplit_once('.').unwrap();
    assert_eq!(
        code(store().verify(&format!("{input}."), now())),
        "unsigned"
    );
    assert_eq!(code(store().verify(input, now())), "unsigned");
    assert_eq!(
        code(store().verify(std::str::from_utf8(PAYLOAD).unwrap(), now())),
        "unsigned"
    );
    assert_eq!(code(store().verify("", now())), "unsigned");
    assert_eq!(code(store().verify("a.b.c.d", now())), "unsigned");
}

#[test]
fn alg_none_and_other_algorithms_are_refused() {
    // Unsecured JWS: `none` with an empty signature.
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","kid":"k1"}"#),
        B64.encode(PAYLOAD)
    );
    assert_eq!(code(store().verify(&none, now())), "unsigned");
    // `none` with a real Ed25519 signature over the input is still refused by alg.
    let none_signed = sign_with_header(&key(1), r#"{"alg":"none","kid":"k1"}"#, PAYLOAD);
    assert_eq!(
        store().verify(&none_signed, now()),
        Err(SignatureError::UnsupportedAlgorithm("none".into()))
    );
    for alg in ["HS256", "ES256", "RS256", "Ed25519", "eddsa"] {
        let j = sign_with_header(
            &key(1),
            &format!(r#"{{"alg":"{alg}","kid":"k1"}}"#),
            PAYLOAD,
        );
        assert_eq!(code(store().verify(&j, now())), "unsupported_alg", "{alg}");
    }
    let j = sign_with_header(&key(1), r#"{"kid":"k1"}"#, PAYLOAD);
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
}

#[test]
fn keys_in_the_header_and_crit_are_refused() {
    let attacker = key(9);
    let x = signing::b64url(attacker.verifying_key().as_bytes());
    for header in [
        format!(r#"{{"alg":"EdDSA","kid":"k1","jwk":{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}}}"#),
        r#"{"alg":"EdDSA","kid":"k1","x5u":"https://evil.example/cert"}"#.to_string(),
        r#"{"alg":"EdDSA","kid":"k1","jku":"https://evil.example/jwks"}"#.to_string(),
        r#"{"alg":"EdDSA","kid":"k1","x5c":["MIIB"]}"#.to_string(),
        r#"{"alg":"EdDSA","kid":"k1","crit":["exp"],"exp":1}"#.to_string(),
        r#"{"alg":"EdDSA","kid":"k1","b64":false,"crit":["b64"]}"#.to_string(),
    ] {
        // Signed with the attacker's key (the one the header offers) and with the trusted one:
        // both refused before any key is used.
        for k in [&attacker, &key(1)] {
            let j = sign_with_header(k, &header, PAYLOAD);
            assert_eq!(code(store().verify(&j, now())), "malformed_jws", "{header}");
        }
    }
}

#[test]
fn typ_must_be_the_job_type_when_present() {
    let j = sign_with_header(&key(1), r#"{"alg":"EdDSA","kid":"k1"}"#, PAYLOAD);
    assert_eq!(store().verify(&j, now()).unwrap(), PAYLOAD);
    let j = sign_with_header(
        &key(1),
        r#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#,
        PAYLOAD,
    );
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
}

#[test]
fn duplicate_header_parameters_are_refused() {
    let j = sign_with_header(
        &key(1),
        r#"{"alg":"none","kid":"k1","alg":"EdDSA"}"#,
        PAYLOAD,
    );
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
}

#[test]
fn non_canonical_base64_is_refused() {
    let jws = sign(&key(1), "k1", PAYLOAD);
    let parts: Vec<&str> = jws.split('.').collect();
    // Padding.
    let padded = format!("{}.{}.{}==", parts[0], parts[1], parts[2]);
    assert_eq!(code(store().verify(&padded, now())), "malformed_jws");
    // Standard alphabet instead of URL-safe.
    let std_sig =
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(B64.decode(parts[2]).unwrap());
    if std_sig != parts[2] {
        let j = format!("{}.{}.{}", parts[0], parts[1], std_sig);
        assert_eq!(code(store().verify(&j, now())), "malformed_jws");
    }
    // Same bytes, other encoding: non-zero trailing bits in the last character. A 64-byte
    // signature is 86 characters whose last one carries 4 unused bits.
    let sig = parts[2];
    let last = sig.as_bytes()[sig.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.iter().position(|&c| c == last).unwrap();
    let twin = alphabet[idx ^ 1] as char;
    let j = format!(
        "{}.{}.{}{}",
        parts[0],
        parts[1],
        &sig[..sig.len() - 1],
        twin
    );
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
    // Whitespace inside is not base64url.
    let j = format!("{}.{} .{}", parts[0], parts[1], parts[2]);
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
    // Wrong signature length.
    let j = format!("{}.{}.{}", parts[0], parts[1], B64.encode([0u8; 63]));
    assert_eq!(code(store().verify(&j, now())), "malformed_jws");
}

#[test]
fn tampered_payload_or_header_and_wrong_key_are_bad_signatures() {
    let jws = sign(&key(1), "k1", PAYLOAD);
    let parts: Vec<&str> = jws.split('.').collect();
    let forged = B64.encode(br#"{"job_id":"J-1","x":"z"}"#);
    let j = format!("{}.{}.{}", parts[0], forged, parts[2]);
    assert_eq!(store().verify(&j, now()), Err(SignatureError::BadSignature));
    // Header swapped for another trusted kid: the signature covers the header.
    let two = store()
        .with_key("k2", key(2).verifying_key(), None)
        .unwrap();
    let h2 = B64.encode(r#"{"alg":"EdDSA","kid":"k2","typ":"cetak-job+jws"}"#);
    let j = format!("{}.{}.{}", h2, parts[1], parts[2]);
    assert_eq!(two.verify(&j, now()), Err(SignatureError::BadSignature));
    // Signed by another key under a trusted kid.
    let j = sign(&key(3), "k1", PAYLOAD);
    assert_eq!(store().verify(&j, now()), Err(SignatureError::BadSignature));
    // Every single flipped bit of the signature is caught.
    let sig = B64.decode(parts[2]).unwrap();
    for i in 0..sig.len() * 8 {
        let mut s = sig.clone();
        s[i / 8] ^= 1 << (i % 8);
        let j = format!("{}.{}.{}", parts[0], parts[1], B64.encode(&s));
        assert!(store().verify(&j, now()).is_err(), "bit {i}");
    }
}

#[test]
fn unknown_kid_is_named() {
    let j = sign(&key(1), "dinas-2099", PAYLOAD);
    assert_eq!(
        store().verify(&j, now()),
        Err(SignatureError::UnknownKey("dinas-2099".into()))
    );
    assert!(TrustStore::new().verify(&j, now()).is_err());
}

#[test]
fn rotation_and_expiry() {
    let cutoff = Utc.with_ymd_and_hms(2027, 6, 30, 0, 0, 0).unwrap();
    let store = TrustStore::new()
        .with_key("old", key(1).verifying_key(), Some(cutoff))
        .unwrap()
        .with_key("new", key(2).verifying_key(), None)
        .unwrap();
    let old = sign(&key(1), "old", PAYLOAD);
    let new = sign(&key(2), "new", PAYLOAD);
    // During the overlap both verify.
    assert!(store.verify(&old, now()).is_ok());
    assert!(store.verify(&new, now()).is_ok());
    assert!(store.verify(&old, cutoff).is_ok(), "valid up to not_after");
    let later = cutoff + chrono::Duration::seconds(1);
    assert_eq!(
        store.verify(&old, later),
        Err(SignatureError::KeyExpired("old".into()))
    );
    assert!(store.verify(&new, later).is_ok());
    // The same kid twice is refused.
    assert!(store
        .clone()
        .with_key("new", key(3).verifying_key(), None)
        .is_err());
}

#[test]
fn codes_and_messages_are_stable() {
    let all = [
        (SignatureError::NotJws, "unsigned"),
        (SignatureError::Malformed("x".into()), "malformed_jws"),
        (
            SignatureError::UnsupportedAlgorithm("none".into()),
            "unsupported_alg",
        ),
        (SignatureError::UnknownKey("k".into()), "unknown_key"),
        (SignatureError::KeyExpired("k".into()), "key_expired"),
        (SignatureError::BadSignature, "bad_signature"),
    ];
    for (e, c) in all {
        assert_eq!(e.code(), c);
        assert!(!e.message_id().is_empty() && !e.message_en().is_empty());
        assert_ne!(e.message_id(), e.message_en());
    }
}

#[test]
fn bad_public_and_private_keys_are_errors() {
    assert!(parse_public_key("abc").is_err());
    assert!(parse_public_key(&format!("{RFC_X}=")).is_err());
    assert!(parse_public_key(&signing::b64url(&[0u8; 31])).is_err());
    // The identity point is a small-order (weak) key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(parse_public_key(&signing::b64url(&identity)).is_err());
    assert!(parse_private_key("not base64!").is_err());
    assert!(parse_private_key(&signing::b64url(&[1u8; 33])).is_err());
}

#[test]
fn garbage_never_panics() {
    let samples: Vec<Vec<u8>> = vec![
        b"..".to_vec(),
        b"...".to_vec(),
        vec![0xff; 100],
        b"\xff.\xff.\xff".to_vec(),
        format!(
            "{}.{}.{}",
            B64.encode("[]"),
            B64.encode("x"),
            B64.encode([0u8; 64])
        )
        .into_bytes(),
        format!(
            "{}.{}.{}",
            B64.encode("null"),
            B64.encode("x"),
            B64.encode([0u8; 64])
        )
        .into_bytes(),
        vec![b'A'; signing::MAX_COMPACT_BYTES + 10],
    ];
    for s in samples {
        assert!(store().verify_bytes(&s, now()).is_err());
    }
}

#[test]
fn demo_key_matches_its_public_half() {
    let pk = parse_public_key(demo::DEMO_PUBLIC_KEY).unwrap();
    assert_eq!(demo::demo_signing_key().verifying_key(), pk);
    let j = sign(&demo::demo_signing_key(), demo::DEMO_KID, PAYLOAD);
    assert_eq!(demo::demo_trust_store().verify(&j, now()).unwrap(), PAYLOAD);
}

/// `cetak keys generate` and `cetak sign` through the binary: the private key is 0600, the
/// printed config lines are a valid trust table, and the signed job verifies with it.
#[test]
fn keys_generate_and_sign_through_the_binary() {
    use std::os::unix::fs::PermissionsExt as _;
    use std::process::Command;
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args(["--lang", "en"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let o = run(&[
        "keys",
        "generate",
        "--kid",
        "dinas-test-1",
        "--out",
        keys.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = String::from_utf8(o.stdout).unwrap();
    let key_file = keys.join("dinas-test-1.key");
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Never overwrites an existing key.
    let again = run(&[
        "keys",
        "generate",
        "--kid",
        "dinas-test-1",
        "--out",
        keys.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    let bad_kid = run(&[
        "keys",
        "generate",
        "--kid",
        "a b",
        "--out",
        keys.to_str().unwrap(),
    ]);
    assert!(!bad_kid.status.success());

    let cfg_text = format!(
        "[station]\nid = \"S-1\"\ndata_dir = {:?}\n\n{lines}",
        tmp.path().join("data").display().to_string()
    );
    // No daemon runs here: `cetak submit --offline` (root, as CI; the daemon path is in
    // tests/station/daemon_authority.rs) on a data folder that exists, as the package makes it.
    std::fs::create_dir_all(tmp.path().join("data")).unwrap();
    let cfg = cetak::config::Config::parse(&cfg_text, std::path::Path::new("t.toml")).unwrap();
    let store = cfg.trust_store().unwrap();

    let o = run(&[
        "sign",
        "examples/jobs/kia-5-17.json",
        "--key",
        key_file.to_str().unwrap(),
        "--kid",
        "dinas-test-1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let jws = String::from_utf8(o.stdout).unwrap();
    let payload = store.verify(jws.trim(), now()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(doc["job_id"], "KIA-2026-11-000102");
    // Images were inlined before signing.
    assert!(doc["photo"]["base64"].is_string());

    // A station with this key takes the file through `cetak submit`; a plain JSON is refused.
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &cfg_text).unwrap();
    let jws_file = tmp.path().join("job.jws");
    std::fs::write(&jws_file, &jws).unwrap();
    let o = run(&[
        "submit",
        "--offline",
        jws_file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tmp
        .path()
        .join("data/spool/KIA-2026-11-000102.jws")
        .exists());
    let o = run(&[
        "submit",
        "--offline",
        "examples/jobs/kia-0-5.json",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("[unsigned]"));
    // Signed with the demo key, which this station does not trust.
    let demo_file = tmp.path().join("demo.jws");
    std::fs::write(
        &demo_file,
        demo::sign_job_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs/kia-0-5.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let o = run(&[
        "submit",
        "--offline",
        demo_file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("[unknown_key]"));
}
