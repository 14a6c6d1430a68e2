//! Unit tests of the hand-over's pure parts (hashes, relations, refusals).

use super::*;
use crate::messages::MessageText as _;

#[test]
fn the_pickup_code_hash_is_bound_to_the_job_and_ignores_surrounding_space() {
    let h = pickup_code_hash("J1", "QR-7788");
    assert_eq!(h, pickup_code_hash("J1", " QR-7788\n"));
    assert_ne!(h, pickup_code_hash("J2", "QR-7788"));
    assert_ne!(h, pickup_code_hash("J1", "QR-7789"));
    assert_eq!(h.len(), 64);
    assert!(!h.contains("7788"));
}

#[test]
fn relations_parse_and_debug_output_hides_name_and_code() {
    for r in Relation::ALL {
        assert_eq!(r.code().parse::<Relation>().unwrap(), r);
    }
    assert!("ayah".parse::<Relation>().is_err());
    let h = HandOver {
        to: "SITI RAHAYU",
        relation: Relation::AnggotaKeluarga,
        pickup_code: Some("QR-7788"),
    };
    let dbg = format!("{h:?}");
    assert!(!dbg.contains("SITI") && !dbg.contains("7788"), "{dbg}");
}

#[test]
fn every_refusal_has_a_code_and_both_languages() {
    let all = [
        HandOverRefusal::AlreadyHandedOver {
            job: "J".into(),
            at: Timestamp(0),
        },
        HandOverRefusal::CodeRequired { job: "J".into() },
        HandOverRefusal::CodeMismatch { job: "J".into() },
        HandOverRefusal::NoCodeOnJob { job: "J".into() },
        HandOverRefusal::RelationNotAllowed {
            relation: Relation::Sekolah,
            allowed: "x",
        },
        HandOverRefusal::BadName,
        HandOverRefusal::NothingToHandOver {
            batch: "B".into(),
            handed_over: 0,
            not_printed: 0,
        },
    ];
    let mut codes: Vec<_> = all.iter().map(|r| r.code()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    for r in &all {
        assert!(!r.message_en().is_empty() && !r.message_id().is_empty());
        assert_ne!(r.message_en(), r.message_id());
    }
}
