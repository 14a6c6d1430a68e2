//! Validated jobs handed on in memory, so a card's document is parsed and validated once: what
//! intake (or `cetak submit`'s check) validated, the next step of this process that reads the
//! same bytes under the same policy takes from here instead of validating again (intake after
//! submit, the preparer after intake). Bounded: the oldest entries drop out, and whatever is not
//! here (after a restart, behind a long queue, a reprint) is validated again from the stored
//! document, which is what the journal keeps.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use sha2::{Digest, Sha256};

use crate::job::{ValidatedJob, ValidationPolicy, ValidationReport};

/// Jobs kept at most; a station's lookahead is two per printer, so this covers a queue of
/// several dozen jobs between intake and printing.
pub const CAPACITY: usize = 64;

type Key = [u8; 32];

static HANDOFF: Mutex<VecDeque<(Key, ValidatedJob, ValidationReport)>> =
    Mutex::new(VecDeque::new());

fn lock() -> MutexGuard<'static, VecDeque<(Key, ValidatedJob, ValidationReport)>> {
    HANDOFF.lock().unwrap_or_else(|e| e.into_inner())
}

/// The exact bytes and the policy they were validated under.
fn key(payload: &[u8], policy: &ValidationPolicy) -> Key {
    let mut h = Sha256::new();
    h.update(format!("{policy:?}").as_bytes());
    h.update([0]);
    h.update(payload);
    let mut k = [0; 32];
    k.copy_from_slice(&h.finalize());
    k
}

/// Keeps a job validated from `payload` under `policy` for the next step.
pub fn put(payload: &[u8], policy: &ValidationPolicy, job: ValidatedJob, report: ValidationReport) {
    let k = key(payload, policy);
    let mut q = lock();
    q.retain(|(other, _, _)| *other != k);
    if q.len() >= CAPACITY {
        q.pop_front();
    }
    q.push_back((k, job, report));
}

/// Takes the job validated from exactly `payload` under `policy`, if it is still here.
pub fn take(payload: &[u8], policy: &ValidationPolicy) -> Option<(ValidatedJob, ValidationReport)> {
    let k = key(payload, policy);
    let mut q = lock();
    let i = q.iter().position(|(other, _, _)| *other == k)?;
    q.remove(i).map(|(_, job, report)| (job, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_bytes_under_the_same_policy_are_taken_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
        let raw = std::fs::read(dir.join("ktp-el.json")).unwrap();
        let bytes = crate::intake::inline_images(&raw, &dir)
            .unwrap()
            .into_bytes();
        let policy = ValidationPolicy::default();
        let (report, job) = crate::job::check_inline(&bytes, &policy);
        let job = job.expect("the sample is valid");
        put(&bytes, &policy, job, report);
        let mut other = bytes.clone();
        other.push(b' ');
        assert!(take(&other, &policy).is_none());
        assert!(take(&bytes, &ValidationPolicy::collective_programme()).is_none());
        assert!(take(&bytes, &policy).is_some());
        assert!(take(&bytes, &policy).is_none(), "taken once");
    }
}
