//! `accept_signed`: verify → validate → queue, idempotent on the job id, refusals reported.

use std::path::Path;
use std::sync::Arc;

use cetak::cli::demo::key as demo;
use cetak::config::ChipRule;
use cetak::intake::{accept_signed, inline_images, Accepted, IntakeContext, JobOrigin};
use cetak::job::ValidationPolicy;
use cetak::journal::{Clock as _, JobState, Journal, JournalOptions, ManualClock, Timestamp};
use cetak::signing::{self, TrustStore};
use ed25519_dalek::SigningKey;

const JOB_ID: &str = "KIA-2026-11-000102";

struct Fixture {
    _dir: tempfile::TempDir,
    journal: Journal,
    ctx: IntakeContext,
    clock: Arc<ManualClock>,
}

fn fixture(training: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp(1_795_000_000_000)));
    let journal = Journal::open_with(
        dir.path().join("j.sqlite"),
        JournalOptions {
            station_id: "ST-1".into(),
            clock: clock.clone(),
            ..JournalOptions::default()
        },
    )
    .unwrap();
    let ctx = IntakeContext::new(
        demo::demo_trust_store(),
        ValidationPolicy::default(),
        ChipRule::default(),
        training,
    )
    .with_clock(clock.clone());
    Fixture {
        _dir: dir,
        journal,
        ctx,
        clock,
    }
}

fn sample_json(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/jobs")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    inline_images(&bytes, path.parent().unwrap()).unwrap()
}

fn signed(json: &str) -> String {
    signing::sign(&demo::demo_signing_key(), demo::DEMO_KID, json.as_bytes())
}

fn rejected_events(j: &Journal) -> Vec<serde_json::Value> {
    j.outbox_pending(1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "rejected")
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect()
}

#[test]
fn signed_job_is_queued_once_whatever_brings_it() {
    let mut f = fixture(false);
    let jws = signed(&sample_json("kia-5-17.json"));
    let lease_end = Timestamp(1_795_000_600_000);
    let out = accept_signed(
        &mut f.journal,
        &f.ctx,
        jws.as_bytes(),
        JobOrigin::Pull {
            lease_id: "L-1".into(),
            expires_at: lease_end,
        },
    )
    .unwrap();
    assert_eq!(
        out,
        Accepted::Queued {
            job_id: JOB_ID.into()
        }
    );
    assert_eq!(f.journal.job(JOB_ID).unwrap().state, JobState::Queued);
    let src = f.journal.job_source(JOB_ID).unwrap().unwrap();
    assert_eq!(src.origin, "pull");
    assert_eq!(src.lease_id.as_deref(), Some("L-1"));
    assert_eq!(src.lease_expires_at, Some(lease_end));
    // The stored payload is the verified document.
    let payload = f.journal.job_payload(JOB_ID).unwrap().unwrap();
    assert_eq!(payload, sample_json("kia-5-17.json"));

    for origin in [
        JobOrigin::Push {
            lease_id: None,
            expires_at: None,
        },
        JobOrigin::Bundle {
            name: "usb-2026-11-21.json".into(),
        },
        JobOrigin::Local,
    ] {
        let again = accept_signed(&mut f.journal, &f.ctx, jws.as_bytes(), origin).unwrap();
        assert_eq!(
            again,
            Accepted::Duplicate {
                job_id: JOB_ID.into()
            }
        );
    }
    // A re-signed copy (new bytes, same job id) is the same job too.
    let resigned = signing::sign(
        &demo::demo_signing_key(),
        demo::DEMO_KID,
        sample_json("kia-5-17.json")
            .replace("\"O\"", "\"A\"")
            .as_bytes(),
    );
    assert_eq!(
        accept_signed(
            &mut f.journal,
            &f.ctx,
            resigned.as_bytes(),
            JobOrigin::Local
        )
        .unwrap(),
        Accepted::Duplicate {
            job_id: JOB_ID.into()
        }
    );
    assert_eq!(f.journal.queued_count().unwrap(), 1);
    assert_eq!(
        f.journal.job_source(JOB_ID).unwrap().unwrap().origin,
        "pull"
    );
    let accepted = f
        .journal
        .outbox_for_job(JOB_ID)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "accepted")
        .count();
    assert_eq!(accepted, 1);
}

fn assert_refused_then_genuine_passes(bad: &[u8], want_code: &str, claimed: Option<&str>) {
    let mut f = fixture(false);
    let out = accept_signed(&mut f.journal, &f.ctx, bad, JobOrigin::Local).unwrap();
    match &out {
        Accepted::Rejected {
            job_id,
            code,
            message_id,
            message_en,
        } => {
            assert_eq!(*code, want_code);
            assert_eq!(job_id.as_deref(), claimed);
            assert!(!message_id.is_empty() && !message_en.is_empty());
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    // Nothing of the unverified document is queued, and it does not take the job id.
    assert_eq!(f.journal.queued_count().unwrap(), 0);
    assert!(f.journal.job(JOB_ID).is_err());
    // Reported: one `rejected` event with the code and the claimed id; the same bytes again
    // report nothing new.
    let again = accept_signed(&mut f.journal, &f.ctx, bad, JobOrigin::Local).unwrap();
    assert_eq!(again, out);
    let ev = rejected_events(&f.journal);
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0]["code"], want_code);
    assert_eq!(ev[0]["verified"], false);
    match claimed {
        Some(id) => assert_eq!(ev[0]["job_id"], id),
        None => assert!(ev[0].get("job_id").is_none()),
    }
    // The genuine job still gets in.
    let good = signed(&sample_json("kia-5-17.json"));
    assert_eq!(
        accept_signed(&mut f.journal, &f.ctx, good.as_bytes(), JobOrigin::Local).unwrap(),
        Accepted::Queued {
            job_id: JOB_ID.into()
        }
    );
}

#[test]
fn tampered_payload_is_rejected_and_reported() {
    let jws = signed(&sample_json("kia-5-17.json"));
    let parts: Vec<&str> = jws.split('.').collect();
    let forged = sample_json("kia-5-17.json").replace("Bima Arya", "Bima Arye");
    let bad = format!(
        "{}.{}.{}",
        parts[0],
        signing::b64url(forged.as_bytes()),
        parts[2]
    );
    assert_refused_then_genuine_passes(bad.as_bytes(), "bad_signature", Some(JOB_ID));
}

#[test]
fn wrong_key_is_rejected_and_reported() {
    let other = SigningKey::from_bytes(&[42; 32]);
    let bad = signing::sign(
        &other,
        demo::DEMO_KID,
        sample_json("kia-5-17.json").as_bytes(),
    );
    assert_refused_then_genuine_passes(bad.as_bytes(), "bad_signature", Some(JOB_ID));
}

#[test]
fn unknown_key_is_rejected_and_reported() {
    let bad = signing::sign(
        &demo::demo_signing_key(),
        "someone-else",
        sample_json("kia-5-17.json").as_bytes(),
    );
    assert_refused_then_genuine_passes(bad.as_bytes(), "unknown_key", Some(JOB_ID));
}

#[test]
fn missing_signature_is_rejected_and_reported() {
    let json = sample_json("kia-5-17.json");
    assert_refused_then_genuine_passes(json.as_bytes(), "unsigned", Some(JOB_ID));
    let jws = signed(&json);
    let (unsigned, _) = jws.rsplit_once('.').unwrap();
    assert_refused_then_genuine_passes(format!("{unsigned}.").as_bytes(), "unsigned", Some(JOB_ID));
    assert_refused_then_genuine_passes(b"garbage", "unsigned", None);
}

#[test]
fn expired_key_is_rejected() {
    let mut f = fixture(false);
    let cutoff = f.clock.now();
    f.ctx.trust = TrustStore::new()
        .with_key(
            demo::DEMO_KID,
            demo::demo_signing_key().verifying_key(),
            Some(cutoff.to_datetime()),
        )
        .unwrap();
    let jws = signed(&sample_json("kia-5-17.json"));
    f.clock.advance(1000);
    let out = accept_signed(&mut f.journal, &f.ctx, jws.as_bytes(), JobOrigin::Local).unwrap();
    assert!(
        matches!(
            out,
            Accepted::Rejected {
                code: "key_expired",
                ..
            }
        ),
        "{out:?}"
    );
}

#[test]
fn signed_but_invalid_job_is_recorded_as_rejected() {
    let mut f = fixture(false);
    // A NIK whose birth date does not match the person's.
    let json = sample_json("kia-5-17.json").replace("3273011708150001", "3273011708160001");
    let out = accept_signed(
        &mut f.journal,
        &f.ctx,
        signed(&json).as_bytes(),
        JobOrigin::Local,
    )
    .unwrap();
    match out {
        Accepted::Rejected { job_id, code, .. } => {
            assert_eq!(job_id.as_deref(), Some(JOB_ID));
            assert_eq!(code, "invalid_job");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.journal.job(JOB_ID).unwrap().state, JobState::Rejected);
    let ev = rejected_events(&f.journal);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["code"], "invalid_job");
    assert_eq!(ev[0]["job_id"], JOB_ID);
    // No full NIK in the reported reason.
    assert!(!ev[0].to_string().contains("3273011708160001"));
}

#[test]
fn signed_job_with_image_paths_is_refused() {
    let mut f = fixture(false);
    let raw = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs/kia-5-17.json"),
    )
    .unwrap();
    let out = accept_signed(
        &mut f.journal,
        &f.ctx,
        signed(&raw).as_bytes(),
        JobOrigin::Local,
    )
    .unwrap();
    match out {
        Accepted::Rejected {
            code, message_en, ..
        } => {
            assert_eq!(code, "invalid_job");
            assert!(message_en.contains("must be inline"), "{message_en}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.journal.queued_count().unwrap(), 0);
}

#[test]
fn training_station_accepts_unsigned_jobs() {
    let mut f = fixture(true);
    let json = sample_json("ktp-el.json");
    let out = accept_signed(&mut f.journal, &f.ctx, json.as_bytes(), JobOrigin::Local).unwrap();
    assert!(matches!(out, Accepted::Queued { .. }), "{out:?}");
    // Signed jobs still pass, and a bad signature is still refused in training mode.
    let out = accept_signed(
        &mut f.journal,
        &f.ctx,
        signed(&sample_json("kia-5-17.json")).as_bytes(),
        JobOrigin::Local,
    )
    .unwrap();
    assert!(matches!(out, Accepted::Queued { .. }), "{out:?}");
    let bad = signing::sign(
        &SigningKey::from_bytes(&[5; 32]),
        demo::DEMO_KID,
        sample_json("kia-0-5.json").as_bytes(),
    );
    let out = accept_signed(&mut f.journal, &f.ctx, bad.as_bytes(), JobOrigin::Local).unwrap();
    assert!(
        matches!(
            out,
            Accepted::Rejected {
                code: "bad_signature",
                ..
            }
        ),
        "{out:?}"
    );
}

/// A pupil of the sample's school batch under the school programme, as the server sends it.
fn pupil(id: &str, serial: u32, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&sample_json("kia-5-17.json")).unwrap();
    doc["job_id"] = id.into();
    doc["person"]["nik"] = format!("327301170815{serial:04}").into();
    doc["batch"]["programme"] = "sekolah".into();
    edit(&mut doc);
    signed(&doc.to_string())
}

#[test]
fn a_school_batch_is_checked_under_its_programme_whatever_brings_its_jobs() {
    let mut f = fixture(false);
    let lease = |n: &str| JobOrigin::Pull {
        lease_id: format!("L-{n}"),
        expires_at: Timestamp(1_795_000_600_000),
    };
    let push = JobOrigin::Push {
        lease_id: None,
        expires_at: None,
    };
    let mut take = |jws: String, origin: JobOrigin| {
        accept_signed(&mut f.journal, &f.ctx, jws.as_bytes(), origin).unwrap()
    };
    assert_eq!(
        take(pupil("SB-1", 1, |_| {}), lease("1")),
        Accepted::Queued {
            job_id: "SB-1".into()
        }
    );
    // The same child again, pushed under another job id: refused, naming the first job.
    match take(pupil("SB-2", 1, |_| {}), push.clone()) {
        Accepted::Rejected {
            code, message_en, ..
        } => {
            assert_eq!(code, "duplicate_in_batch");
            assert!(message_en.contains("SB-1"), "{message_en}");
        }
        other => panic!("{other:?}"),
    }
    // The programme's photo rule, pulled and pushed alike.
    let png = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/photos/signature-holder.png"),
        )
        .unwrap(),
    );
    for (id, origin) in [("SB-3", lease("3")), ("SB-4", push)] {
        let png = png.clone();
        let jws = pupil(id, 3, move |d| {
            d["photo"] = serde_json::json!({ "base64": png })
        });
        match take(jws, origin) {
            Accepted::Rejected {
                code, message_en, ..
            } => {
                assert_eq!(code, "invalid_job");
                assert!(message_en.contains("image.jpeg_required"), "{message_en}");
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    // Without the programme the same photo passes under the station's policy.
    let png2 = png.clone();
    let plain = pupil("SB-5", 5, move |d| {
        d["batch"].as_object_mut().unwrap().remove("programme");
        d["photo"] = serde_json::json!({ "base64": png2 });
    });
    assert_eq!(
        take(plain, lease("5")),
        Accepted::Queued {
            job_id: "SB-5".into()
        }
    );
    let b = f
        .journal
        .batch_figures("SDN-CIGADUNG-1-2026")
        .unwrap()
        .unwrap();
    assert_eq!((b.total, b.rejected), (2, 3), "{b:?}");
}
