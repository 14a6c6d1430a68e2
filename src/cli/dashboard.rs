//! `cetak dashboard token issue USER` / `revoke USER`: the per-user sign-in tokens of the
//! dashboard ([`crate::dashboard::tokens`]). Only an administrator (root, the service user — the
//! owner of the data directory — or a member of the administrator group) may issue or revoke; a
//! token is issued only to a user who is in the operator or administrator group now. The token
//! is printed once; the station keeps its hash.
//!
//! Each issue and revoke is in the audit trail (`dashboard.token_issue`,
//! `dashboard.token_revoke`: the invoking user as actor, the token's user as subject, never the
//! token), written on the journal directly, beside a running daemon (SQLite takes turns). A
//! refused caller is audited as on the control socket (`auth.refused`, subject the operation),
//! when the journal is writable to it at all: staff outside the service's group cannot read the
//! configuration, so they are stopped before this. Root works with the data directory owner's
//! effective ids, so the token file and the journal stay the service user's.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use std::os::unix::fs::MetadataExt as _;

use crate::config::Config;
use crate::daemon::control::{Authority, Groups};
use crate::dashboard::tokens::{TokenError, Tokens};
use crate::journal::Actor;
use crate::messages::{Lang, MessageText as _, Plain};

/// `cetak dashboard …`.
#[derive(Debug, Args)]
pub struct DashboardArgs {
    #[command(subcommand)]
    cmd: DashboardCommand,
    #[command(flatten)]
    config: super::station::ConfigArg,
}

#[derive(Debug, Subcommand)]
enum DashboardCommand {
    /// Token masuk per pengguna / per-user sign-in tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Terbitkan token (mengganti yang lama) / issue a token (replaces the user's earlier one).
    Issue {
        /// Unix user name (member of the operator or administrator group).
        user: String,
    },
    /// Cabut token / revoke the user's token.
    Revoke {
        /// Unix user name.
        user: String,
    },
}

/// Runs the command.
pub fn run(args: DashboardArgs, lang: Lang) -> ExitCode {
    match run_inner(args) {
        Ok(out) => {
            println!("{}", out.message(lang));
            ExitCode::SUCCESS
        }
        Err(m) => {
            let m = Plain::new("cli.failed").with_message("reason", &m);
            eprintln!("{}", m.message(lang));
            ExitCode::FAILURE
        }
    }
}

/// A token file failure: a file error in the operator's words, else the store's own.
pub(crate) fn token_error(e: TokenError) -> Plain {
    let reason = match &e {
        TokenError::Io { path, source } => crate::messages::file_error(path, source),
        other => Plain::new("io.other").with("detail", other),
    };
    Plain::new("cli.token_store").with_message("reason", &reason)
}

/// The audit action of each command (also the subject of its refusal).
fn action(cmd: &DashboardCommand) -> &'static str {
    match cmd {
        DashboardCommand::Token(TokenCommand::Issue { .. }) => "dashboard.token_issue",
        DashboardCommand::Token(TokenCommand::Revoke { .. }) => "dashboard.token_revoke",
    }
}

/// Appends one audit row (the journal opened for it and closed again).
fn audit(
    cfg: &Config,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), Plain> {
    let mut j = crate::daemon::open_journal(cfg).map_err(|e| Plain::of(&e))?;
    j.record_action(actor, action, subject, &detail)
        .map(drop)
        .map_err(|e| Plain::of(&e))
}

fn run_inner(args: DashboardArgs) -> Result<Plain, Plain> {
    let cfg = Config::load(&args.config.config).map_err(|e| Plain::of(&e))?;
    let data = &cfg.station.data_dir;
    let owner = std::fs::metadata(data).map(|m| (m.uid(), m.gid())).ok();
    // The service user is the data directory's owner, not this process.
    let groups = Groups {
        service_uid: owner.map_or(0, |o| o.0),
        ..Groups::from_config(&cfg.authority)
    };
    let uid = nix::unistd::getuid().as_raw();
    let me = groups.caller(uid);
    let action = action(&args.cmd);
    let actor = me.actor(None).map_err(|r| {
        Plain::new("io.other").with_each("detail", r.body.message_id, r.body.message_en)
    })?;
    if me.authority != Authority::Administrator {
        // As the control socket does; a journal this user may not write is no reason to say
        // more than the refusal.
        let detail = serde_json::json!({ "needs": Authority::Administrator.code() });
        if let Err(e) = audit(&cfg, &actor, "auth.refused", action, detail) {
            tracing::warn!(error = %e.message_en(), "could not audit a refusal");
        }
        return Err(Plain::new("cli.dashboard_admin_only"));
    }
    if let (0, Some((o_uid, o_gid))) = (uid, owner) {
        if o_uid != 0 {
            crate::cli::station::remote::become_owner(o_uid, o_gid).map_err(|e| {
                Plain::new("cli.token_owner")
                    .with("data", data.display())
                    .with_message("e", &crate::messages::io_error(&e.into()))
            })?;
        }
    }
    let tokens = Tokens::in_dir(data);
    match args.cmd {
        DashboardCommand::Token(TokenCommand::Issue { user }) => {
            let u = nix::unistd::User::from_name(&user)
                .ok()
                .flatten()
                .ok_or_else(|| Plain::new("cli.no_such_user").with("user", &user))?;
            if groups.caller(u.uid.as_raw()).authority == Authority::None {
                return Err(Plain::new("cli.user_not_in_groups").with("user", &user));
            }
            let now = chrono::Utc::now().to_rfc3339();
            let token = tokens.issue(&user, &now).map_err(token_error)?;
            if let Err(e) = audit(&cfg, &actor, action, &user, serde_json::json!({})) {
                // Not in the audit trail: the token is taken back.
                let _ = tokens.revoke(&user);
                return Err(e);
            }
            Ok(Plain::new("cli.token_issued").with("token", token))
        }
        DashboardCommand::Token(TokenCommand::Revoke { user }) => {
            let had = tokens.revoke(&user).map_err(token_error)?;
            audit(
                &cfg,
                &actor,
                action,
                &user,
                serde_json::json!({ "had_token": had }),
            )?;
            let code = if had {
                "cli.token_revoked"
            } else {
                "cli.no_token"
            };
            Ok(Plain::new(code).with("user", user))
        }
    }
}
