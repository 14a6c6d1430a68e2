//! `cetak validate`, `render`, `print` and `printer-sim`: one card at a time, without the
//! daemon's journal (test prints, layout work, training).

use crate::messages::{MessageText as _, Plain};
use std::process::ExitCode;
use std::time::Duration;

use cetak_drivers::chip::{encode as encode_chip, PcscChannel, PcscConfig, Profile};
use cetak_drivers::printer::sequence::{print_card, CardFailure, CardFate, CardPlan, Step};
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
                &Plain::new("cli.photo_background_invalid").with("value", format!("{other:?}")),
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
        let m = Plain::new("cli.layouts_unloadable")
            .with_each("source", source.describe_id(), source.describe_en())
            .with_message("reason", &e);
        fail(lang, &m)
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
            &Plain::new("cli.render_failed").with_message("reason", &e),
        )
    })
}

pub(super) fn validate(args: &ValidateArgs, lang: Lang) -> ExitCode {
    match load(&args.job, lang, args.strict) {
        Ok(loaded) => {
            let m = Plain::new("cli.job_valid")
                .with("job", loaded.job.job_id())
                .with_message("design", &Plain::new(loaded.job.design().message_code()));
            println!("{}", m.message(lang));
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
            &Plain::new("cli.png_write_failed").with_message("reason", &e),
        ),
    }
}

fn step_text(step: Step, lang: Lang) -> &'static str {
    use cetak_drivers::printer::layers::Side;
    let code = match step {
        Step::Feed => "cli.step.feed",
        Step::Station(EncoderStation::Contact) => "cli.step.contact",
        Step::Station(EncoderStation::Contactless) => "cli.step.contactless",
        Step::Encode => "cli.step.encode",
        Step::Print(Side::Front) => "cli.step.print_front",
        Step::Print(Side::Back) => "cli.step.print_back",
        Step::Eject => "cli.step.eject",
        Step::Reject => "cli.step.reject",
    };
    crate::messages::label(lang, code)
}

/// `cetak print`: checks the request, renders the card with SPECIMEN, opens the printer and
/// runs the card (the chip encoded at the station when the document has one).
pub(super) fn print(args: &PrintArgs, lang: Lang) -> ExitCode {
    let run = || -> Result<ExitCode, ExitCode> {
        let station = print_station(args, lang)?;
        let loaded = load(&args.job, lang, false)?;
        let wants_chip = loaded.job.design().is_ktp_el() && !args.no_chip;
        if wants_chip && args.reader.is_none() {
            return Err(fail(lang, &Plain::new("cli.chip_reader_needed")));
        }
        let profile = super::chip::profile(args.profile.as_deref(), lang)?;
        let mut card = render_card(&loaded, lang)?;
        render::specimen::stamp_card(&mut card);
        let mut printer = open_printer(args, lang)?;
        let info = printer.info();
        let opened = Plain::new("cli.printer_opened")
            .with("model", &info.model)
            .with("serial", &info.serial)
            .with("firmware", &info.firmware)
            .with("uri", &args.printer);
        eprintln!("{}", opened.message(lang));
        let dual = printer.capabilities().dual_side;
        if !dual {
            eprintln!(
                "{}",
                crate::messages::label(lang, "cli.warning_single_side_printer_the")
            );
        }
        let plan = CardPlan {
            front: Some(&card.front.layers),
            back: dual.then_some(&card.back.layers),
            encode_at: wants_chip.then_some(station),
        };
        let content = crate::chip_content::chip_content(&loaded.job);
        let reader = args.reader.clone().unwrap_or_default();
        let mut encode = |_: EncoderStation| encode_at_station(&reader, &profile, &content, lang);
        let mut progress = |step: Step| eprintln!("… {}", step_text(step, lang));
        let result = print_card(printer.as_mut(), &plan, &mut encode, &mut progress);
        Ok(print_outcome(result, loaded.job.job_id(), lang))
    };
    run().unwrap_or_else(|code| code)
}

/// The request's own checks: a training print, and the encoder station named.
fn print_station(args: &PrintArgs, lang: Lang) -> Result<EncoderStation, ExitCode> {
    if !args.training {
        return Err(fail(lang, &Plain::new("cli.training_required")));
    }
    match args.station.as_str() {
        "contact" => Ok(EncoderStation::Contact),
        "contactless" => Ok(EncoderStation::Contactless),
        other => Err(fail(
            lang,
            &Plain::new("cli.station_invalid").with("value", format!("{other:?}")),
        )),
    }
}

fn open_printer(args: &PrintArgs, lang: Lang) -> Result<Box<dyn printer::Printer>, ExitCode> {
    let options = EvolisOptions {
        compression: !args.raw,
        ..EvolisOptions::default()
    };
    printer::open(&args.printer, &options).map_err(|e| {
        let m = Plain::new("cli.printer_failed")
            .with("printer", &args.printer)
            .with_message("reason", &e);
        fail(lang, &m)
    })
}

/// Writes and verifies the chip while the card waits at the encoder station; the failure
/// reaches the operator as `CardError::Encoding`, already in `lang`.
fn encode_at_station(
    reader: &str,
    profile: &Profile,
    content: &cetak_drivers::chip::ChipContent,
    lang: Lang,
) -> Result<(), String> {
    let mut cfg = PcscConfig::new(reader);
    cfg.apdu_timeout = Duration::from_millis(profile.transfer.apdu_timeout_ms);
    let mut channel = PcscChannel::open(cfg).map_err(|e| e.message(lang))?;
    let report = encode_chip(&mut channel, profile, content).map_err(|e| e.message(lang))?;
    eprintln!(
        "  chip: ATR {} UID {}",
        report.atr,
        report.uid.as_deref().unwrap_or("-")
    );
    Ok(())
}

/// What the operator is told when the card sequence ends: the bytes sent, or the failure and
/// where the card is now.
fn print_outcome(
    result: Result<cetak_drivers::printer::sequence::CardReport, CardFailure>,
    job_id: &str,
    lang: Lang,
) -> ExitCode {
    use cetak_drivers::printer::sequence::CardError;
    match result {
        Ok(report) => {
            let bytes: usize = [report.front.as_ref(), report.back.as_ref()]
                .into_iter()
                .flatten()
                .map(|s| s.bytes_sent)
                .sum();
            let m = Plain::new("cli.card_printed")
                .with("job", job_id)
                .with("bytes", bytes);
            println!("{}", m.message(lang));
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let (id, en) = match &failure.error {
                CardError::Printer(e) => (e.message_id(), e.message_en()),
                CardError::Encoding(m) => {
                    let m = Plain::new("cli.encoding_failed").with("detail", m);
                    (m.message_id(), m.message_en())
                }
            };
            let fate = match failure.fate {
                CardFate::NotFed => "cli.fate.not_fed",
                CardFate::Rejected => "cli.fate.rejected",
                CardFate::LeftInPrinter => "cli.fate.left_in_printer",
            };
            let m = Plain::new("cli.print_failed")
                .with_each("reason", id, en)
                .with_message("fate", &Plain::new(fate));
            fail(lang, &m)
        }
    }
}

pub(super) fn chip_fail(lang: Lang, e: &cetak_drivers::chip::ChipError) -> ExitCode {
    fail(
        lang,
        &Plain::new("cli.chip_failed").with_message("reason", e),
    )
}

/// `cetak printer-sim`: the emulator's own command line (a development tool; its errors are
/// the emulator's words).
pub(super) fn printer_sim(args: &[String], lang: Lang) -> ExitCode {
    match cetak_drivers::emulator::cli::run_cli(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(
            lang,
            &Plain::new("cli.printer_sim_failed").with("detail", e),
        ),
    }
}
