//! Transports move bytes to and from a printer and nothing else: no framing, no protocol. Every
//! read takes a timeout, every write gives up when the device stops accepting bytes, and stale
//! input can be drained before a new card starts.
//!
//! Backends: [`serial`] (RS-232 / USB-serial adapters through the `serialport` crate), [`usblp`]
//! (the kernel's USB printer-class node `/dev/usb/lpN`), [`tcp`] (raw socket, port 9100) and
//! [`memory`] (an in-process pipe). [`open`] turns a [`PrinterUri`] into a transport by asking
//! a list of openers in turn, each answering "not mine, try the next" (`Ok(None)`) or opening
//! (probe-rs `probe/list.rs`): the built-in backends first, then those registered at run time
//! with [`register_opener`] (the emulator registers the one for `emu://`; this module knows
//! nothing of it). [`fault::FaultInjector`] wraps any transport and injects seeded faults.

pub mod fault;
pub mod memory;
pub mod serial;
pub mod tcp;
mod uri;
pub mod usblp;

pub use uri::{BadOption, FlowControl, Malformed, Parity, PrinterUri, SerialSettings, UriError};

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

/// Default time a write may wait for the device to accept more bytes before it counts as stuck.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What kind of link a transport is: the protocol above may need to know (an Evolis printer
/// turns ACK/NACK answers on with `Pcom` on its serial port, with `Pem` on the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkKind {
    /// A serial port, with its line settings.
    Serial(SerialSettings),
    /// The kernel's USB printer class (`/dev/usb/lpN`).
    UsbPrinter,
    /// A raw TCP socket (a network printer or print server).
    Tcp,
    /// An in-process pipe (an emulator of the same process).
    InProcess,
    /// Anything else (test doubles).
    Other,
}

/// Moves bytes to and from one device. Implementations never interpret the bytes.
pub trait Transport: Send {
    /// Writes every byte, or fails when the device stops accepting bytes for longer than the
    /// backend's write timeout.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError>;

    /// Reads at least one byte into `buf`, waiting at most `timeout` for the first one; returns
    /// how many were read. Never returns `Ok(0)`: an empty wait is [`TransportError::Timeout`].
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError>;

    /// Discards input that is already waiting (answers to an earlier, abandoned command) and
    /// returns how many bytes were dropped. Does not wait for more.
    fn drain(&mut self) -> Result<usize, TransportError>;

    /// A short human description for logs and messages, e.g. `serial /dev/ttyUSB0 @115200`.
    fn describe(&self) -> String;

    /// What kind of link this is.
    fn kind(&self) -> LinkKind {
        LinkKind::Other
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        (**self).write_all(bytes)
    }
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        (**self).read(buf, timeout)
    }
    fn drain(&mut self) -> Result<usize, TransportError> {
        (**self).drain()
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn kind(&self) -> LinkKind {
        (**self).kind()
    }
}

/// Time left before a read that started at `start` must give up; a `Timeout` error naming
/// `target` once it has run out. Shared by every backend's read loop.
pub(crate) fn time_left(
    target: &str,
    start: std::time::Instant,
    timeout: Duration,
) -> Result<Duration, TransportError> {
    let left = timeout.saturating_sub(start.elapsed());
    if left.is_zero() {
        Err(TransportError::Timeout {
            target: target.to_string(),
            waited: timeout,
        })
    } else {
        Ok(left)
    }
}

/// What went wrong while moving bytes. Each variant's doc says what the operator should check.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The device could not be opened. Check the cable and power, that the path or host is
    /// right, that the station's user may use it (serial: member of the `dialout` group; USB:
    /// the udev rule giving the `lp` group access to `/dev/usb/lp*`), and that no other program
    /// holds the port.
    #[error("cannot open {target}: {reason}")]
    OpenFailed {
        /// The device path or address.
        target: String,
        /// The operating system's reason.
        reason: String,
    },
    /// No answer within the time allowed. Check that the printer is on and ready, and for a
    /// serial link that baud rate and flow control match the printer's `Pcom` setting.
    #[error("no answer from {target} within {waited:?}")]
    Timeout {
        /// The device.
        target: String,
        /// How long we waited.
        waited: Duration,
    },
    /// The link went away (cable pulled, printer switched off, socket closed by the peer).
    /// Check the cable and the printer, then reconnect.
    #[error("{target} disconnected")]
    Disconnected {
        /// The device.
        target: String,
    },
    /// Any other input/output failure reported by the operating system.
    #[error("I/O error on {target}: {source}")]
    Io {
        /// The device.
        target: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No backend in this process opens this URI: for `emu://`, no emulator was started (or
    /// registered) in this process. Start the emulator, or check the printer URI.
    #[error("no transport for {uri} (scheme not available in this process)")]
    NoBackend {
        /// The URI asked for.
        uri: String,
    },
    /// A registered backend claimed the URI but could not open it; its own error says why (for
    /// `emu://NAME`: no emulator registered under that name).
    #[error("{0}")]
    Backend(Box<dyn BackendError>),
}

impl crate::messages::Message for TransportError {
    fn message_code(&self) -> &'static str {
        match self {
            TransportError::OpenFailed { .. } => "transport.open_failed",
            TransportError::Timeout { .. } => "transport.timeout",
            TransportError::Disconnected { .. } => "transport.disconnected",
            TransportError::Io { .. } => "transport.io",
            TransportError::NoBackend { .. } => "transport.no_backend",
            TransportError::Backend(e) => e.message_code(),
        }
    }

    fn message_args(&self) -> crate::messages::Args {
        let args = crate::messages::Args::new();
        match self {
            TransportError::OpenFailed { target, reason } => {
                args.with("target", target).with("reason", reason)
            }
            TransportError::Timeout { target, waited } => args
                .with("target", target)
                .with("waited", format!("{waited:?}")),
            TransportError::Disconnected { target } => args.with("target", target),
            TransportError::Io { target, source } => {
                args.with("target", target).with("source", source)
            }
            TransportError::NoBackend { uri } => args.with("uri", uri),
            TransportError::Backend(e) => e.message_args(),
        }
    }
}

impl TransportError {
    /// Maps an `io::Error` from a backend onto the typed variants.
    pub(crate) fn from_io(target: &str, err: std::io::Error, waited: Duration) -> Self {
        use std::io::ErrorKind as K;
        match err.kind() {
            K::TimedOut | K::WouldBlock => TransportError::Timeout {
                target: target.to_string(),
                waited,
            },
            K::BrokenPipe
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::UnexpectedEof => TransportError::Disconnected {
                target: target.to_string(),
            },
            _ if err.raw_os_error() == Some(nix::libc::EIO) => TransportError::Disconnected {
                target: target.to_string(),
            },
            _ => TransportError::Io {
                target: target.to_string(),
                source: err,
            },
        }
    }
}

/// The error of a backend registered from outside this module (see [`register_opener`]),
/// with its own code in the message catalogue.
pub trait BackendError:
    std::error::Error + crate::messages::Message + Send + Sync + 'static
{
}

/// Opens a transport for the URIs it knows; `Ok(None)` means "not mine, try the next", an
/// error means "mine, but it cannot be opened".
pub type Opener = fn(&PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError>;

/// The backends of this module, asked in this order.
const BUILT_IN: [Opener; 3] = [open_serial, open_usblp, open_tcp];

fn open_serial(uri: &PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError> {
    let PrinterUri::Serial { path, settings } = uri else {
        return Ok(None);
    };
    Ok(Some(Box::new(serial::SerialTransport::open(
        path, settings,
    )?)))
}

fn open_usblp(uri: &PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError> {
    let PrinterUri::UsbLp { path } = uri else {
        return Ok(None);
    };
    Ok(Some(Box::new(usblp::UsbLpTransport::open(path)?)))
}

fn open_tcp(uri: &PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError> {
    let PrinterUri::Tcp { host, port } = uri else {
        return Ok(None);
    };
    let link = tcp::TcpTransport::connect(host, *port, tcp::CONNECT_TIMEOUT)?;
    Ok(Some(Box::new(link)))
}

/// Openers registered at run time, by name, asked after the built-in ones.
fn registered() -> &'static RwLock<Vec<(&'static str, Opener)>> {
    static REGISTERED: RwLock<Vec<(&'static str, Opener)>> = RwLock::new(Vec::new());
    &REGISTERED
}

/// Adds an opener under `name` (e.g. the emulator's, for `emu://`), asked after the built-in
/// backends and the openers registered before it. Returns `false` (and changes nothing) when
/// an opener is already registered under `name`.
pub fn register_opener(name: &'static str, opener: Opener) -> bool {
    let mut list = registered().write().unwrap_or_else(PoisonError::into_inner);
    if list.iter().any(|(n, _)| *n == name) {
        return false;
    }
    list.push((name, opener));
    true
}

/// Opens the transport a printer URI names: asks each opener in turn until one claims it.
pub fn open(uri: &PrinterUri) -> Result<Box<dyn Transport>, TransportError> {
    // Copied out so that no lock is held while a device opens.
    let extra: Vec<Opener> = registered()
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(_, opener)| *opener)
        .collect();
    for opener in BUILT_IN.iter().chain(&extra) {
        if let Some(transport) = opener(uri)? {
            return Ok(transport);
        }
    }
    Err(TransportError::NoBackend {
        uri: uri.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uri_nobody_claims_has_no_backend() {
        // Nothing in the library's own tests registers the emulator's opener.
        let uri = PrinterUri::InProcess {
            name: "no-opener-here".into(),
        };
        let err = open(&uri).err().unwrap();
        assert!(matches!(err, TransportError::NoBackend { .. }), "{err}");
        assert!(crate::messages::render(crate::messages::Lang::Id, &err)
            .contains("emu://no-opener-here"));
    }

    fn claims_in_process(uri: &PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError> {
        let PrinterUri::InProcess { name } = uri else {
            return Ok(None);
        };
        if name != "claimed-by-test" {
            return Ok(None);
        }
        let (host, _device) = memory::pair("test host", "test device");
        Ok(Some(Box::new(host)))
    }

    #[test]
    fn a_registered_opener_is_asked_after_the_built_in_ones() {
        assert!(register_opener("test", claims_in_process));
        assert!(!register_opener("test", claims_in_process), "one per name");
        let uri = PrinterUri::InProcess {
            name: "claimed-by-test".into(),
        };
        assert_eq!(open(&uri).unwrap().describe(), "test host");
        // Not its name: it says "not mine", nobody else claims it.
        let other = PrinterUri::InProcess {
            name: "someone-else".into(),
        };
        assert!(matches!(
            open(&other).err().unwrap(),
            TransportError::NoBackend { .. }
        ));
    }
}
