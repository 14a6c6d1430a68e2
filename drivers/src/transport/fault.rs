//! Fault injection around any transport (after smoltcp's `phy::FaultInjector`): the
//! [`FaultInjector`] passes bytes through and, by a seeded plan, loses writes, drops or
//! corrupts what the device answers, hands answers out in small pieces, delays reads and mutes
//! the device after a number of bytes. [`Canned`] is a device that answers fixed bytes whatever
//! it is sent; wrapped, it is the hostile device of the property tests and the fuzz target.

use std::time::{Duration, Instant};

use super::{LinkKind, Transport, TransportError};

/// What to inject. Chances are in percent (0 = never, 100 = always); the same seed and the
/// same traffic give the same faults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultConfig {
    /// Seed of the plan.
    pub seed: u64,
    /// Chance that a write is lost on the way (the caller is told it was sent).
    pub lose_write_pct: u8,
    /// Chance that a piece the device answers is dropped on the way back.
    pub drop_read_pct: u8,
    /// Chance that one byte of a piece the device answers is changed.
    pub corrupt_read_pct: u8,
    /// Each read hands out at most a random 1..=this many bytes (answers arrive in pieces).
    pub max_read: Option<usize>,
    /// Every read waits this long before it starts.
    pub read_delay: Option<Duration>,
    /// After this many bytes read the device goes silent: every read then times out.
    pub mute_after: Option<usize>,
}

/// What was injected so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Writes lost.
    pub writes_lost: usize,
    /// Pieces of answers dropped.
    pub reads_dropped: usize,
    /// Bytes changed.
    pub bytes_corrupted: usize,
    /// Reads answered with a timeout because the device was muted.
    pub muted_reads: usize,
}

/// Wraps a transport and injects the faults of a [`FaultConfig`].
pub struct FaultInjector<T> {
    inner: T,
    config: FaultConfig,
    rng: u64,
    bytes_read: usize,
    stats: FaultStats,
}

impl<T: Transport> FaultInjector<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, config: FaultConfig) -> Self {
        // splitmix64 of the seed: any seed, including 0, gives a usable xorshift state.
        let mut z = config.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        FaultInjector {
            inner,
            config,
            rng: (z ^ (z >> 31)) | 1,
            bytes_read: 0,
            stats: FaultStats::default(),
        }
    }

    /// What was injected so far.
    pub fn stats(&self) -> FaultStats {
        self.stats
    }

    /// The wrapped transport.
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn next(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn chance(&mut self, pct: u8) -> bool {
        pct > 0 && self.next() % 100 < u64::from(pct)
    }

    fn muted_timeout(&mut self, timeout: Duration) -> TransportError {
        self.stats.muted_reads += 1;
        std::thread::sleep(timeout);
        TransportError::Timeout {
            target: self.inner.describe(),
            waited: timeout,
        }
    }

    /// How many bytes this read may hand out, at most `len`.
    fn read_limit(&mut self, len: usize) -> usize {
        let mut limit = len;
        if let Some(max) = self.config.max_read {
            limit = limit.min(1 + (self.next() % max.max(1) as u64) as usize);
        }
        if let Some(mute) = self.config.mute_after {
            limit = limit.min(mute.saturating_sub(self.bytes_read));
        }
        limit
    }
}

impl<T: Transport> Transport for FaultInjector<T> {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        if self.chance(self.config.lose_write_pct) {
            self.stats.writes_lost += 1;
            return Ok(());
        }
        self.inner.write_all(bytes)
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let start = Instant::now();
        if let Some(delay) = self.config.read_delay {
            std::thread::sleep(delay);
        }
        if buf.is_empty() {
            return self.inner.read(buf, timeout);
        }
        let limit = self.read_limit(buf.len());
        if limit == 0 {
            return Err(self.muted_timeout(timeout));
        }
        loop {
            let left = timeout.saturating_sub(start.elapsed());
            let n = self.inner.read(&mut buf[..limit], left)?;
            if self.chance(self.config.drop_read_pct) {
                self.stats.reads_dropped += 1;
                if start.elapsed() >= timeout {
                    return Err(TransportError::Timeout {
                        target: self.inner.describe(),
                        waited: timeout,
                    });
                }
                continue;
            }
            if self.chance(self.config.corrupt_read_pct) {
                let at = (self.next() % n as u64) as usize;
                buf[at] ^= 1 + (self.next() % 255) as u8;
                self.stats.bytes_corrupted += 1;
            }
            self.bytes_read += n;
            return Ok(n);
        }
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        self.inner.drain()
    }

    fn describe(&self) -> String {
        format!("{} (faults injected)", self.inner.describe())
    }

    fn kind(&self) -> LinkKind {
        self.inner.kind()
    }
}

/// A device that takes whatever it is sent and answers with fixed bytes, then stays silent
/// (reads time out at once). [`Transport::drain`] keeps them: every byte reaches the reader.
pub struct Canned {
    label: String,
    answer: Vec<u8>,
    pos: usize,
}

impl Canned {
    /// A device labelled `label` answering `answer`.
    pub fn new(label: &str, answer: &[u8]) -> Self {
        Canned {
            label: label.to_string(),
            answer: answer.to_vec(),
            pos: 0,
        }
    }
}

impl Transport for Canned {
    fn write_all(&mut self, _bytes: &[u8]) -> Result<(), TransportError> {
        Ok(())
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError> {
        let rest = &self.answer[self.pos..];
        if rest.is_empty() {
            return Err(TransportError::Timeout {
                target: self.label.clone(),
                waited: timeout,
            });
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }

    fn drain(&mut self) -> Result<usize, TransportError> {
        Ok(0)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_millis(1);

    fn read_all<D: Transport>(device: &mut D) -> Vec<u8> {
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while let Ok(n) = device.read(&mut buf, T) {
            got.extend_from_slice(&buf[..n]);
        }
        got
    }

    fn hostile(answer: &[u8], config: FaultConfig) -> FaultInjector<Canned> {
        FaultInjector::new(Canned::new("canned", answer), config)
    }

    #[test]
    fn without_faults_bytes_pass_unchanged() {
        let mut d = hostile(b"OK\r", FaultConfig::default());
        d.write_all(b"Rsn\r").unwrap();
        assert_eq!(read_all(&mut d), b"OK\r");
        assert_eq!(d.stats(), FaultStats::default());
        assert_eq!(d.describe(), "canned (faults injected)");
    }

    #[test]
    fn answers_arrive_in_pieces_of_at_most_max_read() {
        let answer: Vec<u8> = (0..200).collect();
        let mut d = hostile(
            &answer,
            FaultConfig {
                seed: 7,
                max_read: Some(5),
                ..Default::default()
            },
        );
        let mut sizes = Vec::new();
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while let Ok(n) = d.read(&mut buf, T) {
            sizes.push(n);
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, answer);
        assert!(sizes.iter().all(|n| (1..=5).contains(n)), "{sizes:?}");
        assert!(sizes.iter().any(|n| *n < 5), "sizes vary: {sizes:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let config = |seed| FaultConfig {
            seed,
            max_read: Some(3),
            drop_read_pct: 30,
            corrupt_read_pct: 30,
            ..Default::default()
        };
        let answer: Vec<u8> = (0..=255).collect();
        let a = read_all(&mut hostile(&answer, config(1)));
        let b = read_all(&mut hostile(&answer, config(1)));
        let c = read_all(&mut hostile(&answer, config(2)));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, answer);
    }

    #[test]
    fn drops_and_corruption_are_counted() {
        let answer = vec![0u8; 100];
        let mut d = hostile(
            &answer,
            FaultConfig {
                seed: 3,
                max_read: Some(1),
                drop_read_pct: 50,
                corrupt_read_pct: 50,
                ..Default::default()
            },
        );
        let got = read_all(&mut d);
        let stats = d.stats();
        assert_eq!(got.len() + stats.reads_dropped, 100);
        assert!(stats.reads_dropped > 0);
        assert_eq!(
            got.iter().filter(|b| **b != 0).count(),
            stats.bytes_corrupted
        );
        assert!(stats.bytes_corrupted > 0);
    }

    #[test]
    fn a_muted_device_times_out_after_its_bytes() {
        let mut d = hostile(
            b"0123456789",
            FaultConfig {
                mute_after: Some(4),
                ..Default::default()
            },
        );
        assert_eq!(read_all(&mut d), b"0123");
        assert!(matches!(
            d.read(&mut [0u8; 8], T),
            Err(TransportError::Timeout { .. })
        ));
        assert_eq!(d.stats().muted_reads, 2);
    }

    #[test]
    fn lost_writes_never_reach_the_device() {
        let (host, mut device) = super::super::memory::pair("host", "device");
        let mut host = FaultInjector::new(
            host,
            FaultConfig {
                lose_write_pct: 100,
                ..Default::default()
            },
        );
        host.write_all(b"Se\r").unwrap();
        assert_eq!(host.stats().writes_lost, 1);
        assert!(device.read(&mut [0u8; 8], T).is_err());
        assert_eq!(host.kind(), LinkKind::InProcess);
    }

    #[test]
    fn a_read_delay_is_waited() {
        let mut d = hostile(
            b"x",
            FaultConfig {
                read_delay: Some(Duration::from_millis(20)),
                ..Default::default()
            },
        );
        let start = Instant::now();
        d.read(&mut [0u8; 4], T).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}
