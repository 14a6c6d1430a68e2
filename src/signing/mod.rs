//! Signed jobs: the server signs every job document as a JWS (compact
//! serialization, `EdDSA` = Ed25519, RFC 7515 / RFC 8037); the station verifies it against the
//! keys in its configuration before anything of it is queued. See `docs/signing.md`.
//!
//! Rules, each with a test in `tests/link/signing.rs`:
//! - Only `alg: EdDSA`; `none` and everything else is refused.
//! - The key is chosen by `kid` among the configured keys, never taken from the header
//!   (`jwk`, `jku`, `x5u`, `x5c`… are refused, as are `crit` and `b64`).
//! - Base64url must be canonical (no padding, no stray bits), header names unique.
//! - Several keys may be trusted at once (rotation); a key past its `not_after` verifies nothing.

pub mod demo;
mod jws;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};

pub use jws::{b64url, b64url_decode, sign, sign_with_header, Jws, JOB_TYP, MAX_COMPACT_BYTES};

/// Why a signed job was not accepted. [`SignatureError::code`] is what the server sees in the
/// `rejected` event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not a compact JWS at all (no signature part): an unsigned document.
    #[error("the job is not signed")]
    NotJws,
    /// Looks like a JWS but cannot be decoded, or its header is not acceptable.
    #[error("malformed signed job: {0}")]
    Malformed(String),
    /// `alg` is not `EdDSA` (including `none`).
    #[error("signature algorithm {0:?} is not accepted (only EdDSA)")]
    UnsupportedAlgorithm(String),
    /// No trusted key has this `kid`.
    #[error("signing key {0:?} is not trusted by this station")]
    UnknownKey(String),
    /// The key is trusted but past its `not_after`.
    #[error("signing key {0:?} has expired")]
    KeyExpired(String),
    /// The signature does not match (tampered payload or header, or signed with another key).
    #[error("the signature does not match the job")]
    BadSignature,
}

impl SignatureError {
    /// Stable reason code for the server and the journal.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::NotJws => "unsigned",
            SignatureError::Malformed(_) => "malformed_jws",
            SignatureError::UnsupportedAlgorithm(_) => "unsupported_alg",
            SignatureError::UnknownKey(_) => "unknown_key",
            SignatureError::KeyExpired(_) => "key_expired",
            SignatureError::BadSignature => "bad_signature",
        }
    }
}

impl crate::messages::Message for SignatureError {
    fn message_code(&self) -> &'static str {
        match self {
            SignatureError::NotJws => "signature.not_jws",
            SignatureError::Malformed { .. } => "signature.malformed",
            SignatureError::UnsupportedAlgorithm { .. } => "signature.unsupported_algorithm",
            SignatureError::UnknownKey { .. } => "signature.unknown_key",
            SignatureError::KeyExpired { .. } => "signature.key_expired",
            SignatureError::BadSignature => "signature.bad_signature",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        #[allow(unreachable_patterns)] // variants without arguments
        match self {
            SignatureError::Malformed(reason) => args.with("reason", reason),
            SignatureError::UnsupportedAlgorithm(alg) => args.with("alg", format!("{alg:?}")),
            SignatureError::UnknownKey(kid) | SignatureError::KeyExpired(kid) => {
                args.with("kid", format!("{kid:?}"))
            }
            _ => args,
        }
    }
}

/// One trusted server key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// Key id, as in the JWS `kid` header.
    pub kid: String,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// Signatures are refused after this instant (the key is being retired).
    pub not_after: Option<DateTime<Utc>>,
}

/// The server keys this station trusts, by `kid`. Several at once, so a new key can be added
/// before the old one is retired.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    keys: BTreeMap<String, TrustedKey>,
}

/// A key that cannot be added to a [`TrustStore`], or a key file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The `kid` is empty or has characters outside printable ASCII.
    #[error("kid must be 1-128 printable ASCII characters without spaces")]
    BadKid,
    /// Two keys with the same `kid`.
    #[error("kid {0:?} is given twice")]
    DuplicateKid(String),
    /// The public key is not base64url of 32 bytes, or not a valid Ed25519 point.
    #[error("public_key must be base64url (no padding) of the 32 raw Ed25519 bytes: {0}")]
    BadPublicKey(KeyFault),
    /// A private key file is not base64url of a 32-byte seed.
    #[error("private key: {0}")]
    BadPrivateKey(KeyFault),
    /// The system's random source failed while making a key.
    #[error("the system's random source failed: {0}")]
    Random(String),
}

/// What is wrong with the text of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyFault {
    /// Not base64url without padding.
    #[error("not base64url without padding")]
    NotBase64,
    /// Decodes to this many bytes instead of 32.
    #[error("{0} bytes, not 32")]
    Length(usize),
    /// 32 bytes that are not a point of the curve.
    #[error("not an Ed25519 point")]
    NotAPoint,
    /// A small-order point: every signature would verify.
    #[error("weak (small-order) key")]
    Weak,
}

impl crate::messages::Message for KeyFault {
    fn message_code(&self) -> &'static str {
        match self {
            KeyFault::NotBase64 => "key.fault.not_base64",
            KeyFault::Length(_) => "key.fault.length",
            KeyFault::NotAPoint => "key.fault.not_a_point",
            KeyFault::Weak => "key.fault.weak",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            KeyFault::Length(n) => args.with("bytes", n),
            _ => args,
        }
    }
}

impl crate::messages::Message for KeyError {
    fn message_code(&self) -> &'static str {
        match self {
            KeyError::BadKid => "key.bad_kid",
            KeyError::DuplicateKid(_) => "key.duplicate_kid",
            KeyError::BadPublicKey(_) => "key.bad_public_key",
            KeyError::BadPrivateKey(_) => "key.bad_private_key",
            KeyError::Random(_) => "key.random",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        use crate::messages::MessageText as _;
        let args = crate::messages::Args::new();
        match self {
            KeyError::BadKid => args,
            KeyError::DuplicateKid(kid) => args.with("kid", format!("{kid:?}")),
            KeyError::BadPublicKey(f) | KeyError::BadPrivateKey(f) => f.as_arg(args, "fault"),
            KeyError::Random(detail) => args.with("detail", detail),
        }
    }
}

impl TrustStore {
    /// An empty store (verifies nothing).
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Adds a key; a `kid` already present is an error.
    pub fn add(&mut self, key: TrustedKey) -> Result<(), KeyError> {
        if key.kid.is_empty()
            || key.kid.len() > 128
            || !key.kid.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(KeyError::BadKid);
        }
        if self.keys.contains_key(&key.kid) {
            return Err(KeyError::DuplicateKid(key.kid));
        }
        self.keys.insert(key.kid.clone(), key);
        Ok(())
    }

    /// Builder form of [`TrustStore::add`] for tests and the demo.
    pub fn with_key(
        mut self,
        kid: &str,
        key: VerifyingKey,
        not_after: Option<DateTime<Utc>>,
    ) -> Result<TrustStore, KeyError> {
        self.add(TrustedKey {
            kid: kid.to_string(),
            key,
            not_after,
        })?;
        Ok(self)
    }

    /// Trusted keys, by kid.
    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.values()
    }

    /// No key at all.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Verifies a compact JWS and returns its payload. The payload is returned only when the
    /// signature matches a trusted, unexpired key.
    pub fn verify(&self, compact: &str, now: DateTime<Utc>) -> Result<Vec<u8>, SignatureError> {
        self.verify_bytes(compact.as_bytes(), now)
    }

    /// [`TrustStore::verify`] on bytes as read from a file or a request body.
    pub fn verify_bytes(
        &self,
        compact: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, SignatureError> {
        let jws = Jws::parse(compact)?;
        jws.check_refused_headers()?;
        jws.check_alg()?;
        match jws.header.get("typ") {
            None => {}
            Some(serde_json::Value::String(t)) if t == JOB_TYP => {}
            Some(t) => {
                return Err(SignatureError::Malformed(format!(
                    "typ {t} is not {JOB_TYP:?}"
                )))
            }
        }
        let kid = match jws.header.get("kid") {
            Some(serde_json::Value::String(k)) => k.as_str(),
            Some(_) => return Err(SignatureError::Malformed("kid is not a string".into())),
            None => return Err(SignatureError::Malformed("header has no kid".into())),
        };
        let Some(trusted) = self.keys.get(kid) else {
            return Err(SignatureError::UnknownKey(printable(kid)));
        };
        if trusted.not_after.is_some_and(|t| now > t) {
            return Err(SignatureError::KeyExpired(trusted.kid.clone()));
        }
        jws.verify_with(&trusted.key)?;
        Ok(jws.payload)
    }
}

/// A kid from an untrusted header, made safe for logs and messages.
fn printable(kid: &str) -> String {
    kid.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// Parses a public key as written in the configuration (base64url of the 32 raw bytes).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = b64url_decode(text.trim().as_bytes())
        .map_err(|_| KeyError::BadPublicKey(KeyFault::NotBase64))?;
    let raw: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::BadPublicKey(KeyFault::Length(bytes.len())))?;
    let key =
        VerifyingKey::from_bytes(&raw).map_err(|_| KeyError::BadPublicKey(KeyFault::NotAPoint))?;
    if key.is_weak() {
        return Err(KeyError::BadPublicKey(KeyFault::Weak));
    }
    Ok(key)
}

/// Parses a private key file's text: base64url (no padding) of the 32-byte seed, one line.
pub fn parse_private_key(text: &str) -> Result<SigningKey, KeyError> {
    let bytes = b64url_decode(text.trim().as_bytes())
        .map_err(|_| KeyError::BadPrivateKey(KeyFault::NotBase64))?;
    let seed: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::BadPrivateKey(KeyFault::Length(bytes.len())))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A fresh key pair from the operating system's random source.
pub fn generate_key() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}
