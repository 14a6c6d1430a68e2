//! A PC/SC test bed: gives each caller its own vpcd reader of the machine's pcscd, so tests go
//! through the real `pcsc` crate → libpcsclite → pcscd → vpcd → [`VirtualCard`] and can run in
//! parallel, in threads (`cargo test`) or processes (`cargo nextest`).
//!
//! pcscd's client socket is fixed (`/run/pcscd/pcscd.comm`), so one daemon serves the machine.
//! When none runs, the first caller starts one (`pcscd -f -c $TMP/cetak-pcsc/reader.conf.d`,
//! own process group) with [`READER_PAIRS`] vpcd definitions named after their ports. vpcd
//! listens on every interface of its network namespace, so that pcscd gets a namespace of its
//! own whose only interface is loopback (`unshare --net`, then `ip link set lo up`): no other
//! machine, and nothing outside that namespace, can present a card to it; cards connect from
//! sockets made in its namespace ([`ReaderLink::ConnectIn`]). Where a namespace cannot be made
//! (no CAP_SYS_ADMIN, no `unshare`/`ip`), pcscd starts in ours and its readers listen on every
//! interface, which [`VirtualReader::is_loopback_only`] tells (the demo then refuses them).
//!
//! The pcscd is left running and reused by the next test or demo: with `--auto-exit` it quit
//! 60 s after its last client, and a test that connected in that last instant then found no
//! service (seen in CI). Its pid is in `$TMP/cetak-pcsc/pcscd.pid`;
//! `kill $(cat $TMP/cetak-pcsc/pcscd.pid)` stops it.
//!
//! When a pcscd runs already, its vpcd readers are used (ports read from its reader
//! configuration; in its network namespace when it has one of its own). A reader is held
//! through an exclusive `flock` on a per-port file, released when the holder ends, even by a
//! crash.
//!
//! [`VirtualCard`]: super::VirtualCard

use std::ffi::CString;
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use pcsc::{Context, ReaderState, Scope, State};

use super::vpcd::ReaderLink;

/// vpcd definitions written when the test bed starts its own pcscd (two readers each).
pub const READER_PAIRS: u16 = 8;
/// First vpcd port of the test bed's own pcscd.
pub const BASE_PORT: u16 = 0x9A20;
/// Where the vpcd driver is installed on Debian.
pub const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
const FRIENDLY_PREFIX: &str = "cetak vpcd";
/// The reader.conf directory of a pcscd started here, below the state directory.
const CONF_DIR: &str = "reader.conf.d";

/// Why no reader could be given.
#[derive(Debug, thiserror::Error)]
pub enum TestbedError {
    /// pcscd or the vpcd driver is not installed.
    #[error("{0} is not installed: install the Debian packages pcscd and vsmartcard-vpcd (scripts/install-deps)")]
    Missing(String),
    /// pcscd runs, but offers no vpcd reader.
    #[error("a pcscd runs without vpcd readers: stop it (systemctl stop pcscd.socket pcscd) so the tests start their own, or add /etc/reader.conf.d/vpcd and restart it")]
    NoVirtualReaders,
    /// pcscd could not be started or did not come up.
    #[error("could not start pcscd: {0}")]
    Start(String),
    /// Every vpcd reader stayed in use.
    #[error("all {0} vpcd readers stayed busy for {1:?}")]
    Busy(usize, Duration),
    /// File or lock trouble.
    #[error("test bed I/O: {0}")]
    Io(#[from] std::io::Error),
    /// PC/SC trouble.
    #[error("PC/SC: {0}")]
    Pcsc(#[from] pcsc::Error),
}

/// A vpcd reader held for one user.
pub struct VirtualReader {
    /// The reader's PC/SC name (use it as the reader pattern).
    pub name: String,
    /// The TCP port of the reader's link (where the card connects, or listens).
    pub port: u16,
    link: ReaderLink,
    _lock: Flock<File>,
    // Keeps a system pcscd started with --auto-exit from quitting while the reader is held.
    _context: Context,
}

impl std::fmt::Debug for VirtualReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VirtualReader({:?}, {})", self.name, self.link)
    }
}

impl VirtualReader {
    /// How a [`super::VirtualCard`] is inserted into this reader.
    pub fn addr(&self) -> ReaderLink {
        self.link
    }

    /// True when nothing off this machine can reach the reader (its pcscd lives in a network
    /// namespace whose only interface is loopback).
    pub fn is_loopback_only(&self) -> bool {
        self.link.is_loopback_only()
    }

    /// The pcscd serving the reader, when it runs in a network namespace of its own.
    pub fn pcscd_pid(&self) -> Option<u32> {
        match self.link {
            ReaderLink::ConnectIn { pid, .. } => Some(pid),
            ReaderLink::Connect(_) => None,
        }
    }
}

fn state_dir() -> Result<PathBuf, TestbedError> {
    let dir = std::env::temp_dir().join("cetak-pcsc");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn lock_file(path: &Path, arg: FlockArg) -> Result<Option<Flock<File>>, TestbedError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match Flock::lock(file, arg) {
        Ok(l) => Ok(Some(l)),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, e)) => Err(TestbedError::Io(e.into())),
    }
}

fn find_pcscd() -> Option<PathBuf> {
    find_program("pcscd")
}

/// The running pcscd: its pid and its reader.conf directory, from its command line. Only a
/// pcscd of our mount namespace counts: its client socket is the one we talk to (another
/// container or a private `/run/pcscd` may show other pcscd processes in `/proc`).
fn running_pcscd() -> Option<(u32, PathBuf)> {
    let default = PathBuf::from("/etc/reader.conf.d");
    let ns = |pid: &str| std::fs::read_link(format!("/proc/{pid}/ns/mnt")).ok();
    let ours = ns("self");
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if ours.is_some() && ns(&pid.to_string()) != ours {
            continue;
        }
        let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if !args.first().is_some_and(|a| a.ends_with("pcscd")) {
            continue;
        }
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            if a == "-c" || a == "--config" {
                if let Some(d) = it.next() {
                    return Some((pid, d.into()));
                }
            } else if let Some(d) = a.strip_prefix("--config=") {
                return Some((pid, d.into()));
            }
        }
        return Some((pid, default));
    }
    None
}

/// How a card reaches the readers of pcscd `pid`: in its network namespace when it is not ours.
fn link_to(pid: Option<u32>, port: u16) -> ReaderLink {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let ns = |p: &str| std::fs::read_link(p).ok();
    match pid {
        Some(pid) if ns(&format!("/proc/{pid}/ns/net")) != ns("/proc/self/ns/net") => {
            ReaderLink::ConnectIn { pid, addr }
        }
        _ => ReaderLink::Connect(addr),
    }
}

/// vpcd definitions in a reader.conf directory in vpcd's default mode (the reader listens):
/// (friendly name, first port). Reversed-mode ones (`DEVICENAME HOST:PORT`) are left out: the
/// Debian 12 vpcd aborts pcscd when such a reader has no card (see `vpcd`).
fn vpcd_definitions(dir: &Path) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let (mut name, mut port, mut vpcd, mut host) = (None, None, false, None);
        for line in text.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
            if let Some(v) = line.strip_prefix("FRIENDLYNAME") {
                name = Some(v.trim().trim_matches('"').to_string());
            } else if let Some(v) = line.strip_prefix("CHANNELID") {
                let v = v.trim();
                port = v
                    .strip_prefix("0x")
                    .or_else(|| v.strip_prefix("0X"))
                    .map_or_else(|| v.parse().ok(), |h| u16::from_str_radix(h, 16).ok());
            } else if let Some(v) = line.strip_prefix("DEVICENAME") {
                host = v
                    .trim()
                    .rsplit_once(':')
                    .map(|(h, _)| h.trim_matches('"').to_string());
            } else if line.starts_with("LIBPATH") && line.contains("vpcd") {
                vpcd = true;
            }
        }
        let listens = host.as_deref().is_none_or(|h| h == "/dev/null");
        if let (Some(n), Some(p), true, true) = (name, port, vpcd, listens) {
            out.push((n, p));
        }
    }
    out
}

/// Writes the reader definitions. The vpcd driver keeps its sockets in globals indexed by slot,
/// so definitions sharing one library overwrite each other and only the last one works: each
/// definition gets its own copy of the library (a distinct file is a distinct `dlopen`).
fn write_definitions(dir: &Path, drivers: &Path) -> Result<(), TestbedError> {
    std::fs::create_dir_all(dir)?;
    std::fs::create_dir_all(drivers)?;
    for i in 0..READER_PAIRS {
        let port = BASE_PORT + 2 * i;
        let lib = drivers.join(format!("libifdvpcd-{port}.so"));
        if !lib.is_file() {
            let tmp = drivers.join(format!(".libifdvpcd-{port}.so.{}", std::process::id()));
            std::fs::copy(VPCD_DRIVER, &tmp)?;
            std::fs::rename(&tmp, &lib)?;
        }
        let text = format!(
            "FRIENDLYNAME \"{FRIENDLY_PREFIX} {port}\"\nDEVICENAME   /dev/null:0x{port:04X}\nLIBPATH      {}\nCHANNELID    0x{port:04X}\n",
            lib.display()
        );
        std::fs::write(dir.join(format!("cetak-vpcd-{port}")), text)?;
    }
    Ok(())
}

fn readers(ctx: &Context) -> Vec<String> {
    ctx.list_readers_owned()
        .map(|v| {
            v.into_iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Finds a program in the usual system folders and `$PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = vec![
        "/usr/sbin".into(),
        "/usr/bin".into(),
        "/sbin".into(),
        "/bin".into(),
    ];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// Starts pcscd with the test bed's readers, in a network namespace of its own whose only
/// interface is loopback when one can be made, and waits until the readers are listed.
fn start_pcscd(pcscd: &Path, base: &Path) -> Result<Context, TestbedError> {
    let conf = base.join(CONF_DIR);
    write_definitions(&conf, &base.join("drivers"))?;
    let log_path = base.join("pcscd.log");
    let namespaced = match (find_program("unshare"), find_program("ip")) {
        (Some(unshare), Some(ip)) => {
            // `exec` keeps the pid: the pid file names pcscd itself.
            let mut cmd = Command::new(unshare);
            cmd.args([
                "--net",
                "--",
                "sh",
                "-c",
                r#""$0" link set lo up && exec "$1" -f -c "$2""#,
            ])
            .arg(ip)
            .arg(pcscd)
            .arg(&conf);
            spawn_and_wait(cmd, base, &log_path)
        }
        _ => Err(TestbedError::Start("unshare or ip is not installed".into())),
    };
    match namespaced {
        Ok(ctx) => Ok(ctx),
        Err(e) => {
            tracing::warn!(error = %e, "pcscd without a network namespace of its own: its vpcd readers listen on every interface");
            let mut cmd = Command::new(pcscd);
            cmd.args(["-f", "-c"]).arg(&conf);
            spawn_and_wait(cmd, base, &log_path)
        }
    }
}

/// Runs `cmd` (pcscd, or what execs it) in its own process group, logging to `log_path`, and
/// waits up to 15 s for the test bed's readers; fails early when it exits.
fn spawn_and_wait(mut cmd: Command, base: &Path, log_path: &Path) -> Result<Context, TestbedError> {
    use std::os::unix::process::CommandExt;
    let log = File::options().create(true).append(true).open(log_path)?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| TestbedError::Start(format!("{cmd:?}: {e}")))?;
    std::fs::write(base.join("pcscd.pid"), format!("{}\n", child.id()))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(TestbedError::Start(format!(
                "{cmd:?} exited ({status}); see {}",
                log_path.display()
            )));
        }
        if let Ok(ctx) = Context::establish(Scope::User) {
            let n = readers(&ctx)
                .iter()
                .filter(|r| r.starts_with(FRIENDLY_PREFIX))
                .count();
            if n >= READER_PAIRS as usize * 2 {
                return Ok(ctx);
            }
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestbedError::Start(format!(
                "pcscd did not offer its readers within 15 s; see {}",
                log_path.display()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A context on a pcscd with vpcd readers, starting one when none runs.
fn ensure_pcscd(base: &Path) -> Result<Context, TestbedError> {
    let pcscd = find_pcscd().ok_or_else(|| TestbedError::Missing("pcscd".into()))?;
    if !Path::new(VPCD_DRIVER).is_file() {
        return Err(TestbedError::Missing(format!("vpcd ({VPCD_DRIVER})")));
    }
    let _setup = lock_file(&base.join("setup.lock"), FlockArg::LockExclusive)?;
    match Context::establish(Scope::User) {
        Ok(ctx) => Ok(ctx),
        Err(pcsc::Error::NoService) | Err(pcsc::Error::ServiceStopped) => start_pcscd(&pcscd, base),
        Err(e) => Err(e.into()),
    }
}

/// True when no card sits in the reader (a leftover card from someone else makes it unusable).
fn reader_empty(ctx: &Context, name: &str) -> bool {
    let Ok(cname) = CString::new(name) else {
        return false;
    };
    let mut st = [ReaderState::new(cname, State::UNAWARE)];
    ctx.get_status_change(Duration::from_millis(0), &mut st)
        .is_ok()
        && st[0].event_state().contains(State::EMPTY)
}

/// Gives the caller a vpcd reader of its own, waiting up to `wait` for one to be free.
pub fn claim_reader(wait: Duration) -> Result<VirtualReader, TestbedError> {
    let base = state_dir()?;
    let ctx = ensure_pcscd(&base)?;
    let running = running_pcscd();
    let conf = running
        .as_ref()
        .map_or_else(|| PathBuf::from("/etc/reader.conf.d"), |(_, d)| d.clone());
    let pid = running.map(|(pid, _)| pid);
    let defs = vpcd_definitions(&conf);
    let mut candidates: Vec<(String, u16, ReaderLink)> = Vec::new();
    for name in readers(&ctx) {
        // Names are "FRIENDLYNAME II SS": slot SS of the definition listens on port + SS.
        for (friendly, port) in &defs {
            let Some(rest) = name.strip_prefix(friendly.as_str()) else {
                continue;
            };
            let slot = rest
                .split_whitespace()
                .last()
                .and_then(|s| u16::from_str_radix(s, 16).ok());
            let Some(port) = slot.and_then(|s| port.checked_add(s)) else {
                continue;
            };
            candidates.push((name.clone(), port, link_to(pid, port)));
        }
    }
    if candidates.is_empty() {
        return Err(TestbedError::NoVirtualReaders);
    }
    // Spread parallel claimants over the readers instead of all racing for the first.
    let start = (std::process::id() as usize + thread_salt()) % candidates.len();
    candidates.rotate_left(start);
    let deadline = Instant::now() + wait;
    loop {
        for (name, port, link) in &candidates {
            if let Some(lock) = lock_file(
                &base.join(format!("port-{port}.lock")),
                FlockArg::LockExclusiveNonblock,
            )? {
                if reader_empty(&ctx, name) {
                    return Ok(VirtualReader {
                        name: name.clone(),
                        port: *port,
                        link: *link,
                        _lock: lock,
                        _context: ctx,
                    });
                }
            }
        }
        if Instant::now() > deadline {
            return Err(TestbedError::Busy(candidates.len(), wait));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn thread_salt() -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    h.finish() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_parsed() {
        let dir = tempfile::tempdir().unwrap();
        write_definitions(&dir.path().join("conf"), &dir.path().join("drv")).unwrap();
        std::fs::write(
            dir.path().join("conf/other"),
            "FRIENDLYNAME \"x\"\nLIBPATH /usr/lib/libccid.so\nCHANNELID 0x10\n",
        )
        .unwrap();
        let mut defs = vpcd_definitions(&dir.path().join("conf"));
        defs.sort();
        assert_eq!(defs.len(), READER_PAIRS as usize);
        assert_eq!(
            defs[0],
            (format!("{FRIENDLY_PREFIX} {BASE_PORT}"), BASE_PORT)
        );
        // A reversed-mode definition is left out: pcscd 1.9.9 with vpcd 0.8 aborts on it.
        std::fs::write(
            dir.path().join("conf/reversed"),
            "FRIENDLYNAME \"r\"\nDEVICENAME 127.0.0.1:0x10\nLIBPATH /x/libifdvpcd.so\nCHANNELID 0x10\n",
        )
        .unwrap();
        assert_eq!(
            vpcd_definitions(&dir.path().join("conf")).len(),
            READER_PAIRS as usize
        );
    }

    #[test]
    fn links_follow_the_network_namespace_of_pcscd() {
        let lo = SocketAddr::from(([127, 0, 0, 1], 35963));
        // A pcscd in our namespace (or none found): a plain connection, not loopback-only.
        let me = std::process::id();
        assert_eq!(link_to(Some(me), 35963), ReaderLink::Connect(lo));
        assert_eq!(link_to(None, 35963), ReaderLink::Connect(lo));
        assert!(!ReaderLink::Connect(lo).is_loopback_only());
    }
}
