//! `cetak status`, `cetak events`, `cetak act`: the operator's side of the control API of a
//! running daemon (Unix socket from the configuration, or `--socket`).

use crate::messages::MessageText as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::Lang;
use crate::daemon::control::{
    ActRequest, AlertView, ClientError, ControlClient, EventView, LinkView, PrinterView, StatusView,
};

/// Where the daemon's control socket is.
#[derive(Debug, Args)]
pub struct SocketArgs {
    /// Configuration file (names the socket: `station.control_socket`).
    #[arg(long, default_value = "/etc/cetak/cetak.toml", env = "CETAK_CONFIG")]
    pub config: PathBuf,
    /// Control socket, overriding the configuration.
    #[arg(long, env = "CETAK_SOCKET")]
    pub socket: Option<PathBuf>,
    /// Print the API's JSON answer instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// `cetak act`.
#[derive(Debug, Args)]
pub struct ActArgs {
    /// Printer id, e.g. P1.
    pub printer: String,
    /// retry, cancel or spoiled.
    #[arg(value_parser = ["retry", "cancel", "spoiled"])]
    pub action: String,
    /// Your name, recorded beside your Unix user.
    #[arg(long)]
    pub operator: Option<String>,
    /// Act only if this event (from `cetak events`) is still the pending one.
    #[arg(long)]
    pub event: Option<u64>,
    #[command(flatten)]
    pub socket: SocketArgs,
}

fn client(a: &SocketArgs, lang: Lang) -> Result<ControlClient, String> {
    let path = crate::cli::station::remote::socket_path(&a.config, a.socket.as_deref(), lang)?;
    Ok(ControlClient::new(path))
}

fn client_error(e: ClientError, lang: Lang) -> String {
    e.message(lang)
}

fn finish(r: Result<(), String>, lang: Lang) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(m) => {
            let args = crate::messages::Args::new().with("reason", m);
            eprintln!("{}", crate::messages::say(lang, "cli.failed", args));
            ExitCode::FAILURE
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// `cetak status`.
pub fn status(a: &SocketArgs, lang: Lang) -> ExitCode {
    let r = (|| {
        let s = client(a, lang)?
            .status()
            .map_err(|e| client_error(e, lang))?;
        if a.json {
            return json(&s);
        }
        print_status(&s, lang);
        Ok(())
    })();
    finish(r, lang)
}

/// `cetak events`.
pub fn events(a: &SocketArgs, lang: Lang) -> ExitCode {
    let r = (|| {
        let ev = client(a, lang)?
            .events()
            .map_err(|e| client_error(e, lang))?;
        if a.json {
            return json(&ev);
        }
        if ev.is_empty() {
            println!(
                "{}",
                crate::messages::label(lang, "cli.nothing_waits_for_an_operator")
            );
        }
        for e in &ev {
            print_event(e, lang);
        }
        Ok(())
    })();
    finish(r, lang)
}

/// `cetak act`.
pub fn act(a: &ActArgs, lang: Lang) -> ExitCode {
    let r = (|| {
        let req = ActRequest {
            action: a.action.clone(),
            operator: a.operator.clone(),
            event_id: a.event,
        };
        let resp = client(&a.socket, lang)?
            .act(&a.printer, &req)
            .map_err(|e| client_error(e, lang))?;
        if a.socket.json {
            return json(&resp);
        }
        println!(
            "{} {} {} {} ({} {}, {} {})",
            crate::messages::label(lang, "cli.printer"),
            resp.printer,
            crate::messages::label(lang, "cli.accepted"),
            resp.action,
            crate::messages::label(lang, "cli.event"),
            resp.event_id,
            crate::messages::label(lang, "cli.operator"),
            resp.operator
        );
        Ok(())
    })();
    finish(r, lang)
}

/// A printer state from the status answer as a label in `lang` (an unknown state as is).
fn state_label(state: &str, lang: Lang) -> &str {
    let code = match state {
        "starting" => "printer_state.starting",
        "idle" => "printer_state.idle",
        "busy" => "printer_state.busy",
        "paused" => "printer_state.paused",
        "offline" => "printer_state.offline",
        "stopped" => "printer_state.stopped",
        other => return other,
    };
    crate::messages::label(lang, code)
}

/// A job state code from the status answer as a label in `lang`, with the application status
/// staff know (`docs/job.md`) in brackets (an unknown code as is).
pub(crate) fn job_state_label(code: &str, lang: Lang) -> String {
    match code.parse::<crate::journal::JobState>() {
        Ok(st) => format!(
            "{} [{}]",
            st.label(lang),
            st.application_status().label(lang)
        ),
        Err(_) => code.to_string(),
    }
}

fn format_event(out: &mut String, e: &EventView, lang: Lang) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "[{}] {}{}: {}",
        e.id,
        e.printer,
        e.job_id
            .as_deref()
            .map(|j| format!(" job {j}"))
            .unwrap_or_default(),
        lang.pick(&e.message_id, &e.message_en)
    );
    let _ = writeln!(
        out,
        "     {}: {}   (cetak act {} {})",
        crate::messages::label(lang, "cli.actions"),
        e.allowed.join(", "),
        e.printer,
        e.allowed.first().map(String::as_str).unwrap_or("retry")
    );
}

fn print_event(e: &EventView, lang: Lang) {
    let mut out = String::new();
    format_event(&mut out, e, lang);
    print!("{out}");
}

/// Prints a status answer for the operator.
pub fn print_status(s: &StatusView, lang: Lang) {
    print!("{}", format_status(s, lang));
}

/// A status answer as the operator reads it, every label in `lang` only (job states, printer
/// states, link errors and alerts included).
pub fn format_status(s: &StatusView, lang: Lang) -> String {
    use std::fmt::Write as _;
    let label = |code| crate::messages::label(lang, code);
    let mut out = String::new();
    let name = if s.station_name.is_empty() {
        String::new()
    } else {
        format!("({})", s.station_name)
    };
    let _ = writeln!(out, "{} {} {name}", label("cli.station"), s.station_id);
    let _ = writeln!(out, "{}:", label("cli.printers"));
    for p in &s.printers {
        format_printer(&mut out, p, lang);
    }
    if !s.events.is_empty() {
        let _ = writeln!(out, "{}:", label("cli.waiting_for_an_operator"));
        for e in &s.events {
            out.push_str("  ");
            format_event(&mut out, e, lang);
        }
    }
    let queue: Vec<String> = s
        .queue
        .iter()
        .map(|(k, v)| format!("{} {v}", job_state_label(k, lang)))
        .collect();
    let queue = if queue.is_empty() {
        "-".to_string()
    } else {
        queue.join(", ")
    };
    let _ = writeln!(out, "{}: {queue}", label("cli.jobs"));
    format_alerts(&mut out, &s.alerts, lang);
    if let Some(l) = &s.link {
        format_link(&mut out, l, lang);
    }
    let _ = writeln!(
        out,
        "{}: {}",
        label("cli.cards_printed_since_the_daemon"),
        s.cards_printed
    );
    out
}

/// One printer's line: state, then its job, pending event or reason, and the ribbon left.
fn format_printer(out: &mut String, p: &PrinterView, lang: Lang) {
    use std::fmt::Write as _;
    let reason = match lang {
        Lang::Id => p.reason_id.as_ref().or(p.reason.as_ref()),
        Lang::En => p.reason.as_ref(),
    };
    let detail = match (&p.job_id, p.event_id, reason) {
        (Some(j), _, _) => format!("job {j}"),
        (_, Some(e), _) => format!("{} {e}", crate::messages::label(lang, "cli.event")),
        (_, _, Some(r)) => r.clone(),
        _ => String::new(),
    };
    let ribbon = p
        .ribbon_cards_left
        .map(|n| {
            format!(
                "  ({} {n})",
                crate::messages::label(lang, "cli.ribbon_left")
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {:<8} {:<18} {detail}{ribbon}",
        p.id,
        state_label(&p.state, lang)
    );
}

fn format_alerts(out: &mut String, alerts: &[AlertView], lang: Lang) {
    use std::fmt::Write as _;
    let heading = crate::messages::label(lang, "cli.alerts");
    if alerts.is_empty() {
        let _ = writeln!(out, "{heading}: -");
        return;
    }
    let _ = writeln!(out, "{heading}:");
    for a in alerts {
        let text = lang.pick(&a.message_id, &a.message_en);
        let _ = writeln!(out, "  [{}] {text}", a.key);
    }
}

/// The server link: connected, failing since when and why, or no answer yet; then its
/// backlog.
fn format_link(out: &mut String, l: &LinkView, lang: Lang) {
    use std::fmt::Write as _;
    let label = |code| crate::messages::label(lang, code);
    let state = match l.state.as_str() {
        "ok" => label("cli.connected").to_string(),
        "failing" => format!(
            "{} {}: {}",
            label("cli.failing_since"),
            l.failing_since.as_deref().unwrap_or("-"),
            lang.pick(&l.error_id, &l.error_en)
                .as_deref()
                .unwrap_or_default()
        ),
        _ => label("cli.no_answer_yet").to_string(),
    };
    let _ = writeln!(out, "Server: {state}");
    let _ = writeln!(
        out,
        "  {}: {}, {}: {}",
        label("cli.events_waiting"),
        l.events_waiting,
        label("cli.refused_by_the_server"),
        l.events_refused
    );
}
