//! The preparer: claims the next job this printer can take and renders its layers ahead of the
//! card being printed, so the printer never waits on the host. The channel to the printer
//! thread is bounded (look-ahead 1–2): memory stays bounded and a paused printer holds at most
//! that many jobs.

use crate::messages::MessageText as _;
use std::path::Path;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::Duration;

use cetak_drivers::printer::layers::SideLayers;

use crate::job::{self, Finding, ValidatedJob, ValidationPolicy, ValidationReport};
use crate::journal::{Actor, Journal, PrinterSlot};
use crate::layout::Layouts;
use crate::render;
use crate::shutdown::Shutdown;

/// A rendered job, `ready` in the journal, waiting for its printer.
pub(crate) struct Prepared {
    pub job_id: String,
    pub needs_chip: bool,
    /// The validated job the layers were rendered from; the chip content is built from it.
    pub job: ValidatedJob,
    pub front: SideLayers,
    pub back: SideLayers,
}

/// Where a job document comes from.
#[derive(Debug, Clone, Copy)]
pub enum JobSource<'a> {
    /// A file: relative image paths resolve next to it (the CLI).
    File(&'a Path),
    /// A self-contained document, images inlined (the journal's payload): no file is read.
    Bytes(&'a [u8]),
}

/// A job that passed everything checked before a blangko is used.
#[derive(Debug)]
pub struct CheckedJob {
    /// The validated job.
    pub job: ValidatedJob,
    /// Its validation report (warnings only).
    pub report: ValidationReport,
}

/// Why a job cannot be printed.
#[derive(Debug)]
pub enum JobRefusal {
    /// The document is invalid (or, in strict mode, has warnings), or its layouts cannot show
    /// it (a `layout.*` finding: text that does not fit, missing image slot...): the report says
    /// why, each finding with its code.
    Invalid(ValidationReport),
}

impl JobRefusal {
    /// The report.
    pub fn report(&self) -> &ValidationReport {
        match self {
            JobRefusal::Invalid(r) => r,
        }
    }
}

impl crate::messages::Message for JobRefusal {
    fn message_code(&self) -> &'static str {
        "job.refused"
    }
    fn message_args(&self) -> crate::messages::Args {
        let report = self.report();
        crate::messages::Args::new().with_each(
            "report",
            report.render(job::Lang::Id),
            report.render(job::Lang::En),
        )
    }
}

/// The one check before printing, shared by the daemon's preparer and the CLI's
/// `validate`/`render`/`print`: parse, validate (with `policy`; `strict` refuses warnings too)
/// and fit the job into its layouts.
pub fn check_job(
    source: JobSource<'_>,
    policy: &ValidationPolicy,
    layouts: &Layouts,
    strict: bool,
) -> Result<CheckedJob, JobRefusal> {
    check_fit(check_document(source, policy, strict)?, layouts)
}

/// The first half of [`check_job`]: parse and validate, no layouts needed (the CLI loads the
/// layouts only for a job that passes this).
pub fn check_document(
    source: JobSource<'_>,
    policy: &ValidationPolicy,
    strict: bool,
) -> Result<CheckedJob, JobRefusal> {
    let (report, job) = match source {
        JobSource::File(path) => job::check_file(path, policy),
        JobSource::Bytes(bytes) => job::check_inline(bytes, policy),
    };
    match job {
        Some(job) if report.exit_code(strict) == 0 => Ok(CheckedJob { job, report }),
        _ => Err(JobRefusal::Invalid(report)),
    }
}

/// The second half of [`check_job`]: the layout fit check of a validated job; a refusal is a
/// `layout.*` finding in the job's report.
pub fn check_fit(checked: CheckedJob, layouts: &Layouts) -> Result<CheckedJob, JobRefusal> {
    match render::check_fit(&checked.job.card_content(), layouts) {
        Ok(()) => Ok(checked),
        Err(e) => {
            let mut report = checked.report;
            report.design = None;
            report.errors.push(Finding::from_fit(e));
            Err(JobRefusal::Invalid(report))
        }
    }
}

/// Checks a job document ([`check_job`]) and renders both sides into printer layers (the
/// preparer's work; public for the benchmarks).
pub fn render_payload(
    payload: &str,
    policy: &ValidationPolicy,
    layouts: &Layouts,
) -> Result<(SideLayers, SideLayers), String> {
    render_checked(payload, policy, layouts)
        .map(|(_, f, b)| (f, b))
        .map_err(|e| e.to_string())
}

/// Why the preparer could not render a job (the reason recorded when it rejects the job).
#[derive(Debug, thiserror::Error)]
enum PrepareError {
    /// The document fails validation or does not fit its layouts.
    #[error("{}", .0.message_en())]
    Refused(JobRefusal),
    /// The job's design has no layouts.
    #[error(transparent)]
    Layout(#[from] crate::layout::FitError),
    /// A side could not be drawn.
    #[error(transparent)]
    Render(#[from] render::RenderError),
}

/// The preparer's step: check the stored document once and render both sides from the
/// validated job, which is handed on with the layers (the chip content is built from it).
fn render_checked(
    payload: &str,
    policy: &ValidationPolicy,
    layouts: &Layouts,
) -> Result<(ValidatedJob, SideLayers, SideLayers), PrepareError> {
    // Validated at intake in this process: only the layout fit is left to check.
    let checked = match crate::intake::handoff::take(payload.as_bytes(), policy) {
        Some((job, report)) => check_fit(CheckedJob { job, report }, layouts),
        None => check_job(JobSource::Bytes(payload.as_bytes()), policy, layouts, false),
    }
    .map_err(PrepareError::Refused)?;
    let content = checked.job.card_content();
    let [front, back] = layouts.for_design(content.design)?;
    let f = render::render_layers(&content, front, layouts)?;
    let b = render::render_layers(&content, back, layouts)?;
    Ok((checked.job, f, b))
}

/// Runs until `stop` is set or the printer thread hangs up; a job in hand is released.
pub(crate) fn run_preparer(
    mut journal: Journal,
    slot: PrinterSlot,
    policy: ValidationPolicy,
    layouts: Arc<Layouts>,
    training: bool,
    out: SyncSender<Prepared>,
    stop: Shutdown,
) {
    while !stop.is_cancelled() {
        let claimed = match journal.claim_next(&slot) {
            Ok(Some(c)) => c,
            Ok(None) => {
                stop.wait_timeout(Duration::from_millis(100));
                continue;
            }
            Err(e) => {
                tracing::error!(printer = %slot.printer_id, error = %e, "claim failed");
                stop.wait_timeout(Duration::from_secs(1));
                continue;
            }
        };
        let id = claimed.job_id.clone();
        let (job, front, back) = match render_checked(&claimed.payload, &policy, &layouts) {
            Ok((job, mut f, mut b)) if training => {
                render::specimen::stamp_layers(&mut f);
                render::specimen::stamp_layers(&mut b);
                (job, f, b)
            }
            Ok(prepared) => prepared,
            Err(why) => {
                let reason = why.to_string();
                tracing::warn!(job = %id, %reason, "job cannot be rendered; rejected");
                if let Err(e) = journal.reject_job(&id, &reason, &Actor::system()) {
                    tracing::error!(job = %id, error = %e, "could not record the rejection");
                }
                continue;
            }
        };
        if let Err(e) = journal.mark_ready(&id) {
            tracing::error!(job = %id, error = %e, "mark ready failed");
            let _ = journal.release(&id, "journal error while preparing");
            continue;
        }
        if let Err(back) = out.send(Prepared {
            job_id: id,
            needs_chip: claimed.needs_chip,
            job,
            front,
            back,
        }) {
            // The printer thread stopped: give the job back before any blangko moved.
            let _ = journal.release(&back.0.job_id, "printer worker stopped");
            break;
        }
    }
}
