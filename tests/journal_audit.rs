//! Audit trail tamper detection: rows edited, deleted or inserted with raw SQL are caught by
//! `audit_verify`, which names the first bad row.

mod journal_support;

use cetak::journal::{BlangkoType, SpoilCategory, StockPlace};
use journal_support::*;
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
    assert!(p.what.contains("edited"), "{}", p.what);
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
    assert!(p.what.contains("missing"), "{}", p.what);
}

#[test]
fn deleted_last_rows_are_detected() {
    let (f, rows) = busy_journal();
    raw(&f)
        .execute("DELETE FROM audit WHERE id >= ?1", [rows - 1])
        .unwrap();
    let p = f.j.audit_verify().unwrap().problem.unwrap();
    assert_eq!(p.row_id, rows - 1);
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
        v.problems.iter().any(|p| p.contains("audit row")),
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
        v.problems.iter().any(|p| p.contains("feeder:P1")),
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
