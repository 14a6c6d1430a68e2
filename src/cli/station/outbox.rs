//! `cetak outbox show|retry` and `cetak audit verify`: events for the server, and the audit
//! trail's hash chain.

use std::process::ExitCode;

use super::{failed, AuditCommand, OutboxCommand, Remote};
use crate::cli::Lang;
use crate::daemon::control::RetryRequest;

pub(super) fn outbox(
    cmd: OutboxCommand,
    books: &mut Remote,
    operator: Option<String>,
    lang: Lang,
) -> Result<ExitCode, String> {
    match cmd {
        OutboxCommand::Show => {
            let v = books.outbox().map_err(|e| failed(e, lang))?;
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_waiting_for_delivery"),
                v.backlog
            );
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_refused_by_the_server"),
                v.refused.len()
            );
            for r in v.refused {
                println!(
                    "  {}  {}  {}  {}: {}",
                    r.event_id,
                    r.kind,
                    r.job_id.as_deref().unwrap_or("-"),
                    r.refused_at,
                    r.reason
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Retry { event, all: _ } => {
            let r = books
                .outbox_retry(&RetryRequest { event, operator })
                .map_err(|e| failed(e, lang))?;
            println!(
                "{}: {}",
                crate::messages::label(lang, "cli.events_back_in_the_delivery"),
                r.count
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `cetak audit verify`: fails when the chain is broken, naming the row.
pub(super) fn audit(cmd: AuditCommand, books: &mut Remote, lang: Lang) -> Result<ExitCode, String> {
    match cmd {
        AuditCommand::Verify => {
            let r = books.audit_verify().map_err(|e| failed(e, lang))?;
            if let (Some(row), Some(what)) = (r.problem_row, &r.problem) {
                println!(
                    "{} {}: {}",
                    crate::messages::label(lang, "cli.audit_trail_broken_at_row"),
                    row,
                    what.text(lang)
                );
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{} ({} {}, head {})",
                crate::messages::label(lang, "cli.audit_trail_intact"),
                r.rows,
                crate::messages::label(lang, "cli.rows"),
                r.head
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
