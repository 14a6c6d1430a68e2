//! The demo key pair (`examples/keys/demo-2026-1.*`): the demo signs the sample jobs with it, as
//! the Dinas server would. Its private half is public knowledge, so it lives here, in the demo
//! only: no production path (daemon, intake, CLI tools) reaches it, and a production station
//! that trusts its public half refuses to start (see `docs/signing.md`).

use std::path::Path;

use ed25519_dalek::SigningKey;

pub use crate::signing::demo::{demo_trust_config, demo_trust_store, DEMO_KID, DEMO_PUBLIC_KEY};

const DEMO_PRIVATE_KEY: &str = include_str!("../../../examples/keys/demo-2026-1.key");

/// The demo signing key.
pub fn demo_signing_key() -> SigningKey {
    // The file is part of the source tree and checked by a test, so it always parses; fall
    // back to a fixed seed rather than panic if it was damaged.
    crate::signing::parse_private_key(DEMO_PRIVATE_KEY)
        .unwrap_or_else(|_| SigningKey::from_bytes(&[7u8; 32]))
}

/// Signs a job file with the demo key (images inlined first, relative to the file's folder).
pub fn sign_job_file(path: &Path) -> Result<String, crate::intake::IntakeError> {
    let bytes = std::fs::read(path).map_err(|e| crate::intake::IntakeError::io(path, e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let payload = crate::intake::inline_images(&bytes, base)?;
    Ok(crate::signing::sign(
        &demo_signing_key(),
        DEMO_KID,
        payload.as_bytes(),
    ))
}
