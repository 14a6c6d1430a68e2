//! Serial backend (RS-232 or a USB-serial adapter) through the `serialport` crate. The line
//! settings come from the printer URI and must match the printer's own `Pcom` setting.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort, TTYPort};

use super::{
    time_left, FlowControl, LinkKind, Parity, SerialSettings, Transport, TransportError,
    DEFAULT_WRITE_TIMEOUT,
};

/// An open serial port.
pub struct SerialTransport {
    port: TTYPort,
    label: String,
    settings: SerialSettings,
    write_timeout: Duration,
}

impl SerialTransport {
    /// Opens `path` with `settings`. The port is opened exclusively, so a second program (or a
    /// second cetak worker) cannot interleave bytes with ours.
    pub fn open(path: &str, settings: &SerialSettings) -> Result<Self, TransportError> {
        let flow = match settings.flow {
            FlowControl::None => serialport::FlowControl::None,
            FlowControl::XonXoff => serialport::FlowControl::Software,
            FlowControl::RtsCts => serialport::FlowControl::Hardware,
        };
        let parity = match settings.parity {
            Parity::None => serialport::Parity::None,
            Parity::Even => serialport::Parity::Even,
            Parity::Odd => serialport::Parity::Odd,
        };
        let port = serialport::new(path, settings.baud)
            .flow_control(flow)
            .parity(parity)
            .data_bits(serialport::DataBits::Eight)
            .stop_bits(serialport::StopBits::One)
            .timeout(DEFAULT_WRITE_TIMEOUT)
            .open_native()
            .map_err(|e| TransportError::OpenFailed {
                target: path.to_string(),
                reason: e.to_string(),
            })?;
        Ok(SerialTransport {
            port,
            label: format!("serial {path} @{}", settings.baud),
            settings: *settings,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
        })
    }

    /// Changes how long a write may wait for the port to accept bytes.
    pub fn set_write_timeout(&mut self, timeout: Duration) {
        self.write_timeout = timeout;
    }

    fn set_timeout(&mut self, timeout: Duration) -> Result<(), TransportError> {
        self.port
            .set_timeout(timeout)
            .map_err(|e| TransportError::Io {
                target: self.label.clone(),
                source: std::io::Error::other(e.to_string()),
            })
    }
}

impl Transport for SerialTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.set_timeout(self.write_timeout)?;
        let waited = self.write_timeout;
        // No flush (tcdrain): the answer we wait for next proves the bytes went out, and
        // tcdrain on a hung-up line reports an error without its errno.
        self.port
            .write_all(bytes)
            .map_err(|e| TransportError::from_io(&self.label, e, waited))
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let start = Instant::now();
        loop {
            let left = time_left(&self.label, start, timeout)?;
            self.set_timeout(left)?;
            match self.port.read(buf) {
                Ok(0) => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(TransportError::from_io(&self.label, e, timeout)),
            }
        }
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        let waiting = self.port.bytes_to_read().unwrap_or(0) as usize;
        self.port
            .clear(ClearBuffer::Input)
            .map_err(|e| TransportError::Io {
                target: self.label.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
        Ok(waiting)
    }

    fn kind(&self) -> LinkKind {
        LinkKind::Serial(self.settings)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
