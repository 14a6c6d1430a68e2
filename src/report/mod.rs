//! The official reports, as PDF (A4, the layout of an official letter) and CSV, with numbers
//! read from the journal's ledger and job history (read-only, [`crate::journal::Journal`]'s
//! `paperwork` queries):
//! - [`bast`]: Berita Acara Serah Terima for one batch of a collective programme (seed 004):
//!   cards printed, boys and girls, the parties, a BAST number, the final list (NIK masked);
//! - [`spoilage`]: spoiled blangko of a day or period by category with card numbers, for the
//!   berita acara of destruction;
//! - [`stock`]: movements and opening/closing balances per blangko type.
//!
//! Who signs and the letterhead come from the `[report]` section ([`ReportConfig`]). The
//! documents themselves are in Bahasa Indonesia (they are official papers); CSV headings and
//! command messages follow `--lang`. `cli` is `cetak report …`.

pub mod bast;
mod csv;
mod pdf;
pub mod spoilage;
pub mod stock;
pub(crate) mod text;

use chrono::{Datelike, NaiveDate};

use crate::journal::{JournalError, Timestamp};

pub use crate::messages::Lang;

/// Why a report could not be made. Each variant says what to do; the operator's text is the
/// catalogue's (`report.*`), `Display` is English for logs.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The journal could not be read: check the data folder and that this user may read it.
    #[error("the journal cannot be read: {0}")]
    Journal(#[from] JournalError),
    /// The PDF library or the embedded font failed (a bug: report it).
    #[error("PDF: {0}")]
    Pdf(String),
    /// The output file could not be written: check the path and its folder's permissions.
    #[error("{path}: cannot be written: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The batch is not in this station's journal: check the batch id.
    #[error("batch {0} is not known to this station's journal")]
    UnknownBatch(String),
    /// The batch has no printed card yet: nothing to hand over.
    #[error("batch {0} has no printed card yet")]
    NoPrintedCard(String),
    /// The period's days are the wrong way round.
    #[error("end date {to} is before start date {from}")]
    DatesReversed {
        /// First day given.
        from: NaiveDate,
        /// Last day given.
        to: NaiveDate,
    },
    /// Neither `--date` nor `--from` and `--to` were given.
    #[error("give --date or --from and --to")]
    DaysMissing,
    /// The journal file cannot be opened: check `data_dir` and read permission.
    #[error("journal {path} cannot be opened ({source}); check data_dir and read permission")]
    JournalUnavailable {
        /// The journal file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Root could not take the identity of the data folder's owner.
    #[error("cannot read as the owner of {dir}: {source}")]
    NotOwner {
        /// The data folder.
        dir: String,
        /// Cause.
        source: std::io::Error,
    },
}

impl ReportError {
    /// Operator message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        crate::messages::text(lang, self)
    }

    /// The request cannot be reported (unknown batch, days the wrong way round, …), as opposed
    /// to a failure of the station.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            ReportError::UnknownBatch(_)
                | ReportError::NoPrintedCard(_)
                | ReportError::DatesReversed { .. }
                | ReportError::DaysMissing
        )
    }
}

impl crate::messages::Message for ReportError {
    fn message_code(&self) -> &'static str {
        match self {
            ReportError::Journal(_) => "report.journal",
            ReportError::Pdf(_) => "report.pdf",
            ReportError::Io { .. } => "report.io",
            ReportError::UnknownBatch(_) => "report.unknown_batch",
            ReportError::NoPrintedCard(_) => "report.no_printed_card",
            ReportError::DatesReversed { .. } => "report.dates_reversed",
            ReportError::DaysMissing => "report.days_missing",
            ReportError::JournalUnavailable { .. } => "report.journal_unavailable",
            ReportError::NotOwner { .. } => "report.not_owner",
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        use crate::messages::{io_error, Args, MessageText as _};
        let args = Args::new();
        match self {
            ReportError::Journal(e) => e.as_arg(args, "reason"),
            ReportError::Pdf(detail) => args.with("detail", detail),
            ReportError::Io { path, source } | ReportError::JournalUnavailable { path, source } => {
                io_error(source).as_arg(args.with("path", path), "reason")
            }
            ReportError::UnknownBatch(batch) | ReportError::NoPrintedCard(batch) => {
                args.with("batch", batch)
            }
            ReportError::DatesReversed { from, to } => args.with("from", from).with("to", to),
            ReportError::DaysMissing => args,
            ReportError::NotOwner { dir, source } => {
                io_error(source).as_arg(args.with("dir", dir), "reason")
            }
        }
    }
}

pub use crate::config::{Official, ReportConfig};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A4 PDF.
    Pdf,
    /// CSV (comma-separated, UTF-8, one heading row).
    Csv,
}

/// Local days `from..=to` at the configured offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Minutes east of UTC.
    pub utc_offset_minutes: i32,
}

impl Period {
    /// Checks the order of the days.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        utc_offset_minutes: i32,
    ) -> Result<Period, ReportError> {
        if to < from {
            return Err(ReportError::DatesReversed { from, to });
        }
        Ok(Period {
            from,
            to,
            utc_offset_minutes,
        })
    }

    fn start_of(&self, d: NaiveDate) -> Timestamp {
        let utc = d
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_millis();
        Timestamp(utc - i64::from(self.utc_offset_minutes) * 60_000)
    }

    /// First instant of the period.
    pub fn start(&self) -> Timestamp {
        self.start_of(self.from)
    }

    /// First instant after the period.
    pub fn end(&self) -> Timestamp {
        self.start_of(self.to.succ_opt().unwrap_or(self.to))
    }

    /// Local date and time of `t` (`YYYY-MM-DD HH:MM`).
    pub fn local(&self, t: Timestamp) -> String {
        local_time(t, self.utc_offset_minutes)
    }

    /// `2 Desember 2026` or `1 – 31 Desember 2026`.
    pub fn words(&self) -> String {
        if self.from == self.to {
            date_words(self.from)
        } else {
            format!("{} s.d. {}", date_words(self.from), date_words(self.to))
        }
    }
}

/// Local date and time of `t` at `offset` minutes east of UTC.
pub fn local_time(t: Timestamp, offset: i32) -> String {
    (t.to_datetime() + chrono::Duration::minutes(i64::from(offset)))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Today at `offset` minutes east of UTC.
pub fn local_today(offset: i32) -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::minutes(i64::from(offset))).date_naive()
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];

/// `2 Desember 2026`.
pub fn date_words(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `Rabu`.
pub fn day_name(d: NaiveDate) -> &'static str {
    DAYS[d.weekday().num_days_from_monday() as usize]
}

/// The letterhead (kop surat): government, office, address, a double rule.
fn letterhead(pdf: &mut pdf::Pdf, cfg: &ReportConfig) {
    if !cfg.government.is_empty() {
        pdf.centered(&cfg.government, 13.0, true);
    }
    pdf.centered(&cfg.office, 14.0, true);
    for l in cfg.address.lines().filter(|l| !l.trim().is_empty()) {
        pdf.centered(l.trim(), 9.0, false);
    }
    pdf.down(1.0);
    pdf.rule(pdf::LEFT, pdf::RIGHT, 1.2);
    pdf.down(0.9);
    pdf.rule(pdf::LEFT, pdf::RIGHT, 0.4);
    pdf.down(8.0);
}

/// Two signature blocks side by side: (heading, official) left and right. An official not
/// configured gets dotted lines to fill in by hand.
fn signatures(pdf: &mut pdf::Pdf, left: (&str, &Official), right: (&str, &Official)) {
    pdf.ensure(55.0);
    let y0 = pdf.y();
    let mut name_y = y0;
    let blocks = [left, right];
    // Headings and positions first, so both names stand on one line under them.
    for (i, (heading, o)) in blocks.iter().enumerate() {
        let x = if i == 0 { pdf::LEFT } else { 118.0 };
        let mut y = y0;
        for l in heading.lines() {
            pdf.text_xy(x, y, l, 10.0, true);
            y += 5.0;
        }
        for l in pdf.wrap(&o.position, 9.0, false, 70.0) {
            pdf.text_xy(x, y, &l, 9.0, false);
            y += 4.5;
        }
        name_y = name_y.max(y);
    }
    name_y += 22.0;
    for (i, (_, o)) in blocks.iter().enumerate() {
        let x = if i == 0 { pdf::LEFT } else { 118.0 };
        let name = if o.name.is_empty() {
            "(..............................)".to_string()
        } else {
            o.name.clone()
        };
        pdf.text_xy(x, name_y, &name, 10.0, true);
        let nip = if o.nip.is_empty() {
            "NIP. ..............................".to_string()
        } else {
            format!("NIP. {}", o.nip)
        };
        pdf.text_xy(x, name_y + 5.0, &nip, 10.0, false);
    }
    pdf.set_y(name_y + 13.0);
}

/// The head of the spoilage and stock reports: letterhead, title, period, station, then the
/// first section's title.
pub(crate) fn period_heading(
    p: &mut pdf::Pdf,
    cfg: &ReportConfig,
    title: &str,
    period: &Period,
    station: &str,
    first_section: &str,
) {
    letterhead(p, cfg);
    p.centered(title, 12.0, true);
    p.centered(&format!("Periode: {}", period.words()), 10.0, false);
    p.centered(&format!("Stasiun cetak: {station}"), 10.0, false);
    p.down(5.0);
    p.line(first_section, 11.0, true);
    p.down(1.0);
}

/// The foot of the spoilage and stock reports: place and date, then the operator who made it
/// and the head of section who acknowledges it.
pub(crate) fn operator_sign_off(p: &mut pdf::Pdf, cfg: &ReportConfig, day: NaiveDate) {
    let place_date = format!(
        "{}{}",
        if cfg.city.is_empty() {
            String::new()
        } else {
            format!("{}, ", cfg.city)
        },
        date_words(day)
    );
    p.ensure(62.0);
    p.text_at(118.0, &place_date, 10.0, false);
    p.down(7.0);
    signatures(
        p,
        ("Yang membuat,\nOperator Pencetakan", &Official::default()),
        ("Mengetahui,", &cfg.head_of_section),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant renders fully in both languages.
    #[test]
    fn every_report_error_has_its_text_in_both_languages() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let all = [
            ReportError::Journal(JournalError::UnknownJob("J-1".into())),
            ReportError::Pdf("font".into()),
            ReportError::Io {
                path: "/x.pdf".into(),
                source: io(),
            },
            ReportError::UnknownBatch("B-1".into()),
            ReportError::NoPrintedCard("B-1".into()),
            ReportError::DatesReversed {
                from: day(2),
                to: day(1),
            },
            ReportError::DaysMissing,
            ReportError::JournalUnavailable {
                path: "/j".into(),
                source: io(),
            },
            ReportError::NotOwner {
                dir: "/d".into(),
                source: io(),
            },
        ];
        for e in &all {
            let defects = cetak_drivers::messages::check_message(crate::messages::CATALOGUES, e);
            assert_eq!(defects, Vec::<String>::new());
            assert_ne!(e.message(Lang::Id), e.message(Lang::En));
        }
        let e = &all[0];
        assert!(e
            .message(Lang::Id)
            .starts_with("jurnal tidak dapat dibaca: "));
        assert!(
            !e.message(Lang::Id).contains("unknown job"),
            "{}",
            e.message(Lang::Id)
        );
    }
}
