//! A PC/SC test bed: gives each caller its own vpcd reader of the machine's pcscd, so tests go
//! through the real `pcsc` crate → libpcsclite → pcscd → vpcd → [`VirtualCard`] and can run in
//! parallel, in threads (`cargo test`) or processes (`cargo nextest`).
//!
//! pcscd's client socket is fixed (`/run/pcscd/pcscd.comm`), so one daemon serves the machine.
//! When none runs, the first caller starts one (`pcscd -f -c $TMP/cetak-pcsc/loopback.conf.d`,
//! own process group) with [`READER_PAIRS`] vpcd definitions named after their ports, in vpcd's
//! reversed mode (`DEVICENAME 127.0.0.1:PORT`): the reader connects to the card, which listens
//! on 127.0.0.1 only while it is in the reader, so pcscd listens on no network port at all and
//! no other machine can present a card to it. It is left running and reused by the next test
//! or demo: with `--auto-exit` it quit 60 s after its last client, and a test that connected in
//! that last instant then found no service (seen in CI). Its pid is in
//! `$TMP/cetak-pcsc/pcscd.pid`; `kill $(cat $TMP/cetak-pcsc/pcscd.pid)` stops it.
//!
//! When a pcscd runs already, its vpcd readers are used (ports and modes read from its reader
//! configuration); a definition in vpcd's default mode (`DEVICENAME /dev/null:PORT`) listens on
//! every interface, which [`VirtualReader::is_loopback_only`] tells. A reader is held through an
//! exclusive `flock` on a per-port file, released when the holder ends, even by a crash.
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
const CONF_DIR: &str = "loopback.conf.d";

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

    /// True when the reader's link stays on this machine (reversed mode on 127.0.0.1).
    pub fn is_loopback_only(&self) -> bool {
        self.link.is_loopback_only()
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
    let mut dirs: Vec<PathBuf> = vec!["/usr/sbin".into(), "/usr/bin".into(), "/sbin".into()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|d| d.join("pcscd"))
        .find(|p| p.is_file())
}

/// The reader.conf directory of the running pcscd, from its command line.
fn running_config_dir() -> PathBuf {
    let default = PathBuf::from("/etc/reader.conf.d");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return default;
    };
    for e in entries.flatten() {
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
                    return d.into();
                }
            } else if let Some(d) = a.strip_prefix("--config=") {
                return d.into();
            }
        }
        return default;
    }
    default
}

/// The link of slot `slot` of a vpcd definition whose `DEVICENAME` host part is `host`:
/// `/dev/null` (or none) = the reader listens; a loopback host = the card listens there. A
/// definition reaching out to another host cannot be served from here (`None`).
fn definition_link(host: Option<&str>, port: u16) -> Option<ReaderLink> {
    let loopback = |ip: [u8; 4]| SocketAddr::from((ip, port));
    match host {
        None | Some("/dev/null") => Some(ReaderLink::Connect(loopback([127, 0, 0, 1]))),
        Some("localhost") => Some(ReaderLink::Listen(loopback([127, 0, 0, 1]))),
        Some(h) => match h.parse::<std::net::IpAddr>() {
            Ok(ip) if ip.is_loopback() => Some(ReaderLink::Listen(SocketAddr::new(ip, port))),
            _ => None,
        },
    }
}

/// vpcd definitions in a reader.conf directory: (friendly name, first port, host part of
/// `DEVICENAME`).
fn vpcd_definitions(dir: &Path) -> Vec<(String, u16, Option<String>)> {
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
        if let (Some(n), Some(p), true) = (name, port, vpcd) {
            out.push((n, p, host));
        }
    }
    out
}

/// Writes the reader definitions, in reversed mode on 127.0.0.1 (see the module doc). The vpcd
/// driver keeps its sockets in globals indexed by slot, so definitions sharing one library
/// overwrite each other and only the last one works: each definition gets its own copy of the
/// library (a distinct file is a distinct `dlopen`).
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
            "FRIENDLYNAME \"{FRIENDLY_PREFIX} {port}\"\nDEVICENAME   127.0.0.1:0x{port:04X}\nLIBPATH      {}\nCHANNELID    0x{port:04X}\n",
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

/// Starts pcscd with the test bed's readers and waits until they are listed.
fn start_pcscd(pcscd: &Path, base: &Path) -> Result<Context, TestbedError> {
    let conf = base.join(CONF_DIR);
    write_definitions(&conf, &base.join("drivers"))?;
    let log = File::create(base.join("pcscd.log"))?;
    use std::os::unix::process::CommandExt;
    let child = Command::new(pcscd)
        .args(["-f", "-c"])
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| TestbedError::Start(format!("{}: {e}", pcscd.display())))?;
    std::fs::write(base.join("pcscd.pid"), format!("{}\n", child.id()))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
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
            return Err(TestbedError::Start(format!(
                "pcscd did not offer its readers within 15 s; see {}",
                base.join("pcscd.log").display()
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
    let defs = vpcd_definitions(&running_config_dir());
    let mut candidates: Vec<(String, u16, ReaderLink)> = Vec::new();
    for name in readers(&ctx) {
        // Names are "FRIENDLYNAME II SS": slot SS of the definition uses port + SS.
        for (friendly, port, host) in &defs {
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
            if let Some(link) = definition_link(host.as_deref(), port) {
                candidates.push((name.clone(), port, link));
            }
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
            (
                format!("{FRIENDLY_PREFIX} {BASE_PORT}"),
                BASE_PORT,
                Some("127.0.0.1".to_string())
            )
        );
        // Every reader the test bed writes keeps its link on this machine.
        for (_, port, host) in &defs {
            let link = definition_link(host.as_deref(), *port).unwrap();
            assert!(link.is_loopback_only(), "{link}");
        }
    }

    #[test]
    fn definition_modes() {
        let l = |h: Option<&str>| definition_link(h, 35963);
        let lo = SocketAddr::from(([127, 0, 0, 1], 35963));
        // vpcd's default definition listens on every interface: usable, but not loopback-only.
        assert_eq!(l(Some("/dev/null")), Some(ReaderLink::Connect(lo)));
        assert_eq!(l(None), Some(ReaderLink::Connect(lo)));
        assert!(!l(Some("/dev/null")).unwrap().is_loopback_only());
        assert_eq!(l(Some("127.0.0.1")), Some(ReaderLink::Listen(lo)));
        assert_eq!(l(Some("localhost")), Some(ReaderLink::Listen(lo)));
        // A reader reaching out to another machine cannot be served from here.
        assert_eq!(l(Some("192.168.0.4")), None);
    }
}
