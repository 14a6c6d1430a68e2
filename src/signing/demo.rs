//! The demo/test key pair shipped in `examples/keys/` — for the demo and tests only, never
//! trusted in production configuration (its private half is public).

use std::path::Path;

use ed25519_dalek::SigningKey;

use super::{parse_private_key, TrustStore};

/// Key id of the demo key.
pub const DEMO_KID: &str = "demo-2026-1";

/// The demo public key as written in a configuration's `[[trust.key]]`.
pub const DEMO_PUBLIC_KEY: &str = include_str!("../../examples/keys/demo-2026-1.pub");

const DEMO_PRIVATE_KEY: &str = include_str!("../../examples/keys/demo-2026-1.key");

/// The demo signing key.
pub fn demo_signing_key() -> SigningKey {
    // The file is part of the source tree and checked by a test, so it always parses; fall
    // back to a fixed seed rather than panic if it was damaged.
    parse_private_key(DEMO_PRIVATE_KEY).unwrap_or_else(|_| SigningKey::from_bytes(&[7u8; 32]))
}

/// A trust store holding only the demo key.
pub fn demo_trust_store() -> TrustStore {
    let mut store = TrustStore::new();
    // One key in an empty store with a valid kid: cannot fail.
    let _ = store.add(super::TrustedKey {
        kid: DEMO_KID.into(),
        key: demo_signing_key().verifying_key(),
        not_after: None,
    });
    store
}

/// The `[[trust.key]]` lines trusting the demo key.
pub fn demo_trust_config() -> String {
    format!(
        "[[trust.key]]\nkid = \"{DEMO_KID}\"\npublic_key = \"{}\"\n",
        DEMO_PUBLIC_KEY.trim()
    )
}

/// Signs a job file with the demo key (images inlined first, relative to the file's folder).
pub fn sign_job_file(path: &Path) -> Result<String, crate::daemon::DaemonError> {
    let bytes = std::fs::read(path).map_err(|e| crate::daemon::DaemonError::io(path, e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let payload = crate::daemon::intake::inline_images(&bytes, base)?;
    Ok(super::sign(
        &demo_signing_key(),
        DEMO_KID,
        payload.as_bytes(),
    ))
}
