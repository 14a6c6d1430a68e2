//! History timestamps follow commit order: a connection that waits for another writer stamps
//! its rows with the time it got the write lock, not the time it asked for it.

use std::time::Duration;

use crate::support::journal::*;
use cetak::journal::{BlangkoType, Journal};

#[test]
fn a_writer_that_waited_for_the_lock_stamps_the_time_it_got_it() {
    let f = open();
    let path = f.path();
    // Another connection holds the write lock (as the spool thread or a worker would).
    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let clock = f.clock.clone();
    let waiter = std::thread::spawn(move || {
        let mut j = Journal::open_with(&path, options(clock, 3)).unwrap();
        j.enqueue(&job("KIA-T-1", BlangkoType::Kia)).unwrap();
        j
    });
    // Let the waiter reach the lock, then time passes before the lock is released.
    std::thread::sleep(Duration::from_millis(300));
    f.clock.advance(10_000);
    blocker.execute_batch("ROLLBACK").unwrap();
    let j = waiter.join().unwrap();
    let h = j.job_history("KIA-T-1").unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        h[0].at,
        T0.plus_millis(10_000),
        "enqueue stamped before it held the write lock"
    );
}

#[test]
fn history_is_in_time_order_across_connections() {
    let mut f = open();
    let path = f.path();
    let mut other = Journal::open_with(&path, options(f.clock.clone(), 3)).unwrap();
    for i in 0..20 {
        f.j.enqueue(&job(&format!("KIA-T-{i}"), BlangkoType::Kia))
            .unwrap();
        f.clock.advance(1);
        other
            .claim_next(&slot("P1", BlangkoType::Kia, false, true))
            .unwrap()
            .unwrap();
        f.clock.advance(1);
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ats: Vec<i64> = conn
        .prepare("SELECT at FROM job_events ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ats.len(), 40);
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "{ats:?}");
}
