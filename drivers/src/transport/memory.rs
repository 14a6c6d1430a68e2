//! An in-process byte pipe: both ends are [`Transport`]s. Used for `emu://` printers, where the
//! emulator runs on a thread of the same process; dropping one end disconnects the other.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::Duration;

use super::{Transport, TransportError};

/// One end of an in-process pipe.
pub struct MemoryTransport {
    tx: Sender<Vec<u8>>,
    rx: Receiver<Vec<u8>>,
    pending: VecDeque<u8>,
    label: String,
}

/// A connected pair of ends, labelled for messages.
pub fn pair(label_a: &str, label_b: &str) -> (MemoryTransport, MemoryTransport) {
    let (tx_a, rx_b) = channel();
    let (tx_b, rx_a) = channel();
    (
        MemoryTransport {
            tx: tx_a,
            rx: rx_a,
            pending: VecDeque::new(),
            label: label_a.to_string(),
        },
        MemoryTransport {
            tx: tx_b,
            rx: rx_b,
            pending: VecDeque::new(),
            label: label_b.to_string(),
        },
    )
}

impl MemoryTransport {
    fn take_pending(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.pending.len());
        for (slot, byte) in buf.iter_mut().zip(self.pending.drain(..n)) {
            *slot = byte;
        }
        n
    }
}

impl Transport for MemoryTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.tx
            .send(bytes.to_vec())
            .map_err(|_| TransportError::Disconnected {
                target: self.label.clone(),
            })
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pending.is_empty() {
            match self.rx.recv_timeout(timeout) {
                Ok(chunk) => self.pending.extend(chunk),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(TransportError::Timeout {
                        target: self.label.clone(),
                        waited: timeout,
                    })
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
            }
        }
        Ok(self.take_pending(buf))
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        let mut dropped = self.pending.len();
        self.pending.clear();
        loop {
            match self.rx.try_recv() {
                Ok(chunk) => dropped += chunk.len(),
                Err(TryRecvError::Empty) => return Ok(dropped),
                Err(TryRecvError::Disconnected) => {
                    return Err(TransportError::Disconnected {
                        target: self.label.clone(),
                    })
                }
            }
        }
    }

    fn kind(&self) -> super::LinkKind {
        super::LinkKind::InProcess
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_bytes_and_reports_timeout_and_disconnect() {
        let (mut a, mut b) = pair("a", "b");
        a.write_all(b"hello").unwrap();
        let mut buf = [0u8; 3];
        assert_eq!(b.read(&mut buf, Duration::from_millis(10)).unwrap(), 3);
        assert_eq!(&buf, b"hel");
        assert_eq!(b.drain().unwrap(), 2);
        assert!(matches!(
            b.read(&mut buf, Duration::from_millis(5)),
            Err(TransportError::Timeout { .. })
        ));
        drop(a);
        assert!(matches!(
            b.read(&mut buf, Duration::from_millis(5)),
            Err(TransportError::Disconnected { .. })
        ));
    }
}
