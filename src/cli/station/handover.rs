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
use crate::messages::{MessageText as _, Plain};

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
    let code = match r {
        Relation::KepalaKeluarga => "relation.kepala_keluarga",
        Relation::AnggotaKeluarga => "relation.anggota_keluarga",
        Relation::Sekolah => "relation.sekolah",
    };
    crate::messages::label(lang, code)
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
        let m = Plain::new("cli.handover_batch")
            .with("batch", &r.batch_id)
            .with("handed_over", r.handed_over)
            .with("boys", r.boys)
            .with("girls", r.girls);
        let m = if r.sex_unknown > 0 {
            let unknown = Plain::new("cli.handover_sex_unknown").with("n", r.sex_unknown);
            m.with_message("unknown", &unknown)
        } else {
            m.with("unknown", "")
        };
        println!("{}", m.message(lang));
        let m = Plain::new("cli.handover_batch_figures")
            .with("before", r.handed_over_before)
            .with("not_printed", r.not_printed)
            .with("at", &r.at);
        println!("{}", m.message(lang));
        return Ok(ExitCode::SUCCESS);
    }
    let Some(job) = a.job else {
        return Err(crate::messages::label(lang, "cli.job_or_batch").into());
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
        .map(|s| s.label(lang))
        .unwrap_or(r.state.as_str());
    println!(
        "{}: {} ({}){}  {}",
        r.job_id,
        state,
        relation_label(a.relation, lang),
        if r.code_checked {
            crate::messages::label(lang, "cli.pickup_code_matched")
        } else {
            ""
        },
        r.at
    );
    Ok(ExitCode::SUCCESS)
}
