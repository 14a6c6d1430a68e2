//! Hand-over at the pickup counter (issue 14 §5) through the built daemon's control socket,
//! with the built CLI run as an operator (`nobody`, whose group `nogroup` is the operator
//! group here): a card with a pickup code is refused without it and with a wrong one, handed
//! over with the right one, and refused a second time with the time of the first; one card
//! goes to the family only; a school batch is handed over whole (its BAST) with its counts;
//! `cetak status` shows the handed-over jobs. Afterwards the journal holds one `handed_over`
//! and one `ready_for_pickup` event per job, each valid against the OpenAPI contract and
//! without the recipient's name, who is recorded with the operator as the kernel named them
//! and forgotten by the personal-data purge.
//!
//! Switching to `nobody` needs root (CI runs as root); elsewhere the test says so and passes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use crate::support::daemon::*;
use crate::support::journal::{job, outbox_kinds, printing_on};
use cetak::journal::{BlangkoType, JobState, Journal, NewJob, PrintedInfo};

const OPERATOR: &str = "nobody";
const OPERATOR_GROUP: &str = "nogroup";
const CODE: &str = "QR-H1-7788";
const RECIPIENT: &str = "BUDI SANTOSO BIN SLAMET";

fn as_operator(socket: &Path, args: &[&str]) -> Output {
    as_user(OPERATOR, socket, "en", args)
}

/// Queues a KIA job and prints it on P1.
fn printed(j: &mut Journal, id: &str, batch: Option<&str>, payload: &str) {
    j.enqueue(&NewJob {
        batch_id: batch.map(str::to_string),
        payload: payload.into(),
        ..job(id, BlangkoType::Kia)
    })
    .unwrap();
    printing_on(j, id, "P1", None);
    j.mark_printed(id, &PrintedInfo::default()).unwrap();
}

#[test]
fn cards_and_a_school_batch_are_handed_over_through_the_socket_by_an_operator() {
    if !nix::unistd::getuid().is_root() {
        eprintln!(
            "handover: not root: cannot run the CLI as {OPERATOR}; skipped (CI runs as root)"
        );
        return;
    }
    let emu = emulator("EMU-HO-1", 0.0, 100);
    let srv = emu.serve_tcp("127.0.0.1:0").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = tmp.path().join("data");
    let socket = tmp.path().join("run/control.sock");
    let cfg_text =
        with_control_socket(&config_text(&data, &[("P1", srv.uri(), "kia")], 2), &socket)
            + &format!(
                "\n[authority]\noperator_group = {OPERATOR_GROUP:?}\nadmin_group = \"root\"\n"
            );
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, cfg_text).unwrap();
    let cfg = cetak::config::Config::load(&config).unwrap();

    // Printed before the daemon starts: two cards for families, a school batch of four of
    // which three are printed (a boy, two girls) and one was cancelled.
    {
        let mut j = cetak::daemon::open_journal(&cfg).unwrap();
        stock(&mut j, &[("P1", BlangkoType::Kia)], 10);
        printed(
            &mut j,
            "H-1",
            None,
            &format!(r#"{{"job_id":"H-1","pickup_code":"{CODE}","person":{{"sex":"LAKI-LAKI"}}}}"#),
        );
        printed(&mut j, "H-2", None, r#"{"job_id":"H-2"}"#);
        for (id, sex) in [
            ("S-1", "LAKI-LAKI"),
            ("S-2", "PEREMPUAN"),
            ("S-3", "PEREMPUAN"),
        ] {
            printed(
                &mut j,
                id,
                Some("SD-9"),
                &format!(r#"{{"job_id":"{id}","person":{{"sex":"{sex}"}}}}"#),
            );
        }
        j.enqueue(&NewJob {
            nik_masked: "327301******0008".into(),
            batch_id: Some("SD-9".into()),
            payload: r#"{"job_id":"S-4"}"#.into(),
            ..job("S-4", BlangkoType::Kia)
        })
        .unwrap();
        j.cancel("S-4", "moved away", &cetak::journal::Actor::operator("t"))
            .unwrap();
        // Not printed yet: no hand-over.
        j.enqueue(&NewJob {
            nik_masked: "327301******0009".into(),
            payload: r#"{"job_id":"Q-1"}"#.into(),
            ..job("Q-1", BlangkoType::KtpEl)
        })
        .unwrap();
    }

    let mut daemon = start_daemon(&config, Stdio::piped());
    wait_for("socket", Duration::from_secs(60), || {
        socket.exists() && as_operator(&socket, &["status"]).status.success()
    });
    // `cetak handover JOB --relation R [--code C] --to RECIPIENT` as the operator.
    let handover = |args: &[&str]| {
        as_operator(
            &socket,
            &[&["handover"][..], args, &["--to", RECIPIENT]].concat(),
        )
    };

    // The job carries a pickup code: without it, or with another one, nothing is handed over.
    refused(
        handover(&["H-1", "--relation", "kepala-keluarga"]),
        "carries a pickup code",
    );
    refused(
        handover(&[
            "H-1",
            "--relation",
            "kepala-keluarga",
            "--code",
            "QR-H1-0000",
        ]),
        "does not match",
    );
    // One card goes to the family, not to a school.
    refused(
        handover(&["H-2", "--relation", "sekolah"]),
        "relation sekolah is not allowed",
    );
    // Not printed yet.
    refused(
        handover(&["Q-1", "--relation", "anggota-keluarga"]),
        "expected printed, got queued",
    );
    let h1 = ["H-1", "--relation", "kepala-keluarga", "--code", CODE];
    let out = ok(handover(&h1));
    assert!(
        out.contains("H-1: handed over (head of family), pickup code matched"),
        "{out}"
    );
    assert!(!out.contains(RECIPIENT) && !out.contains(CODE), "{out}");
    // Twice: refused with the time of the first.
    let t = refused(handover(&h1), "was already handed over at 20");
    assert!(!t.contains(RECIPIENT), "{t}");
    // No code on the job: a code given is refused, none is fine.
    refused(
        handover(&["H-2", "--relation", "anggota-keluarga", "--code", CODE]),
        "carries no pickup code",
    );
    let out = ok(handover(&["H-2", "--relation", "anggota-keluarga"]));
    assert!(out.contains("H-2: handed over (family member)"), "{out}");
    assert!(!out.contains("pickup code matched"), "{out}");

    // The school batch: a family relation is refused, the school takes every printed card.
    refused(
        as_operator(
            &socket,
            &[
                "handover",
                "--batch",
                "SD-9",
                "--to",
                "IBU SRI",
                "--relation",
                "kepala-keluarga",
            ],
        ),
        "relation kepala-keluarga is not allowed",
    );
    let out = ok(as_operator(
        &socket,
        &[
            "handover",
            "--batch",
            "SD-9",
            "--to",
            "IBU SRI",
            "--relation",
            "sekolah",
        ],
    ));
    assert!(
        out.contains("batch SD-9: 3 cards handed over (boys 1, girls 2)"),
        "{out}"
    );
    assert!(
        out.contains("handed over before: 0  not printed: 1"),
        "{out}"
    );
    refused(
        as_operator(&socket, &["handover", "--batch", "SD-9", "--to", "IBU SRI", "--relation", "sekolah"]),
        "batch SD-9 has no printed card waiting for hand-over (3 already handed over, 1 not printed)",
    );
    let status = ok(as_operator(&socket, &["status"]));
    assert!(status.contains("handed over [done] 5"), "{status}");

    sigterm(&daemon);
    let exit = daemon.wait().unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = daemon.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(exit.success(), "daemon: {stderr}");
    assert!(
        !stderr.contains(RECIPIENT) && !stderr.contains(CODE),
        "{stderr}"
    );

    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    let nobody = nix::unistd::User::from_name(OPERATOR).unwrap().unwrap();
    let h1 = j.handover_of("H-1").unwrap().unwrap();
    assert_eq!(h1.recipient_name.as_deref(), Some(RECIPIENT));
    assert_eq!(h1.relation, cetak::journal::Relation::KepalaKeluarga);
    assert!(h1.code_checked);
    assert_eq!(h1.handed_by_uid, Some(nobody.uid.as_raw()));
    assert_eq!(h1.handed_by_user.as_deref(), Some(OPERATOR));
    assert!(
        h1.handed_by.contains(&format!("uid {}", nobody.uid)),
        "{}",
        h1.handed_by
    );
    assert!(!j.handover_of("H-2").unwrap().unwrap().code_checked);
    assert_eq!(
        j.handover_of("S-2").unwrap().unwrap().batch_id.as_deref(),
        Some("SD-9")
    );
    assert!(j.handover_of("S-4").unwrap().is_none());
    for id in ["H-1", "H-2", "S-1", "S-2", "S-3"] {
        assert_eq!(j.job(id).unwrap().state, JobState::HandedOver, "{id}");
    }
    assert_eq!(j.job("S-4").unwrap().state, JobState::Cancelled);
    assert_eq!(j.job("Q-1").unwrap().state, JobState::Queued);

    // Events: once each, after `printed`, valid against the contract, no name, no code.
    let contract = cetak_server_sim::Contract::load().unwrap();
    for id in ["H-1", "H-2", "S-1", "S-2", "S-3"] {
        assert_eq!(
            outbox_kinds(&j, id),
            [
                "accepted",
                "printing",
                "printed",
                "ready_for_pickup",
                "handed_over"
            ],
            "{id}"
        );
        for e in j.outbox_for_job(id).unwrap() {
            assert!(
                !e.body.contains(RECIPIENT) && !e.body.contains("IBU SRI"),
                "{}",
                e.body
            );
            assert!(!e.body.contains(CODE), "{}", e.body);
            let v: serde_json::Value = serde_json::from_str(&e.body).unwrap();
            if let Err(err) = contract.validate_schema("Event", &v) {
                panic!("{} does not match the contract: {err:?}\n{v}", e.kind);
            }
        }
    }
    let ready: serde_json::Value =
        serde_json::from_str(&j.outbox_for_job("H-1").unwrap()[3].body).unwrap();
    assert_eq!(ready["pickup_code_required"], true);
    let handed: serde_json::Value =
        serde_json::from_str(&j.outbox_for_job("S-3").unwrap()[4].body).unwrap();
    assert_eq!(
        (
            handed["relation"].as_str(),
            handed["batch_id"].as_str(),
            handed["code_checked"].as_bool()
        ),
        (Some("sekolah"), Some("SD-9"), Some(false))
    );
    // The audit trail and the ledger hold: handed-over cards are still consumed blangko.
    assert!(j.audit_verify().unwrap().is_ok());
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "{:?}", v.problems);
    let audit = j.audit_list(0, 1000).unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "job.hand_over").count(),
        5
    );
    let bast: Vec<_> = audit
        .iter()
        .filter(|a| a.action == "batch.hand_over")
        .collect();
    assert_eq!(bast.len(), 1);
    assert!(
        bast[0].detail.contains(r#""boys":1"#) && bast[0].detail.contains(r#""girls":2"#),
        "{:?}",
        bast[0]
    );
    assert!(audit
        .iter()
        .all(|a| !a.detail.contains(RECIPIENT) && !a.detail.contains("IBU SRI")));

    // The personal-data purge forgets who took the cards, once the server has the events.
    for e in j.outbox_pending(1000).unwrap() {
        j.outbox_ack(&e.event_id).unwrap();
    }
    let later =
        cetak::journal::Timestamp::from_datetime(chrono::Utc::now()).plus_millis(86_400_000);
    j.purge_personal_data(later).unwrap();
    let h1 = j.handover_of("H-1").unwrap().unwrap();
    assert_eq!(h1.recipient_name, None);
    assert!(h1.code_checked);
    for id in ["H-1", "H-2", "S-1", "S-2", "S-3"] {
        assert_eq!(
            j.handover_of(id).unwrap().unwrap().recipient_name,
            None,
            "{id}"
        );
    }
}

/// A school batch of 500 (seed 004 sizes): every printed card handed over in one transaction,
/// the BAST counts equal to the journal's, one `handed_over` event per job. Prints how long the
/// hand-over took (a figure, not a limit).
#[test]
fn a_school_batch_of_500_is_handed_over_whole_with_counts_equal_to_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j = Journal::open(tmp.path().join("journal.db")).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 500);
    let mut boys = 0;
    for i in 0..500u32 {
        let id = format!("SD-500-{i:03}");
        let sex = if i % 3 == 0 { "LAKI-LAKI" } else { "PEREMPUAN" };
        let payload = format!(r#"{{"job_id":"{id}","person":{{"sex":"{sex}"}}}}"#);
        if i >= 497 {
            // Three cards still waiting for a printer.
            j.enqueue(&NewJob {
                job_id: id,
                blangko_type: BlangkoType::Kia,
                nik_masked: "327301******0001".into(),
                batch_id: Some("SD-500".into()),
                batch_nik: None,
                priority: 0,
                needs_chip: false,
                needs_dual_side: false,
                payload,
            })
            .unwrap();
            continue;
        }
        boys += u64::from(sex == "LAKI-LAKI");
        printed(&mut j, &id, Some("SD-500"), &payload);
    }
    let started = std::time::Instant::now();
    let b = j
        .hand_over_batch(
            "SD-500",
            "KEPALA SEKOLAH",
            cetak::journal::Relation::Sekolah,
            &cetak::journal::Actor::operator("op"),
        )
        .unwrap();
    let took = started.elapsed();
    eprintln!("batch hand-over of {} cards: {took:?}", b.handed_over);
    assert_eq!(
        (b.handed_over, b.boys, b.girls, b.sex_unknown, b.not_printed),
        (497, boys, 497 - boys, 0, 3)
    );
    let queue = j.count_by_state().unwrap();
    assert_eq!(queue.get("diserahkan").copied(), Some(497), "{queue:?}");
    assert_eq!(queue.get("queued").copied(), Some(3), "{queue:?}");
    let events = j.outbox_pending(10_000).unwrap();
    let handed = events.iter().filter(|e| e.kind == "handed_over").count();
    let ready = events
        .iter()
        .filter(|e| e.kind == "ready_for_pickup")
        .count();
    assert_eq!((handed, ready), (497, 497));
    assert!(j.stock_verify().unwrap().is_ok());
}
