//! The document itself: it compiles, declares what the simulator serves, its examples are
//! valid, and its schemas refuse what they should.

use cetak_server_sim::Contract;
use serde_json::json;

#[test]
fn every_operation_is_there_with_its_statuses() {
    let c = Contract::load().unwrap();
    let expect: [(&str, &[u16]); 7] = [
        ("claimJobs", &[200, 400, 401, 403, 404, 413, 429, 500, 503]),
        (
            "renewLease",
            &[200, 400, 401, 403, 404, 409, 413, 429, 500, 503],
        ),
        (
            "releaseLease",
            &[204, 400, 401, 403, 404, 409, 413, 429, 500, 503],
        ),
        (
            "deliverEvents",
            &[200, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503],
        ),
        ("pushJob", &[202, 400, 401, 403, 413, 422, 429, 500, 503]),
        ("cancelJob", &[200, 400, 401, 403, 404, 409, 429, 500, 503]),
        ("stationHealth", &[200, 500, 503]),
    ];
    assert_eq!(c.operations().len(), expect.len());
    for (op, statuses) in expect {
        let o = c.operation(op).unwrap();
        let got: Vec<u16> = o.responses.keys().copied().collect();
        assert_eq!(got, statuses, "{op}");
        for (status, schema) in &o.responses {
            // Only 204 has no body.
            assert_eq!(schema.is_none(), *status == 204, "{op} {status}");
        }
    }
}

#[test]
fn every_example_is_valid_against_its_schema() {
    let c = Contract::load().unwrap();
    let examples = c.examples();
    assert!(examples.len() >= 25, "{}", examples.len());
    for ex in &examples {
        if let Err(e) = c.validate_pointer(&ex.schema, &ex.value) {
            panic!("{}: {e:?}", ex.location);
        }
    }
}

#[test]
fn retry_after_is_declared_on_429_and_503() {
    let c = Contract::load().unwrap();
    let doc = c.document();
    for name in ["TooManyRequests", "Unavailable"] {
        let h = &doc["components"]["responses"][name]["headers"]["Retry-After"];
        assert!(h.is_object(), "{name}");
    }
}

#[test]
fn event_kinds_are_told_apart() {
    let c = Contract::load().unwrap();
    let printed = json!({"event_id": "ST-01:ab12:1", "kind": "printed", "station": "ST-01",
        "at": "2026-11-21T08:00:00Z", "job_id": "J-1", "attempt": 1, "printer": "P1",
        "printer_serial": null, "card_serial": null, "chip_atr": null, "chip_uid": null,
        "operator": "system"});
    c.validate_schema("Event", &printed).unwrap();
    // The same fields under another kind do not pass.
    let mut wrong = printed.clone();
    wrong["kind"] = json!("printing");
    assert!(c.validate_schema("Event", &wrong).is_err());
    // Unknown kind.
    let mut unknown = printed.clone();
    unknown["kind"] = json!("teleported");
    assert!(c.validate_schema("Event", &unknown).is_err());
    // Unknown field.
    let mut extra = printed;
    extra["nik"] = json!("3171234567890001");
    assert!(c.validate_schema("Event", &extra).is_err());
    // A job event without job_id (`rejected` may lack it: a document refused before its
    // signature verified may have no readable id).
    let e = json!({"event_id": "ST-01:ab12:2", "kind": "cancelled", "station": "ST-01",
        "at": "2026-11-21T08:00:00Z", "reason": "x", "operator": "system"});
    assert!(c.validate_schema("Event", &e).is_err());
    // A full NIK where a masked one belongs.
    let e = json!({"event_id": "ST-01:ab12:3", "kind": "accepted", "station": "ST-01",
        "at": "2026-11-21T08:00:00Z", "job_id": "J-1", "blangko_type": "kia",
        "nik_masked": "3171234567890001"});
    assert!(c.validate_schema("Event", &e).is_err());
    // Not a date-time.
    let e = json!({"event_id": "ST-01:ab12:4", "kind": "rejected", "station": "ST-01",
        "at": "yesterday", "job_id": "J-1", "reason": "x"});
    assert!(c.validate_schema("Event", &e).is_err());
}

#[test]
fn unknown_operations_and_statuses_are_errors() {
    let c = Contract::load().unwrap();
    assert!(c.validate_request("nope", None).is_err());
    assert!(c
        .validate_response("claimJobs", 418, Some(&json!({})))
        .is_err());
    assert!(c.validate_response("releaseLease", 204, None).is_ok());
    assert!(c
        .validate_response("releaseLease", 204, Some(&json!({})))
        .is_err());
    assert!(c.validate_request("cancelJob", None).is_ok());
}

#[test]
fn a_broken_document_is_a_typed_error() {
    assert!(Contract::from_yaml("paths: [").is_err());
    assert!(Contract::from_yaml("openapi: 3.1.0").is_err());
}
