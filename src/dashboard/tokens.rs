//! Per-user sign-in tokens of the dashboard (given at `/login`, issued and revoked with
//! `cetak dashboard token`): one token per user, given once in clear to the administrator who
//! issues it and stored only as its SHA-256 in `<data_dir>/dashboard-tokens.json` (mode 0600),
//! so the file does not let anyone sign in. Issuing again replaces the user's token; revoking removes it.
//! The role is not stored: it comes from the user's groups at each request, as on the control
//! socket.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

/// File name under the data directory.
pub const FILE: &str = "dashboard-tokens.json";

/// Prefix of every token (so a leaked one is recognisable in logs and scanners).
pub const PREFIX: &str = "cetak_";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    users: BTreeMap<String, Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    sha256: String,
    issued_at: String,
}

/// Why the token file could not be read or written: check the data directory's owner and
/// permissions, or remove a damaged file (every token must then be issued again).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Reading or writing the file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not what this build writes.
    #[error("{path}: not a token file: {source}")]
    Format {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: serde_json::Error,
    },
    /// No randomness from the system.
    #[error("no random bytes from the system: {0}")]
    Random(String),
}

/// The token file of a station.
#[derive(Debug, Clone)]
pub struct Tokens {
    path: PathBuf,
}

fn digest(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

impl Tokens {
    /// The file under `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Tokens {
        Tokens {
            path: data_dir.join(FILE),
        }
    }

    fn load(&self) -> Result<Stored, TokenError> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|source| TokenError::Format {
                path: self.path.clone(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Stored::default()),
            Err(source) => Err(TokenError::Io {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn save(&self, s: &Stored) -> Result<(), TokenError> {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let io = |source| TokenError::Io {
            path: self.path.clone(),
            source,
        };
        let tmp = self.path.with_extension("json.tmp");
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io)?;
        let text = serde_json::to_vec_pretty(s).expect("token file serialises");
        f.write_all(&text).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }

    /// A new token for `user` (replacing any earlier one); `now` is recorded as issued-at.
    /// The caller checks that whoever asks may issue it and that `user` has a role.
    pub fn issue(&self, user: &str, now: &str) -> Result<String, TokenError> {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| TokenError::Random(e.to_string()))?;
        let token = format!("{PREFIX}{}", hex::encode(raw));
        let mut s = self.load()?;
        s.users.insert(
            user.to_string(),
            Entry {
                sha256: digest(&token),
                issued_at: now.to_string(),
            },
        );
        self.save(&s)?;
        Ok(token)
    }

    /// Removes `user`'s token; `false` if it had none.
    pub fn revoke(&self, user: &str) -> Result<bool, TokenError> {
        let mut s = self.load()?;
        let had = s.users.remove(user).is_some();
        if had {
            self.save(&s)?;
        }
        Ok(had)
    }

    /// The user a token belongs to, if it is current.
    pub fn user_of(&self, token: &str) -> Result<Option<String>, TokenError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let d = digest(token);
        Ok(self
            .load()?
            .users
            .into_iter()
            .find(|(_, e)| e.sha256 == d)
            .map(|(u, _)| u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_check_replace_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let t = Tokens::in_dir(dir.path());
        assert_eq!(t.user_of("cetak_00").unwrap(), None);
        let a = t.issue("siti", "2026-12-02T06:00:00Z").unwrap();
        let b = t.issue("budi", "2026-12-02T06:00:00Z").unwrap();
        assert_ne!(a, b);
        assert_eq!(t.user_of(&a).unwrap().as_deref(), Some("siti"));
        assert_eq!(t.user_of(&b).unwrap().as_deref(), Some("budi"));
        // Stored hashed, owner-only.
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(!text.contains(&a[PREFIX.len()..]), "{text}");
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        // A new token replaces the old one.
        let a2 = t.issue("siti", "2026-12-02T07:00:00Z").unwrap();
        assert_eq!(t.user_of(&a).unwrap(), None);
        assert_eq!(t.user_of(&a2).unwrap().as_deref(), Some("siti"));
        // Revoked.
        assert!(t.revoke("siti").unwrap());
        assert!(!t.revoke("siti").unwrap());
        assert_eq!(t.user_of(&a2).unwrap(), None);
        assert_eq!(t.user_of(&b).unwrap().as_deref(), Some("budi"));
    }
}
