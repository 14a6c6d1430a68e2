//! Berita Acara Serah Terima (BAST) of one batch of a collective programme (seed 004): the
//! number of KIA printed, of which boys and girls, the two parties, a BAST number, and the final
//! list ("Daftar Rekapitulasi Akhir Pencetakan KIA") with masked NIK, name and class or note.
//!
//! The BAST number is `{number_code}/{H}-BAST.KIA/{number_unit}/{year}`, where `H` is the first
//! six hexadecimal digits (upper case) of SHA-256 over `office \n batch id \n YYYY-MM-DD` (the
//! BAST's date): the same office, batch and date always give the same number, so a reprint
//! carries the number of the original, and another batch or day gives another.

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::csv::Csv;
use super::pdf::{Align, Col, Pdf, LEFT};
use super::text::terbilang;
use super::{
    date_words, day_name, letterhead, signatures, Lang, Official, ReportConfig, ReportError,
};
use crate::journal::{BatchCard, Journal};
use crate::messages::label;

/// A BAST ready to be written.
#[derive(Debug, Clone)]
pub struct Bast {
    /// BAST number.
    pub number: String,
    /// Date of the handover.
    pub date: NaiveDate,
    /// Batch id.
    pub batch_id: String,
    /// Batch name (the school), as the jobs carry it.
    pub batch_name: String,
    /// Printed cards, in order of printing.
    pub cards: Vec<BatchCard>,
    /// Boys (`LAKI-LAKI`).
    pub boys: usize,
    /// Girls (`PEREMPUAN`).
    pub girls: usize,
    /// Cards whose holder's sex is no longer known (personal data purged before the BAST).
    pub unknown: usize,
    /// Jobs of the batch not printed, by state (not part of the handover; told on the list).
    pub not_printed: Vec<(String, u64)>,
    /// PIHAK KEDUA (the school's officer), when given; dotted lines otherwise.
    pub receiver: Official,
}

/// The BAST number (see the module documentation).
pub fn number(cfg: &ReportConfig, batch_id: &str, date: NaiveDate) -> String {
    let digest = Sha256::digest(format!("{}\n{batch_id}\n{date}", cfg.office).as_bytes());
    let h = hex::encode_upper(&digest[..3]);
    format!(
        "{}/{h}-BAST.KIA/{}/{}",
        cfg.number_code,
        cfg.number_unit,
        date.year()
    )
}

/// Reads the batch from the journal. Refused for a batch the journal does not know or with no
/// printed card.
pub fn build(
    journal: &Journal,
    cfg: &ReportConfig,
    batch_id: &str,
    date: NaiveDate,
    receiver: Official,
) -> Result<Bast, ReportError> {
    let b = journal.batch_cards(batch_id)?;
    if b.printed.is_empty() {
        return Err(if b.not_printed.is_empty() {
            ReportError::UnknownBatch(batch_id.to_string())
        } else {
            ReportError::NoPrintedCard(batch_id.to_string())
        });
    }
    let sex = |s: &str| {
        b.printed
            .iter()
            .filter(|c| c.sex.as_deref() == Some(s))
            .count()
    };
    let (boys, girls) = (sex("LAKI-LAKI"), sex("PEREMPUAN"));
    Ok(Bast {
        number: number(cfg, batch_id, date),
        date,
        batch_id: batch_id.to_string(),
        batch_name: b.name.unwrap_or_else(|| batch_id.to_string()),
        unknown: b.printed.len() - boys - girls,
        boys,
        girls,
        cards: b.printed,
        not_printed: b.not_printed.into_iter().collect(),
        receiver,
    })
}

fn sex_short(c: &BatchCard) -> &'static str {
    match c.sex.as_deref() {
        Some("LAKI-LAKI") => "L",
        Some("PEREMPUAN") => "P",
        _ => "-",
    }
}

/// The final list as CSV; headings in `lang`.
pub fn csv(b: &Bast, lang: Lang) -> String {
    let heading = [
        label(lang, "csv.no"),
        label(lang, "csv.nik"),
        label(lang, "csv.name"),
        label(lang, "csv.sex"),
        label(lang, "csv.class_note"),
        label(lang, "csv.card_number"),
        label(lang, "csv.job"),
        label(lang, "csv.bast_number"),
    ];
    let mut c = Csv::new(&heading);
    for (i, card) in b.cards.iter().enumerate() {
        c.row(&[
            (i + 1).to_string(),
            card.nik_masked.clone(),
            card.name.clone().unwrap_or_default(),
            card.sex.clone().unwrap_or_default(),
            card.note.clone().unwrap_or_default(),
            card.card_serial.clone().unwrap_or_default(),
            card.job_id.clone(),
            b.number.clone(),
        ]);
    }
    c.finish()
}

/// The BAST as an A4 PDF: the letter on the first page, the final list after it.
pub fn pdf(b: &Bast, cfg: &ReportConfig) -> Result<Vec<u8>, ReportError> {
    let mut p = Pdf::new(
        &format!("BAST {}", b.number),
        &format!("BAST No. {}", b.number),
    )?;
    letter_opening(&mut p, b, cfg);
    letter_items(&mut p, b);
    letter_closing(&mut p, b, cfg);
    final_list(&mut p, b);
    p.finish()
}

/// The letter's heading, date in words, both parties and what was handed over.
fn letter_opening(p: &mut Pdf, b: &Bast, cfg: &ReportConfig) {
    letterhead(p, cfg);
    p.centered("BERITA ACARA SERAH TERIMA KARTU IDENTITAS ANAK", 12.0, true);
    p.centered(&b.batch_name.to_uppercase(), 11.0, true);
    p.centered(&format!("NOMOR : {}", b.number), 11.0, true);
    p.down(6.0);
    p.paragraph(
        LEFT,
        &format!(
            "Pada hari ini {} tanggal {} bulan {} tahun {} ({}), kami yang bertanda tangan di \
             bawah ini:",
            day_name(b.date),
            terbilang(u64::from(b.date.day())),
            super::MONTHS[b.date.month0() as usize],
            terbilang(b.date.year().unsigned_abs().into()),
            date_words(b.date),
        ),
        11.0,
    );
    party(p, 1, &cfg.first_party, "PIHAK PERTAMA");
    party(p, 2, &b.receiver, "PIHAK KEDUA");
    p.paragraph(
        LEFT,
        &format!(
            "PIHAK PERTAMA telah menyerahkan Kartu Identitas Anak (KIA) dan Daftar Rekapitulasi \
             Akhir Pencetakan KIA untuk {} (batch {}) kepada PIHAK KEDUA sebagai bahan \
             pertanggungjawaban pemakaian blangko KIA, dan PIHAK KEDUA telah menerima KIA yang \
             tercetak beserta daftar tersebut dari PIHAK PERTAMA, dengan rincian sebagai berikut:",
            b.batch_name, b.batch_id
        ),
        11.0,
    );
}

/// The counts handed over, numbered.
fn letter_items(p: &mut Pdf, b: &Bast) {
    let count_line = |n: usize| format!("{n} ({}) keping", terbilang(n as u64));
    let mut items = vec![
        format!(
            "Jumlah KIA yang tercetak sebanyak {}.",
            count_line(b.cards.len())
        ),
        format!("KIA laki-laki sebanyak {}.", count_line(b.boys)),
        format!("KIA perempuan sebanyak {}.", count_line(b.girls)),
    ];
    if b.unknown > 0 {
        items.push(format!(
            "KIA yang jenis kelaminnya tidak tercatat lagi (data pribadi sudah dihapus) sebanyak {}.",
            count_line(b.unknown)
        ));
    }
    for (i, item) in items.iter().enumerate() {
        p.ensure(6.0);
        p.text_at(LEFT + 4.0, &format!("{}.", i + 1), 11.0, false);
        p.paragraph(LEFT + 10.0, item, 11.0);
    }
}

/// The closing sentence, place and date, signatures.
fn letter_closing(p: &mut Pdf, b: &Bast, cfg: &ReportConfig) {
    p.down(2.0);
    p.paragraph(
        LEFT,
        "Demikian Berita Acara Serah Terima ini dibuat untuk dapat digunakan sebagaimana \
         mestinya.",
        11.0,
    );
    p.down(4.0);
    let place = if cfg.city.is_empty() {
        date_words(b.date)
    } else {
        format!("{}, {}", cfg.city, date_words(b.date))
    };
    p.ensure(60.0);
    p.text_at(118.0, &place, 10.0, false);
    p.down(7.0);
    signatures(
        p,
        ("PIHAK KEDUA", &b.receiver),
        ("PIHAK PERTAMA", &cfg.first_party),
    );
}

/// The final list: one row per card, the totals, what was not printed.
fn final_list(p: &mut Pdf, b: &Bast) {
    p.new_page();
    p.centered("DAFTAR REKAPITULASI AKHIR PENCETAKAN KIA", 12.0, true);
    p.centered(&b.batch_name.to_uppercase(), 11.0, true);
    p.centered(
        &format!(
            "Lampiran BAST Nomor {} tanggal {}",
            b.number,
            date_words(b.date)
        ),
        9.0,
        false,
    );
    p.down(4.0);
    let cols = [
        Col::new("No", 9.0, Align::Right),
        Col::new("NIK", 34.0, Align::Left),
        Col::new("Nama", 52.0, Align::Left),
        Col::new("L/P", 9.0, Align::Left),
        Col::new("Kelas / Keterangan", 28.0, Align::Left),
        Col::new("No. Kartu", 33.0, Align::Left),
    ];
    let rows: Vec<Vec<String>> = b
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.nik_masked.clone(),
                c.name.clone().unwrap_or_else(|| "(data dihapus)".into()),
                sex_short(c).into(),
                c.note.clone().unwrap_or_default(),
                c.card_serial.clone().unwrap_or_default(),
            ]
        })
        .collect();
    p.table(&cols, &rows, 9.0);
    p.line(
        &format!(
            "Jumlah: {} keping (laki-laki {}, perempuan {}{}).",
            b.cards.len(),
            b.boys,
            b.girls,
            if b.unknown > 0 {
                format!(", tidak tercatat {}", b.unknown)
            } else {
                String::new()
            }
        ),
        10.0,
        false,
    );
    if !b.not_printed.is_empty() {
        let rest: Vec<String> = b
            .not_printed
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        p.down(2.0);
        p.paragraph(
            LEFT,
            &format!(
                "Tidak termasuk serah terima ini (belum/tidak tercetak): {}.",
                rest.join(", ")
            ),
            9.0,
        );
    }
}

fn party(p: &mut Pdf, n: usize, o: &Official, called: &str) {
    let dots = "..............................";
    let or_dots = |s: &str| {
        if s.is_empty() {
            dots.to_string()
        } else {
            s.to_string()
        }
    };
    p.ensure(24.0);
    p.text_at(LEFT + 4.0, &format!("{n}."), 11.0, false);
    for (label, value) in [
        ("NAMA", or_dots(&o.name)),
        ("NIP", or_dots(&o.nip)),
        ("JABATAN", or_dots(&o.position)),
    ] {
        p.text_at(LEFT + 10.0, label, 11.0, false);
        p.text_at(LEFT + 34.0, ":", 11.0, false);
        let lines = p.wrap(&value, 11.0, false, super::pdf::RIGHT - LEFT - 37.0);
        for l in lines {
            p.text_at(LEFT + 37.0, &l, 11.0, false);
            p.down(5.5);
        }
    }
    p.text_at(LEFT + 10.0, "Selanjutnya disebut", 11.0, false);
    let w = p.width("Selanjutnya disebut ", 11.0, false);
    p.text_at(LEFT + 10.0 + w, called, 11.0, true);
    p.down(8.0);
}
