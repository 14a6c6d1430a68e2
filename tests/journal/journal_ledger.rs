//! Blangko ledger: movements, refusals, roles, feeders, alerts, the daily spoilage record, and
//! the invariant under random sequences of operations (proptest against a plain model).

use cetak::messages::MessageText as _;
use std::collections::BTreeMap;

use crate::support::journal::*;
use cetak::journal::{
    Actor, BlangkoType, DoubtResolution, JournalError, Location, PrintedInfo, SpoilCategory,
    StockPlace, StockThresholds,
};
use proptest::prelude::*;

const KIA: BlangkoType = BlangkoType::Kia;
const KTP: BlangkoType = BlangkoType::KtpEl;

#[test]
fn receive_load_spoil_return_adjust_show() {
    let mut f = open();
    let j = &mut f.j;
    j.stock_receive(KIA, 500, "L-001/BOX-01", None, &admin())
        .unwrap();
    j.stock_receive(KTP, 200, "L-002/BOX-07", Some("dari provinsi"), &admin())
        .unwrap();
    j.stock_load("P1", KIA, 100, &op()).unwrap();
    j.stock_load("P2", KTP, 50, &op()).unwrap();
    j.stock_unload("P1", KIA, 10, &op()).unwrap();
    j.stock_spoil(
        &StockPlace::Feeder("P1".into()),
        KIA,
        3,
        SpoilCategory::Rusak,
        "bent",
        &op(),
    )
    .unwrap();
    j.stock_return(&StockPlace::Store, KTP, 20, "kelebihan alokasi", &admin())
        .unwrap();
    j.stock_adjust(&StockPlace::Store, KIA, 2, "found in drawer", &admin())
        .unwrap();
    let s = j.stock_show().unwrap();
    let kia = &s.types[&KIA];
    assert_eq!(kia.received, 500);
    assert_eq!(kia.in_store, 500 - 100 + 10 + 2);
    assert_eq!(kia.in_feeders, 87);
    assert_eq!(kia.spoiled_by_category[&SpoilCategory::Rusak], 3);
    assert_eq!(kia.adjustments, 2);
    assert_eq!(kia.imbalance(), 0);
    let ktp = &s.types[&KTP];
    assert_eq!((ktp.in_store, ktp.in_feeders, ktp.returned), (130, 50, 20));
    assert_eq!(s.feeders.len(), 2);
    assert_consistent(j);
}

#[test]
fn movements_that_would_go_negative_are_refused() {
    let mut f = open();
    let j = &mut f.j;
    j.stock_receive(KIA, 10, "L-001", None, &admin()).unwrap();
    let e = j.stock_load("P1", KIA, 11, &op()).unwrap_err();
    match &e {
        JournalError::InsufficientStock {
            location,
            available,
            requested,
            ..
        } => assert_eq!(
            (location.as_str(), *available, *requested),
            ("store", 10, 11)
        ),
        other => panic!("{other}"),
    }
    assert!(e.message_id().contains("tidak cukup"));
    assert!(j.stock_unload("P1", KIA, 1, &op()).is_err());
    assert!(j
        .stock_adjust(&StockPlace::Store, KIA, -11, "missing", &admin())
        .is_err());
    assert!(j
        .stock_return(&StockPlace::Store, KTP, 1, "none there", &op())
        .is_err());
    assert!(j.stock_receive(KIA, 0, "L-001", None, &admin()).is_err());
    assert!(j.stock_receive(KIA, 1, "", None, &admin()).is_err());
    let s = j.stock_show().unwrap();
    assert_eq!(s.types[&KIA].in_store, 10);
    assert_consistent(j);
}

#[test]
fn adjustments_are_for_administrators_with_a_reason() {
    let mut f = open();
    let j = &mut f.j;
    j.stock_receive(KIA, 10, "L-001", None, &admin()).unwrap();
    let e = j
        .stock_adjust(&StockPlace::Store, KIA, -1, "lost", &op())
        .unwrap_err();
    assert!(matches!(e, JournalError::NotAdministrator { .. }), "{e}");
    assert!(j
        .stock_adjust(&StockPlace::Store, KIA, -1, "  ", &admin())
        .is_err());
    j.stock_adjust(&StockPlace::Store, KIA, -1, "lost", &admin())
        .unwrap();
    let a = j.audit_list(0, 100).unwrap();
    let last = a.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.role.as_str()),
        ("stock.adjusted", "admin")
    );
    assert!(last.detail.contains("lost"));
}

#[test]
fn a_feed_the_printer_did_not_take_is_undone() {
    let mut f = open();
    let j = &mut f.j;
    stock_printer(j, "P1", KIA, 3);
    j.enqueue(&job("J1", KIA)).unwrap();
    let c = j
        .claim_next(&slot("P1", KIA, false, false))
        .unwrap()
        .unwrap();
    j.mark_ready(&c.job_id).unwrap();
    // Only from feeding.
    assert!(matches!(
        j.feed_not_taken("J1", "feeder empty"),
        Err(JournalError::IllegalTransition { .. })
    ));
    assert_eq!(j.feed_on("P1", "J1", Some("SN1")).unwrap(), 1);
    assert_eq!(j.cards_fed("P1").unwrap(), 1);
    j.feed_not_taken("J1", "the card feeder is empty").unwrap();
    let rec = j.job("J1").unwrap();
    assert_eq!(rec.state, cetak::journal::JobState::Ready);
    assert_eq!(rec.printer_id.as_deref(), Some("P1"));
    assert_eq!(rec.attempt, 0);
    assert_eq!(
        j.stock_balance(KIA, &Location::Feeder("P1".into()))
            .unwrap(),
        3
    );
    assert_eq!(
        j.stock_balance(KIA, &Location::InPrinter("P1".into()))
            .unwrap(),
        0
    );
    assert_eq!(
        j.cards_fed("P1").unwrap(),
        0,
        "the hardware counter did not move"
    );
    assert_consistent(j);
    let kinds = outbox_kinds(j, "J1");
    assert_eq!(kinds, vec!["accepted", "printing", "requeued"]);
    // Fed again and printed: the same attempt number, one blangko consumed.
    assert_eq!(j.feed_on("P1", "J1", Some("SN1")).unwrap(), 1);
    j.start_printing("J1", None).unwrap();
    j.mark_printed("J1", &PrintedInfo::default()).unwrap();
    assert_eq!(j.job("J1").unwrap().attempt, 1);
    assert_eq!(j.cards_fed("P1").unwrap(), 1);
    let show = j.stock_show().unwrap();
    assert_eq!(show.types[&KIA].consumed, 1);
    assert_eq!(show.types[&KIA].spoiled, 0);
    assert_eq!(show.feeders[0].count, 2);
    assert_consistent(j);
}

#[test]
fn a_feeder_holds_one_type_at_a_time() {
    let mut f = open();
    let j = &mut f.j;
    j.stock_receive(KIA, 10, "L-001", None, &admin()).unwrap();
    j.stock_receive(KTP, 10, "L-002", None, &admin()).unwrap();
    j.stock_load("P1", KIA, 5, &op()).unwrap();
    let e = j.stock_load("P1", KTP, 5, &op()).unwrap_err();
    assert!(
        matches!(e, JournalError::FeederHoldsOtherType { held: 5, .. }),
        "{e}"
    );
    j.stock_unload("P1", KIA, 5, &op()).unwrap();
    j.stock_load("P1", KTP, 5, &op()).unwrap();
    assert_consistent(j);
}

#[test]
fn low_stock_alerts_per_type_and_feeder_are_raised_once_and_cleared() {
    let mut f = open();
    let mut th = StockThresholds {
        feeder_default: Some(10),
        ..Default::default()
    };
    th.per_type.insert(KIA, 100);
    f.j.stock_receive(KIA, 50, "L-001", None, &admin()).unwrap();
    f.j.stock_load("P1", KIA, 5, &op()).unwrap();
    let alerts = f.j.low_stock_check(&th).unwrap();
    let keys: Vec<_> = alerts
        .iter()
        .map(|a| (a.kind.as_str(), a.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("low_stock_type", "kia"), ("low_stock_feeder", "feeder:P1")]
    );
    assert!(alerts[0].message_id.contains("menipis"));
    let backlog = f.j.outbox_backlog().unwrap();
    // Checking again raises nothing new.
    assert_eq!(f.j.low_stock_check(&th).unwrap().len(), 2);
    assert_eq!(f.j.outbox_backlog().unwrap(), backlog);
    f.j.stock_receive(KIA, 100, "L-002", None, &admin())
        .unwrap();
    f.j.stock_load("P1", KIA, 20, &op()).unwrap();
    assert!(f.j.low_stock_check(&th).unwrap().is_empty());
    // Tamper alerts from the worker side.
    assert!(f
        .j
        .raise_alert("tamper", "P1", "counter +2", "penghitung kartu +2")
        .unwrap());
    assert!(!f.j.raise_alert("tamper", "P1", "counter +2", "x").unwrap());
    assert!(f.j.clear_alert("tamper", "P1").unwrap());
    assert!(f.j.alerts_open().unwrap().is_empty());
}

#[test]
fn daily_spoilage_record_by_local_day_and_category() {
    let mut f = open();
    stock_printer(&mut f.j, "P1", KIA, 20);
    let spoil = |f: &mut Fixture, c| {
        f.j.stock_spoil(&StockPlace::Feeder("P1".into()), KIA, 1, c, "x", &op())
            .unwrap();
    };
    // T0 is 08:00 WIB on 21 Nov.
    spoil(&mut f, SpoilCategory::Rusak);
    spoil(&mut f, SpoilCategory::Rusak);
    f.clock.advance(15 * 3_600_000); // 23:00 WIB, same day
    spoil(&mut f, SpoilCategory::GagalEncode);
    f.clock.advance(2 * 3_600_000); // 01:00 WIB next day
    spoil(&mut f, SpoilCategory::PerubahanElemenData);
    let rows =
        f.j.spoilage_daily(
            T0.plus_millis(-86_400_000),
            T0.plus_millis(3 * 86_400_000),
            420,
        )
        .unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.date.as_str(), r.category.label_id(), r.count))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-11-21", "gagal encode", 1),
            ("2026-11-21", "rusak", 2),
            ("2026-11-22", "perubahan elemen data", 1)
        ]
    );
}

#[test]
fn categories_parse_from_code_and_label() {
    for c in SpoilCategory::ALL {
        assert_eq!(c.code().parse::<SpoilCategory>().unwrap(), c);
        assert_eq!(c.label_id().parse::<SpoilCategory>().unwrap(), c);
    }
    assert!("hilang".parse::<SpoilCategory>().is_err());
}

// ---------------------------------------------------------------- random sequences

#[derive(Debug, Clone)]
enum Op {
    Receive(BlangkoType, u32),
    Load(usize, BlangkoType, u32),
    Unload(usize, BlangkoType, u32),
    SpoilStore(BlangkoType, u32),
    SpoilFeeder(usize, BlangkoType, u32),
    Return(BlangkoType, u32),
    Adjust(Option<usize>, BlangkoType, i64, bool),
    /// Enqueue + claim + feed on printer, then 0 printed, 1 spoiled, 2 in doubt.
    Card(usize, BlangkoType, u8),
    ResolveDoubts(bool),
}

const PRINTERS: [&str; 2] = ["P1", "P2"];

fn any_type() -> impl Strategy<Value = BlangkoType> {
    prop_oneof![Just(KIA), Just(KTP)]
}

fn any_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any_type(), 1u32..40).prop_map(|(t, n)| Op::Receive(t, n)),
        (0..2usize, any_type(), 1u32..25).prop_map(|(p, t, n)| Op::Load(p, t, n)),
        (0..2usize, any_type(), 1u32..10).prop_map(|(p, t, n)| Op::Unload(p, t, n)),
        (any_type(), 1u32..5).prop_map(|(t, n)| Op::SpoilStore(t, n)),
        (0..2usize, any_type(), 1u32..5).prop_map(|(p, t, n)| Op::SpoilFeeder(p, t, n)),
        (any_type(), 1u32..8).prop_map(|(t, n)| Op::Return(t, n)),
        (
            proptest::option::of(0..2usize),
            any_type(),
            prop_oneof![-6i64..0, 1i64..6],
            any::<bool>()
        )
            .prop_map(|(p, t, d, a)| Op::Adjust(p, t, d, a)),
        (0..2usize, any_type(), 0u8..4).prop_map(|(p, t, o)| Op::Card(p, t, o)),
        any::<bool>().prop_map(Op::ResolveDoubts),
    ]
}

/// Plain model of where the blangko are.
#[derive(Default, Debug)]
struct Model {
    bal: BTreeMap<(BlangkoType, String), i64>,
    doubts: Vec<String>,
    jobs: u32,
}

impl Model {
    fn get(&self, t: BlangkoType, l: &str) -> i64 {
        self.bal.get(&(t, l.to_string())).copied().unwrap_or(0)
    }
    fn mv(&mut self, t: BlangkoType, from: &str, to: &str, n: i64) {
        *self.bal.entry((t, from.to_string())).or_default() -= n;
        *self.bal.entry((t, to.to_string())).or_default() += n;
    }
    /// Applies `n` from `from` if possible; returns whether the journal must accept.
    fn try_mv(&mut self, t: BlangkoType, from: &str, to: &str, n: i64) -> bool {
        let physical =
            from == "store" || from.starts_with("feeder:") || from.starts_with("printer:");
        if physical && self.get(t, from) < n {
            return false;
        }
        if to.starts_with("feeder:") {
            let other = if t == KIA { KTP } else { KIA };
            if self.get(other, to) > 0 {
                return false;
            }
        }
        self.mv(t, from, to, n);
        true
    }
}

fn run(ops: &[Op]) {
    let mut f = open_with_attempts(100);
    let mut m = Model::default();
    for (i, o) in ops.iter().enumerate() {
        let j = &mut f.j;
        let feeder = |p: usize| format!("feeder:{}", PRINTERS[p]);
        let (expect_ok, res): (bool, Result<(), JournalError>) = match o.clone() {
            Op::Receive(t, n) => (
                m.try_mv(t, "supplier", "store", n.into()),
                j.stock_receive(t, n, "L-X", None, &admin()).map(|_| ()),
            ),
            Op::Load(p, t, n) => (
                m.try_mv(t, "store", &feeder(p), n.into()),
                j.stock_load(PRINTERS[p], t, n, &op()).map(|_| ()),
            ),
            Op::Unload(p, t, n) => (
                m.try_mv(t, &feeder(p), "store", n.into()),
                j.stock_unload(PRINTERS[p], t, n, &op()).map(|_| ()),
            ),
            Op::SpoilStore(t, n) => (
                m.try_mv(t, "store", "spoiled", n.into()),
                j.stock_spoil(&StockPlace::Store, t, n, SpoilCategory::Rusak, "x", &op())
                    .map(|_| ()),
            ),
            Op::SpoilFeeder(p, t, n) => (
                m.try_mv(t, &feeder(p), "spoiled", n.into()),
                j.stock_spoil(
                    &StockPlace::Feeder(PRINTERS[p].into()),
                    t,
                    n,
                    SpoilCategory::GagalCetak,
                    "x",
                    &op(),
                )
                .map(|_| ()),
            ),
            Op::Return(t, n) => (
                m.try_mv(t, "store", "returned", n.into()),
                j.stock_return(&StockPlace::Store, t, n, "x", &op())
                    .map(|_| ()),
            ),
            Op::Adjust(p, t, d, is_admin) => {
                let place = match p {
                    Some(p) => StockPlace::Feeder(PRINTERS[p].into()),
                    None => StockPlace::Store,
                };
                let loc = p.map(feeder).unwrap_or_else(|| "store".into());
                let actor = if is_admin {
                    admin()
                } else {
                    Actor::operator("op")
                };
                let ok = is_admin
                    && if d > 0 {
                        m.try_mv(t, "adjustment", &loc, d)
                    } else {
                        m.try_mv(t, &loc, "adjustment", -d)
                    };
                (
                    ok,
                    j.stock_adjust(&place, t, d, "count", &actor).map(|_| ()),
                )
            }
            Op::Card(p, t, outcome) => {
                m.jobs += 1;
                let id = format!("J{}", m.jobs);
                j.enqueue(&job(&id, t)).unwrap();
                let c = j
                    .claim_next(&slot(PRINTERS[p], t, false, false))
                    .unwrap()
                    .unwrap();
                j.mark_ready(&c.job_id).unwrap();
                let printer = format!("printer:{}", PRINTERS[p]);
                let ok = m.try_mv(t, &feeder(p), &printer, 1);
                let fed = j.feed(&c.job_id, None);
                if fed.is_ok() && outcome == 3 {
                    // The printer did not take the card: the feed is undone.
                    j.feed_not_taken(&c.job_id, "feeder empty").unwrap();
                    m.mv(t, &printer, &feeder(p), 1);
                    j.release(&c.job_id, "shutdown").unwrap();
                } else if fed.is_ok() {
                    j.start_printing(&c.job_id, None).unwrap();
                    match outcome {
                        0 => {
                            j.mark_printed(&c.job_id, &PrintedInfo::default()).unwrap();
                            m.mv(t, &printer, "consumed", 1);
                        }
                        1 => {
                            j.spoil(&c.job_id, SpoilCategory::GagalCetak, "x", &op())
                                .unwrap();
                            m.mv(t, &printer, "spoiled", 1);
                        }
                        _ => {
                            j.mark_in_doubt(&c.job_id, "lost").unwrap();
                            m.doubts.push(c.job_id.clone());
                        }
                    }
                } else {
                    j.release(&c.job_id, "feeder empty").unwrap();
                }
                (ok, fed.map(|_| ()))
            }
            Op::ResolveDoubts(printed) => {
                for id in std::mem::take(&mut m.doubts) {
                    let rec = j.job(&id).unwrap();
                    let t = rec.blangko_type.unwrap();
                    let printer = format!("printer:{}", rec.printer_id.unwrap());
                    let how = if printed {
                        m.mv(t, &printer, "consumed", 1);
                        DoubtResolution::Printed
                    } else {
                        m.mv(t, &printer, "spoiled", 1);
                        DoubtResolution::Spoiled(SpoilCategory::Rusak)
                    };
                    j.doubt_resolve(&id, how, "checked", &op()).unwrap();
                }
                (true, Ok(()))
            }
        };
        assert_eq!(expect_ok, res.is_ok(), "op {i} {o:?}: {res:?}");
        // The journal's balances equal the model's after every step.
        for ((t, loc), n) in &m.bal {
            let l: Location = loc.parse().unwrap();
            assert_eq!(
                j.stock_balance(*t, &l).unwrap(),
                *n,
                "op {i} {o:?}: {t}/{loc}"
            );
        }
    }
    assert_consistent(&f.j);
    for t in [KIA, KTP] {
        assert_eq!(f.j.stock_show().unwrap().types[&t].imbalance(), 0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn ledger_invariant_holds_under_random_operations(ops in proptest::collection::vec(any_op(), 1..40)) {
        run(&ops);
    }
}
