//! Shared fixtures for the journal tests: a real SQLite file in a temp dir and a manual clock.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::PathBuf;
use std::sync::Arc;

use cetak::journal::{
    mask_nik, Actor, BlangkoType, Journal, JournalOptions, ManualClock, NewJob, PrinterSlot,
    Timestamp,
};

/// 2026-11-21 08:00 WIB.
pub const T0: Timestamp = Timestamp(1_795_222_800_000);

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub j: Journal,
}

impl Fixture {
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("journal.db")
    }

    pub fn reopen(&mut self) {
        let j = Journal::open_with(self.path(), options(self.clock.clone(), 3)).unwrap();
        self.j = j;
    }
}

pub fn options(clock: Arc<ManualClock>, max_attempts: u32) -> JournalOptions {
    JournalOptions {
        station_id: "ST-3273".into(),
        max_attempts,
        clock,
        ..JournalOptions::default()
    }
}

pub fn open() -> Fixture {
    open_with_attempts(3)
}

pub fn open_with_attempts(max_attempts: u32) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(T0));
    let j = Journal::open_with(
        dir.path().join("journal.db"),
        options(clock.clone(), max_attempts),
    )
    .unwrap();
    Fixture { dir, clock, j }
}

/// A synthetic NIK consistent with a birth date (female: day + 40).
pub fn nik(serial: u32) -> String {
    format!("327301{:02}0815{:04}", 41 + (serial % 28), serial % 10_000)
}

pub fn job(id: &str, t: BlangkoType) -> NewJob {
    NewJob {
        job_id: id.into(),
        blangko_type: t,
        nik_masked: mask_nik(&nik(7)),
        batch_id: None,
        batch_nik: None,
        priority: 0,
        needs_chip: false,
        needs_dual_side: false,
        payload: format!(r#"{{"job_id":"{id}","nama":"SITI RAHAYU"}}"#),
    }
}

pub fn chip_job(id: &str) -> NewJob {
    NewJob {
        needs_chip: true,
        needs_dual_side: true,
        ..job(id, BlangkoType::KtpEl)
    }
}

pub fn slot(p: &str, t: BlangkoType, encoder: bool, dual: bool) -> PrinterSlot {
    PrinterSlot {
        printer_id: p.into(),
        blangko_type: t,
        has_encoder: encoder,
        dual_side: dual,
    }
}

pub fn admin() -> Actor {
    Actor::admin("kasi-01")
}

pub fn op() -> Actor {
    Actor::operator("op-07")
}

/// Receives `n` blangko of `t` and loads them all into printer `p`.
pub fn stock_printer(j: &mut Journal, p: &str, t: BlangkoType, n: u32) {
    j.stock_receive(t, n, "L-001/BOX-01", None, &admin())
        .unwrap();
    j.stock_load(p, t, n, &op()).unwrap();
}

/// Asserts the ledger balances and the audit chain holds.
pub fn assert_consistent(j: &Journal) {
    let v = j.stock_verify().unwrap();
    assert!(v.is_ok(), "stock verify: {:?}", v.problems);
    let a = j.audit_verify().unwrap();
    assert!(a.is_ok(), "audit verify: {:?}", a.problem);
}

/// Claims the queued KIA job `id` on printer `printer` (dual-sided, no encoder), prepares and
/// feeds it (printer serial `SN-{printer}`; `card` is the card number the printer reported, if
/// it did) and starts printing: the card is in the printer. A station stopped now finds the
/// job in doubt at its next start.
pub fn printing_on(j: &mut Journal, id: &str, printer: &str, card: Option<&str>) {
    let c = j
        .claim_next(&slot(printer, BlangkoType::Kia, false, true))
        .unwrap()
        .unwrap();
    assert_eq!(c.job_id, id);
    j.mark_ready(id).unwrap();
    j.feed(id, Some(&format!("SN-{printer}"))).unwrap();
    if let Some(card) = card {
        j.card_fed(id, card).unwrap();
    }
    j.start_printing(id, None).unwrap();
}

/// The kinds of the outbox events of job `id`, oldest first.
pub fn outbox_kinds(j: &Journal, id: &str) -> Vec<String> {
    j.outbox_for_job(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}
