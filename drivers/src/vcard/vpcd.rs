//! The vpcd wire protocol, card side: a TCP client to the reader's port; every message is a
//! 2-byte big-endian length then the payload; a 1-byte payload is a control code (0 power off,
//! 1 power on, 2 reset, 4 send ATR), anything longer a command APDU.

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

    /// Puts the card into the vpcd reader listening at `addr` (waits up to `wait` for it).
    pub fn insert(&self, addr: SocketAddr, wait: Duration) -> Result<Inserted, VpcdError> {
        let stream = connect(addr, wait)?;
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

    /// Serves the card in the reader at `addr` until `stop` is set, re-inserting it whenever the
    /// reader drops the connection (pcscd restarted) — the loop behind `cetak vcard --port N`.
    pub fn run(&self, addr: SocketAddr, stop: &AtomicBool) -> Result<(), VpcdError> {
        while !stop.load(Ordering::Relaxed) {
            let stream = match connect(addr, Duration::from_millis(500)) {
                Ok(s) => s,
                Err(_) => {
                    pause(Duration::from_millis(500), stop);
                    continue;
                }
            };
            tracing::info!(%addr, "virtual card inserted");
            serve(stream, &self.state, stop)?;
            tracing::info!(%addr, "virtual card out of the reader");
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
