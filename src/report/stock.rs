//! Blangko movements and balances per type over a period: what the station held at the start
//! (store, feeders, inside printers), what came in and went out by kind of movement, and what
//! it held at the end. The closing balance is read from the ledger, not computed from the
//! movements, so a report whose figures do not add up shows a ledger problem instead of
//! hiding it.

use std::collections::BTreeMap;

use super::csv::Csv;
use super::pdf::{Align, Col, ColSpec, Pdf};
use super::{operator_sign_off, period_heading, Lang, Period, ReportConfig, ReportError};
use crate::journal::{BlangkoType, Journal, Location, MovementRow, PlaceBalances};
use crate::messages::label;

/// Figures of one type over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeSummary {
    /// Held at the start.
    pub opening: PlaceBalances,
    /// Received from the province.
    pub received: i64,
    /// Found by an administrator's adjustment.
    pub adjusted_in: i64,
    /// Missing by an administrator's adjustment.
    pub adjusted_out: i64,
    /// Printed (issued).
    pub printed: i64,
    /// Spoiled in a printer, a feeder or the store.
    pub spoiled: i64,
    /// Printed cards written off afterwards (already counted as printed; not held any more).
    pub written_off: i64,
    /// Returned to the province.
    pub returned: i64,
    /// Held at the end.
    pub closing: PlaceBalances,
}

impl TypeSummary {
    /// Opening + in − out − closing: 0 when the ledger adds up.
    pub fn difference(&self) -> i64 {
        self.opening.total() + self.received + self.adjusted_in
            - self.adjusted_out
            - self.printed
            - self.spoiled
            - self.returned
            - self.closing.total()
    }
}

/// The stock report of a period.
#[derive(Debug, Clone)]
pub struct StockPeriod {
    /// The period.
    pub period: Period,
    /// Station id.
    pub station: String,
    /// Per type.
    pub types: BTreeMap<BlangkoType, TypeSummary>,
    /// Every movement in the period, in order.
    pub movements: Vec<MovementRow>,
}

/// Reads the period from the ledger.
pub fn build(journal: &Journal, station: &str, period: Period) -> Result<StockPeriod, ReportError> {
    let opening = journal.balances_before(period.start())?;
    let closing = journal.balances_before(period.end())?;
    let movements = journal.movements(period.start(), period.end())?;
    let mut types: BTreeMap<BlangkoType, TypeSummary> = BlangkoType::ALL
        .into_iter()
        .map(|ty| {
            (
                ty,
                TypeSummary {
                    opening: opening.get(&ty).cloned().unwrap_or_default(),
                    closing: closing.get(&ty).cloned().unwrap_or_default(),
                    ..TypeSummary::default()
                },
            )
        })
        .collect();
    for m in &movements {
        let s = types.entry(m.blangko_type).or_default();
        match (m.kind.as_str(), m.from.as_str()) {
            ("received", _) => s.received += m.count,
            ("consumed", _) => s.printed += m.count,
            ("spoiled", "consumed") => s.written_off += m.count,
            ("spoiled", _) => s.spoiled += m.count,
            ("returned", _) => s.returned += m.count,
            ("adjusted", "adjustment") => s.adjusted_in += m.count,
            ("adjusted", _) => s.adjusted_out += m.count,
            _ => {}
        }
    }
    Ok(StockPeriod {
        period,
        station: station.to_string(),
        types,
        movements,
    })
}

fn held(loc: &str) -> bool {
    loc.parse::<Location>()
        .map(|l| l.is_physical())
        .unwrap_or(false)
}

/// Every movement with the running store and station balances after it; headings in `lang`.
pub fn csv(s: &StockPeriod, lang: Lang) -> String {
    let heading = [
        label(lang, "csv.movement"),
        label(lang, "csv.time"),
        label(lang, "csv.blangko_type"),
        label(lang, "csv.kind"),
        label(lang, "csv.count"),
        label(lang, "csv.source"),
        label(lang, "csv.destination"),
        label(lang, "csv.lot"),
        label(lang, "csv.category"),
        label(lang, "csv.operator"),
        label(lang, "csv.store_balance"),
        label(lang, "csv.station_balance"),
    ];
    let mut store: BTreeMap<BlangkoType, i64> = BTreeMap::new();
    let mut station: BTreeMap<BlangkoType, i64> = BTreeMap::new();
    for (ty, sum) in &s.types {
        store.insert(*ty, sum.opening.store);
        station.insert(*ty, sum.opening.total());
    }
    let mut c = Csv::new(&heading);
    for m in &s.movements {
        let st = store.entry(m.blangko_type).or_default();
        if m.to == "store" {
            *st += m.count;
        }
        if m.from == "store" {
            *st -= m.count;
        }
        let st = *st;
        let total = station.entry(m.blangko_type).or_default();
        *total += m.count * (i64::from(held(&m.to)) - i64::from(held(&m.from)));
        c.row(&[
            m.id.to_string(),
            s.period.local(m.at),
            m.blangko_type.code().to_string(),
            m.kind.clone(),
            m.count.to_string(),
            m.from.clone(),
            m.to.clone(),
            m.lot.clone().unwrap_or_default(),
            m.category.clone().unwrap_or_default(),
            m.operator.clone(),
            st.to_string(),
            total.to_string(),
        ]);
    }
    c.finish()
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "received" => "diterima",
        "loaded" => "diisi ke feeder",
        "unloaded" => "dikeluarkan dari feeder",
        "spoiled" => "rusak",
        "returned" => "dikembalikan",
        "adjusted" => "penyesuaian",
        other => other,
    }
}

/// The report as an A4 PDF: the balance sheet per type, then the movements made by hand (the
/// per-card movements of printing — fed, printed — are counted in the sheet and listed in the
/// CSV).
pub fn pdf(s: &StockPeriod, cfg: &ReportConfig) -> Result<Vec<u8>, ReportError> {
    let mut p = Pdf::new(
        &format!("LAPORAN STOK BLANGKO {}", s.period.words()),
        &format!("Stok blangko {} - stasiun {}", s.period.words(), s.station),
    )?;
    period_heading(
        &mut p,
        cfg,
        "LAPORAN MUTASI DAN SALDO BLANGKO",
        &s.period,
        &s.station,
        "A. Mutasi dan saldo per jenis blangko (keping)",
    );
    balance_sheet(&mut p, s);
    p.line("B. Mutasi oleh petugas", 11.0, true);
    p.down(1.0);
    movements_by_hand(&mut p, s);
    operator_sign_off(&mut p, cfg, s.period.to);
    p.finish()
}

/// Section A: opening balances, movements and closing balances, one column per type.
fn balance_sheet(p: &mut Pdf, s: &StockPeriod) {
    let types: Vec<BlangkoType> = s.types.keys().copied().collect();
    let get = |f: &dyn Fn(&TypeSummary) -> i64| -> Vec<String> {
        types.iter().map(|ty| f(&s.types[ty]).to_string()).collect()
    };
    let lines: Vec<(&str, Vec<String>)> = vec![
        ("Saldo awal: gudang", get(&|x| x.opening.store)),
        ("Saldo awal: feeder", get(&|x| x.opening.feeders)),
        ("Saldo awal: di dalam printer", get(&|x| x.opening.printers)),
        ("Saldo awal: jumlah", get(&|x| x.opening.total())),
        ("Diterima dari provinsi", get(&|x| x.received)),
        ("Penyesuaian (+)", get(&|x| x.adjusted_in)),
        ("Penyesuaian (-)", get(&|x| x.adjusted_out)),
        ("Tercetak", get(&|x| x.printed)),
        ("Rusak", get(&|x| x.spoiled)),
        ("Dikembalikan ke provinsi", get(&|x| x.returned)),
        ("Saldo akhir: gudang", get(&|x| x.closing.store)),
        ("Saldo akhir: feeder", get(&|x| x.closing.feeders)),
        (
            "Saldo akhir: di dalam printer",
            get(&|x| x.closing.printers),
        ),
        ("Saldo akhir: jumlah", get(&|x| x.closing.total())),
        ("Selisih (harus 0)", get(&|x| x.difference())),
        (
            "Kartu tercetak yang dibatalkan (perubahan elemen data)",
            get(&|x| x.written_off),
        ),
    ];
    let mut cols = vec![Col::new("Uraian", 95.0, Align::Left)];
    for ty in &types {
        cols.push(Col::new(
            match ty {
                BlangkoType::Kia => "KIA",
                BlangkoType::KtpEl => "KTP-el",
            },
            30.0,
            Align::Right,
        ));
    }
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .map(|(label, v)| std::iter::once(label.to_string()).chain(v).collect())
        .collect();
    p.table(&cols, &rows, 9.5);
}

/// Section B of the PDF: one row per movement made by hand.
const MOVEMENT_COLUMNS: [ColSpec; 8] = [
    ("No", 11.0, Align::Right),
    ("Waktu", 26.0, Align::Left),
    ("Jenis", 14.0, Align::Left),
    ("Gerakan", 25.0, Align::Left),
    ("Jml", 11.0, Align::Right),
    ("Dari > ke", 36.0, Align::Left),
    ("Lot / kategori", 23.0, Align::Left),
    ("Petugas", 19.0, Align::Left),
];

/// Section B: the movements made by hand (received, loaded, spoiled, returned, adjusted).
fn movements_by_hand(p: &mut Pdf, s: &StockPeriod) {
    let rows: Vec<Vec<String>> = s
        .movements
        .iter()
        .filter(|m| !matches!(m.kind.as_str(), "fed" | "consumed" | "not_taken"))
        .map(|m| {
            vec![
                m.id.to_string(),
                s.period.local(m.at),
                m.blangko_type.code().to_string(),
                kind_label(&m.kind).to_string(),
                m.count.to_string(),
                format!("{} > {}", m.from, m.to),
                m.lot
                    .clone()
                    .or_else(|| m.category.clone())
                    .unwrap_or_default(),
                m.operator.clone(),
            ]
        })
        .collect();
    p.table_or(
        &MOVEMENT_COLUMNS,
        &rows,
        8.5,
        "Tidak ada mutasi oleh petugas pada periode ini.",
    );
}
