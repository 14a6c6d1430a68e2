//! `docs/protocol/openapi.yaml` is a valid OpenAPI 3.1 document (standard validator), its
//! examples match its schemas, and the station's wire types serialise to what it describes.

use std::path::Path;
use std::process::Command;

use cetak::link::wire::*;
use cetak_server_sim::Contract;
use serde::Serialize;
use serde_json::{json, Map, Value};

fn doc_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/protocol/openapi.yaml")
}

#[test]
fn openapi_spec_validator_accepts_the_document() {
    let out = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(doc_path())
        .output()
        .expect("python3 runs (install it, then scripts/install-deps)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named"),
        "openapi-spec-validator is missing: run scripts/install-deps\n{stderr}"
    );
    assert!(
        out.status.success() && stdout.contains(": OK"),
        "openapi-spec-validator refused docs/protocol/openapi.yaml:\n{stdout}\n{stderr}"
    );
}

#[test]
fn the_validator_does_refuse_a_broken_document() {
    // Proves the check above can fail: same document, one response without a description.
    let text = std::fs::read_to_string(doc_path()).unwrap();
    let broken = text.replacen("          description: Released.\n", "", 1);
    assert_ne!(broken, text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, broken).unwrap();
    let out = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn every_example_matches_its_schema() {
    let c = Contract::load().unwrap();
    let examples = c.examples();
    assert!(!examples.is_empty());
    for ex in examples {
        if let Err(e) = c.validate_pointer(&ex.schema, &ex.value) {
            panic!(
                "example {} does not match {}: {e:?}",
                ex.location, ex.schema
            );
        }
    }
}

fn check<T: Serialize>(c: &Contract, schema: &str, value: &T) {
    let v = serde_json::to_value(value).unwrap();
    if let Err(e) = c.validate_schema(schema, &v) {
        panic!("{schema} refuses the serialised wire type {v}: {e:?}");
    }
}

const JWS: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJ2ZXJzaW9uIjoxfQ.c2ln";

fn event(kind: &str, job: Option<&str>, detail: Value) -> Event {
    let Value::Object(detail) = detail else {
        panic!("detail is an object")
    };
    Event {
        event_id: "ST-01:3f9c2a7b1d0e4c55:7".into(),
        kind: kind.into(),
        station: "ST-01".into(),
        at: "2026-11-21T08:00:00.000Z".into(),
        job_id: job.map(str::to_string),
        detail,
    }
}

#[test]
fn wire_types_serialise_to_the_documented_schemas() {
    let c = Contract::load().unwrap();
    check(
        &c,
        "ClaimRequest",
        &ClaimRequest {
            max_jobs: 5,
            wait_seconds: 30,
            blangko_types: vec!["kia".into(), "ktp-el".into()],
            lease_seconds: 600,
        },
    );
    let leased = LeasedJob {
        lease_id: "L-1".into(),
        job_id: "J-1".into(),
        expires_at: "2026-11-21T08:10:00Z".into(),
        job: JWS.into(),
    };
    check(&c, "LeasedJob", &leased);
    check(
        &c,
        "ClaimResponse",
        &ClaimResponse {
            leases: vec![leased],
            cancellations: vec!["J-0".into()],
        },
    );
    check(&c, "ClaimResponse", &ClaimResponse::default());
    check(
        &c,
        "Lease",
        &Lease {
            lease_id: "L-1".into(),
            expires_at: "2026-11-21T08:20:00Z".into(),
        },
    );
    check(&c, "RenewRequest", &RenewRequest { lease_seconds: 600 });
    for reason in ["shutdown", "no_printer", "cancelled", "rejected"] {
        check(
            &c,
            "ReleaseRequest",
            &ReleaseRequest {
                reason: reason.into(),
            },
        );
    }
    check(
        &c,
        "EventAck",
        &EventAck {
            acknowledged: vec!["ST-01:3f9c2a7b1d0e4c55:7".into()],
            duplicates: vec![],
        },
    );
    check(
        &c,
        "PushJob",
        &PushJob {
            job: JWS.into(),
            lease_id: Some("L-1".into()),
            expires_at: Some("2026-11-21T08:10:00Z".into()),
        },
    );
    check(
        &c,
        "PushJob",
        &PushJob {
            job: JWS.into(),
            lease_id: None,
            expires_at: None,
        },
    );
    for status in ["queued", "duplicate", "cancelled"] {
        check(
            &c,
            "PushResult",
            &PushResult {
                job_id: "J-1".into(),
                status: status.into(),
            },
        );
    }
    check(
        &c,
        "Health",
        &Health {
            station: "ST-01".into(),
            status: "degraded".into(),
            queued: 3,
            outbox_backlog: 12,
        },
    );
    check(
        &c,
        "ErrorBody",
        &ErrorBody {
            error: ErrorDetail {
                code: "lease_expired".into(),
                message: "lease L-1 expired".into(),
            },
        },
    );
    let events = vec![
        event("rejected", Some("J-1"), json!({"reason": "unknown_key"})),
        event(
            "alert",
            None,
            json!({"alert": "tamper", "key": "P1", "message": "cover open", "message_id": "tutup terbuka"}),
        ),
    ];
    check(&c, "EventBatch", &EventBatch { events });
}

#[test]
fn wire_types_with_extra_fields_are_refused_by_the_contract() {
    // The flattened `detail` cannot smuggle fields the document does not know.
    let c = Contract::load().unwrap();
    let mut detail = Map::new();
    detail.insert("reason".into(), json!("x"));
    detail.insert("nik".into(), json!("3171234567890001"));
    let e = event("rejected", Some("J-1"), Value::Object(detail));
    let v = serde_json::to_value(EventBatch { events: vec![e] }).unwrap();
    assert!(c.validate_schema("EventBatch", &v).is_err());
}

#[test]
fn every_event_the_journal_writes_matches_its_kind_schema() {
    use crate::support::journal::*;
    use cetak::journal::{
        Actor, BlangkoType, ChipInfo, DoubtResolution, HandOver, PrintedInfo, RejectedJob,
        Relation, SpoilCategory,
    };

    let c = Contract::load().unwrap();
    let mut f = open_with_attempts(2);
    let j = &mut f.j;
    stock_printer(j, "P1", BlangkoType::Kia, 10);
    stock_printer(j, "P2", BlangkoType::KtpEl, 5);
    let kia = slot("P1", BlangkoType::Kia, false, false);
    let feed = |j: &mut cetak::journal::Journal, id: &str| {
        j.enqueue(&job(id, BlangkoType::Kia)).unwrap();
        j.claim_next(&kia).unwrap().unwrap();
        j.mark_ready(id).unwrap();
        j.feed(id, Some("EP1-00123")).unwrap();
    };
    // accepted, printing, printed (no chip)
    feed(j, "J0");
    j.start_printing("J0", None).unwrap();
    j.mark_printed(
        "J0",
        &PrintedInfo {
            card_serial: Some("KIA-0000456".into()),
            printer_serial: Some("EP1-00123".into()),
        },
    )
    .unwrap();
    // printed with chip identifiers
    j.enqueue(&chip_job("J1")).unwrap();
    j.claim_next(&slot("P2", BlangkoType::KtpEl, true, true))
        .unwrap()
        .unwrap();
    j.mark_ready("J1").unwrap();
    j.feed("J1", None).unwrap();
    j.start_encoding("J1").unwrap();
    j.start_printing(
        "J1",
        Some(&ChipInfo {
            atr: "3B8F8001804F0CA000000306030001000000006A".into(),
            uid: "04A224B2C35E80".into(),
        }),
    )
    .unwrap();
    j.mark_printed("J1", &PrintedInfo::default()).unwrap();
    // spoiled then failed at the attempt limit
    feed(j, "J2");
    j.spoil("J2", SpoilCategory::GagalCetak, "ribbon broke", &op())
        .unwrap();
    j.claim_next(&kia).unwrap().unwrap();
    j.mark_ready("J2").unwrap();
    j.feed("J2", None).unwrap();
    j.spoil("J2", SpoilCategory::Rusak, "bent", &op()).unwrap();
    // cancelled, rejected after intake, rejected at intake
    j.enqueue(&job("J3", BlangkoType::Kia)).unwrap();
    j.cancel("J3", "cancelled by server", &Actor::system())
        .unwrap();
    j.enqueue(&job("J4", BlangkoType::Kia)).unwrap();
    j.reject_job("J4", "layout cannot render", &Actor::system())
        .unwrap();
    j.reject(&RejectedJob {
        job_id: "J5".into(),
        blangko_type: None,
        nik_masked: None,
        batch_id: None,
        payload: None,
        reason: "unknown_key".into(),
    })
    .unwrap();
    // in_doubt and its resolution
    feed(j, "J6");
    j.mark_in_doubt("J6", "daemon restarted mid-print").unwrap();
    j.doubt_resolve(
        "J6",
        DoubtResolution::Spoiled(SpoilCategory::GagalEncode),
        "card half printed",
        &admin(),
    )
    .unwrap();
    // J6 is queued again for a new blangko; this time the card turns out printed.
    j.claim_next(&kia).unwrap().unwrap();
    j.mark_ready("J6").unwrap();
    j.feed("J6", None).unwrap();
    j.mark_in_doubt("J6", "power cut").unwrap();
    j.doubt_resolve("J6", DoubtResolution::Printed, "", &admin())
        .unwrap();
    // handed over: one card against its pickup code, and a school batch (BAST)
    j.hand_over(
        "J1",
        &HandOver {
            to: "BUDI SANTOSO",
            relation: Relation::KepalaKeluarga,
            pickup_code: None,
        },
        &op(),
    )
    .unwrap();
    let mut school = job("J7", BlangkoType::Kia);
    school.batch_id = Some("SD-01".into());
    school.payload = r#"{"job_id":"J7","pickup_code":"QR-7","person":{"sex":"PEREMPUAN"}}"#.into();
    j.enqueue(&school).unwrap();
    j.claim_next(&kia).unwrap().unwrap();
    j.mark_ready("J7").unwrap();
    j.feed("J7", None).unwrap();
    j.start_printing("J7", None).unwrap();
    j.mark_printed("J7", &PrintedInfo::default()).unwrap();
    j.hand_over_batch("SD-01", "IBU GURU", Relation::Sekolah, &op())
        .unwrap();
    // requeued: the printer did not take the blangko fed for the job
    feed(j, "J8");
    j.feed_not_taken("J8", "feeder empty").unwrap();
    // written off after printing (data changed): back to the queue for a new card
    j.write_off_printed(
        "J0",
        SpoilCategory::PerubahanElemenData,
        "name corrected at the counter",
        &cetak::journal::AfterWriteOff::Reprint,
        &admin(),
    )
    .unwrap();
    // rejected at intake as a second card for a child of the batch
    let key = j.batch_nik_key("SD-02", &nik(9));
    for id in ["J9", "J10"] {
        let mut pupil = job(id, BlangkoType::Kia);
        pupil.batch_id = Some("SD-02".into());
        pupil.batch_nik = Some(key.clone());
        j.enqueue(&pupil).unwrap();
    }
    // stock report
    j.report_stock(&[]).unwrap();
    // alert
    j.raise_alert(
        "tamper",
        "P1",
        "card counter differs",
        "penghitung kartu berbeda",
    )
    .unwrap();

    let events = j.outbox_pending(1000).unwrap();
    let mut kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for e in &events {
        let v: Value = serde_json::from_str(&e.body).unwrap();
        if let Err(err) = c.validate_schema("Event", &v) {
            panic!(
                "journal event {} does not match the contract: {err:?}\n{v}",
                e.kind
            );
        }
        // And it goes through the wire type unchanged.
        let w: Event = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&w).unwrap(), v);
    }
    assert!(
        events
            .iter()
            .any(|e| e.kind == "rejected" && e.body.contains("\"duplicate_in_batch\"")),
        "no duplicate_in_batch rejection"
    );
    kinds.sort();
    kinds.dedup();
    // This run writes every kind the journal can write.
    let mut all = cetak::journal::EVENT_KINDS.to_vec();
    all.sort();
    assert_eq!(kinds, all);
}

#[test]
fn every_event_kind_the_journal_writes_is_in_the_contract_and_no_other() {
    let c = Contract::load().unwrap();
    let event = &c.document()["components"]["schemas"]["Event"];
    let mapping = event["discriminator"]["mapping"]
        .as_object()
        .expect("Event has a discriminator mapping");
    let mut documented: Vec<&str> = mapping.keys().map(String::as_str).collect();
    documented.sort();
    let mut written = cetak::journal::EVENT_KINDS.to_vec();
    written.sort();
    assert_eq!(
        documented, written,
        "docs/protocol/openapi.yaml Event mapping vs EVENT_KINDS"
    );
    // Each mapped schema exists, is in `oneOf`, and fixes its kind.
    let one_of: Vec<&str> = event["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(one_of.len(), mapping.len());
    for (kind, target) in mapping {
        let target = target.as_str().unwrap();
        assert!(one_of.contains(&target), "{target} not in Event.oneOf");
        let name = target.rsplit('/').next().unwrap();
        let schema = &c.document()["components"]["schemas"][name];
        assert_eq!(
            schema["properties"]["kind"]["const"].as_str(),
            Some(kind.as_str()),
            "{name} does not fix kind {kind}"
        );
    }
}
