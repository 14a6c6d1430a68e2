//! `cetak dashboard token issue USER` / `revoke USER`: the per-user sign-in tokens of the
//! dashboard ([`crate::dashboard::tokens`]). Only an administrator (root, the service user, or a member of
//! the administrator group) may issue or revoke; a token is issued only to a user who is in the
//! operator or administrator group now. The token is printed once; the station keeps its hash.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config::Config;
use crate::daemon::control::{Authority, Groups};
use crate::dashboard::tokens::Tokens;
use crate::messages::Lang;

/// `cetak dashboard …`.
#[derive(Debug, Args)]
pub struct DashboardArgs {
    #[command(subcommand)]
    cmd: DashboardCommand,
    /// Configuration file.
    #[arg(
        long,
        default_value = "/etc/cetak/cetak.toml",
        env = "CETAK_CONFIG",
        global = true
    )]
    config: PathBuf,
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

fn t(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        _ => id,
    }
}

/// Runs the command.
pub fn run(args: DashboardArgs, lang: Lang) -> ExitCode {
    match run_inner(args, lang) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{}: {msg}", t(lang, "gagal", "failed"));
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: DashboardArgs, lang: Lang) -> Result<String, String> {
    let cfg =
        Config::load(&args.config).map_err(|e| crate::messages::MessageText::message(&e, lang))?;
    let groups = Groups::from_config(&cfg.authority);
    let me = groups.caller(nix::unistd::getuid().as_raw());
    if me.authority != Authority::Administrator {
        return Err(t(
            lang,
            "hanya administrator yang boleh menerbitkan atau mencabut token dasbor",
            "only an administrator may issue or revoke dashboard tokens",
        )
        .to_string());
    }
    let tokens = Tokens::in_dir(&cfg.station.data_dir);
    match args.cmd {
        DashboardCommand::Token(TokenCommand::Issue { user }) => {
            let u = nix::unistd::User::from_name(&user)
                .ok()
                .flatten()
                .ok_or_else(|| {
                    format!("{}: {user}", t(lang, "pengguna tidak ada", "no such user"))
                })?;
            if groups.caller(u.uid.as_raw()).authority == Authority::None {
                return Err(format!(
                    "{user}: {}",
                    t(
                        lang,
                        "tidak ada di grup operator atau administrator ([authority])",
                        "in neither the operator nor the administrator group ([authority])"
                    )
                ));
            }
            let now = chrono::Utc::now().to_rfc3339();
            let token = tokens.issue(&user, &now).map_err(|e| e.to_string())?;
            Ok(format!(
                "{token}\n{}",
                t(
                    lang,
                    "(ditampilkan sekali saja; stasiun hanya menyimpan hash-nya)",
                    "(shown once; the station keeps only its hash)"
                )
            ))
        }
        DashboardCommand::Token(TokenCommand::Revoke { user }) => {
            let had = tokens.revoke(&user).map_err(|e| e.to_string())?;
            Ok(if had {
                format!("{user}: {}", t(lang, "token dicabut", "token revoked"))
            } else {
                format!("{user}: {}", t(lang, "tidak punya token", "had no token"))
            })
        }
    }
}
