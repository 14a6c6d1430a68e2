//! Servers that connect the emulator's machine to a link: a pseudo-terminal, TCP, or an
//! in-process pipe. One loop serves every kind of link ([`serve_link`]).

use std::fs::File;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::machine::Reply;
use super::{EmulatorError, Port, Shared};
use crate::transport::memory::MemoryTransport;
use crate::transport::tcp::TcpTransport;
use crate::transport::usblp::UsbLpTransport;
use crate::transport::{Transport, TransportError};

/// How often a server checks whether it should stop.
const POLL: Duration = Duration::from_millis(50);

/// Why a link stopped being served.
#[derive(Debug, PartialEq, Eq)]
enum LinkEnd {
    /// The emulator was stopped.
    Stopped,
    /// The host went away.
    HostGone,
    /// An injected disconnect.
    Injected,
}

/// Writes finished cards as PNG when dropped, i.e. after the answers went out.
struct WriteAfter<'a> {
    shared: &'a Shared,
    cards: Vec<super::PrintedCard>,
    dir: Option<PathBuf>,
}

impl Drop for WriteAfter<'_> {
    fn drop(&mut self) {
        if self.cards.is_empty() {
            return;
        }
        if let Some(dir) = &self.dir {
            for card in &self.cards {
                if let Err(e) = super::output::write_card(dir, card) {
                    tracing::warn!(error = %e, "emulator could not write card images");
                }
            }
        }
        self.shared.writing.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve_link(shared: &Shared, link: &mut dyn Transport, port: Port) -> LinkEnd {
    let mut buf = vec![0u8; 64 * 1024];
    shared
        .machine
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .new_link();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return LinkEnd::Stopped;
        }
        let n = match link.read(&mut buf, POLL) {
            Ok(n) => n,
            Err(TransportError::Timeout { .. }) => continue,
            Err(_) => return LinkEnd::HostGone,
        };
        let (replies, to_write, out_dir) = {
            let mut m = shared.machine.lock().unwrap_or_else(|e| e.into_inner());
            let replies = m.feed(&buf[..n], port);
            let to_write = m.take_to_write();
            if !to_write.is_empty() {
                shared.writing.fetch_add(1, Ordering::SeqCst);
            }
            (replies, to_write, m.out_dir().cloned())
        };
        let _write_when_done = WriteAfter {
            shared,
            cards: to_write,
            dir: out_dir,
        };
        for reply in replies {
            match reply {
                Reply::Disconnect => return LinkEnd::Injected,
                Reply::Answer { delay, bytes } => {
                    if !delay.is_zero() {
                        std::thread::sleep(delay);
                    }
                    if link.write_all(&bytes).is_err() {
                        return LinkEnd::HostGone;
                    }
                }
            }
        }
    }
}

/// A pseudo-terminal served by the emulator; stops when dropped.
pub struct PtyServer {
    path: PathBuf,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl PtyServer {
    /// The slave side's path (e.g. `/dev/pts/7`): open it as `serial:///dev/pts/7`.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The printer URI for the serial transport.
    pub fn uri(&self) -> String {
        format!("serial://{}?baud=115200", self.path.display())
    }

    /// Blocks until the server ends (stop, or an injected disconnect).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PtyServer {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.shared.stop.store(true, Ordering::SeqCst);
            let _ = t.join();
        }
    }
}

pub(crate) fn serve_pty(shared: Arc<Shared>) -> Result<PtyServer, EmulatorError> {
    use nix::sys::termios;
    let err = |e: nix::Error| EmulatorError::Pty(e.to_string());
    let pty = nix::pty::openpty(None, None).map_err(err)?;
    // Raw mode on the slave: no CR/LF translation, no echo, no XON/XOFF: binary data must pass
    // untouched whatever the host does before it sets its own mode.
    let mut t = termios::tcgetattr(&pty.slave).map_err(err)?;
    termios::cfmakeraw(&mut t);
    termios::tcsetattr(&pty.slave, termios::SetArg::TCSANOW, &t).map_err(err)?;
    let path = nix::unistd::ttyname(&pty.slave).map_err(err)?;
    let flags = nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_GETFL).map_err(err)?;
    let flags = nix::fcntl::OFlag::from_bits_truncate(flags) | nix::fcntl::OFlag::O_NONBLOCK;
    nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_SETFL(flags)).map_err(err)?;
    let mut link = UsbLpTransport::from_file(
        File::from(pty.master),
        format!("pty master {}", path.display()),
    );
    // The slave fd is closed: until a host opens the path, reads on the master fail with EIO,
    // which the loop below treats as "no host yet".
    drop(pty.slave);
    let thread_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("printer-emu-pty".into())
        .spawn(move || loop {
            match serve_link(&thread_shared, &mut link, Port::Serial) {
                LinkEnd::HostGone => std::thread::sleep(POLL),
                LinkEnd::Stopped | LinkEnd::Injected => return, // dropping the master hangs up
            }
        })
        .map_err(|e| EmulatorError::Pty(e.to_string()))?;
    Ok(PtyServer {
        path,
        shared,
        thread: Some(thread),
    })
}

/// A TCP listener served by the emulator; stops when dropped.
pub struct TcpServer {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl TcpServer {
    /// The bound address (with the real port when `:0` was asked).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// The printer URI for the TCP transport.
    pub fn uri(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    /// Blocks until the server ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TcpServer {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.shared.stop.store(true, Ordering::SeqCst);
            let _ = t.join();
        }
    }
}

pub(crate) fn serve_tcp(shared: Arc<Shared>, addr: &str) -> Result<TcpServer, EmulatorError> {
    let bind_err = |e: std::io::Error| EmulatorError::Bind {
        addr: addr.to_string(),
        reason: e.to_string(),
    };
    let listener = TcpListener::bind(addr).map_err(bind_err)?;
    listener.set_nonblocking(true).map_err(bind_err)?;
    let local = listener.local_addr().map_err(bind_err)?;
    let thread_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("printer-emu-tcp".into())
        .spawn(move || loop {
            if thread_shared.stop.load(Ordering::SeqCst) {
                return;
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    let _ = stream.set_nonblocking(false);
                    let mut link = TcpTransport::from_stream(stream, format!("tcp peer {peer}"));
                    let end = serve_link(&thread_shared, &mut link, Port::Usb);
                    link.shutdown();
                    if end == LinkEnd::Stopped {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                Err(e) => {
                    tracing::warn!(error = %e, "emulator accept failed");
                    std::thread::sleep(POLL);
                }
            }
        })
        .map_err(|e| EmulatorError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
    Ok(TcpServer {
        addr: local,
        shared,
        thread: Some(thread),
    })
}

pub(crate) fn serve_memory(shared: Arc<Shared>, mut link: MemoryTransport) {
    let spawned = std::thread::Builder::new()
        .name("printer-emu-mem".into())
        .spawn(move || {
            let _ = serve_link(&shared, &mut link, Port::Usb);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "emulator could not start a thread");
    }
}
