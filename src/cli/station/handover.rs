//! `cetak handover JOB --to NAME --relation kepala-keluarga|anggota-keluarga [--code CODE]`
//! and `cetak handover --batch ID --to NAME --relation sekolah`: a printed card (or every
//! printed card of a school batch, its BAST) handed over at the pickup counter, through the
//! daemon like `doubt resolve`. The recipient's name and the pickup code go to the daemon only;
//! nothing of them is printed back.

use std::process::ExitCode;

use clap::Args;

use super::{failed, Remote};
use crate::cli::Lang;
use crate::daemon::control::{BatchHandOverRequest, HandOverRequest};
use crate::journal::Relation;

/// What `cetak handover` takes.
#[derive(Debug, Args)]
pub struct HandOverArgs {
    /// Job id of the printed card.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub job: Option<String>,
    /// Every printed card of this batch, to the school's representative (BAST).
    #[arg(long)]
    pub batch: Option<String>,
    /// Name of whoever takes the card(s) (nama penerima).
    #[arg(long)]
    pub to: String,
    /// kepala-keluarga or anggota-keluarga (one card); sekolah (a batch).
    #[arg(long)]
    pub relation: Relation,
    /// The applicant's pickup code (kode pengambilan, the QR code of the application);
    /// required when the job carries one.
    #[arg(long, conflicts_with = "batch")]
    pub code: Option<String>,
}

fn relation_label(r: Relation, lang: Lang) -> &'static str {
    lang.pick(r.label_id(), r.label_en())
}

/// Runs `cetak handover`.
pub fn handover(
    a: HandOverArgs,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    if let Some(batch) = a.batch {
        let r = books
            .hand_over_batch(
                &batch,
                &BatchHandOverRequest {
                    to: a.to,
                    relation: a.relation.code().to_string(),
                    operator,
                },
            )
            .map_err(|e| failed(e, lang))?;
        println!(
            "{} {}: {} {} ({} {}, {} {}{})",
            lang.pick("batch", "batch"),
            r.batch_id,
            r.handed_over,
            lang.pick("kartu diserahkan", "cards handed over"),
            lang.pick("laki-laki", "boys"),
            r.boys,
            lang.pick("perempuan", "girls"),
            r.girls,
            if r.sex_unknown > 0 {
                format!(
                    ", {} {}",
                    lang.pick("tidak diketahui", "unknown"),
                    r.sex_unknown
                )
            } else {
                String::new()
            }
        );
        println!(
            "{}: {}  {}: {}  {}: {}",
            lang.pick("diserahkan sebelumnya", "handed over before"),
            r.handed_over_before,
            lang.pick("belum tercetak", "not printed"),
            r.not_printed,
            lang.pick("waktu", "at"),
            r.at
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(job) = a.job else {
        return Err(lang
            .pick("sebutkan JOB atau --batch", "give JOB or --batch")
            .into());
    };
    let r = books
        .hand_over(
            &job,
            &HandOverRequest {
                to: a.to,
                relation: a.relation.code().to_string(),
                code: a.code,
                operator,
            },
        )
        .map_err(|e| failed(e, lang))?;
    let state = r
        .state
        .parse::<crate::journal::JobState>()
        .map(|s| lang.pick(s.label_id(), s.label_en()))
        .unwrap_or(r.state.as_str());
    println!(
        "{}: {} ({}){}  {}",
        r.job_id,
        state,
        relation_label(a.relation, lang),
        if r.code_checked {
            lang.pick(", kode pengambilan cocok", ", pickup code matched")
        } else {
            ""
        },
        r.at
    );
    Ok(ExitCode::SUCCESS)
}
