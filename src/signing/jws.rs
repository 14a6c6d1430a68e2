//! JWS compact serialization (RFC 7515) restricted to what the station accepts: a protected
//! header, an attached payload and one Ed25519 signature (RFC 8037). Parsing is strict so that
//! there is exactly one byte string that verifies for a given header, payload and key.

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{Map, Value};

use super::SignatureError;

/// Media type in the `typ` header of every job the server signs.
pub const JOB_TYP: &str = "cetak-job+jws";

/// Largest compact JWS taken in: base64 of the largest job document plus a margin.
pub const MAX_COMPACT_BYTES: usize = crate::job::MAX_DOCUMENT_BYTES / 3 * 4 + 64 * 1024;

/// Base64url without padding; the engine's defaults refuse padding and non-zero trailing bits,
/// so every accepted part has a single encoding.
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Header parameters that would let the sender choose the verification key or change how the
/// signature is computed; the station refuses them rather than ignore them.
const REFUSED_HEADERS: &[&str] = &["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "crit"];

/// A compact JWS split and decoded, signature not yet checked.
#[derive(Clone)]
pub struct Jws {
    /// The protected header as sent.
    pub header: Map<String, Value>,
    /// The payload bytes (unverified until [`Jws::verify_with`] succeeded).
    pub payload: Vec<u8>,
    signing_input: String,
    signature: [u8; 64],
}

impl std::fmt::Debug for Jws {
    // The payload may hold personal data: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jws")
            .field("header", &self.header)
            .field("payload_len", &self.payload.len())
            .finish_non_exhaustive()
    }
}

impl Jws {
    /// Splits and decodes a compact JWS. Surrounding ASCII whitespace (a trailing newline in a
    /// file) is ignored; anything else that is not three canonical base64url parts is refused.
    pub fn parse(compact: &[u8]) -> Result<Jws, SignatureError> {
        let compact = compact.trim_ascii();
        if compact.len() > MAX_COMPACT_BYTES {
            return Err(SignatureError::Malformed(format!(
                "larger than {MAX_COMPACT_BYTES} bytes"
            )));
        }
        let parts: Vec<&[u8]> = compact.split(|&b| b == b'.').collect();
        let [h, p, s] = parts.as_slice() else {
            return Err(SignatureError::NotJws);
        };
        if s.is_empty() {
            return Err(SignatureError::NotJws);
        }
        let header_bytes = decode_part(h, "header")?;
        let header = match serde_json::from_slice::<Value>(&header_bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return Err(SignatureError::Malformed(
                    "header is not a JSON object".into(),
                ))
            }
            Err(e) => return Err(SignatureError::Malformed(format!("header: {e}"))),
        };
        check_unique_keys(&header_bytes)?;
        let payload = decode_part(p, "payload")?;
        let sig = decode_part(s, "signature")?;
        let signature: [u8; 64] = sig.as_slice().try_into().map_err(|_| {
            SignatureError::Malformed(format!("signature is {} bytes, not 64", sig.len()))
        })?;
        // The parts are ASCII (checked by the decoder), so this cannot fail.
        let signing_input = String::from_utf8_lossy(&compact[..h.len() + 1 + p.len()]).into_owned();
        Ok(Jws {
            header,
            payload,
            signing_input,
            signature,
        })
    }

    /// The `alg` header, which must be `EdDSA`.
    pub fn check_alg(&self) -> Result<(), SignatureError> {
        match self.header.get("alg") {
            Some(Value::String(a)) if a == "EdDSA" => Ok(()),
            Some(Value::String(a)) => Err(SignatureError::UnsupportedAlgorithm(a.clone())),
            Some(_) => Err(SignatureError::Malformed("alg is not a string".into())),
            None => Err(SignatureError::Malformed("header has no alg".into())),
        }
    }

    /// Refuses header parameters that carry keys or change the processing rules.
    pub fn check_refused_headers(&self) -> Result<(), SignatureError> {
        match REFUSED_HEADERS
            .iter()
            .find(|k| self.header.contains_key(**k))
        {
            Some(k) => Err(SignatureError::Malformed(format!(
                "header parameter `{k}` is not accepted"
            ))),
            None => Ok(()),
        }
    }

    /// The `kid` header, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// Checks the Ed25519 signature over `header.payload` with `key` (strict verification:
    /// non-canonical signatures and small-order keys are refused).
    pub fn verify_with(&self, key: &VerifyingKey) -> Result<(), SignatureError> {
        key.verify_strict(
            self.signing_input.as_bytes(),
            &Signature::from_bytes(&self.signature),
        )
        .map_err(|_| SignatureError::BadSignature)
    }
}

/// Signs `payload` as a compact JWS with header `{"alg":"EdDSA","kid":kid,"typ":"cetak-job+jws"}`.
/// For the server side: the test server, bundles, tests and the demo.
pub fn sign(key: &SigningKey, kid: &str, payload: &[u8]) -> String {
    let header = serde_json::json!({"alg": "EdDSA", "kid": kid, "typ": JOB_TYP});
    sign_with_header(key, &header.to_string(), payload)
}

/// Signs with an explicit protected header (JSON text, used as is): for tests of headers the
/// station must refuse, and the RFC 8037 known-answer test.
pub fn sign_with_header(key: &SigningKey, header_json: &str, payload: &[u8]) -> String {
    let input = format!("{}.{}", B64.encode(header_json), B64.encode(payload));
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", B64.encode(sig.to_bytes()))
}

/// Base64url (no padding) of raw bytes, as keys are written in the configuration.
pub fn b64url(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Decodes canonical base64url without padding.
pub fn b64url_decode(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    B64.decode(text)
}

fn decode_part(part: &[u8], what: &str) -> Result<Vec<u8>, SignatureError> {
    let bytes = B64
        .decode(part)
        .map_err(|e| SignatureError::Malformed(format!("{what}: not canonical base64url ({e})")))?;
    // Belt and braces: one encoding per value, whatever the decoder tolerates.
    if B64.encode(&bytes).as_bytes() != part {
        return Err(SignatureError::Malformed(format!(
            "{what}: not canonical base64url"
        )));
    }
    Ok(bytes)
}

/// RFC 7515 §4: header parameter names must be unique; serde_json would keep the last one,
/// which another implementation might not, so duplicates are refused.
fn check_unique_keys(header: &[u8]) -> Result<(), SignatureError> {
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(k) = map.next_key::<String>()? {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        keys.push(k);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    let Keys(mut keys) = serde_json::from_slice(header)
        .map_err(|e| SignatureError::Malformed(format!("header: {e}")))?;
    let n = keys.len();
    keys.sort();
    keys.dedup();
    if keys.len() != n {
        return Err(SignatureError::Malformed(
            "header repeats a parameter".into(),
        ));
    }
    Ok(())
}
