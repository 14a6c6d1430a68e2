//! Validated jobs handed on in memory, so a card's document is parsed and validated once: what
//! intake (or `cetak submit`'s check) validated, the next step of this process that reads the
//! same bytes under the same policy takes from here instead of validating again (intake after
//! submit, the preparer after intake).
//!
//! Entries are parked ([`ValidatedJob::park`]): decoded images dropped, image files kept, so a
//! school job costs about its 13 KB photo and the office's signature, and [`take`] decodes them
//! again (decoding only, no rule runs twice). The hand-off is bounded by bytes, not entries
//! ([`BUDGET_BYTES`], from [`ParkedJob::memory_bytes`]): the oldest entries drop out when it is
//! full, which takes thousands of school jobs, so a drop of hundreds waiting behind the
//! printers is still validated once.
//!
//! Validated again from the stored document (what the journal keeps) is only what this process
//! does not hold: jobs queued before a restart, a reprint from the journal, an entry that fell
//! out of the budget, or one whose images no longer decode.

use std::collections::VecDeque;
use std::mem::size_of;
use std::sync::{Mutex, MutexGuard};

use sha2::{Digest, Sha256};

use crate::job::{ParkedJob, ValidatedJob, ValidationPolicy, ValidationReport};

/// Bytes the hand-off holds at most: thousands of parked school jobs (about 20 KB each), or a
/// hundred KTP-el jobs at the 2 MB photo limit; small beside a station's memory.
pub const BUDGET_BYTES: usize = 256 * 1024 * 1024;

type Key = [u8; 32];

/// One validated job waiting for its next step.
struct Entry {
    key: Key,
    job: ParkedJob,
    report: ValidationReport,
    /// What this entry counts against the budget.
    bytes: usize,
}

/// Parked jobs, oldest first, within a byte budget.
struct Handoff {
    entries: VecDeque<Entry>,
    bytes: usize,
    budget: usize,
}

static HANDOFF: Mutex<Handoff> = Mutex::new(Handoff::new(BUDGET_BYTES));

fn lock() -> MutexGuard<'static, Handoff> {
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

impl Handoff {
    const fn new(budget: usize) -> Self {
        Handoff {
            entries: VecDeque::new(),
            bytes: 0,
            budget,
        }
    }

    fn put(&mut self, key: Key, job: ParkedJob, report: ValidationReport) {
        self.remove(&key);
        let bytes = size_of::<Entry>() + job.memory_bytes() + report.memory_bytes();
        if bytes > self.budget {
            return;
        }
        while self.bytes + bytes > self.budget {
            match self.entries.pop_front() {
                Some(old) => self.bytes -= old.bytes,
                None => break,
            }
        }
        self.bytes += bytes;
        self.entries.push_back(Entry {
            key,
            job,
            report,
            bytes,
        });
    }

    fn remove(&mut self, key: &Key) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == *key)?;
        let entry = self.entries.remove(i)?;
        self.bytes -= entry.bytes;
        Some(entry)
    }

    /// [`take`] on this hand-off.
    #[cfg(test)]
    fn take(&mut self, key: &Key) -> Option<(ValidatedJob, ValidationReport)> {
        self.remove(key).and_then(unpark)
    }
}

/// The entry's job with its images decoded again; `None` (the caller validates again) if they
/// no longer decode.
fn unpark(entry: Entry) -> Option<(ValidatedJob, ValidationReport)> {
    match entry.job.unpark() {
        Ok(job) => Some((job, entry.report)),
        Err(problem) => {
            let id = entry.report.job_id.as_deref().unwrap_or("?");
            tracing::warn!(job = %id, code = problem.code(), "parked images no longer decode");
            None
        }
    }
}

/// Keeps a job validated from `payload` under `policy` for the next step (parked).
pub fn put(payload: &[u8], policy: &ValidationPolicy, job: ValidatedJob, report: ValidationReport) {
    // Hashed and parked before the lock is taken: a payload may be megabytes.
    let (k, job) = (key(payload, policy), job.park());
    lock().put(k, job, report);
}

/// Takes the job validated from exactly `payload` under `policy`, if it is still here, with its
/// images decoded again.
pub fn take(payload: &[u8], policy: &ValidationPolicy) -> Option<(ValidatedJob, ValidationReport)> {
    // Taken out under the lock, decoded outside it: preparers of several printers unpark at once.
    let entry = lock().remove(&key(payload, policy))?;
    unpark(entry)
}

/// Jobs and bytes held now (for the figures of `cetak`'s tests and benchmarks).
#[doc(hidden)]
pub fn held() -> (usize, usize) {
    let h = lock();
    (h.entries.len(), h.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::check_inline;

    /// The sample `name`, images inlined, as intake stores it; `id` replaces its job id.
    fn payload(name: &str, id: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
        let raw = std::fs::read(dir.join(name)).unwrap();
        let mut doc: serde_json::Value =
            serde_json::from_str(&crate::intake::inline_images(&raw, &dir).unwrap()).unwrap();
        doc["job_id"] = id.into();
        doc.to_string().into_bytes()
    }

    fn validated(bytes: &[u8], policy: &ValidationPolicy) -> (ValidatedJob, ValidationReport) {
        let (report, job) = check_inline(bytes, policy);
        (job.expect("the sample is valid"), report)
    }

    #[test]
    fn only_the_same_bytes_under_the_same_policy_are_taken_once() {
        let bytes = payload("ktp-el.json", "KTP-HANDOFF-1");
        let policy = ValidationPolicy::default();
        let (job, report) = validated(&bytes, &policy);
        let mut h = Handoff::new(BUDGET_BYTES);
        h.put(key(&bytes, &policy), job.park(), report);
        let mut other = bytes.clone();
        other.push(b' ');
        assert!(h.take(&key(&other, &policy)).is_none());
        let school = ValidationPolicy::collective_programme();
        assert!(h.take(&key(&bytes, &school)).is_none());
        assert!(h.take(&key(&bytes, &policy)).is_some());
        assert!(h.take(&key(&bytes, &policy)).is_none(), "taken once");
        assert_eq!((h.entries.len(), h.bytes), (0, 0));
    }

    #[test]
    fn the_budget_drops_the_oldest_first() {
        let policy = ValidationPolicy::default();
        let jobs: Vec<_> = (0..5)
            .map(|i| {
                let bytes = payload("kia-5-17.json", &format!("KIA-HANDOFF-{i}"));
                let (job, report) = validated(&bytes, &policy);
                (key(&bytes, &policy), job, report)
            })
            .collect();
        // Room for three parked entries, not four.
        let one = {
            let mut h = Handoff::new(usize::MAX);
            let (k, job, report) = jobs[0].clone();
            h.put(k, job.park(), report);
            h.bytes
        };
        let mut h = Handoff::new(one * 3 + one / 2);
        for (k, job, report) in jobs.iter().cloned() {
            h.put(k, job.park(), report);
            assert!(h.bytes <= h.budget);
        }
        assert_eq!(h.entries.len(), 3);
        assert!(h.take(&jobs[0].0).is_none(), "the oldest went first");
        assert!(h.take(&jobs[1].0).is_none());
        for (k, job, _) in &jobs[2..] {
            let (taken, _) = h.take(k).expect("still held");
            assert_eq!(taken.job_id(), job.job_id());
        }
        // An entry bigger than the whole budget is not kept (and evicts nothing).
        let mut tiny = Handoff::new(one / 2);
        let (k, job, report) = jobs[0].clone();
        tiny.put(k, job.park(), report);
        assert_eq!((tiny.entries.len(), tiny.bytes), (0, 0));
    }

    #[test]
    fn a_taken_job_renders_from_the_same_pixels() {
        let bytes = payload("ktp-el.json", "KTP-HANDOFF-2");
        let policy = ValidationPolicy::default();
        let (job, report) = validated(&bytes, &policy);
        let want = job.card_content();
        let mut h = Handoff::new(BUDGET_BYTES);
        h.put(key(&bytes, &policy), job.park(), report.clone());
        let (got, got_report) = h.take(&key(&bytes, &policy)).unwrap();
        let got = got.card_content();
        let photo = |c: &crate::card::CardContent| c.photo.as_ref().map(|p| p.to_rgb8());
        assert!(photo(&want).is_some());
        assert_eq!(photo(&want), photo(&got));
        assert_eq!(
            want.holder_signature.map(|s| s.to_rgba8()),
            got.holder_signature.map(|s| s.to_rgba8())
        );
        assert_eq!(got_report.job_id, report.job_id);
        assert_eq!(got_report.design, report.design);
        assert_eq!(got_report.warnings, report.warnings);
    }

    #[test]
    fn a_parked_school_job_costs_its_files_not_its_pixels() {
        let policy = ValidationPolicy::collective_programme();
        let bytes = payload("kia-5-17.json", "KIA-HANDOFF-S");
        let (job, report) = validated(&bytes, &policy);
        let decoded = job.memory_bytes();
        let mut h = Handoff::new(BUDGET_BYTES);
        h.put(key(&bytes, &policy), job.park(), report);
        assert!(h.bytes * 5 < decoded, "{} vs {decoded}", h.bytes);
        // The budget holds a drop of thousands of school jobs.
        assert!(BUDGET_BYTES / h.bytes > 5_000, "{}", BUDGET_BYTES / h.bytes);
    }

    /// Figures (`docs/daemon.md`, Intake): hand-off memory of a 500-job school drop, decoded vs parked, and
    /// the time to unpark vs validate one job. `cargo test -p cetak --lib handoff::tests::figures
    /// -- --ignored --nocapture` (dev profile; dependencies, the image decoders among them, are
    /// built with opt-level 2).
    #[test]
    #[ignore = "prints figures"]
    fn figures() {
        use std::time::Duration;
        for (sample, policy) in [
            ("kia-5-17.json", ValidationPolicy::collective_programme()),
            ("ktp-el.json", ValidationPolicy::default()),
        ] {
            let bytes = payload(sample, "FIG-1");
            let (job, report) = validated(&bytes, &policy);
            let entry = size_of::<Entry>() + report.memory_bytes();
            let decoded = job.memory_bytes() + entry;
            let parked = job.clone().park().memory_bytes() + entry;
            println!(
                "{sample}: one entry {decoded} B decoded, {parked} B parked; 500 jobs: \
                 {:.1} MiB decoded, {:.1} MiB parked; the budget holds {} parked",
                500.0 * decoded as f64 / 1048576.0,
                500.0 * parked as f64 / 1048576.0,
                BUDGET_BYTES / parked
            );
            // Thread CPU time (Linux `schedstat`), not wall time: the cores are shared.
            let cpu_ns = || -> u64 {
                std::fs::read_to_string("/proc/thread-self/schedstat")
                    .ok()
                    .and_then(|t| t.split_whitespace().next()?.parse().ok())
                    .unwrap_or(0)
            };
            let n = 100;
            let t = cpu_ns();
            for _ in 0..n {
                let _ = validated(&bytes, &policy);
            }
            let validate = Duration::from_nanos((cpu_ns() - t) / n);
            let parked = job.park();
            let t = cpu_ns();
            for _ in 0..n {
                let _ = parked.clone().unpark().unwrap();
            }
            let unpark = Duration::from_nanos((cpu_ns() - t) / n);
            println!("{sample}: validate {validate:?}, unpark {unpark:?} CPU per job");
        }
    }
}
