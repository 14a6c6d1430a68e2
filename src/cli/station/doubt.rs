//! `cetak doubt list|resolve`: jobs in doubt after a crash or a lost printer.

use std::process::ExitCode;

use super::{failed, DoubtCommand, Remote};
use crate::cli::Lang;
use crate::daemon::control::ResolveRequest;

pub(super) fn doubt(
    cmd: DoubtCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        DoubtCommand::List => {
            let list = books.doubt_list().map_err(|e| failed(e, lang))?;
            if list.is_empty() {
                println!("{}", crate::messages::label(lang, "cli.no_job_in_doubt"));
            }
            for d in list {
                let reason = match lang {
                    Lang::Id => d.reason_id.as_deref().or(d.reason.as_deref()),
                    Lang::En => d.reason.as_deref(),
                };
                println!(
                    "{}  NIK {}  printer {}  {} {}  {}{}",
                    d.job_id,
                    d.nik_masked,
                    d.printer_id.as_deref().unwrap_or("-"),
                    crate::messages::label(lang, "cli.attempt"),
                    d.attempt,
                    d.was
                        .as_deref()
                        .and_then(|w| w.parse::<crate::journal::JobState>().ok())
                        .map(|w| format!(
                            "{} {}  ",
                            crate::messages::label(lang, "cli.while"),
                            w.label(lang)
                        ))
                        .unwrap_or_default(),
                    reason.unwrap_or("")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DoubtCommand::Resolve {
            job,
            printed,
            spoiled,
            card_serial,
            note,
        } => {
            if !printed && spoiled.is_none() {
                return Err(crate::messages::label(lang, "cli.printed_or_spoiled").into());
            }
            let req = ResolveRequest {
                printed,
                spoiled: spoiled.map(|c| c.code().to_string()),
                card_serial,
                note,
                operator,
            };
            let r = books
                .doubt_resolve(&job, &req)
                .map_err(|e| failed(e, lang))?;
            let label = crate::cli::control::job_state_label(&r.state, lang);
            println!("{job}: {label}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
