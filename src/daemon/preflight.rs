//! Start-up checks: before it binds its socket or opens the journal, the daemon makes sure every
//! place it writes is its own. A journal, spool or runtime directory owned by another user (a
//! journal first created by root with `cetak stock receive`, a spool made by hand) or not
//! writable would let the daemon report READY and then fail at every purge, ribbon write or
//! spool move; instead it stops at once with a message naming the file and the fix, in both
//! languages, and exits non-zero without READY.
//!
//! Files of its own that others may read (a journal made before the unit's `UMask=0077`, a
//! spool made 0770 by an older package) are narrowed to 0600 / 0700: they hold personal data.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::unistd::{access, AccessFlags};

use super::DaemonError;
use crate::config::Config;
use crate::messages::{MessageText as _, Plain};

/// What is wrong with one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceProblem {
    /// The file or folder.
    pub path: PathBuf,
    /// English, with the fix.
    pub en: String,
    /// Bahasa Indonesia, with the fix.
    pub id: String,
}

impl std::fmt::Display for PlaceProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n{}", self.id, self.en)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file with personal data: 0600.
    Private,
    /// A folder with personal data: 0700.
    PrivateDir,
    /// A folder the daemon writes that others may need to traverse (data, runtime): mode kept;
    /// the mode the fix suggests.
    Dir(&'static str),
}

fn user(uid: u32) -> String {
    super::control::auth::user_name(uid).unwrap_or_else(|| format!("uid{uid}"))
}

/// The places a daemon with `config` writes, in the order they are checked.
fn places(config: &Config) -> Vec<(PathBuf, Kind)> {
    let data = &config.station.data_dir;
    let journal = super::journal_path(data);
    let spool = super::spool_dir(config);
    let mut v = vec![(data.clone(), Kind::Dir("0700"))];
    for suffix in ["", "-wal", "-shm"] {
        let mut p = journal.clone().into_os_string();
        p.push(suffix);
        v.push((PathBuf::from(p), Kind::Private));
    }
    v.push((spool.clone(), Kind::PrivateDir));
    v.push((spool.join("done"), Kind::PrivateDir));
    v.push((spool.join("rejected"), Kind::PrivateDir));
    if let Some(run) = config.control_socket().parent() {
        v.push((run.to_path_buf(), Kind::Dir("0755")));
    }
    v
}

/// Checks (and narrows the modes of) every place the daemon writes. Places that do not exist
/// yet are fine: the daemon creates them as itself.
pub fn check_places(config: &Config) -> Result<(), DaemonError> {
    let me = nix::unistd::geteuid().as_raw();
    for (path, kind) in places(config) {
        check_one(&path, kind, me).map_err(DaemonError::Place)?;
    }
    Ok(())
}

/// The place and why the daemon cannot start with it (`preflight.*`, after the words "the
/// daemon cannot start").
fn problem(path: &Path, why: Plain) -> PlaceProblem {
    let why = why.with("path", path.display());
    PlaceProblem {
        path: path.to_path_buf(),
        en: why.message_en(),
        id: why.message_id(),
    }
}

/// One place: readable, of the right kind, owned by the daemon's user, writable; then narrowed
/// when it holds personal data others could read.
fn check_one(path: &Path, kind: Kind, me: u32) -> Result<(), PlaceProblem> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(problem(
                path,
                Plain::new("preflight.unreadable")
                    .with_message("reason", &crate::messages::io_error(&e))
                    .with("user", user(me)),
            ))
        }
    };
    let mode = match kind {
        Kind::Private => "0600",
        Kind::PrivateDir => "0700",
        Kind::Dir(m) => m,
    };
    right_kind(path, kind, meta.is_dir())?;
    owned(path, kind, mode, &meta, me)?;
    writable(path, mode, &meta, me)?;
    narrow(path, kind, &meta)
}

/// A file where a file belongs, a folder where a folder does.
fn right_kind(path: &Path, kind: Kind, dir: bool) -> Result<(), PlaceProblem> {
    if matches!(kind, Kind::Private) != dir {
        return Ok(());
    }
    let code = if dir {
        "preflight.folder_for_file"
    } else {
        "preflight.file_for_folder"
    };
    Err(problem(path, Plain::new(code)))
}

/// Owned by the daemon's user; else the fix names the chown and chmod.
fn owned(
    path: &Path,
    kind: Kind,
    mode: &str,
    meta: &std::fs::Metadata,
    me: u32,
) -> Result<(), PlaceProblem> {
    if meta.uid() == me {
        return Ok(());
    }
    let recursive = if matches!(kind, Kind::PrivateDir) {
        "-R "
    } else {
        ""
    };
    let fix = format!(
        "chown {recursive}{}: {} && chmod {mode} {}",
        user(me),
        path.display(),
        path.display()
    );
    Err(problem(
        path,
        Plain::new("preflight.owner")
            .with("owner", user(meta.uid()))
            .with("owner_uid", meta.uid())
            .with("user", user(me))
            .with("uid", me)
            .with("fix", fix),
    ))
}

/// Writable (and, for a folder, searchable) by the daemon's user.
fn writable(
    path: &Path,
    mode: &str,
    meta: &std::fs::Metadata,
    me: u32,
) -> Result<(), PlaceProblem> {
    let need = if meta.is_dir() {
        AccessFlags::W_OK | AccessFlags::X_OK
    } else {
        AccessFlags::R_OK | AccessFlags::W_OK
    };
    if access(path, need).is_ok() {
        return Ok(());
    }
    Err(problem(
        path,
        Plain::new("preflight.not_writable")
            .with("user", user(me))
            .with("mode", format!("{:o}", meta.mode() & 0o7777))
            .with("want", mode),
    ))
}

/// A place with personal data that others may read is narrowed to 0600 / 0700.
fn narrow(path: &Path, kind: Kind, meta: &std::fs::Metadata) -> Result<(), PlaceProblem> {
    let want = match kind {
        Kind::Private => 0o600,
        Kind::PrivateDir => 0o700,
        Kind::Dir(_) => return Ok(()),
    };
    if meta.mode() & 0o077 == 0 {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(want)).map_err(|e| {
        problem(
            path,
            Plain::new("preflight.chmod")
                .with("want", format!("{want:o}"))
                .with_message("reason", &crate::messages::io_error(&e)),
        )
    })?;
    tracing::warn!(path = %path.display(), mode = format!("{want:o}"), "personal data was readable by others: mode narrowed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_our_own_readable_by_others_is_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("journal.sqlite");
        std::fs::write(&f, b"").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let me = nix::unistd::geteuid().as_raw();
        check_one(&f, Kind::Private, me).unwrap();
        assert_eq!(std::fs::metadata(&f).unwrap().mode() & 0o777, 0o600);
        // Someone else's (as seen by a daemon running under another uid): refused, with the fix.
        let p = check_one(&f, Kind::Private, me.wrapping_add(4242)).unwrap_err();
        assert!(
            p.en.contains("chown") && p.en.contains("journal.sqlite"),
            "{p}"
        );
        assert!(p.id.contains("perbaiki"), "{p}");
        // A folder where the journal belongs.
        let p = check_one(dir.path(), Kind::Private, me).unwrap_err();
        assert!(p.en.contains("folder"), "{p}");
        // Missing: fine, the daemon makes it.
        check_one(&dir.path().join("nope"), Kind::Private, me).unwrap();
    }
}
