//! `cetak demo`: the whole station on a fresh data directory with two in-process emulated
//! printers (one KIA, one KTP-el), sample blangko received and loaded, the sample jobs
//! submitted, the daemon run until every job is settled, and the printed cards left as PNG
//! images with a summary.
//!
//! Chip personalisation is not part of the daemon yet (it waits for `chip_content`), so the
//! demo prints without encoding and says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cetak_drivers::emulator::{Emulator, EmulatorConfig};

use crate::cli::Lang;
use crate::config::Config;
use crate::journal::{Actor, BlangkoType, JobState};

use super::{DaemonError, Spool, Station};

/// `cetak demo` options.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Output folder (data directory, printed cards).
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
    /// Job files to submit.
    #[arg(long, default_value = "examples/jobs")]
    pub jobs: PathBuf,
    /// Layouts folder.
    #[arg(long, default_value = "layouts", env = "CETAK_LAYOUTS")]
    pub layouts: PathBuf,
    /// Emulated mechanical time scale (1 = realistic, 15–30 s a card).
    #[arg(long, default_value_t = 0.1)]
    pub time_scale: f64,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

/// Outcome of one job in the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoJob {
    /// Job id.
    pub job_id: String,
    /// Final state.
    pub state: JobState,
    /// Printer that printed (or last held) it.
    pub printer: Option<String>,
    /// Blangko used.
    pub attempts: u32,
}

/// What the demo did.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Per job.
    pub jobs: Vec<DemoJob>,
    /// Folder holding the printed cards.
    pub cards_dir: PathBuf,
    /// `stock verify` passed.
    pub stock_ok: bool,
    /// `audit verify` passed.
    pub audit_ok: bool,
}

fn t<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Runs the demo and prints its summary.
pub fn run_demo(args: &DemoArgs, lang: Lang) -> Result<DemoSummary, DaemonError> {
    let out = &args.out;
    let data = out.join("data");
    let cards_dir = out.join("cards");
    for d in [&data, &cards_dir] {
        if d.exists() {
            std::fs::remove_dir_all(d).map_err(|e| DaemonError::io(d, e))?;
        }
        std::fs::create_dir_all(d).map_err(|e| DaemonError::io(d, e))?;
    }
    let tag = std::process::id();
    let printers = [("P1", BlangkoType::Kia), ("P2", BlangkoType::KtpEl)];
    let mut emulators = Vec::new();
    let mut toml = format!(
        "[station]\nid = \"DEMO-01\"\nname = \"Demo\"\ndata_dir = {:?}\nlayouts_dir = {:?}\n\n",
        data.display().to_string(),
        args.layouts.display().to_string()
    );
    for (i, (id, bt)) in printers.iter().enumerate() {
        let name = format!("demo-{tag}-{id}");
        let dir = cards_dir.join(id);
        let emu = Emulator::new(EmulatorConfig {
            serial: format!("EMU-DEMO-{}", i + 1),
            time_scale: args.time_scale,
            out_dir: Some(dir),
            ..EmulatorConfig::default()
        });
        emu.register(&name)
            .map_err(|e| DaemonError::Config(e.to_string()))?;
        emulators.push(emu);
        toml.push_str(&format!(
            "[[printer]]\nid = \"{id}\"\nuri = \"emu://{name}\"\nblangko = \"{}\"\n\n",
            bt.code()
        ));
    }
    let config = Config::parse(&toml, Path::new("demo.toml"))
        .map_err(|e| DaemonError::Config(e.to_string()))?;
    std::fs::write(out.join("cetak.toml"), &toml).map_err(|e| DaemonError::io(out, e))?;

    let mut journal = super::open_journal(&config)?;
    let actor = Actor::operator("demo");
    for (id, bt) in printers {
        journal.stock_receive(
            bt,
            50,
            &format!("DEMO-{}", bt.code().to_uppercase()),
            None,
            &actor,
        )?;
        journal.stock_load(id, bt, 20, &actor)?;
    }
    println!(
        "{}",
        t(
            lang,
            "blangko diterima (50 KIA, 50 KTP-el) dan dimuat (20 per printer)",
            "blangko received (50 KIA, 50 KTP-el) and loaded (20 per printer)"
        )
    );
    println!(
        "{}",
        t(
            lang,
            "catatan: personalisasi chip belum dijalankan oleh daemon; kartu dicetak tanpa encode",
            "note: the daemon does not personalise chips yet; cards are printed without encoding"
        )
    );

    let spool = Spool::open(&super::spool_dir(&config))?;
    let policy = super::validation_policy(&config);
    let jl = match lang {
        Lang::Id => crate::job::Lang::Id,
        Lang::En => crate::job::Lang::En,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.jobs)
        .map_err(|e| DaemonError::io(&args.jobs, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut ids = Vec::new();
    for f in &files {
        let id = spool.submit(f, &policy, jl)?;
        println!("{} {id}", t(lang, "dikirim:", "submitted:"));
        ids.push(id);
    }

    let station = Station::start(&config)?;
    let started = Instant::now();
    loop {
        let settled = ids.iter().all(|id| {
            journal
                .job(id)
                .map(|j| j.state.is_terminal() || j.state == JobState::InDoubt)
                .unwrap_or(false)
        });
        if settled {
            break;
        }
        if started.elapsed() > Duration::from_secs(args.timeout) {
            eprintln!("{}", t(lang, "batas waktu habis", "timed out"));
            break;
        }
        for ev in station.handle().pending_events() {
            eprintln!(
                "{}: {}",
                ev.printer,
                t(lang, &ev.message_id, &ev.message_en)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    station.shutdown()?;
    for emu in &emulators {
        emu.wait_output(Duration::from_secs(30));
    }

    let mut jobs = Vec::new();
    println!("\n{}", t(lang, "== Ringkasan ==", "== Summary =="));
    for id in &ids {
        let rec = journal.job(id)?;
        let printer = journal
            .job_history(id)?
            .iter()
            .rev()
            .find_map(|h| h.printer_id.clone());
        println!(
            "{id:<24} {:<10} printer {:<3} {} {}",
            rec.state.code(),
            printer.as_deref().unwrap_or("-"),
            t(lang, "percobaan", "attempts"),
            rec.attempt
        );
        jobs.push(DemoJob {
            job_id: id.clone(),
            state: rec.state,
            printer,
            attempts: rec.attempt,
        });
    }
    let v = journal.stock_verify()?;
    crate::cli::station::print_stock(&v.report, lang);
    let a = journal.audit_verify()?;
    println!(
        "stock verify: {}",
        if v.is_ok() { "OK" } else { "GAGAL / FAILED" }
    );
    for p in &v.problems {
        println!("  {p}");
    }
    println!(
        "audit verify: {} ({} {})",
        if a.is_ok() { "OK" } else { "GAGAL / FAILED" },
        a.rows,
        t(lang, "baris", "rows")
    );
    println!(
        "{} {}",
        t(lang, "kartu tercetak (PNG):", "printed cards (PNG):"),
        cards_dir.display()
    );
    journal.checkpoint()?;
    Ok(DemoSummary {
        jobs,
        cards_dir,
        stock_ok: v.is_ok(),
        audit_ok: a.is_ok(),
    })
}
