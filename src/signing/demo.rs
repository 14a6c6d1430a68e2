//! The public half of the demo/test key pair shipped in `examples/keys/`: enough to recognise
//! it, so that a production station (`policy.training = false`) that trusts it refuses to start
//! (`Config::parse`). The private half is public knowledge and lives only in the demo
//! (`crate::cli::demo::key`), never on a production path.

use ed25519_dalek::VerifyingKey;

use super::{parse_public_key, TrustStore};

/// Key id of the demo key.
pub const DEMO_KID: &str = "demo-2026-1";

/// The demo public key as written in a configuration's `[[trust.key]]`.
pub const DEMO_PUBLIC_KEY: &str = include_str!("../../examples/keys/demo-2026-1.pub");

/// The demo public key.
pub fn demo_public_key() -> Option<VerifyingKey> {
    // The file is part of the source tree and checked by a test, so it always parses.
    parse_public_key(DEMO_PUBLIC_KEY).ok()
}

/// True when `key` is the demo key, whatever `kid` a configuration gives it.
pub fn is_demo_key(key: &VerifyingKey) -> bool {
    demo_public_key().is_some_and(|demo| demo == *key)
}

/// A trust store holding only the demo key.
pub fn demo_trust_store() -> TrustStore {
    let mut store = TrustStore::new();
    if let Some(key) = demo_public_key() {
        // One key in an empty store with a valid kid: cannot fail.
        let _ = store.add(super::TrustedKey {
            kid: DEMO_KID.into(),
            key,
            not_after: None,
        });
    }
    store
}

/// The `[[trust.key]]` lines trusting the demo key (training stations and the demo only).
pub fn demo_trust_config() -> String {
    format!(
        "[[trust.key]]\nkid = \"{DEMO_KID}\"\npublic_key = \"{}\"\n",
        DEMO_PUBLIC_KEY.trim()
    )
}
