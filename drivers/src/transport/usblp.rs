//! USB printer-class backend: the kernel's `usblp` driver exposes the printer as a character
//! device (`/dev/usb/lpN`) that is read and written like a file. Timeouts come from `poll()`.
//! The same code drives any pollable file descriptor, e.g. the emulator's pseudo-terminal
//! master.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::{time_left, Transport, TransportError, DEFAULT_WRITE_TIMEOUT};

/// A pollable device file opened for reading and writing.
pub struct UsbLpTransport {
    file: File,
    label: String,
    write_timeout: Duration,
}

/// Outcome of waiting on the file descriptor.
enum Ready {
    Yes,
    TimedOut,
    HungUp,
}

impl UsbLpTransport {
    /// Opens a USB printer-class node such as `/dev/usb/lp0`.
    pub fn open(path: &str) -> Result<Self, TransportError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_NOCTTY)
            .open(path)
            .map_err(|e| TransportError::OpenFailed {
                target: path.to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self::from_file(file, format!("usblp {path}")))
    }

    /// Wraps an already open descriptor; it must be in non-blocking mode.
    pub fn from_file(file: File, label: String) -> Self {
        UsbLpTransport {
            file,
            label,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
        }
    }

    /// Changes how long a write may wait for the device to accept bytes.
    pub fn set_write_timeout(&mut self, timeout: Duration) {
        self.write_timeout = timeout;
    }

    fn wait(&self, flags: PollFlags, left: Duration) -> Result<Ready, TransportError> {
        let ms = left.as_millis().min(i32::MAX as u128) as i32;
        let timeout = PollTimeout::try_from(ms.max(0)).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(self.file.as_fd(), flags)];
        match poll(&mut fds, timeout) {
            Ok(0) => Ok(Ready::TimedOut),
            Ok(_) => {
                let revents = fds[0].revents().unwrap_or(PollFlags::empty());
                if revents.intersects(flags) {
                    Ok(Ready::Yes)
                } else if revents
                    .intersects(PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL)
                {
                    Ok(Ready::HungUp)
                } else {
                    Ok(Ready::TimedOut)
                }
            }
            Err(nix::errno::Errno::EINTR) => Ok(Ready::TimedOut),
            Err(e) => Err(TransportError::Io {
                target: self.label.clone(),
                source: e.into(),
            }),
        }
    }
}

impl Transport for UsbLpTransport {
    fn write_all(&mut self, mut bytes: &[u8]) -> Result<(), TransportError> {
        let mut last_progress = Instant::now();
        while !bytes.is_empty() {
            let left = self.write_timeout.saturating_sub(last_progress.elapsed());
            if left.is_zero() {
                return Err(TransportError::Timeout {
                    target: self.label.clone(),
                    waited: self.write_timeout,
                });
            }
            match self.wait(PollFlags::POLLOUT, left)? {
                Ready::HungUp => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ready::TimedOut => continue,
                Ready::Yes => {}
            }
            match self.file.write(bytes) {
                Ok(0) => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ok(n) => {
                    bytes = &bytes[n..];
                    last_progress = Instant::now();
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(TransportError::from_io(&self.label, e, self.write_timeout)),
            }
        }
        Ok(())
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let start = Instant::now();
        loop {
            let left = time_left(&self.label, start, timeout)?;
            match self.wait(PollFlags::POLLIN, left)? {
                Ready::HungUp => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ready::TimedOut => continue,
                Ready::Yes => {}
            }
            match self.file.read(buf) {
                // usblp reports "nothing yet" as an empty read on some printers: wait a little.
                Ok(0) => std::thread::sleep(Duration::from_millis(5).min(left)),
                Ok(n) => return Ok(n),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(TransportError::from_io(&self.label, e, timeout)),
            }
        }
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        let mut dropped = 0;
        let mut buf = [0u8; 4096];
        loop {
            match self.file.read(&mut buf) {
                Ok(0) => return Ok(dropped),
                Ok(n) => dropped += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(dropped),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(TransportError::from_io(&self.label, e, Duration::ZERO)),
            }
        }
    }

    fn kind(&self) -> super::LinkKind {
        super::LinkKind::UsbPrinter
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
