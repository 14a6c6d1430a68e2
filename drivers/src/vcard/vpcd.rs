//! The vpcd wire protocol, card side: a TCP client of the reader's port, one connection per
//! stay in the reader; every message is a 2-byte big-endian length then the payload; a 1-byte
//! payload is a control code (0 power off, 1 power on, 2 reset, 4 send ATR), anything longer a
//! command APDU.
//!
//! vpcd (Debian 12: vsmartcard 0.8) listens on every interface of its network namespace; its
//! "reversed mode" (`DEVICENAME HOST:PORT`, the reader connects to the card) makes that pcscd
//! abort at the first presence poll without a card (it `FD_SET`s socket -1), so it cannot be
//! used. The test bed instead runs its pcscd in a network namespace of its own whose only
//! interface is loopback, and the card connects from a socket made in that namespace
//! ([`ReaderLink::ConnectIn`]): nothing off the machine, nor anything outside that namespace,
//! can present a card to it.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::card::{Action, CardState};

const CTRL_OFF: u8 = 0;
const CTRL_ON: u8 = 1;
const CTRL_RESET: u8 = 2;
const CTRL_ATR: u8 = 4;

/// The answer that makes vpcd fail an exchange without ejecting the card: longer than any
/// client buffer sized for Ne < 65 533 (see [`crate::chip::pcsc_backend::response_capacity`]).
static LINK_FAILURE: [u8; 0xFFFF] = [0x6F; 0xFFFF];

/// How often a blocked read wakes up to look at the stop flag.
const POLL: Duration = Duration::from_millis(50);

/// How a virtual card reaches its vpcd reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderLink {
    /// The reader listens at this address in this process's network namespace (vpcd binds
    /// every interface there).
    Connect(SocketAddr),
    /// The reader listens at this address in the network namespace of process `pid` (the test
    /// bed's pcscd): the card connects from a socket made in that namespace.
    ConnectIn {
        /// The process whose network namespace holds the reader (`/proc/PID/ns/net`).
        pid: u32,
        /// The reader's address in that namespace.
        addr: SocketAddr,
    },
}

impl ReaderLink {
    /// The reader's address (in its namespace).
    pub fn addr(&self) -> SocketAddr {
        match self {
            ReaderLink::Connect(a) | ReaderLink::ConnectIn { addr: a, .. } => *a,
        }
    }

    /// True when nothing off this machine can reach the reader: it lives in a network
    /// namespace whose only interface is loopback.
    pub fn is_loopback_only(&self) -> bool {
        match self {
            ReaderLink::Connect(_) => false,
            ReaderLink::ConnectIn { pid, .. } => only_loopback(*pid),
        }
    }
}

/// True when the network namespace of `pid` has no interface but `lo` (`/proc/PID/net/dev`).
pub fn only_loopback(pid: u32) -> bool {
    let Ok(dev) = std::fs::read_to_string(format!("/proc/{pid}/net/dev")) else {
        return false;
    };
    let mut names = dev
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim);
    names.clone().count() > 0 && names.all(|n| n == "lo")
}

impl From<SocketAddr> for ReaderLink {
    /// A plain address is a reader in this process's network namespace.
    fn from(addr: SocketAddr) -> Self {
        ReaderLink::Connect(addr)
    }
}

impl std::fmt::Display for ReaderLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReaderLink::Connect(a) => write!(f, "vpcd reader at {a}"),
            ReaderLink::ConnectIn { pid, addr } => {
                write!(
                    f,
                    "vpcd reader at {addr} in the network namespace of pid {pid}"
                )
            }
        }
    }
}

/// Why the virtual card could not reach the reader.
#[derive(Debug, thiserror::Error)]
pub enum VpcdError {
    /// Nothing listens on the port in time: is pcscd running with a vpcd reader on it?
    #[error(
        "no vpcd reader listening on {addr} (is pcscd running with a vpcd reader there?): {source}"
    )]
    Connect {
        /// Address tried.
        addr: SocketAddr,
        /// Last connection error.
        source: std::io::Error,
    },
    /// The reader's network namespace could not be entered (its pcscd is gone, or this
    /// process lacks CAP_SYS_ADMIN).
    #[error("cannot enter the network namespace of pid {pid} (pcscd): {source}")]
    Namespace {
        /// The process holding the namespace.
        pid: u32,
        /// Why.
        source: std::io::Error,
    },
    /// Any other I/O failure.
    #[error("vpcd I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Connects to a vpcd reader, retrying until `wait` passes (the reader may be starting).
pub fn connect(addr: SocketAddr, wait: Duration) -> Result<TcpStream, VpcdError> {
    let deadline = Instant::now() + wait;
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(s) => {
                s.set_nodelay(true)?;
                s.set_read_timeout(Some(POLL))?;
                return Ok(s);
            }
            Err(e) if Instant::now() >= deadline => {
                return Err(VpcdError::Connect { addr, source: e })
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Connects to a reader in the network namespace of `pid`: a thread of our own enters it
/// (setns only moves the calling thread), makes the socket there and ends; the socket stays in
/// that namespace.
pub fn connect_in(pid: u32, addr: SocketAddr, wait: Duration) -> Result<TcpStream, VpcdError> {
    std::thread::Builder::new()
        .name("vcard-netns".into())
        .spawn(move || {
            let ns = std::fs::File::open(format!("/proc/{pid}/ns/net"))
                .map_err(|source| VpcdError::Namespace { pid, source })?;
            nix::sched::setns(&ns, nix::sched::CloneFlags::CLONE_NEWNET).map_err(|e| {
                VpcdError::Namespace {
                    pid,
                    source: e.into(),
                }
            })?;
            connect(addr, wait)
        })?
        .join()
        .unwrap_or_else(|_| Err(VpcdError::Io(ErrorKind::Other.into())))
}

/// Connects over `link`.
fn connect_link(link: ReaderLink, wait: Duration) -> Result<TcpStream, VpcdError> {
    match link {
        ReaderLink::Connect(addr) => connect(addr, wait),
        ReaderLink::ConnectIn { pid, addr } => connect_in(pid, addr, wait),
    }
}

/// Reads exactly `buf.len()` bytes; `Ok(false)` when stopped or the reader closed.
fn read_full(s: &mut TcpStream, buf: &mut [u8], stop: &AtomicBool) -> std::io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        if stop.load(Ordering::Relaxed) {
            return Ok(false);
        }
        match s.read(&mut buf[got..]) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                got += n;
                // vpcd sends the length and the payload in two writes without TCP_NODELAY: a
                // delayed ACK here would hold the payload ~40 ms behind Nagle on every APDU.
                let _ = socket2::SockRef::from(&*s).set_tcp_quickack(true);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

fn send(s: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let len =
        u16::try_from(payload.len()).map_err(|_| std::io::Error::from(ErrorKind::InvalidData))?;
    let mut msg = Vec::with_capacity(payload.len() + 2);
    msg.extend_from_slice(&len.to_be_bytes());
    msg.extend_from_slice(payload);
    s.write_all(&msg)
}

/// Sleeps `d` in slices, returning early when stopped.
fn pause(d: Duration, stop: &AtomicBool) {
    let end = Instant::now() + d;
    while Instant::now() < end && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(POLL.min(end.saturating_duration_since(Instant::now())));
    }
}

/// Serves the card on `stream` until stopped, removed (fault) or the reader closes.
pub fn serve(stream: TcpStream, card: &Mutex<CardState>, stop: &AtomicBool) -> std::io::Result<()> {
    serve_until(stream, card, stop, &AtomicBool::new(false))
}

/// As [`serve`]; once `leaving` is set (our write side shut down), answers are dropped and the
/// loop waits for vpcd to close its side — the moment pcscd knows the card is gone.
fn serve_until(
    mut stream: TcpStream,
    card: &Mutex<CardState>,
    stop: &AtomicBool,
    leaving: &AtomicBool,
) -> std::io::Result<()> {
    let lock = || card.lock().unwrap_or_else(|p| p.into_inner());
    let send = |s: &mut TcpStream, bytes: &[u8]| match send(s, bytes) {
        Err(_) if leaving.load(Ordering::Relaxed) => Ok(()),
        r => r,
    };
    loop {
        let mut len = [0u8; 2];
        if !read_full(&mut stream, &mut len, stop)? {
            return Ok(());
        }
        let mut payload = vec![0u8; u16::from_be_bytes(len) as usize];
        if !read_full(&mut stream, &mut payload, stop)? {
            return Ok(());
        }
        match payload.as_slice() {
            [CTRL_OFF] | [CTRL_ON] | [CTRL_RESET] => lock().reset(),
            [CTRL_ATR] => {
                let atr = lock().atr();
                send(&mut stream, &atr)?;
            }
            [_] | [] => {}
            apdu => {
                let (action, slow) = {
                    let mut c = lock();
                    (c.process(apdu), c.config.faults.slow)
                };
                if let Some(d) = slow {
                    pause(d, stop);
                }
                match action {
                    Action::Respond(bytes) => send(&mut stream, &bytes)?,
                    Action::Mute => {}
                    // vpcd cannot report a driver error, and takes an empty answer for a card
                    // that left. An answer longer than the client's buffer (sized for Ne) is
                    // refused by vpcd as a driver error, and pcscd reports the exchange as
                    // not transacted: what a short-APDU reader's driver reports.
                    Action::LinkFailure => send(&mut stream, &LINK_FAILURE)?,
                    Action::Remove => {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                        return Ok(());
                    }
                }
            }
        }
    }
}

/// A virtual card: its state survives leaving and re-entering a reader (clones share it).
#[derive(Clone)]
pub struct VirtualCard {
    state: Arc<Mutex<CardState>>,
}

impl VirtualCard {
    /// A blank card.
    pub fn new(config: super::config::CardConfig) -> Self {
        VirtualCard {
            state: Arc::new(Mutex::new(CardState::new(config))),
        }
    }

    /// Runs `f` on the card's state (files, config) — for tests, demos and `cetak chip` tools.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut CardState) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// The body of the EF at `path` (FIDs from the MF).
    pub fn file(&self, path: &[u16]) -> Option<Vec<u8>> {
        self.with_state(|s| s.fs.read_path(path).map(<[u8]>::to_vec))
    }

    /// Puts the card into the vpcd reader at `link` (waits up to `wait` for it).
    pub fn insert(
        &self,
        link: impl Into<ReaderLink>,
        wait: Duration,
    ) -> Result<Inserted, VpcdError> {
        let stream = connect_link(link.into(), wait)?;
        let control = stream.try_clone()?;
        let stop = Arc::new(AtomicBool::new(false));
        let leaving = Arc::new(AtomicBool::new(false));
        let (state, stop2, leaving2) = (self.state.clone(), stop.clone(), leaving.clone());
        let thread = std::thread::Builder::new()
            .name("vcard".into())
            .spawn(move || {
                if let Err(e) = serve_until(stream, &state, &stop2, &leaving2) {
                    tracing::debug!(error = %e, "virtual card connection ended");
                }
            })?;
        Ok(Inserted {
            stop,
            leaving,
            control,
            thread: Some(thread),
        })
    }

    /// Serves the card in the reader at `link` until `stop` is set, re-inserting it whenever
    /// the reader drops the connection (pcscd restarted) — the loop behind `cetak vcard`.
    pub fn run(&self, link: impl Into<ReaderLink>, stop: &AtomicBool) -> Result<(), VpcdError> {
        let link = link.into();
        while !stop.load(Ordering::Relaxed) {
            let stream = match connect_link(link, Duration::from_millis(500)) {
                Ok(s) => s,
                Err(e @ VpcdError::Namespace { .. }) => return Err(e),
                Err(_) => {
                    pause(Duration::from_millis(500), stop);
                    continue;
                }
            };
            tracing::info!(%link, "virtual card inserted");
            serve(stream, &self.state, stop)?;
            tracing::info!(%link, "virtual card out of the reader");
        }
        Ok(())
    }
}

/// A card in a reader; dropping it (or [`Inserted::remove`]) takes the card out.
pub struct Inserted {
    stop: Arc<AtomicBool>,
    leaving: Arc<AtomicBool>,
    control: TcpStream,
    thread: Option<JoinHandle<()>>,
}

impl Inserted {
    /// Takes the card out of the reader and waits for its thread.
    pub fn remove(mut self) {
        self.take_out();
    }

    /// True while the connection to the reader lives.
    pub fn is_inserted(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Leaves like a real card: vpcd notices at its next presence poll (it reads our end of
    /// stream) and only then does pcscd report the reader empty. Waiting for that makes a
    /// following insert a new card for pcscd, never the stale one.
    fn take_out(&mut self) {
        let Some(t) = self.thread.take() else { return };
        self.leaving.store(true, Ordering::Relaxed);
        let _ = self.control.shutdown(std::net::Shutdown::Write);
        let deadline = Instant::now() + Duration::from_secs(3);
        while !t.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.control.shutdown(std::net::Shutdown::Both);
        let _ = t.join();
        // pcscd updates the reader state right after the presence poll that saw us go.
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Inserted {
    fn drop(&mut self) {
        self.take_out();
    }
}
