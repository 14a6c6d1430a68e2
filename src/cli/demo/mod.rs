//! `cetak demo`: the whole station on a fresh data directory with two in-process emulated
//! printers (one KIA, one KTP-el), sample blangko received and loaded, the sample jobs
//! submitted, the daemon run until every job is settled, and the printed cards left as PNG
//! images with a summary.
//!
//! The KTP-el printer has a contactless encoder station tied to virtual cards behind the real
//! pcscd (a vpcd reader of the demo's own); every KTP-el chip is written and verified before
//! the card is printed. Without pcscd/vpcd the demo says so and prints without encoding.
//!
//! With `--serve` the station keeps running after the summary, with the dashboard and
//! `/metrics` on `--listen` ([`serve`]), until Ctrl-C or SIGTERM.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cetak_drivers::emulator::{Emulator, EmulatorConfig};

use crate::cli::Lang;
use crate::config::Config;
use crate::journal::{Actor, BlangkoType, JobState};
use crate::messages::{label, say, Args, MessageText as _, Plain};

use crate::daemon::{DaemonError, Spool, Station};

pub mod key;
mod samples;
mod serve;

pub use samples::write_samples;

/// `cetak demo` options.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Output folder (data directory, sample jobs, printed cards).
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
    /// A folder of job files to submit (default: the built-in samples, written to OUT/samples).
    #[arg(long)]
    pub jobs: Option<PathBuf>,
    /// A layouts folder replacing the built-in layouts.
    #[arg(long, env = "CETAK_LAYOUTS")]
    pub layouts: Option<PathBuf>,
    /// Emulated mechanical time scale (1 = realistic, 15–30 s a card).
    #[arg(long, default_value_t = 0.1)]
    pub time_scale: f64,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Card profile for the virtual chips (default: the built-in profile).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Keep the station running after its jobs settle, with the dashboard and metrics on,
    /// until Ctrl-C or SIGTERM.
    #[arg(long)]
    pub serve: bool,
    /// The dashboard's address with `--serve` (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8470")]
    pub listen: String,
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

/// Runs the demo and prints its summary.
pub fn run_demo(args: &DemoArgs, lang: Lang) -> Result<DemoSummary, DaemonError> {
    // The station configuration takes absolute paths only.
    let out = &std::path::absolute(&args.out).map_err(|e| DaemonError::io(&args.out, e))?;
    let (data, cards_dir) = (out.join("data"), out.join("cards"));
    for d in [&data, &cards_dir] {
        if d.exists() {
            std::fs::remove_dir_all(d).map_err(|e| DaemonError::io(d, e))?;
        }
        std::fs::create_dir_all(d).map_err(|e| DaemonError::io(d, e))?;
    }
    let reader = demo_reader(lang);
    if reader.is_some() && std::env::var_os("CETAK_CHIP_PIN").is_none() {
        std::env::set_var("CETAK_CHIP_PIN", "12345678");
    }
    let tag = std::process::id();
    let (toml, emulators) = demo_config(args, &data, &cards_dir, reader.as_ref(), tag)?;
    let config = Config::parse(&toml, Path::new("demo.toml"))?;
    std::fs::write(out.join("cetak.toml"), &toml).map_err(|e| DaemonError::io(out, e))?;

    let mut journal = crate::daemon::open_journal(&config)?;
    stock_up(&mut journal, reader.as_ref(), lang)?;
    let ids = submit_jobs(args, out, &config, lang)?;

    let options = crate::daemon::StationOptions::with_pcsc_encoders(
        &config,
        crate::chip_content::chip_content,
    )?;
    let station = Station::start_with(&config, options)?;
    let timeout = Duration::from_secs(args.timeout);
    wait_settled(&station, &journal, &ids, timeout, lang);
    // With --serve the station stays up for the dashboard after the summary.
    let serving = match args.serve {
        true => Some(station),
        false => {
            station.shutdown()?;
            None
        }
    };
    for emu in &emulators {
        emu.wait_output(Duration::from_secs(30));
    }

    let (jobs, stock_ok, audit_ok) =
        summarize(&mut journal, &ids, &cards_dir, reader.as_ref(), lang)?;
    if let Some(station) = serving {
        serve::serve(&config, &station, lang)?;
        station.shutdown()?;
    }
    journal.checkpoint()?;
    Ok(DemoSummary {
        jobs,
        cards_dir,
        stock_ok,
        audit_ok,
    })
}

/// 50 blangko of each type received, 20 loaded into each printer.
fn stock_up(
    journal: &mut crate::journal::Journal,
    reader: Option<&cetak_drivers::vcard::VirtualReader>,
    lang: Lang,
) -> Result<(), DaemonError> {
    let actor = Actor::operator("demo");
    for (id, bt) in PRINTERS {
        let lot = format!("DEMO-{}", bt.code().to_uppercase());
        journal.stock_receive(bt, 50, &lot, None, &actor)?;
        journal.stock_load(id, bt, 20, &actor)?;
    }
    println!("{}", label(lang, "demo.stock_ready"));
    if let Some(r) = reader {
        println!("{} {}", label(lang, "demo.reader"), r.name);
    }
    Ok(())
}

/// Signs the job files (`--jobs`, else the built-in samples written to OUT/samples) with the
/// demo key and submits them through the spool; their ids.
fn submit_jobs(
    args: &DemoArgs,
    out: &Path,
    config: &Config,
    lang: Lang,
) -> Result<Vec<String>, DaemonError> {
    let spool = Spool::open_for(config)?;
    let policy = crate::daemon::validation_policy(config);
    let jl = match lang {
        Lang::Id => crate::job::Lang::Id,
        Lang::En => crate::job::Lang::En,
    };
    let files: Vec<PathBuf> = match &args.jobs {
        Some(dir) => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| DaemonError::io(dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            files
        }
        None => {
            let dir = out.join("samples");
            write_samples(&dir).map_err(|e| DaemonError::io(&dir, e))?
        }
    };
    let mut ids = Vec::new();
    let signed_dir = config.station.data_dir.join("signed");
    std::fs::create_dir_all(&signed_dir).map_err(|e| DaemonError::io(&signed_dir, e))?;
    for f in &files {
        let jws = key::sign_job_file(f)?;
        let signed = signed_dir.join(f.with_extension("jws").file_name().unwrap_or_default());
        std::fs::write(&signed, jws).map_err(|e| DaemonError::io(&signed, e))?;
        let id = spool.submit(&signed, &policy, jl)?;
        println!("{} {id}", label(lang, "demo.submitted"));
        ids.push(id);
    }
    Ok(ids)
}

/// The demo's two printers and what they print.
const PRINTERS: [(&str, BlangkoType); 2] = [("P1", BlangkoType::Kia), ("P2", BlangkoType::KtpEl)];

/// A vpcd reader of our own for the KTP-el printer's encoder station, if one can be had.
fn demo_reader(lang: Lang) -> Option<cetak_drivers::vcard::VirtualReader> {
    // A vpcd reader of our own for the KTP-el printer's encoder station; the virtual cards
    // use the training PIN, which the default profile reads from the environment. Only a
    // reader whose link stays on this machine (see `vcard::testbed`): the pcscd the test bed
    // starts has only such readers, and it stays running for the next demo or test.
    match cetak_drivers::vcard::claim_reader(Duration::from_secs(30)) {
        Ok(r) if r.is_loopback_only() => Some(r),
        Ok(r) => {
            eprintln!(
                "{} ({}); {}",
                label(lang, "demo.reader_not_loopback"),
                r.name,
                label(lang, "demo.reader_stop_pcscd")
            );
            None
        }
        Err(e) => {
            eprintln!("{}: {e}", label(lang, "demo.no_reader"));
            None
        }
    }
}

/// The demo station's configuration (training, the demo key, one emulator per printer, the
/// vpcd reader as P2's encoder) and the emulators it names.
fn demo_config(
    args: &DemoArgs,
    data: &Path,
    cards_dir: &Path,
    reader: Option<&cetak_drivers::vcard::VirtualReader>,
    tag: u32,
) -> Result<(String, Vec<Emulator>), DaemonError> {
    let abs = |p: &Path| std::path::absolute(p).map_err(|e| DaemonError::io(p, e));
    let printers = PRINTERS;
    let mut emulators = Vec::new();
    let layouts_dir = match &args.layouts {
        Some(dir) => format!("layouts_dir = {:?}\n", abs(dir)?.display().to_string()),
        None => String::new(),
    };
    let mut toml = format!(
        "[station]\nid = \"DEMO-01\"\nname = \"Demo\"\ndata_dir = {:?}\n{layouts_dir}\n[policy]\ntraining = true\nencode_chips = {}\n# 50 of each type received: warn below 20.\nlow_stock_store = 20\n\n",
        data.display().to_string(),
        reader.is_some()
    );
    // The demo trusts the demo key (examples/keys/, never in production) and signs the sample
    // jobs with it below, as the Dinas server would. Its private half is public, so the demo
    // station is a training station: a production one trusting it would refuse to start.
    toml.push_str(&key::demo_trust_config());
    toml.push('\n');
    if args.serve {
        toml.push_str(&format!("[dashboard]\nlisten = {:?}\n\n", args.listen));
    }
    for (i, (id, bt)) in printers.iter().enumerate() {
        let name = format!("demo-{tag}-{id}");
        let dir = cards_dir.join(id);
        let station: Option<Box<dyn cetak_drivers::printer::station::StationCard>> =
            match (&reader, bt) {
                (Some(r), BlangkoType::KtpEl) => Some(Box::new(
                    cetak_drivers::vcard::VcardStation::new(
                        r.addr(),
                        cetak_drivers::vcard::CardConfig::cetak(),
                    )
                    .0,
                )),
                _ => None,
            };
        let emu = Emulator::new(EmulatorConfig {
            serial: format!("EMU-DEMO-{}", i + 1),
            time_scale: args.time_scale,
            out_dir: Some(dir),
            station,
            ..EmulatorConfig::default()
        });
        emu.register(&name)
            .map_err(|e| DaemonError::Config(Plain::new("demo.emulator").with("detail", e)))?;
        emulators.push(emu);
        toml.push_str(&format!(
            "[[printer]]\nid = \"{id}\"\nuri = \"emu://{name}\"\nblangko = \"{}\"\n",
            bt.code()
        ));
        match (&reader, bt) {
            (Some(r), BlangkoType::KtpEl) => {
                let profile = match &args.profile {
                    Some(p) => format!(", profile = {:?}", abs(p)?.display().to_string()),
                    None => String::new(),
                };
                toml.push_str(&format!(
                    "encoder = {{ reader = {:?}{profile}, station = \"contactless\" }}\n\n",
                    r.name
                ))
            }
            _ => toml.push('\n'),
        }
    }
    Ok((toml, emulators))
}

/// Waits until every job is settled (printed, failed, rejected, in doubt) or `timeout`, showing
/// the printers' operator events as they come.
fn wait_settled(
    station: &Station,
    journal: &crate::journal::Journal,
    ids: &[String],
    timeout: Duration,
    lang: Lang,
) {
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
        if started.elapsed() > timeout {
            eprintln!("{}", label(lang, "demo.timed_out"));
            break;
        }
        for ev in station.handle().pending_events() {
            eprintln!(
                "{}: {}",
                ev.printer,
                lang.pick(&ev.message_id, &ev.message_en)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Prints the summary (each job, stock and audit checks, where the cards are) and returns the
/// jobs and whether stock and audit verify.
fn summarize(
    journal: &mut crate::journal::Journal,
    ids: &[String],
    cards_dir: &Path,
    reader: Option<&cetak_drivers::vcard::VirtualReader>,
    lang: Lang,
) -> Result<(Vec<DemoJob>, bool, bool), DaemonError> {
    let mut jobs = Vec::new();
    println!("\n{}", label(lang, "demo.summary"));
    for id in ids {
        let rec = journal.job(id)?;
        let printer = journal
            .job_history(id)?
            .iter()
            .rev()
            .find_map(|h| h.printer_id.clone());
        println!(
            "{id:<24} {:<10} printer {:<3} {} {}",
            rec.state.label(lang),
            printer.as_deref().unwrap_or("-"),
            label(lang, "demo.attempts"),
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
    crate::cli::station::print_stock(&(&v.report).into(), lang);
    let a = journal.audit_verify()?;
    let verdict = |ok: bool| label(lang, if ok { "demo.ok" } else { "demo.failed" });
    println!(
        "{}",
        say(
            lang,
            "demo.stock_verify",
            Args::new().with("result", verdict(v.is_ok()))
        )
    );
    for p in &v.problems {
        println!("  {}", p.message(lang));
    }
    println!(
        "{}",
        say(
            lang,
            "demo.audit_verify",
            Args::new()
                .with("result", verdict(a.is_ok()))
                .with("rows", a.rows)
        )
    );
    if let Some(p) = &a.problem {
        println!(
            "  {} {}: {}",
            label(lang, "cli.audit_trail_broken_at_row"),
            p.row_id,
            p.what.message(lang)
        );
    }
    println!("{} {}", label(lang, "demo.cards_dir"), cards_dir.display());
    if let Some(pid) = reader.and_then(|r| r.pcscd_pid()) {
        println!(
            "{}",
            say(lang, "demo.pcscd_kept", Args::new().with("pid", pid))
        );
    }
    Ok((jobs, v.is_ok(), a.is_ok()))
}
