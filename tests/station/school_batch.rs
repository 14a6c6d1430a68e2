//! A school batch of the collective KIA programme end to end through the built daemon:
//! generated pupils (boys and girls, NIKs consistent with birth dates and sex) dropped into
//! the spool under the school programme's policy, taken in by the daemon's intake, printed on
//! two emulated printers, seen with `cetak batch list|show`, handed over whole with
//! `cetak handover --batch` and put on paper with `cetak report bast` (CSV, and the PDF
//! through `pdftotext`): every count equals the journal's. Beside them, the jobs the
//! programme refuses at intake: the same child twice (naming the other job), a PNG photo, a
//! photo over 100 KB and a lost card (not a first issuance). The run time is printed.
//!
//! The test runs [`PUPILS`] pupils; the full-size run (500, a large school) is a benchmark:
//! `cargo bench --bench school_batch` runs [`school_batch`] from this file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::daemon::*;
use cetak::journal::{BlangkoType, JobState};

const BATCH: &str = "SDN-CIGADUNG-2";
const SCHOOL: &str = "SD Negeri Cigadung 2";

/// Pupils in the test's batch: both printers busy, boys and girls, a BAST list over several
/// pages, in well under a minute of a debug build on an idle machine (500 took 83 s idle and
/// up to 245 s on the shared CI cores).
pub const PUPILS: usize = 200;

#[test]
fn a_school_batch_goes_from_intake_to_its_bast_with_the_journals_counts() {
    let run = school_batch(PUPILS);
    eprintln!("{run}");
}

/// What one run of [`school_batch`] took.
pub struct Run {
    pub pupils: usize,
    pub boys: u64,
    pub girls: u64,
    /// Writing the signed job files into the spool.
    pub written: Duration,
    /// From the start until every pupil's card was printed (intake and printing).
    pub printed: Duration,
    pub per_printer: Vec<usize>,
    pub spoiled: u64,
    /// The whole run, reports and hand-over included.
    pub whole: Duration,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "school batch: {} jobs ({} boys, {} girls) written in {:?}, taken in and printed by \
             {:?} ({:?} per printer, {} spoiled), whole run {:?}",
            self.pupils,
            self.boys,
            self.girls,
            self.written,
            self.printed,
            self.per_printer,
            self.spoiled,
            self.whole
        )
    }
}

/// A refused job's `rejected` event body.
fn rejection(j: &cetak::journal::Journal, id: &str) -> String {
    assert_eq!(state(j, id), JobState::Rejected, "{id}");
    let ev = j.outbox_for_job(id).unwrap();
    assert_eq!(ev.len(), 1, "{ev:?}");
    ev[0].body.clone()
}

/// The whole scenario with a batch of `pupils` (at least 20: boys and girls each more than a
/// quarter); panics on the first count that differs from the journal's.
pub fn school_batch(pupils: usize) -> Run {
    assert!(pupils >= 20, "{pupils} pupils");
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let socket = tmp.path().join("control.sock");
    // Two printers with instant emulated timings (the figures, not the speed, are under test),
    // keeping no panels of finished cards.
    // Each printer could print the whole batch.
    let cards = pupils as u32 + 10;
    let (p1, p2) = (
        counting_emulator("EMU-SB-1", cards),
        counting_emulator("EMU-SB-2", cards),
    );
    let (s1, s2) = (
        p1.serve_tcp("127.0.0.1:0").unwrap(),
        p2.serve_tcp("127.0.0.1:0").unwrap(),
    );
    let text = with_control_socket(
        &config_text(
            &data,
            &[("P1", s1.uri(), "kia"), ("P2", s2.uri(), "kia")],
            2,
        ),
        &socket,
    ) + "\n[queue]\nbatch_order = \"batch-first\"\n";
    let config = tmp.path().join("cetak.toml");
    std::fs::write(&config, &text).unwrap();
    let cfg = cetak::config::Config::parse(&text, &config).unwrap();
    let mut j = cetak::daemon::open_journal(&cfg).unwrap();
    stock(
        &mut j,
        &[("P1", BlangkoType::Kia), ("P2", BlangkoType::Kia)],
        cards,
    );

    // The school's pupils, as the programme sends them (KIA 5–17: a JPEG photo of 13 KB).
    let spool = cfg.spool_dir();
    let batch = serde_json::json!({
        "id": BATCH, "name": SCHOOL, "note": "Kelas 4", "programme": "sekolah"
    });
    let n = pupils;
    let pupils = school_jobs(&spool, "kia-5-17.json", "SB", &batch, n);
    let girls = pupils.iter().filter(|p| p.girl).count() as u64;
    let boys = n as u64 - girls;
    assert!(
        boys > n as u64 / 4 && girls > n as u64 / 4,
        "mixed: {boys} boys, {girls} girls"
    );
    // What the programme refuses at intake: the first pupil again under another job id, a
    // PNG photo, a photo over 100 KB, a lost card.
    let refused = tmp.path().join("refused");
    let dup = school_jobs(&refused, "kia-5-17.json", "SB-DUP", &batch, 1);
    assert_eq!(dup[0].nik, pupils[0].nik);
    let png = school_jobs(&refused, "kia-5-17.json", "SB-PNG", &batch, 1);
    let big = school_jobs(&refused, "kia-5-17.json", "SB-BIG", &batch, 1);
    let lost = school_jobs(&refused, "kia-5-17.json", "SB-LOST", &batch, 1);
    let edit = |id: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_str(&payload_of(&refused, id)).unwrap();
        f(&mut doc);
        std::fs::write(spool.join(format!("{id}.jws")), sign(&doc.to_string())).unwrap();
    };
    let b64 = |bytes: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let png_photo = std::fs::read(root().join("examples/photos/signature-holder.png")).unwrap();
    let mut big_photo = std::fs::read(root().join("examples/photos/kia-5-17.jpg")).unwrap();
    big_photo.extend(std::iter::repeat_n(0x5a, 96 * 1024)); // after EOI: a sound JPEG
    edit(&dup[0].job_id, &|_| {});
    edit(&png[0].job_id, &|d| {
        d["photo"] = serde_json::json!({ "base64": b64(&png_photo) })
    });
    edit(&big[0].job_id, &|d| {
        d["photo"] = serde_json::json!({ "base64": b64(&big_photo) })
    });
    edit(&lost[0].job_id, &|d| d["issuance"] = "lost".into());
    let written = started.elapsed();

    // The daemon takes the spool in and prints.
    let mut daemon = start_daemon(&config, Stdio::piped());
    wait_for("the control socket", Duration::from_secs(60), || {
        socket.exists()
    });
    // One query per look (not one per job): the printing is what takes the machine's time.
    let waited = Instant::now();
    loop {
        let f = j.batch_figures(BATCH).unwrap();
        if f.as_ref()
            .is_some_and(|f| f.total == n as u64 && f.waiting == 0)
        {
            break;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(900),
            "not printed: {f:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let printed_after = started.elapsed();
    for p in &pupils {
        assert_eq!(state(&j, &p.job_id), JobState::Printed, "{}", p.job_id);
    }
    let per_printer: Vec<usize> = [&p1, &p2].iter().map(|p| p.cards_ejected()).collect();
    assert_eq!(per_printer.iter().sum::<usize>(), n, "{per_printer:?}");
    assert!(
        per_printer.iter().all(|&c| c > 0),
        "both printers print: {per_printer:?}"
    );

    // The refusals, each with its code; the duplicate names the first pupil's job.
    let body = rejection(&j, &dup[0].job_id);
    assert!(body.contains("\"code\":\"duplicate_in_batch\""), "{body}");
    assert!(body.contains(&pupils[0].job_id), "{body}");
    assert!(!body.contains(&pupils[0].nik), "full NIK in {body}");
    for (id, code) in [
        (&png[0].job_id, "image.jpeg_required"),
        (&big[0].job_id, "image.too_large"),
        (&lost[0].job_id, "batch.first_issuance_only"),
    ] {
        let body = rejection(&j, id);
        assert!(body.contains("\"code\":\"invalid_job\""), "{body}");
        assert!(body.contains(code), "{code} not in {body}");
    }

    // `cetak batch show` and `list` through the socket equal the journal.
    let show: serde_json::Value =
        serde_json::from_str(&ok(cli_at(&socket, &["batch", "show", BATCH, "--json"]))).unwrap();
    let figures = j.batch_figures(BATCH).unwrap().unwrap();
    assert_eq!(show, serde_json::to_value(&figures).unwrap());
    let spoiled = figures.spoiled;
    assert_eq!(
        (
            figures.total,
            figures.boys,
            figures.girls,
            figures.printed,
            figures.waiting,
            figures.rejected,
            figures.handed_over
        ),
        (n as u64, boys, girls, n as u64, 0, 4, 0)
    );
    assert_eq!(figures.programme.as_deref(), Some("sekolah"));
    let id_text = ok(cli_at(&socket, &["batch", "show", BATCH]));
    assert!(
        id_text.contains("laki-laki:") && id_text.contains(&boys.to_string()),
        "{id_text}"
    );
    assert!(
        id_text.contains("perempuan:") && id_text.contains("tercetak:"),
        "{id_text}"
    );
    let en_text = ok(cli_at(&socket, &["--lang", "en", "batch", "show", BATCH]));
    assert!(
        en_text.contains("boys:") && en_text.contains("girls:"),
        "{en_text}"
    );
    assert_one_language(&en_text, "en");
    let list = ok(cli_at(&socket, &["--lang", "en", "batch", "list"]));
    assert!(list.contains(BATCH) && list.contains(SCHOOL), "{list}");
    let unknown = cli_at(&socket, &["--lang", "en", "batch", "show", "SD-NONE"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("batch SD-NONE is not known"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    // The school takes the whole batch: its BAST.
    let out = ok(cli_at(
        &socket,
        &[
            "--lang",
            "en",
            "handover",
            "--batch",
            BATCH,
            "--to",
            "IBU KEPALA SEKOLAH",
            "--relation",
            "sekolah",
        ],
    ));
    assert!(
        out.contains(&format!(
            "batch {BATCH}: {n} cards handed over (boys {boys}, girls {girls})"
        )),
        "{out}"
    );
    let after: serde_json::Value =
        serde_json::from_str(&ok(cli_at(&socket, &["batch", "show", BATCH, "--json"]))).unwrap();
    assert_eq!(after["handed_over"], n as u64);
    assert_eq!(after["printed"], n as u64);

    let pdf = tmp.path().join("bast.pdf");
    let csv = tmp.path().join("bast.csv");
    for out in [&pdf, &csv] {
        let out = out.to_str().unwrap();
        let args = [
            "report",
            "bast",
            "--batch",
            BATCH,
            "--date",
            "2026-12-02",
            "--out",
            out,
        ];
        cli_ok(&config, &args);
    }
    let csv = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), n, "CSV rows");
    assert_eq!(
        rows.iter().filter(|r| r[3] == "LAKI-LAKI").count() as u64,
        boys
    );
    assert_eq!(
        rows.iter().filter(|r| r[3] == "PEREMPUAN").count() as u64,
        girls
    );
    assert!(
        pupils.iter().all(|p| !csv.contains(&p.nik)),
        "a full NIK in the CSV"
    );
    let pdf_text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/install-deps)");
    let flat = String::from_utf8(pdf_text.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains(&format!("Jumlah KIA yang tercetak sebanyak {n} (")),
        "{flat:.2000}"
    );
    assert!(
        flat.contains(&format!("KIA laki-laki sebanyak {boys} (")),
        "{flat:.2000}"
    );
    assert!(
        flat.contains(&format!("KIA perempuan sebanyak {girls} (")),
        "{flat:.2000}"
    );
    assert!(
        flat.contains(&format!(
            "Jumlah: {n} keping (laki-laki {boys}, perempuan {girls})"
        )),
        "final list total"
    );

    let exit = stop_daemon(&mut daemon, Duration::from_secs(60));
    assert!(exit.success(), "daemon exit {exit:?}");
    assert!(j.stock_verify().unwrap().is_ok());
    Run {
        pupils: n,
        boys,
        girls,
        written,
        printed: printed_after,
        per_printer,
        spoiled,
        whole: started.elapsed(),
    }
}
