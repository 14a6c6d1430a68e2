//! The official reports from a station that printed on emulated printers: the BAST of a batch of
//! boys and girls (PDF text through `pdftotext`, and CSV), the spoilage report against the
//! ledger, the stock report's balances. The reports are made by the built `cetak report`
//! reading the journal while the station runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::daemon::*;
use cetak::daemon::{Action, Station};
use cetak::journal::{Actor, AfterWriteOff, BlangkoType, JobState, SpoilCategory, StockPlace};
use cetak_drivers::emulator::Faults;

const REPORT_SECTION: &str = r#"
[report]
government = "PEMERINTAH KOTA BANDUNG"
office = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
address = "Jl. Ambon No. 1B, Bandung 40117"
city = "Bandung"
number_code = "471.12"
number_unit = "IDENDUK"

[report.first_party]
name = "Dr. H. Rahmat Hidayat, M.Si"
nip = "19700101 199503 1 001"
position = "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Bandung"

[report.head_of_section]
name = "Siti Aminah, S.Kom"
nip = "19800202 200501 2 002"
position = "Kepala Seksi Identitas Penduduk"
"#;

/// One pupil: (name, sex, day of birth, class).
type Pupil = (&'static str, &'static str, u32, &'static str);

const PUPILS: &[Pupil] = &[
    ("Budi Santoso", "LAKI-LAKI", 3, "Kelas 1A"),
    ("Siti Nurhaliza", "PEREMPUAN", 4, "Kelas 1A"),
    ("Andi Pratama", "LAKI-LAKI", 5, "Kelas 1B"),
    ("Dewi Lestari", "PEREMPUAN", 6, "Kelas 1B"),
    ("Rina Marlina", "PEREMPUAN", 7, "Kelas 2A"),
    ("Joko Susilo", "LAKI-LAKI", 8, "Kelas 2A"),
    ("Putri Ayu", "PEREMPUAN", 9, "Kelas 2B"),
];

/// NIK of a child born on `day` June 2023 in 327305 (40 added to the day for girls).
fn nik(sex: &str, day: u32, serial: u32) -> String {
    let d = if sex == "PEREMPUAN" { day + 40 } else { day };
    format!("327305{d:02}0623{serial:04}")
}

/// Writes a signed KIA job for `pupil` in `batch` into the spool.
fn pupil_job(spool: &Path, id: &str, batch: Option<(&str, &str)>, pupil: &Pupil, serial: u32) {
    let src = root().join("examples/jobs/kia-0-5.json");
    let inlined =
        cetak::intake::inline_images(&std::fs::read(&src).unwrap(), src.parent().unwrap()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&inlined).unwrap();
    let (name, sex, day, class) = *pupil;
    doc["job_id"] = id.into();
    doc["person"]["name"] = name.into();
    doc["person"]["sex"] = sex.into();
    doc["person"]["nik"] = nik(sex, day, serial).into();
    doc["person"]["date_of_birth"] = format!("2023-06-{day:02}").into();
    doc["valid_until"] = format!("2028-06-{:02}", day - 1).into();
    if let Some((bid, bname)) = batch {
        doc["batch"] = serde_json::json!({ "id": bid, "name": bname, "note": class });
    }
    std::fs::create_dir_all(spool).unwrap();
    std::fs::write(spool.join(format!("{id}.jws")), sign(&doc.to_string())).unwrap();
}

fn cetak(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_cetak"))
        .args(args)
        .env_remove("CETAK_LANG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cetak {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/install-deps)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Renders page `page` to a PNG under the test artefacts, for a person to look at.
fn page_png(pdf: &Path, page: u32, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-pages");
    std::fs::create_dir_all(&dir).unwrap();
    let stem = dir.join(name);
    std::fs::copy(pdf, stem.with_extension("pdf")).unwrap();
    let st = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "80",
            "-singlefile",
            "-f",
            &page.to_string(),
            "-l",
        ])
        .arg(page.to_string())
        .arg(pdf)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(st.success());
    stem.with_extension("png")
}

/// A report written by the built `cetak report` both as CSV and as PDF.
struct Report {
    csv: String,
    pdf: PathBuf,
    /// The PDF's text (`pdftotext -layout`).
    text: String,
    /// The same with every run of white space as one space.
    flat: String,
}

impl Report {
    /// The CSV's rows after its header, split at commas.
    fn rows(&self) -> Vec<Vec<&str>> {
        self.csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect()
    }
}

/// `cetak report {args}` on the setup's station, written to `{name}.csv` and `{name}.pdf`.
fn report(s: &Setup, args: &[&str], name: &str) -> Report {
    let cfg = s.config.to_str().unwrap();
    let csv = s.dir.join(format!("{name}.csv"));
    let pdf = s.dir.join(format!("{name}.pdf"));
    for out in [&csv, &pdf] {
        let out = out.to_str().unwrap();
        cetak(&[&["report"][..], args, &["--config", cfg, "--out", out]].concat());
    }
    let text = pdftotext(&pdf);
    Report {
        csv: std::fs::read_to_string(&csv).unwrap(),
        pdf,
        flat: text.split_whitespace().collect::<Vec<_>>().join(" "),
        text,
    }
}

struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    config: PathBuf,
    cfg: cetak::config::Config,
}

fn setup(faults: Faults) -> (Setup, cetak_drivers::emulator::Emulator) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let data = dir.join("data");
    let emu = emulator("EMU-R-1", 0.0, 100);
    emu.set_faults(faults);
    let tag = format!("report-{}-{}", std::process::id(), fastrand::u32(..));
    emu.register(&tag).unwrap();
    // In-process printer (`emu://`) for the station; the config file is for `cetak report`.
    let text = config_text(&data, &[("P1", format!("emu://{tag}"), "kia")], 2) + REPORT_SECTION;
    let config = dir.join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::parse(&text, &config).unwrap();
    (
        Setup {
            _tmp: tmp,
            dir,
            config,
            cfg,
        },
        emu,
    )
}

#[test]
fn bast_of_a_mixed_batch_has_the_right_counts_in_pdf_and_csv() {
    let (s, _emu) = setup(Faults::default());
    let mut j = cetak::daemon::open_journal(&s.cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 30);
    let spool = cetak::daemon::spool_dir(&s.cfg);
    let batch = ("SDN-CIGADUNG-1", "SD Negeri Cigadung 1");
    let mut ids = Vec::new();
    for (i, p) in PUPILS.iter().enumerate() {
        let id = format!("KIA-B-{i}");
        pupil_job(&spool, &id, Some(batch), p, 100 + i as u32);
        ids.push(id);
    }
    // Another school's pupils and a job of no batch: not on this BAST.
    for (i, p) in PUPILS.iter().take(2).enumerate() {
        let id = format!("KIA-O-{i}");
        pupil_job(
            &spool,
            &id,
            Some(("SDN-LAIN-2", "SD Lain 2")),
            p,
            200 + i as u32,
        );
        ids.push(id);
    }
    pupil_job(&spool, "KIA-N-0", None, &PUPILS[0], 300);
    ids.push("KIA-N-0".into());
    let station = Station::start(&s.cfg).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    for id in &ids {
        assert_eq!(state(&j, id), JobState::Printed, "{id}");
    }
    // While the station runs: the report reads beside it.
    let r = report(
        &s,
        &["bast", "--batch", batch.0, "--date", "2026-12-02"],
        "bast",
    );
    station.shutdown().unwrap();

    page_png(&r.pdf, 2, "bast-page-2");
    let (text, flat) = (&r.text, &r.flat);
    assert!(
        flat.contains("BERITA ACARA SERAH TERIMA KARTU IDENTITAS ANAK"),
        "{text}"
    );
    assert!(flat.contains("SD NEGERI CIGADUNG 1"), "{text}");
    assert!(
        flat.contains("Jumlah KIA yang tercetak sebanyak 7 (tujuh) keping"),
        "{text}"
    );
    assert!(
        flat.contains("KIA laki-laki sebanyak 3 (tiga) keping"),
        "{text}"
    );
    assert!(
        flat.contains("KIA perempuan sebanyak 4 (empat) keping"),
        "{text}"
    );
    assert!(flat.contains("Dr. H. Rahmat Hidayat, M.Si"), "{text}");
    assert!(flat.contains("19700101 199503 1 001"), "{text}");
    assert!(
        flat.contains("Rabu tanggal dua bulan Desember tahun dua ribu dua puluh enam"),
        "{text}"
    );
    let number = cetak::report::bast::number(&s.cfg.report, batch.0, "2026-12-02".parse().unwrap());
    assert!(
        number.starts_with("471.12/") && number.ends_with("-BAST.KIA/IDENDUK/2026"),
        "{number}"
    );
    assert!(flat.contains(&format!("NOMOR : {number}")), "{text}");
    // The final list: every pupil with the masked NIK and the class; never a full NIK; no one
    // of the other batch.
    for (i, p) in PUPILS.iter().enumerate() {
        let full = nik(p.1, p.2, 100 + i as u32);
        assert!(!text.contains(&full), "full NIK {full} in the BAST");
        let masked = j.job(&ids[i]).unwrap().nik_masked;
        assert!(
            masked.contains("****") && flat.contains(&masked),
            "{masked} not listed"
        );
        assert!(flat.contains(p.0), "{} not listed", p.0);
    }
    assert!(flat.contains("Kelas 2B"));
    assert!(
        flat.contains("Jumlah: 7 keping (laki-laki 3, perempuan 4)"),
        "{text}"
    );
    for i in 0..2 {
        let other = j.job(&format!("KIA-O-{i}")).unwrap().nik_masked;
        assert!(!flat.contains(&other), "{other} of another batch listed");
    }
    let png = page_png(&r.pdf, 1, "bast-page-1");
    assert!(std::fs::metadata(&png).unwrap().len() > 5_000);

    let csv = &r.csv;
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "no",
            "nik",
            "nama",
            "jenis_kelamin",
            "kelas_keterangan",
            "no_kartu",
            "job",
            "nomor_bast"
        ]
    );
    assert_eq!(rows.len(), 1 + 7, "{csv}");
    assert_eq!(rows[1..].iter().filter(|r| r[3] == "LAKI-LAKI").count(), 3);
    assert_eq!(rows[1..].iter().filter(|r| r[3] == "PEREMPUAN").count(), 4);
    assert!(rows[1..]
        .iter()
        .all(|r| r[1].contains("******") && r[5].starts_with("EMU-R-1#")));
    assert!(rows[1..].iter().all(|r| r[7] == number));
    for (i, p) in PUPILS.iter().enumerate() {
        assert!(!csv.contains(&nik(p.1, p.2, 100 + i as u32)));
    }
}

#[test]
fn bast_number_depends_on_office_batch_and_date_only() {
    let cfg = cetak::report::ReportConfig::default();
    let d = |s: &str| s.parse().unwrap();
    let a = cetak::report::bast::number(&cfg, "SDN-1", d("2026-12-02"));
    assert_eq!(
        a,
        cetak::report::bast::number(&cfg, "SDN-1", d("2026-12-02"))
    );
    assert_ne!(
        a,
        cetak::report::bast::number(&cfg, "SDN-2", d("2026-12-02"))
    );
    assert_ne!(
        a,
        cetak::report::bast::number(&cfg, "SDN-1", d("2026-12-03"))
    );
    let other = cetak::report::ReportConfig {
        office: "DINAS LAIN".into(),
        ..cfg.clone()
    };
    assert_ne!(
        a,
        cetak::report::bast::number(&other, "SDN-1", d("2026-12-02"))
    );
}

#[test]
fn unknown_batch_is_refused_in_both_languages() {
    let (s, _emu) = setup(Faults::default());
    drop(cetak::daemon::open_journal(&s.cfg).unwrap());
    for (lang, word) in [("id", "tidak dikenal"), ("en", "not known")] {
        let out = Command::new(env!("CARGO_BIN_EXE_cetak"))
            .args([
                "--lang", lang, "report", "bast", "--batch", "NOPE", "--config",
            ])
            .arg(&s.config)
            .current_dir(&s.dir)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(word), "{err}");
    }
}

#[test]
fn spoilage_report_equals_the_ledger_for_the_day() {
    // The first card jams: the operator takes it out (gagal cetak, in a printer).
    let (s, _emu) = setup(Faults {
        jam_at_panel: Some(3),
        ..Faults::default()
    });
    let mut j = cetak::daemon::open_journal(&s.cfg).unwrap();
    stock(&mut j, &[("P1", BlangkoType::Kia)], 30);
    let a = Actor::operator("tester");
    j.stock_receive(BlangkoType::Kia, 5, "LOT-S2", None, &a)
        .unwrap();
    // Two damaged in the store (rusak).
    j.stock_spoil(
        &StockPlace::Store,
        BlangkoType::Kia,
        2,
        SpoilCategory::Rusak,
        "tertekuk di gudang",
        &a,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let spool = cetak::daemon::spool_dir(&s.cfg);
    let ids = make_jobs(&spool, "kia-0-5.json", "KIA-SP", 3);
    let station = Station::start(&s.cfg).unwrap();
    let h = station.handle();
    wait_for("the jam", Duration::from_secs(60), || {
        !h.pending_events().is_empty()
    });
    h.act("P1", Action::MarkSpoiled).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    // One printed card written off (perubahan elemen data), then printed again.
    j.write_off_printed(
        &ids[1],
        SpoilCategory::PerubahanElemenData,
        "nama salah eja",
        &AfterWriteOff::Reprint,
        &a,
    )
    .unwrap();
    wait_for("reprint", Duration::from_secs(60), || {
        state(&j, &ids[1]) == JobState::Printed
    });
    station.shutdown().unwrap();

    // The day of these movements, as the ledger's daily figures count it.
    let daily = j
        .spoilage_daily(
            cetak::journal::Timestamp(0),
            cetak::journal::Timestamp(i64::MAX),
            420,
        )
        .unwrap();
    let day = daily[0].date.clone();
    assert!(daily.iter().all(|r| r.date == day), "{daily:?}");
    let r = report(&s, &["spoilage", "--date", &day], "spoil");
    let (csv, rows) = (&r.csv, r.rows());
    for d in &daily {
        let n: i64 = rows
            .iter()
            .filter(|x| x[1] == d.blangko_type.code() && x[2] == d.category.code())
            .map(|x| x[3].parse::<i64>().unwrap())
            .sum();
        assert_eq!(n, d.count, "{:?} in {csv}", d.category);
    }
    let total: i64 = daily.iter().map(|d| d.count).sum();
    assert_eq!(total, 4, "{daily:?}");
    assert_eq!(
        rows.iter()
            .map(|x| x[3].parse::<i64>().unwrap())
            .sum::<i64>(),
        total
    );
    // Card numbers: the jammed card and the written-off card are named.
    let jammed = rows.iter().find(|x| x[2] == "gagal-cetak").unwrap();
    assert!(jammed[4].starts_with("EMU-R-1#"), "{csv}");
    let written_off = rows
        .iter()
        .find(|x| x[2] == "perubahan-elemen-data")
        .unwrap();
    assert!(written_off[4].starts_with("EMU-R-1#"), "{csv}");
    assert_ne!(jammed[4], written_off[4]);
    assert_eq!(written_off[6], ids[1]);

    let (text, flat) = (&r.text, &r.flat);
    assert!(flat.contains("LAPORAN HARIAN BLANGKO RUSAK"), "{text}");
    for (label, n) in [
        ("gagal encode", 0),
        ("gagal cetak", 1),
        ("rusak", 2),
        ("perubahan elemen data", 1),
    ] {
        assert!(
            flat.contains(&format!("KIA {label} {n}")),
            "{label} {n}: {text}"
        );
    }
    assert!(flat.contains("Jumlah 4"), "{text}");
    assert!(
        flat.contains(jammed[4]) && flat.contains(written_off[4]),
        "{text}"
    );
    assert!(flat.contains("Siti Aminah, S.Kom"), "{text}");
    page_png(&r.pdf, 1, "spoilage-page-1");
}

#[test]
fn stock_report_balances_per_type() {
    let (s, _emu) = setup(Faults::default());
    let mut j = cetak::daemon::open_journal(&s.cfg).unwrap();
    let a = Actor::operator("tester");
    j.stock_receive(BlangkoType::Kia, 50, "LOT-K1", None, &a)
        .unwrap();
    j.stock_load("P1", BlangkoType::Kia, 20, &a).unwrap();
    j.stock_receive(BlangkoType::KtpEl, 10, "LOT-E1", None, &a)
        .unwrap();
    j.stock_return(
        &StockPlace::Store,
        BlangkoType::KtpEl,
        3,
        "kembali ke provinsi",
        &a,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let spool = cetak::daemon::spool_dir(&s.cfg);
    let ids = make_jobs(&spool, "kia-0-5.json", "KIA-ST", 4);
    let station = Station::start(&s.cfg).unwrap();
    wait_settled(&j, &ids, Duration::from_secs(120));
    station.shutdown().unwrap();
    let today = cetak::report::local_today(420);
    let (from, to) = (
        today.pred_opt().unwrap().to_string(),
        today.succ_opt().unwrap().to_string(),
    );
    let r = report(&s, &["stock", "--from", &from, "--to", &to], "stock");
    let rows = r.rows();
    let last = |ty: &str| rows.iter().rev().find(|r| r[2] == ty).unwrap().clone();
    // KIA: 50 received, 4 printed: 46 held, 30 of them in the store.
    assert_eq!(last("kia")[10], "30");
    assert_eq!(last("kia")[11], "46");
    assert_eq!(last("ktp-el")[11], "7");
    let (text, flat) = (&r.text, &r.flat);
    assert!(flat.contains("Diterima dari provinsi 50 10"), "{text}");
    assert!(flat.contains("Tercetak 4 0"), "{text}");
    assert!(flat.contains("Dikembalikan ke provinsi 0 3"), "{text}");
    assert!(flat.contains("Saldo akhir: jumlah 46 7"), "{text}");
    assert!(flat.contains("Selisih (harus 0) 0 0"), "{text}");
    assert!(flat.contains("LOT-K1"), "{text}");
    page_png(&r.pdf, 1, "stock-page-1");
}
