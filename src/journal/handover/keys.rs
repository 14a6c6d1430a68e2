//! What the journal keeps instead of secrets: the keyed hashes of a pickup code and of a
//! holder's NIK within a batch, the intake hook that stores the code's hash, and the purge of
//! recipients' names. Here because the hand-over is what checks the code and names the
//! recipient.

use rusqlite::params;
use sha2::Digest;

use crate::journal::error::Result;
use crate::journal::types::Timestamp;
use crate::journal::Tx;

/// The hash of a pickup code as the journal keeps it: SHA-256 over a fixed label, the job id
/// and the code (surrounding white space removed, as a scanner may add a newline), hex. Bound
/// to the job so the same code on two jobs gives two hashes.
pub fn pickup_code_hash(job_id: &str, code: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(b"cetak-pickup-code-v1\0");
    h.update(job_id.as_bytes());
    h.update(b"\0");
    h.update(code.trim().as_bytes());
    hex::encode(h.finalize())
}

/// The key under which a batch remembers a holder's NIK ([`crate::journal::NewJob::batch_nik`]):
/// SHA-256 over a label, the journal's random id, the batch id and the NIK. Keyed by the
/// journal file so that equal keys in two stations' journals say nothing; still reversible by
/// whoever holds the journal (a NIK's masked form leaves few candidates), hence purged with the
/// payload.
pub fn batch_nik_key(journal_id: &str, batch_id: &str, nik: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(b"cetak-batch-nik-v1\0");
    h.update(journal_id.as_bytes());
    h.update(b"\0");
    h.update(batch_id.as_bytes());
    h.update(b"\0");
    h.update(nik.as_bytes());
    hex::encode(h.finalize())
}

/// At intake: keeps the hash of the document's `pickup_code`, if it has one.
pub(crate) fn remember_pickup_code(tx: &Tx<'_>, job_id: &str, payload: &str) -> Result<()> {
    // Cheap test first: bulk intake of a school batch carries no pickup codes.
    if !payload.contains("\"pickup_code\"") {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Pickup {
        #[serde(default)]
        pickup_code: Option<String>,
    }
    let Ok(Pickup {
        pickup_code: Some(code),
    }) = serde_json::from_str::<Pickup>(payload)
    else {
        return Ok(());
    };
    tx.tx
        .prepare_cached("UPDATE jobs SET pickup_code_hash = ?2 WHERE job_id = ?1")?
        .execute(params![job_id, pickup_code_hash(job_id, &code)])?;
    Ok(())
}

/// Clears the names of recipients whose job's personal data is purged and whose hand-over is
/// older than `older_than` (a card handed over after its job was purged keeps the name for
/// the same retention). Returns how many.
pub(crate) fn purge_names(tx: &Tx<'_>, older_than: Timestamp) -> Result<usize> {
    Ok(tx.tx.execute(
        "UPDATE handovers SET recipient_name = NULL
         WHERE recipient_name IS NOT NULL AND at < ?1 AND EXISTS
             (SELECT 1 FROM jobs j WHERE j.job_id = handovers.job_id AND j.payload IS NULL)",
        [older_than.0],
    )?)
}
