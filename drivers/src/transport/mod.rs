//! Transports move bytes to and from a printer and nothing else: no framing, no protocol. Every
//! read takes a timeout, every write gives up when the device stops accepting bytes, and stale
//! input can be drained before a new card starts.
//!
//! Backends: [`serial`] (RS-232 / USB-serial adapters through the `serialport` crate), [`usblp`]
//! (the kernel's USB printer-class node `/dev/usb/lpN`), [`tcp`] (raw socket, port 9100) and
//! [`memory`] (an in-process pipe, used for `emu://` printers). [`open`] turns a [`PrinterUri`]
//! into the right backend.

pub mod memory;
pub mod serial;
pub mod tcp;
mod uri;
pub mod usblp;

pub use uri::{FlowControl, Parity, PrinterUri, SerialSettings, UriError};

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
    /// An `emu://` printer name with no emulator registered under it. Start the emulator (or
    /// register it in the test) before opening the printer.
    #[error("no emulator registered as {0:?}")]
    NoSuchEmulator(String),
}

impl crate::messages::Message for TransportError {
    fn message_code(&self) -> &'static str {
        match self {
            TransportError::OpenFailed { .. } => "transport.open_failed",
            TransportError::Timeout { .. } => "transport.timeout",
            TransportError::Disconnected { .. } => "transport.disconnected",
            TransportError::Io { .. } => "transport.io",
            TransportError::NoSuchEmulator(_) => "transport.no_such_emulator",
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
            TransportError::NoSuchEmulator(name) => args.with("name", format!("{name:?}")),
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

/// Opens the transport a printer URI names.
pub fn open(uri: &PrinterUri) -> Result<Box<dyn Transport>, TransportError> {
    Ok(match uri {
        PrinterUri::Serial { path, settings } => {
            Box::new(serial::SerialTransport::open(path, settings)?)
        }
        PrinterUri::UsbLp { path } => Box::new(usblp::UsbLpTransport::open(path)?),
        PrinterUri::Tcp { host, port } => Box::new(tcp::TcpTransport::connect(
            host,
            *port,
            tcp::CONNECT_TIMEOUT,
        )?),
        PrinterUri::Emulator { name } => Box::new(crate::emulator::registry::connect(name)?),
    })
}
