//! `cetak keys generate` and `cetak sign`: the Dinas side of signed jobs, for test rigs, the
//! demo and the tools that sign jobs for a station. A station itself only verifies.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{fail, Lang};
use crate::messages::{file_error, Plain};
use crate::signing;

/// `cetak keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Buat pasangan kunci penanda tangan / generate an Ed25519 signing key pair.
    ///
    /// Writes DIR/KID.key (private, mode 0600) and DIR/KID.pub, and prints the `[[trust.key]]`
    /// lines for a station's configuration.
    Generate {
        /// Key id, as stations will see it in the `kid` header.
        #[arg(long)]
        kid: String,
        /// Folder for the key files (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

/// `cetak sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Job file (JSON); images given by path are inlined before signing.
    pub job: PathBuf,
    /// Private key file written by `cetak keys generate`.
    #[arg(long)]
    pub key: PathBuf,
    /// Key id to put in the header.
    #[arg(long)]
    pub kid: String,
}

/// Runs `cetak keys …`.
pub fn keys(cmd: &KeysCommand, lang: Lang) -> ExitCode {
    match cmd {
        KeysCommand::Generate { kid, out } => match generate(kid, out) {
            Ok(public) => {
                println!("[[trust.key]]");
                println!("kid = \"{kid}\"");
                println!("public_key = \"{public}\"");
                ExitCode::SUCCESS
            }
            Err(m) => fail(lang, &m),
        },
    }
}

fn generate(kid: &str, out: &Path) -> Result<String, Plain> {
    let valid_kid = !kid.is_empty()
        && kid.len() <= 128
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid_kid {
        return Err(Plain::new("cli.kid_invalid"));
    }
    let io = |p: &Path, e: std::io::Error| file_error(p, &e);
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let key = signing::generate_key()
        .map_err(|e| Plain::new("cli.key_generation_failed").with_message("detail", &e))?;
    let private = out.join(format!("{kid}.key"));
    write_private(&private, &signing::b64url(key.as_bytes())).map_err(|e| io(&private, e))?;
    let public = signing::b64url(key.verifying_key().as_bytes());
    let pub_path = out.join(format!("{kid}.pub"));
    std::fs::write(&pub_path, format!("{public}\n")).map_err(|e| io(&pub_path, e))?;
    Ok(public)
}

/// Creates the private key file readable by its owner only; an existing file is not replaced.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    writeln!(f, "{text}")?;
    f.sync_all()
}

/// Runs `cetak sign`: prints the compact JWS on stdout.
pub fn sign(args: &SignArgs, lang: Lang) -> ExitCode {
    match sign_file(&args.job, &args.key, &args.kid) {
        Ok(jws) => {
            println!("{jws}");
            ExitCode::SUCCESS
        }
        Err(m) => fail(lang, &m),
    }
}

/// Signs a job file (images inlined) with the key in `key_file`.
pub fn sign_file(job: &Path, key_file: &Path, kid: &str) -> Result<String, Plain> {
    let key_text = std::fs::read_to_string(key_file).map_err(|e| file_error(key_file, &e))?;
    let key = signing::parse_private_key(&key_text).map_err(|e| {
        Plain::new("cli.key_unreadable")
            .with("path", key_file.display())
            .with_message("detail", &e)
    })?;
    let bytes = std::fs::read(job).map_err(|e| file_error(job, &e))?;
    let base = job.parent().unwrap_or(Path::new("."));
    let payload = crate::intake::inline_images(&bytes, base).map_err(|e| {
        Plain::new("cli.job_file")
            .with("path", job.display())
            .with_message("reason", &e)
    })?;
    Ok(signing::sign(&key, kid, payload.as_bytes()))
}
