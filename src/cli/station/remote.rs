//! How a station command reaches the books: through the running daemon's control socket (the
//! daemon names the caller from the kernel and checks its role), or with `--offline`, with no
//! daemon running, directly on the journal — allowed only to root and the service user (the
//! owner of the data directory), who are administrators anyway. Root takes the service user's
//! effective ids before the journal is opened, so no file of the data directory ever ends up
//! owned by root (the daemon would refuse to start on it), and takes root's back once the
//! journal is closed (to write an exported bundle where only root may).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::cli::Lang;
use crate::config::Config;
use crate::daemon::control::{
    wire::*, Authority, BatchHandOverRequest, BatchHandOverView, Books, Caller, ClientError,
    ControlClient, HandOverRequest, HandOverView, Refusal,
};
use crate::journal::Journal;
use crate::messages::MessageText as _;

/// The station's books as a command sees them.
pub enum Remote {
    /// Through the daemon.
    Socket(ControlClient),
    /// On the journal, with no daemon (root or the service user).
    Offline(Box<Offline>),
}

/// `--offline`: the books on a journal connection of this process.
pub struct Offline {
    books: Books,
    journal: Option<Journal>,
    caller: Caller,
    /// Root switched its effective ids to the data directory's owner; they come back when this
    /// is dropped (after the journal is closed), so the command can write a bundle file where
    /// only root may.
    restore_root: bool,
}

impl Drop for Offline {
    fn drop(&mut self) {
        // The last connection checkpoints and removes its -wal/-shm as the owner.
        drop(self.journal.take());
        if self.restore_root {
            let _ = nix::unistd::seteuid(nix::unistd::Uid::from_raw(0));
            let _ = nix::unistd::setegid(nix::unistd::Gid::from_raw(0));
        }
    }
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Remote::Socket(c) => f.debug_tuple("Socket").field(c).finish(),
            Remote::Offline(_) => f.write_str("Offline"),
        }
    }
}

/// The control socket: `--socket` / `CETAK_SOCKET`, else `station.control_socket` of the
/// configuration. A configuration this user may not read (operators are not in the group that
/// reads `/etc/cetak`) gives the shipped place, `/run/cetak/control.sock`.
pub fn socket_path(config: &Path, socket: Option<&Path>, lang: Lang) -> Result<PathBuf, String> {
    if let Some(p) = socket {
        return Ok(p.to_path_buf());
    }
    match std::fs::File::open(config) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Ok(PathBuf::from("/run/cetak/control.sock"))
        }
        _ => {}
    }
    Config::load(config)
        .map(|c| c.control_socket())
        .map_err(|e| e.message(lang))
}

fn refusal(r: Refusal) -> ClientError {
    ClientError::Refused(r.body)
}

impl Remote {
    /// Through the socket, or with `offline` on the journal (checks who may).
    pub fn open(
        config: &Path,
        socket: Option<&Path>,
        offline: bool,
        lang: Lang,
    ) -> Result<Remote, String> {
        let path = socket_path(config, socket, lang)?;
        let client = ControlClient::new(&path);
        if !offline {
            return Ok(Remote::Socket(client));
        }
        Offline::open(config, &client, lang).map(|o| Remote::Offline(Box::new(o)))
    }

    /// A failure for the operator, with the `--offline` hint when the daemon is not running.
    pub fn message(e: ClientError, lang: Lang) -> String {
        let hint = matches!(e, ClientError::NotRunning(_));
        let mut m = e.message(lang);
        if hint {
            m.push_str(crate::messages::label(lang, "control.offline_hint"));
        }
        m
    }
}

macro_rules! both {
    ($self:ident, $client:ident => $remote:expr, $b:ident, $j:ident, $c:ident => $local:expr) => {
        match $self {
            Remote::Socket($client) => $remote,
            Remote::Offline(o) => {
                let Offline {
                    books: $b,
                    journal,
                    caller: $c,
                    ..
                } = &mut **o;
                match journal.as_mut() {
                    Some($j) => $local.map_err(refusal),
                    None => Err(ClientError::Protocol("journal closed".into())),
                }
            }
        }
    };
}

#[allow(missing_docs)] // one method per endpoint, as in `ControlClient`
impl Remote {
    pub fn stock(&mut self) -> Result<StockView, ClientError> {
        both!(self, c => c.stock(), b, j, k => b.stock_show(j, k))
    }
    pub fn stock_verify(&mut self) -> Result<StockVerifyView, ClientError> {
        both!(self, c => c.stock_verify(), b, j, k => b.stock_verify(j, k))
    }
    pub fn stock_receive(&mut self, r: &ReceiveRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_receive(r), b, j, k => b.stock_receive(j, k, r))
    }
    pub fn stock_load(&mut self, r: &LoadRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_load(r), b, j, k => b.stock_load(j, k, r))
    }
    pub fn stock_unload(&mut self, r: &LoadRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_unload(r), b, j, k => b.stock_unload(j, k, r))
    }
    pub fn stock_spoil(&mut self, r: &MoveOutRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_spoil(r), b, j, k => b.stock_spoil(j, k, r))
    }
    pub fn stock_return(&mut self, r: &MoveOutRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_return(r), b, j, k => b.stock_return(j, k, r))
    }
    pub fn stock_adjust(&mut self, r: &AdjustRequest) -> Result<Recorded, ClientError> {
        both!(self, c => c.stock_adjust(r), b, j, k => b.stock_adjust(j, k, r))
    }
    pub fn write_off(
        &mut self,
        job: &str,
        r: &WriteOffRequest,
    ) -> Result<JobStateView, ClientError> {
        both!(self, c => c.write_off(job, r), b, j, k => b.write_off(j, k, job, r))
    }
    pub fn doubt_list(&mut self) -> Result<Vec<DoubtView>, ClientError> {
        both!(self, c => c.doubt_list(), b, j, k => b.doubt_list(j, k))
    }
    pub fn doubt_resolve(
        &mut self,
        job: &str,
        r: &ResolveRequest,
    ) -> Result<JobStateView, ClientError> {
        both!(self, c => c.doubt_resolve(job, r), b, j, k => b.doubt_resolve(j, k, job, r))
    }
    pub fn hand_over(
        &mut self,
        job: &str,
        r: &HandOverRequest,
    ) -> Result<HandOverView, ClientError> {
        both!(self, c => c.hand_over(job, r), b, j, k => b.hand_over(j, k, job, r))
    }
    pub fn hand_over_batch(
        &mut self,
        batch: &str,
        r: &BatchHandOverRequest,
    ) -> Result<BatchHandOverView, ClientError> {
        both!(self, c => c.hand_over_batch(batch, r), b, j, k => b.hand_over_batch(j, k, batch, r))
    }
    pub fn batch_list(&mut self) -> Result<Vec<crate::journal::BatchFigures>, ClientError> {
        both!(self, c => c.batch_list(), b, j, k => b.batch_list(j, k))
    }
    pub fn batch_show(&mut self, batch: &str) -> Result<crate::journal::BatchFigures, ClientError> {
        both!(self, c => c.batch_show(batch), b, j, k => b.batch_show(j, k, batch))
    }
    pub fn outbox(&mut self) -> Result<OutboxView, ClientError> {
        both!(self, c => c.outbox(), b, j, k => b.outbox_show(j, k))
    }
    pub fn outbox_retry(&mut self, r: &RetryRequest) -> Result<RetryView, ClientError> {
        both!(self, c => c.outbox_retry(r), b, j, k => b.outbox_retry(j, k, r))
    }
    pub fn audit_verify(&mut self) -> Result<AuditVerifyView, ClientError> {
        both!(self, c => c.audit_verify(), b, j, k => b.audit_verify(j, k))
    }
    pub fn export(&mut self) -> Result<ExportView, ClientError> {
        both!(self, c => c.export(), b, j, k => b.export(j, k))
    }
    pub fn import(&mut self, q: &ImportQuery, bundle: Vec<u8>) -> Result<ImportView, ClientError> {
        both!(self, c => c.import(q, bundle), b, j, k => b.import(j, k, q, &bundle))
    }
    pub fn submit(&mut self, q: &SubmitQuery, job: Vec<u8>) -> Result<SubmitView, ClientError> {
        both!(self, c => c.submit(q, job), b, j, k => b.submit(j, k, q, &job))
    }
}

impl Offline {
    fn open(config: &Path, client: &ControlClient, lang: Lang) -> Result<Offline, String> {
        let uid = nix::unistd::getuid().as_raw();
        let cfg = Config::load(config).map_err(|e| e.message(lang))?;
        let data = &cfg.station.data_dir;
        let meta = std::fs::metadata(data).map_err(|e| {
            crate::messages::Plain::new("cli.offline_data_folder_data_cannot")
                .with("data", data.display())
                .with_message("e", &crate::messages::io_error(&e))
                .message(lang)
        })?;
        let owner = meta.uid();
        if uid != 0 && uid != owner {
            return Err(crate::messages::say(
                lang,
                "cli.offline_is_for_root_or",
                crate::messages::Args::new().with("data", data.display()),
            ));
        }
        if client.daemon_listening() {
            let m = crate::messages::Plain::new("cli.daemon_running")
                .with("socket", client.path().display());
            return Err(m.message(lang));
        }
        // Files made here are the service user's and nobody else's, as under the unit.
        nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
        let restore_root = uid == 0 && owner != 0;
        if restore_root {
            become_owner(owner, meta.gid()).map_err(|e| {
                crate::messages::Plain::new("cli.offline_could_not_switch_to")
                    .with("data", data.display())
                    .with_message("e", &crate::messages::io_error(&e.into()))
                    .message(lang)
            })?;
        }
        let books = Books::from_config(&cfg, None).map_err(|e| e.message(lang));
        let journal = crate::daemon::open_journal(&cfg).map_err(|e| e.message(lang));
        let (books, journal) = match (books, journal) {
            (Ok(b), Ok(j)) => (b, j),
            (Err(e), _) | (_, Err(e)) => {
                if restore_root {
                    let _ = nix::unistd::seteuid(nix::unistd::Uid::from_raw(0));
                    let _ = nix::unistd::setegid(nix::unistd::Gid::from_raw(0));
                }
                return Err(e);
            }
        };
        Ok(Offline {
            books,
            journal: Some(journal),
            caller: Caller::local(uid, Authority::Administrator),
            restore_root,
        })
    }
}

/// Root takes the data directory's owner (its passwd group, else the folder's group, no
/// supplementary groups) as its effective ids while it works on the journal: every file made
/// meanwhile is the owner's. The saved ids stay root's, so [`Offline`]'s drop gives them back.
pub(crate) fn become_owner(uid: u32, dir_gid: u32) -> nix::Result<()> {
    use nix::unistd::{setegid, seteuid, setgroups, Gid, Uid, User};
    let gid = User::from_uid(Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.gid)
        .unwrap_or_else(|| Gid::from_raw(dir_gid));
    setgroups(&[])?;
    setegid(gid)?;
    seteuid(Uid::from_raw(uid))
}
