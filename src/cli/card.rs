//! `cetak validate`, `render`, `print` and `printer-sim`: one card at a time, without the
//! daemon's journal (test prints, layout work, training).

use crate::messages::MessageText as _;
use std::process::ExitCode;
use std::time::Duration;

use cetak_drivers::chip::{encode as encode_chip, PcscChannel, PcscConfig, Profile};
use cetak_drivers::printer::sequence::{print_card, CardFate, CardPlan, Step};
use cetak_drivers::printer::station::EncoderStation;
use cetak_drivers::printer::{self, EvolisOptions};

use super::{fail, JobArgs, Lang, PrintArgs, RenderArgs, ValidateArgs};
use crate::config::Config;
use crate::daemon::{JobRefusal, JobSource};
use crate::job::{BackgroundPolicy, ValidatedJob, ValidationPolicy};
use crate::layout::{LayoutSource, Layouts};
use crate::render;

/// A job that passed validation and fits its layouts, with the layouts it was checked against.
pub(super) struct LoadedJob {
    pub job: ValidatedJob,
    pub layouts: Layouts,
}

fn policy(
    args: &JobArgs,
    config: Option<&Config>,
    lang: Lang,
) -> Result<ValidationPolicy, ExitCode> {
    let rule = args
        .photo_background
        .as_deref()
        .or(config.map(|c| c.policy.photo_background.as_str()))
        .unwrap_or("warn");
    let rule = match rule {
        "warn" => BackgroundPolicy::Warn,
        "reject" => BackgroundPolicy::Reject,
        "off" => BackgroundPolicy::Off,
        other => {
            return Err(fail(
                lang,
                format!("--photo-background harus warn, reject atau off (bukan {other:?})"),
                format!("--photo-background must be warn, reject or off (not {other:?})"),
            ))
        }
    };
    // The configuration's named policies are what a batch's `programme` picks from, as in
    // the daemon's intake.
    Ok(ValidationPolicy {
        photo_background: rule,
        ..config.map(Config::validation_policy).unwrap_or_default()
    })
}

/// Validates a job file and checks that it fits its layouts: everything that must hold before
/// a blangko is used (the daemon's `check_job`, in two halves so that a refused document does
/// not wait for the layouts to load). Prints the report (errors and warnings) to stderr.
///
/// Layouts: `--layouts`, else the `layouts_dir` of `--config`, else the built-in ones.
pub(super) fn load(args: &JobArgs, lang: Lang, strict: bool) -> Result<LoadedJob, ExitCode> {
    let config = match &args.config {
        Some(path) => Some(super::load_config(path, lang)?),
        None => None,
    };
    let policy = policy(args, config.as_ref(), lang)?;
    let refused = |report: &crate::job::ValidationReport| {
        eprint!("{}", report.render(lang));
        ExitCode::FAILURE
    };
    let checked = match crate::daemon::check_document(JobSource::File(&args.job), &policy, strict) {
        Ok(checked) => checked,
        Err(JobRefusal::Invalid(report)) => return Err(refused(&report)),
    };
    let source = match (&args.layouts, &config) {
        (Some(dir), _) => LayoutSource::Dir(dir.clone()),
        (None, Some(config)) => config.layout_source(),
        (None, None) => LayoutSource::BuiltIn,
    };
    let layouts = Layouts::load_from(&source).map_err(|e| {
        fail(
            lang,
            format!(
                "Layout {} tidak dapat dimuat: {}",
                source.describe_id(),
                e.message_id()
            ),
            format!(
                "Cannot load the layouts {}: {}",
                source.describe_en(),
                e.message_en()
            ),
        )
    })?;
    match crate::daemon::check_fit(checked, &layouts) {
        Ok(checked) => {
            if !checked.report.warnings.is_empty() {
                eprint!("{}", checked.report.render(lang));
            }
            Ok(LoadedJob {
                job: checked.job,
                layouts,
            })
        }
        Err(JobRefusal::Invalid(report)) => Err(refused(&report)),
    }
}

/// Renders both sides, or tells the operator why not.
fn render_card(loaded: &LoadedJob, lang: Lang) -> Result<render::RenderedCard, ExitCode> {
    render::render_card(&loaded.job.card_content(), &loaded.layouts).map_err(|e| {
        fail(
            lang,
            format!("Render gagal: {}", e.message_id()),
            format!("Rendering failed: {}", e.message_en()),
        )
    })
}

pub(super) fn validate(args: &ValidateArgs, lang: Lang) -> ExitCode {
    match load(&args.job, lang, args.strict) {
        Ok(loaded) => {
            println!(
                "{}",
                lang.pick(
                    format!(
                        "OK: job {} valid ({:?}).",
                        loaded.job.job_id(),
                        loaded.job.design()
                    ),
                    format!(
                        "OK: job {} is valid ({:?}).",
                        loaded.job.job_id(),
                        loaded.job.design()
                    ),
                )
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

pub(super) fn render(args: &RenderArgs, lang: Lang) -> ExitCode {
    let loaded = match load(&args.job, lang, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let card = match render_card(&loaded, lang) {
        Ok(card) => card,
        Err(code) => return code,
    };
    match render::write_pngs(&card, &args.out) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(
            lang,
            format!("Tidak dapat menulis PNG: {}", e.message_id()),
            format!("Cannot write PNG files: {}", e.message_en()),
        ),
    }
}

fn step_text(step: Step, lang: Lang) -> String {
    let (id, en) = match step {
        Step::Feed => ("mengambil blangko dari feeder", "feeding a blank card"),
        Step::Station(EncoderStation::Contact) => {
            ("ke stasiun chip kontak", "to the contact station")
        }
        Step::Station(EncoderStation::Contactless) => {
            ("ke stasiun chip nirkontak", "to the contactless station")
        }
        Step::Encode => (
            "menulis dan memverifikasi chip",
            "writing and verifying the chip",
        ),
        Step::Print(cetak_drivers::printer::layers::Side::Front) => {
            ("mencetak sisi depan", "printing the front")
        }
        Step::Print(cetak_drivers::printer::layers::Side::Back) => {
            ("mencetak sisi belakang", "printing the back")
        }
        Step::Eject => ("mengeluarkan kartu", "ejecting the card"),
        Step::Reject => ("membuang kartu ke kotak tolak", "rejecting the card"),
    };
    lang.pick(id.into(), en.into())
}

pub(super) fn print(args: &PrintArgs, lang: Lang) -> ExitCode {
    if !args.training {
        return fail(
            lang,
            "Job tanpa tanda tangan hanya boleh dicetak dengan --training (kartu diberi SPECIMEN); \
             job produksi bertanda tangan dan masuk lewat stasiun (cetak submit)"
                .into(),
            "An unsigned job may only be printed with --training (the card gets SPECIMEN); \
             production jobs are signed and go through the station (cetak submit)"
                .into(),
        );
    }
    let loaded = match load(&args.job, lang, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let station = match args.station.as_str() {
        "contact" => EncoderStation::Contact,
        "contactless" => EncoderStation::Contactless,
        other => {
            return fail(
                lang,
                format!("--station harus contact atau contactless (bukan {other:?})"),
                format!("--station must be contact or contactless (not {other:?})"),
            )
        }
    };
    let wants_chip = loaded.job.design().is_ktp_el() && !args.no_chip;
    if wants_chip && args.reader.is_none() {
        return fail(
            lang,
            "KTP-el memerlukan chip: berikan --reader POLA (atau --no-chip untuk cetak uji)".into(),
            "A KTP-el needs its chip: give --reader PATTERN (or --no-chip for a test print)".into(),
        );
    }
    let profile = match &args.profile {
        Some(p) => Profile::load(p),
        None => Profile::default_profile(),
    };
    let profile = match profile {
        Ok(p) => p,
        Err(e) => return chip_fail(lang, &e),
    };
    let mut card = match render_card(&loaded, lang) {
        Ok(card) => card,
        Err(code) => return code,
    };
    render::specimen::stamp_card(&mut card);
    let options = EvolisOptions {
        compression: !args.raw,
        ..EvolisOptions::default()
    };
    let mut printer = match printer::open(&args.printer, &options) {
        Ok(p) => p,
        Err(e) => {
            return fail(
                lang,
                format!("Printer {}: {}", args.printer, e.message_id()),
                format!("Printer {}: {}", args.printer, e.message_en()),
            )
        }
    };
    eprintln!("{}", printer.describe());
    let dual = printer.capabilities().dual_side;
    let plan = CardPlan {
        front: Some(&card.front.layers),
        back: dual.then_some(&card.back.layers),
        encode_at: wants_chip.then_some(station),
    };
    if !dual {
        eprintln!(
            "{}",
            crate::messages::label(lang, "cli.warning_single_side_printer_the")
        );
    }
    let content = crate::chip_content::chip_content(&loaded.job);
    let mut encode = |_: EncoderStation| -> Result<(), String> {
        let reader = args.reader.clone().unwrap_or_default();
        let mut cfg = PcscConfig::new(reader);
        cfg.apdu_timeout = Duration::from_millis(profile.transfer.apdu_timeout_ms);
        // The failure reaches the operator as `CardError::Encoding`, already in `lang`.
        let mut channel = PcscChannel::open(cfg).map_err(|e| e.message(lang))?;
        let report = encode_chip(&mut channel, &profile, &content).map_err(|e| e.message(lang))?;
        eprintln!(
            "  chip: ATR {} UID {}",
            report.atr,
            report.uid.as_deref().unwrap_or("-")
        );
        Ok(())
    };
    let mut progress = |step: Step| eprintln!("… {}", step_text(step, lang));
    match print_card(printer.as_mut(), &plan, &mut encode, &mut progress) {
        Ok(report) => {
            let bytes: usize = [report.front.as_ref(), report.back.as_ref()]
                .into_iter()
                .flatten()
                .map(|s| s.bytes_sent)
                .sum();
            println!(
                "{}",
                lang.pick(
                    format!(
                        "Kartu job {} tercetak ({bytes} byte dikirim).",
                        loaded.job.job_id()
                    ),
                    format!(
                        "Card for job {} printed ({bytes} bytes sent).",
                        loaded.job.job_id()
                    ),
                )
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let (id, en) = match &failure.error {
                cetak_drivers::printer::sequence::CardError::Printer(e) => {
                    (e.message_id(), e.message_en())
                }
                cetak_drivers::printer::sequence::CardError::Encoding(m) => (
                    format!("gagal encode chip: {m}"),
                    format!("chip encoding failed: {m}"),
                ),
            };
            let (fate_id, fate_en) = match failure.fate {
                CardFate::NotFed => ("tidak ada blangko terpakai", "no blank card was used"),
                CardFate::Rejected => (
                    "kartu dibuang ke kotak tolak (blangko rusak)",
                    "the card went to the reject box (spoiled)",
                ),
                CardFate::LeftInPrinter => (
                    "kartu mungkin masih di dalam printer: keluarkan secara manual",
                    "the card may still be inside: remove it by hand",
                ),
            };
            fail(
                lang,
                format!("GAGAL: {id}; {fate_id}."),
                format!("FAILED: {en}; {fate_en}."),
            )
        }
    }
}

pub(super) fn chip_fail(lang: Lang, e: &cetak_drivers::chip::ChipError) -> ExitCode {
    fail(
        lang,
        format!("Chip: {}", e.message_id()),
        format!("Chip: {}", e.message_en()),
    )
}

pub(super) fn printer_sim(args: &[String], lang: Lang) -> ExitCode {
    match cetak_drivers::emulator::cli::run_cli(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(
            lang,
            format!("printer-sim: {e}"),
            format!("printer-sim: {e}"),
        ),
    }
}
