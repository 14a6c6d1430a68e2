//! What `stock verify` and `audit verify` find in a tampered journal reaches an administrator
//! in their language: the catalogue's `stock.problem.*` / `audit.problem.*` texts through the
//! CLI, never the journal's English words under `--lang id`.

use super::messages::{cetak, station};
use crate::support::daemon::text;
use crate::support::journal::{admin, op};
use cetak::journal::BlangkoType;

#[test]
fn stock_and_audit_findings_are_told_in_the_operators_language() {
    let (tmp, config, mut j) = station();
    j.stock_receive(BlangkoType::Kia, 30, "L-001/BOX-01", None, &admin())
        .unwrap();
    j.stock_load("P1", BlangkoType::Kia, 10, &op()).unwrap();
    drop(j);
    // Someone drops the ledger's guard and deletes the load, then edits an audit row.
    let db = rusqlite::Connection::open(tmp.path().join("data/journal.sqlite")).unwrap();
    db.execute_batch(
        "DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE kind = 'loaded';
         UPDATE audit SET actor = 'someone-else' WHERE id = 1;",
    )
    .unwrap();
    drop(db);

    let out = cetak(&config, "id", &["stock", "verify"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("MASALAH: kia/feeder:P1: saldo tercatat 10, jumlah mutasinya 0"),
        "{t}"
    );
    for english in [
        "balance is",
        "movements add up",
        "without their audit",
        "negative",
    ] {
        assert!(!t.contains(english), "English under --lang id: {t}");
    }
    let t = text(&cetak(&config, "en", &["stock", "verify"]));
    assert!(
        t.contains("kia/feeder:P1 balance is 10 but the movements add up to 0"),
        "{t}"
    );

    let out = cetak(&config, "id", &["audit", "verify"]);
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(
        t.contains("isi tidak cocok dengan hash-nya (diubah)"),
        "{t}"
    );
    assert!(
        !t.contains("edited") && !t.contains("does not match"),
        "{t}"
    );
    let t = text(&cetak(&config, "en", &["audit", "verify"]));
    assert!(
        t.contains("content does not match its hash (edited)"),
        "{t}"
    );
}
