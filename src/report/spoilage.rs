//! Spoiled blangko of a day or a period, by type and category (gagal encode, gagal cetak, rusak,
//! perubahan elemen data), with the card numbers: the record the berita acara of destruction is
//! made from. Every `spoiled` movement of the ledger in the period is one line; the totals are
//! their sums.

use std::collections::BTreeMap;

use super::csv::Csv;
use super::pdf::{Align, Col, ColSpec, Pdf};
use super::{operator_sign_off, period_heading, Lang, Period, ReportConfig, ReportError};
use crate::journal::{BlangkoType, Journal, SpoilCategory, SpoiledCard};
use crate::messages::label;

/// The spoilage report of a period.
#[derive(Debug, Clone)]
pub struct Spoilage {
    /// The period.
    pub period: Period,
    /// Station id.
    pub station: String,
    /// Every spoiled-blangko movement, in time order.
    pub cards: Vec<SpoiledCard>,
}

impl Spoilage {
    /// Blangko spoiled per type and category (every category of a type that appears, zeros
    /// included; KIA when nothing was spoiled).
    pub fn totals(&self) -> BTreeMap<(BlangkoType, SpoilCategory), i64> {
        let mut types: Vec<BlangkoType> = self.cards.iter().map(|c| c.blangko_type).collect();
        if types.is_empty() {
            types.push(BlangkoType::Kia);
        }
        let mut out = BTreeMap::new();
        for ty in types {
            for c in SpoilCategory::ALL {
                out.insert((ty, c), 0);
            }
        }
        for card in &self.cards {
            if let Some(c) = card.category {
                *out.entry((card.blangko_type, c)).or_default() += card.count;
            }
        }
        out
    }
}

/// Reads the period's spoiled blangko.
pub fn build(journal: &Journal, station: &str, period: Period) -> Result<Spoilage, ReportError> {
    Ok(Spoilage {
        cards: journal.spoiled_cards(period.start(), period.end())?,
        period,
        station: station.to_string(),
    })
}

fn category_label(c: Option<SpoilCategory>) -> &'static str {
    c.map(SpoilCategory::label_id).unwrap_or("-")
}

fn type_label(t: BlangkoType) -> &'static str {
    match t {
        BlangkoType::Kia => "KIA",
        BlangkoType::KtpEl => "KTP-el",
    }
}

fn place_label(from: &str) -> String {
    if let Some(p) = from.strip_prefix("printer:") {
        format!("printer {p}")
    } else if let Some(p) = from.strip_prefix("feeder:") {
        format!("feeder {p}")
    } else if from == "store" {
        "gudang".into()
    } else if from == "consumed" {
        "setelah cetak".into()
    } else {
        from.into()
    }
}

/// One line per spoiled-blangko movement; headings in `lang`.
pub fn csv(s: &Spoilage, lang: Lang) -> String {
    let heading = [
        label(lang, "csv.time"),
        label(lang, "csv.blangko_type"),
        label(lang, "csv.category"),
        label(lang, "csv.count"),
        label(lang, "csv.card_number"),
        label(lang, "csv.from"),
        label(lang, "csv.job"),
        label(lang, "csv.note"),
        label(lang, "csv.operator"),
    ];
    let mut c = Csv::new(&heading);
    for card in &s.cards {
        c.row(&[
            s.period.local(card.at),
            card.blangko_type.code().to_string(),
            card.category.map(|c| c.code()).unwrap_or("").to_string(),
            card.count.to_string(),
            card.card_serial.clone().unwrap_or_default(),
            card.from.clone(),
            card.job_id.clone().unwrap_or_default(),
            card.note.clone().unwrap_or_default(),
            card.operator.clone(),
        ]);
    }
    c.finish()
}

/// Section B of the PDF: one row per spoiled card.
const CARD_COLUMNS: [ColSpec; 8] = [
    ("No", 9.0, Align::Right),
    ("Waktu", 26.0, Align::Left),
    ("Jenis", 14.0, Align::Left),
    ("Kategori", 25.0, Align::Left),
    ("Jml", 10.0, Align::Right),
    ("No. kartu", 24.0, Align::Left),
    ("Asal", 22.0, Align::Left),
    ("Catatan", 35.0, Align::Left),
];

/// The report as an A4 PDF: totals by category, then every card.
pub fn pdf(s: &Spoilage, cfg: &ReportConfig) -> Result<Vec<u8>, ReportError> {
    let title = if s.period.from == s.period.to {
        "LAPORAN HARIAN BLANGKO RUSAK"
    } else {
        "LAPORAN BLANGKO RUSAK"
    };
    let mut p = Pdf::new(
        &format!("{title} {}", s.period.words()),
        &format!("Blangko rusak {} - stasiun {}", s.period.words(), s.station),
    )?;
    period_heading(
        &mut p,
        cfg,
        title,
        &s.period,
        &s.station,
        "A. Rekapitulasi per kategori",
    );
    let totals = s.totals();
    let mut rows: Vec<Vec<String>> = totals
        .iter()
        .map(|((ty, c), n)| vec![type_label(*ty).into(), c.label_id().into(), n.to_string()])
        .collect();
    let all: i64 = totals.values().sum();
    rows.push(vec!["".into(), "Jumlah".into(), all.to_string()]);
    p.table(
        &[
            Col::new("Jenis blangko", 35.0, Align::Left),
            Col::new("Kategori", 60.0, Align::Left),
            Col::new("Jumlah (keping)", 30.0, Align::Right),
        ],
        &rows,
        10.0,
    );
    p.line("B. Rincian blangko rusak", 11.0, true);
    p.down(1.0);
    let rows: Vec<Vec<String>> = s
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                s.period.local(c.at),
                type_label(c.blangko_type).into(),
                category_label(c.category).into(),
                c.count.to_string(),
                c.card_serial.clone().unwrap_or_else(|| "-".into()),
                place_label(&c.from),
                c.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    p.table_or(
        &CARD_COLUMNS,
        &rows,
        8.5,
        "Tidak ada blangko rusak pada periode ini.",
    );
    operator_sign_off(&mut p, cfg, s.period.to);
    p.finish()
}
