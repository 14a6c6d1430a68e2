//! `cetak dashboard token issue USER` / `revoke USER`: the per-user sign-in tokens of the
//! dashboard ([`crate::dashboard::tokens`]). Only an administrator (root, the service user, or a member of
//! the administrator group) may issue or revoke; a token is issued only to a user who is in the
//! operator or administrator group now. The token is printed once; the station keeps its hash.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config::Config;
use crate::daemon::control::{Authority, Groups};
use crate::dashboard::tokens::{TokenError, Tokens};
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
fn token_error(e: TokenError) -> Plain {
    let reason = match &e {
        TokenError::Io { path, source } => crate::messages::file_error(path, source),
        other => Plain::new("io.other").with("detail", other),
    };
    Plain::new("cli.token_store").with_message("reason", &reason)
}

fn run_inner(args: DashboardArgs) -> Result<Plain, Plain> {
    let cfg = Config::load(&args.config.config).map_err(|e| Plain::of(&e))?;
    let groups = Groups::from_config(&cfg.authority);
    let me = groups.caller(nix::unistd::getuid().as_raw());
    if me.authority != Authority::Administrator {
        return Err(Plain::new("cli.dashboard_admin_only"));
    }
    let tokens = Tokens::in_dir(&cfg.station.data_dir);
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
            Ok(Plain::new("cli.token_issued").with("token", token))
        }
        DashboardCommand::Token(TokenCommand::Revoke { user }) => {
            let had = tokens.revoke(&user).map_err(token_error)?;
            let code = if had {
                "cli.token_revoked"
            } else {
                "cli.no_token"
            };
            Ok(Plain::new(code).with("user", user))
        }
    }
}
