//! Audit trail tamper detection: rows edited, deleted or inserted with raw SQL are caught by
//! `audit_verify`, which names the first bad row.

use crate::support::journal::*;
use cetak::journal::{AuditFault, BlangkoType, SpoilCategory, StockPlace, StockProblem};
use rusqlite::Connection;

/// A journal with a few audited actions; returns the number of audit rows.
fn busy_journal() -> (Fixture, i64) {
    let mut f = open();
    stock_printer(&mut f.j, "P1", BlangkoType::Kia, 20);
    f.j.stock_receive(BlangkoType::KtpEl, 100, "L-002", Some("dus 3"), &admin())
        .unwrap();
    f.j.stock_spoil(
        &StockPlace::Store,
        BlangkoType::KtpEl,
        2,
        SpoilCategory::Rusak,
        "corner broken",
        &op(),
    )
    .unwrap();
    f.j.stock_adjust(
        &StockPlace::Store,
        BlangkoType::KtpEl,
        -1,
        "count at closing",
        &admin(),
    )
    .unwrap();
    f.j.record_action(
        &op(),
        "printer.resume",
        "P1",
        &serde_json::json!({"after": "cover open"}),
    )
    .unwrap();
    let rows = f.j.audit_list(0, 1000).unwrap().len() as i64;
    assert!(rows >= 6);
    assert_consistent(&f.j);
    (f, rows)
}

fn raw(f: &Fixture) -> Connection {
    Connection::open(f.path()).unwrap()
}

#[test]
fn intact_chain_verifies_and_reports_its_head() {
    let (f, rows) = busy_journal();
    let r = f.j.audit_verify().unwrap();
    assert!(r.is_ok());
    assert_eq!(r.rows as i64, rows);
    assert_eq!(r.head.len(), 64);
    let last = f.j.audit_list(rows - 1, 10).unwrap();
    assert_eq!(last[0].hash, r.head);
}

#[test]
fn edited_detail_is_detected_at_that_row() {
    let (f, _) = busy_journal();
    raw(&f)
        .execute(
            "UPDATE audit SET detail = replace(detail, '\"count\":20', '\"count\":2') WHERE id = 1",
            [],
        )
        .unwrap();
    let p =
        f.j.audit_verify()
            .unwrap()
            .problem
            .expect("tamper detected");
    assert_eq!(p.row_id, 1);
    assert_eq!(p.what, AuditFault::Edited);
}

#[test]
fn edited_actor_in_the_middle_is_detected() {
    let (f, _) = busy_journal();
    raw(&f)
        .execute("UPDATE audit SET actor = 'someone-else' WHERE id = 3", [])
        .unwrap();
    assert_eq!(f.j.audit_verify().unwrap().problem.unwrap().row_id, 3);
}

#[test]
fn recomputed_hash_still_breaks_the_next_link() {
    // A careful forger recomputes the edited row's own hash; the next row's link breaks.
    let (f, _) = busy_journal();
    let c = raw(&f);
    c.execute(
        "UPDATE audit SET at = at + 1, hash = 'ab' || substr(hash, 3) WHERE id = 2",
        [],
    )
    .unwrap();
    let p = f.j.audit_verify().unwrap().problem.unwrap();
    assert_eq!(p.row_id, 2);
}

#[test]
fn deleted_row_is_detected() {
    let (f, _) = busy_journal();
    raw(&f)
        .execute("DELETE FROM audit WHERE id = 4", [])
        .unwrap();
    let p = f.j.audit_verify().unwrap().problem.unwrap();
    assert_eq!(p.row_id, 4);
    assert_eq!(p.what, AuditFault::RowMissing { next: 5 });
}

#[test]
fn deleted_last_rows_are_detected() {
    let (f, rows) = busy_journal();
    raw(&f)
        .execute("DELETE FROM audit WHERE id >= ?1", [rows - 1])
        .unwrap();
    let p = f.j.audit_verify().unwrap().problem.unwrap();
    assert_eq!(p.row_id, rows - 1);
    assert_eq!(p.what, AuditFault::DeletedAtEnd { last: rows });
}

#[test]
fn deleting_the_audit_row_of_a_movement_breaks_stock_verify_too() {
    let (f, _) = busy_journal();
    raw(&f)
        .execute("DELETE FROM audit WHERE id = 2", [])
        .unwrap();
    assert!(!f.j.audit_verify().unwrap().is_ok());
    let v = f.j.stock_verify().unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| matches!(p, StockProblem::Unaudited { count: 1 })),
        "{:?}",
        v.problems
    );
}

#[test]
fn ledger_rows_cannot_be_changed_and_forced_changes_are_caught() {
    let (f, _) = busy_journal();
    let c = raw(&f);
    assert!(c
        .execute("UPDATE ledger SET count = 1 WHERE id = 1", [])
        .is_err());
    assert!(c.execute("DELETE FROM ledger WHERE id = 2", []).is_err());
    // Someone drops the guard and deletes a load: balances and the audit link disagree.
    c.execute_batch("DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE kind = 'loaded';")
        .unwrap();
    let v = f.j.stock_verify().unwrap();
    assert!(!v.is_ok());
    assert!(
        v.problems.iter().any(|p| matches!(
            p,
            StockProblem::BalanceDiffers { place, .. } if place == "feeder:P1"
        )),
        "{:?}",
        v.problems
    );
}

#[test]
fn chain_continues_across_reopen() {
    let (mut f, rows) = busy_journal();
    f.reopen();
    f.j.stock_receive(BlangkoType::Kia, 5, "L-003", None, &admin())
        .unwrap();
    let r = f.j.audit_verify().unwrap();
    assert!(r.is_ok());
    assert_eq!(r.rows as i64, rows + 1);
}

/// Hash of one audit row as every build before schema 10 computed it (docs/journal.md): SHA-256
/// over the previous hash and the seven length-prefixed fields. Written here from the
/// description, not taken from the code.
fn hash_before_identity(prev: &str, fields: [&str; 7]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(prev.as_bytes());
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

#[test]
fn identity_is_recorded_and_covered_by_the_hash() {
    let mut f = open();
    let who = cetak::journal::Actor::operator("Siti Rahma (uid 1234 siti)")
        .with_identity(1234, Some("siti".into()));
    f.j.record_action(
        &who,
        "printer.act",
        "P1",
        &serde_json::json!({"action": "retry"}),
    )
    .unwrap();
    let rows = f.j.audit_list(0, 10).unwrap();
    assert_eq!(rows[0].uid, Some(1234));
    assert_eq!(rows[0].user.as_deref(), Some("siti"));
    assert_eq!(rows[0].role, "operator");
    assert!(f.j.audit_verify().unwrap().is_ok());
    // Another uid or user name written over the row breaks the chain at that row.
    raw(&f)
        .execute("UPDATE audit SET uid = 0 WHERE id = 1", [])
        .unwrap();
    let p =
        f.j.audit_verify()
            .unwrap()
            .problem
            .expect("uid edit caught");
    assert_eq!(p.row_id, 1);
    raw(&f)
        .execute(
            "UPDATE audit SET uid = 1234, user_name = 'root' WHERE id = 1",
            [],
        )
        .unwrap();
    assert!(f.j.audit_verify().unwrap().problem.is_some());
    raw(&f)
        .execute(
            "UPDATE audit SET uid = NULL, user_name = NULL WHERE id = 1",
            [],
        )
        .unwrap();
    assert!(
        f.j.audit_verify().unwrap().problem.is_some(),
        "removing the identity is caught too"
    );
}

#[test]
fn a_chain_written_before_schema_10_still_verifies_and_continues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut c = Connection::open(&path).unwrap();
        cetak::journal::schema::migrate_to(&mut c, 8).unwrap();
        let mut prev = "0".repeat(64);
        for id in 1..=3i64 {
            let at = (1_700_000_000_000 + id).to_string();
            let detail = format!("{{\"n\":{id}}}");
            let fields = [
                id.to_string(),
                at.clone(),
                "op-07".into(),
                "operator".into(),
                "printer.resume".into(),
                "P1".into(),
                detail.clone(),
            ];
            let hash = hash_before_identity(&prev, fields.each_ref().map(String::as_str));
            c.execute(
                "INSERT INTO audit (id, at, actor, role, action, subject, detail, prev_hash, hash)
                 VALUES (?1, ?2, 'op-07', 'operator', 'printer.resume', 'P1', ?3, ?4, ?5)",
                rusqlite::params![id, at.parse::<i64>().unwrap(), detail, prev, hash],
            )
            .unwrap();
            c.execute(
                "INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?1, ?2)
                 ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash",
                rusqlite::params![id, hash],
            )
            .unwrap();
            prev = hash;
        }
    }
    let mut j = cetak::journal::Journal::open(&path).unwrap();
    assert!(
        j.audit_verify().unwrap().is_ok(),
        "old rows verify after the migration"
    );
    let who = cetak::journal::Actor::admin("kasi (uid 1500 kasi)")
        .with_identity(1500, Some("kasi".into()));
    j.record_action(&who, "stock.adjust", "kia/store", &serde_json::json!({}))
        .unwrap();
    // A row without identity written now hashes exactly as before.
    j.record_action(
        &cetak::journal::Actor::system(),
        "printer.resume",
        "P1",
        &serde_json::json!({}),
    )
    .unwrap();
    let r = j.audit_verify().unwrap();
    assert!(r.is_ok(), "{:?}", r.problem);
    let rows = j.audit_list(0, 10).unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!((rows[3].uid, rows[3].role.as_str()), (Some(1500), "admin"));
    let last = &rows[4];
    assert_eq!(last.uid, None);
    assert_eq!(
        last.hash,
        hash_before_identity(
            &last.prev_hash,
            [
                &last.id.to_string(),
                &last.at.0.to_string(),
                &last.actor,
                &last.role,
                &last.action,
                &last.subject,
                &last.detail
            ]
        )
    );
}
