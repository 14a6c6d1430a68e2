//! A validated job as it waits in a queue: its decoded images dropped, their files kept.
//!
//! A decoded photo is width × height × 3 or 4 bytes, ten to a hundred times its JPEG; a drop
//! of hundreds of school jobs held decoded would cost hundreds of megabytes for cards that
//! print minutes later. Parked, a job costs about its image files; [`ParkedJob::unpark`]
//! decodes them again (decoding only: the rules ran when the job was validated, on these very
//! bytes, so nothing is checked twice and no finding can change).

use std::io::Cursor;
use std::mem::size_of;

use image::{DynamicImage, ImageFormat, ImageReader};

use super::error::{Finding, Problem};
use super::image_check::{self, Format};
use super::{ValidatedJob, ValidationReport};

/// Heap bytes a finding's problem is counted for (some carry a short detail string).
const PROBLEM_HEAP: usize = 64;

/// Per entry of the print-ready field map, beyond its two strings: the B-tree's share of a node
/// (keys and values sit inline in nodes of up to 11 entries, plus edges and lengths).
const FIELD_ENTRY_OVERHEAD: usize = 2 * size_of::<String>() + 16;

/// A [`ValidatedJob`] without its decoded images, for holding many jobs between validation and
/// rendering; [`ParkedJob::unpark`] gives the job back. Not renderable on purpose: a parked job
/// has no pixels, and the type keeps it from reaching the renderer without them.
#[derive(Debug, Clone)]
pub struct ParkedJob(ValidatedJob);

impl ValidatedJob {
    /// Drops the decoded photo and signatures, keeping the files they were decoded from: what
    /// a queue should hold ([`crate::intake::handoff`]).
    pub fn park(self) -> ParkedJob {
        ParkedJob(ValidatedJob {
            photo: None,
            holder_signature: None,
            official_signature: None,
            ..self
        })
    }

    /// Bytes this job holds (estimate, for budgets): the struct, its strings and field map, the
    /// image files and the decoded pixel buffers.
    pub fn memory_bytes(&self) -> usize {
        let pixels = [
            &self.photo,
            &self.holder_signature,
            &self.official_signature,
        ]
        .into_iter()
        .flatten()
        .map(|img| img.as_bytes().len())
        .sum::<usize>();
        size_of::<Self>() + self.heap_bytes() + pixels
    }

    /// Heap bytes other than the decoded images.
    fn heap_bytes(&self) -> usize {
        let files = [
            &self.photo_bytes,
            &self.holder_signature_bytes,
            &self.official_signature_bytes,
        ]
        .into_iter()
        .flatten()
        .map(Vec::capacity)
        .sum::<usize>();
        let fields = self
            .fields
            .iter()
            .map(|(k, v)| k.capacity() + v.capacity() + FIELD_ENTRY_OVERHEAD)
            .sum::<usize>();
        let strings = [
            &self.job_id,
            &self.nik,
            &self.qr_payload,
            &self.barcode_payload,
        ]
        .into_iter()
        .map(String::capacity)
        .sum::<usize>();
        let batch = self
            .batch
            .as_ref()
            .map_or(0, |b| b.id.capacity() + b.name.capacity());
        files + fields + strings + batch + findings_bytes(&self.warnings)
    }
}

impl ParkedJob {
    /// The job with its images decoded again from the files it kept. Decoding only: these
    /// bytes passed every rule (format, integrity, size, pixel limits) when the job was
    /// validated. An error would mean the bytes changed in memory; the caller then validates
    /// the stored document again rather than print without the image.
    pub fn unpark(self) -> Result<ValidatedJob, Problem> {
        let mut job = self.0;
        job.photo = decode(job.photo_bytes.as_deref())?;
        job.holder_signature = decode(job.holder_signature_bytes.as_deref())?;
        job.official_signature = decode(job.official_signature_bytes.as_deref())?;
        Ok(job)
    }

    /// The sender's job id.
    pub fn job_id(&self) -> &str {
        &self.0.job_id
    }

    /// Bytes this parked job holds (estimate, see [`ValidatedJob::memory_bytes`]).
    pub fn memory_bytes(&self) -> usize {
        self.0.memory_bytes()
    }
}

impl ValidationReport {
    /// Bytes this report holds (estimate; on a passed job, the job id and the warnings).
    pub fn memory_bytes(&self) -> usize {
        size_of::<Self>()
            + self.job_id.as_ref().map_or(0, String::capacity)
            + findings_bytes(&self.errors)
            + findings_bytes(&self.warnings)
    }
}

/// Bytes a list of findings holds (estimate).
fn findings_bytes(findings: &[Finding]) -> usize {
    findings
        .iter()
        .map(|f| size_of::<Finding>() + f.field.capacity() + PROBLEM_HEAP)
        .sum()
}

/// Decodes an image file that validation already accepted, with the same decoder and format
/// validation used (so the pixels are the same).
fn decode(bytes: Option<&[u8]>) -> Result<Option<DynamicImage>, Problem> {
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    let format = match image_check::sniff(bytes)? {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
    };
    ImageReader::with_format(Cursor::new(bytes), format)
        .decode()
        .map(Some)
        .map_err(|_| Problem::ImageCorrupt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{check_bytes, ValidationPolicy};

    /// A sample job, validated (images read from the samples' folder).
    fn validated(sample: &str) -> ValidatedJob {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
        let raw = std::fs::read(dir.join(sample)).unwrap();
        check_bytes(&raw, &ValidationPolicy::default(), &dir)
            .1
            .expect("the sample is valid")
    }

    #[test]
    fn a_parked_job_unparks_to_the_same_rendering_input() {
        for sample in ["ktp-el.json", "kia-5-17.json", "kia-0-5.json"] {
            let job = validated(sample);
            let before = job.card_content();
            let again = job.clone().park().unpark().expect("decodes");
            let after = again.card_content();
            let pixels = |c: &crate::card::CardContent| {
                [&c.photo, &c.holder_signature, &c.official_signature].map(|i| {
                    i.as_ref()
                        .map(|i| (i.width(), i.height(), i.as_bytes().to_vec()))
                })
            };
            assert_eq!(pixels(&before), pixels(&after), "{sample}");
            assert!(
                pixels(&before).iter().any(Option::is_some),
                "{sample} has images"
            );
            assert_eq!(before.fields, after.fields);
            assert_eq!(before.design, after.design);
            assert_eq!(before.qr_payload, after.qr_payload);
            assert_eq!(before.barcode_payload, after.barcode_payload);
            assert_eq!(again.photo_bytes(), job.photo_bytes());
            assert_eq!(again.warnings(), job.warnings());
        }
    }

    #[test]
    fn a_parked_job_is_counted_far_smaller_than_a_decoded_one() {
        for sample in ["ktp-el.json", "kia-5-17.json"] {
            let job = validated(sample);
            let decoded = job.memory_bytes();
            let parked = job.park().memory_bytes();
            // The decoded photo alone is several times its JPEG.
            assert!(parked * 5 < decoded, "{sample}: {parked} vs {decoded}");
            // The files are counted: a parked job is not free.
            assert!(parked > 13_000, "{sample}: {parked}");
        }
    }

    #[test]
    fn a_file_that_no_longer_decodes_is_an_error_not_a_panic() {
        let mut parked = validated("ktp-el.json").park();
        if let Some(b) = parked.0.photo_bytes.as_mut() {
            b[..16].fill(0);
        }
        assert!(parked.unpark().is_err());
    }
}
