//! Raw TCP backend (the "JetDirect" style port 9100 of network printers and print servers).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{time_left, Transport, TransportError, DEFAULT_WRITE_TIMEOUT};

/// How long a connection attempt may take before the printer counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connected socket.
pub struct TcpTransport {
    stream: TcpStream,
    label: String,
    write_timeout: Duration,
}

impl TcpTransport {
    /// Connects to `host:port`, trying each resolved address within `timeout`.
    pub fn connect(host: &str, port: u16, timeout: Duration) -> Result<Self, TransportError> {
        let label = format!("tcp {host}:{port}");
        let open_failed = |reason: String| TransportError::OpenFailed {
            target: label.clone(),
            reason,
        };
        let addrs = (host, port)
            .to_socket_addrs()
            .map_err(|e| open_failed(e.to_string()))?;
        let mut last = String::from("host name resolved to no address");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(TcpTransport {
                        stream,
                        label,
                        write_timeout: DEFAULT_WRITE_TIMEOUT,
                    });
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(open_failed(last))
    }

    /// Wraps an accepted or connected stream (the emulator's side of a connection).
    pub fn from_stream(stream: TcpStream, label: String) -> Self {
        let _ = stream.set_nodelay(true);
        TcpTransport {
            stream,
            label,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
        }
    }

    /// Changes how long a write may wait for the peer to accept bytes.
    pub fn set_write_timeout(&mut self, timeout: Duration) {
        self.write_timeout = timeout;
    }

    /// Closes both directions now (the peer sees end of stream).
    pub fn shutdown(&self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    fn io_err(&self, e: std::io::Error, waited: Duration) -> TransportError {
        TransportError::from_io(&self.label, e, waited)
    }
}

impl Transport for TcpTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let waited = self.write_timeout;
        self.stream
            .set_write_timeout(Some(waited))
            .map_err(|e| self.io_err(e, waited))?;
        self.stream
            .write_all(bytes)
            .map_err(|e| self.io_err(e, waited))
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let start = Instant::now();
        loop {
            let left = time_left(&self.label, start, timeout)?;
            self.stream
                .set_read_timeout(Some(left))
                .map_err(|e| self.io_err(e, timeout))?;
            match self.stream.read(buf) {
                Ok(0) => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_err(e, timeout)),
            }
        }
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        self.stream
            .set_nonblocking(true)
            .map_err(|e| self.io_err(e, Duration::ZERO))?;
        let mut dropped = 0;
        let mut buf = [0u8; 4096];
        let result = loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    break Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ok(n) => dropped += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break Ok(dropped),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.io_err(e, Duration::ZERO)),
            }
        };
        self.stream
            .set_nonblocking(false)
            .map_err(|e| self.io_err(e, Duration::ZERO))?;
        result
    }

    fn kind(&self) -> super::LinkKind {
        super::LinkKind::Tcp
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
