//! Sign-in throttling: after [`MAX_FAILURES`] failed sign-ins from one source address, or for
//! one user name, further attempts on that key are refused (HTTP 429, without checking the
//! password or token) until [`WAIT`] has passed since the last failure. A success clears the
//! user's count (not the address's: on loopback every browser shares 127.0.0.1).
//!
//! Time is passed in, so the rule is tested with plain values.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failures on one key before it waits.
pub const MAX_FAILURES: u32 = 5;
/// How long a key waits after its last failure once it has [`MAX_FAILURES`].
pub const WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Failed sign-ins by key (`addr:127.0.0.1`, `user:siti`).
#[derive(Debug, Clone, Default)]
pub struct Throttle {
    failures: Arc<Mutex<HashMap<String, Failures>>>,
}

/// The keys of one attempt: its source address and, if given, the user name.
pub fn keys(addr: std::net::IpAddr, user: Option<&str>) -> Vec<String> {
    let mut k = vec![format!("addr:{addr}")];
    if let Some(u) = user.filter(|u| !u.is_empty()) {
        k.push(format!("user:{u}"));
    }
    k
}

impl Throttle {
    /// `Err(wait left)` while any of `keys` must wait.
    pub fn check(&self, keys: &[String], now: Instant) -> Result<(), Duration> {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.retain(|_, v| now.saturating_duration_since(v.last) < WAIT);
        let wait = keys
            .iter()
            .filter_map(|k| f.get(k))
            .filter(|v| v.count >= MAX_FAILURES)
            .map(|v| WAIT.saturating_sub(now.saturating_duration_since(v.last)))
            .max();
        match wait {
            Some(w) => Err(w.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    /// Counts a failure on each key.
    pub fn failed(&self, keys: &[String], now: Instant) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            let e = f.entry(k.clone()).or_insert(Failures {
                count: 0,
                last: now,
            });
            e.count += 1;
            e.last = now;
        }
    }

    /// A success: the user's failures are forgotten.
    pub fn succeeded(&self, keys: &[String]) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys.iter().filter(|k| k.starts_with("user:")) {
            f.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_wait_a_minute_then_the_key_may_try_again() {
        let t = Throttle::default();
        let t0 = Instant::now();
        let a = keys("127.0.0.1".parse().unwrap(), Some("siti"));
        let other = keys("127.0.0.2".parse().unwrap(), Some("budi"));
        for i in 0..MAX_FAILURES {
            assert!(t.check(&a, t0).is_ok(), "attempt {i}");
            t.failed(&a, t0 + Duration::from_secs(u64::from(i)));
        }
        let last = t0 + Duration::from_secs(u64::from(MAX_FAILURES - 1));
        let wait = t.check(&a, last + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, WAIT - Duration::from_secs(10));
        // The same user from elsewhere waits too; another user from another address does not.
        let same_user = keys("127.0.0.9".parse().unwrap(), Some("siti"));
        assert!(t.check(&same_user, last).is_err());
        assert!(t.check(&other, last).is_ok());
        // After the wait, the key may try again.
        assert!(t.check(&a, last + WAIT).is_ok());
    }

    #[test]
    fn a_success_clears_the_user_not_the_address() {
        let t = Throttle::default();
        let now = Instant::now();
        let a = keys("127.0.0.1".parse().unwrap(), Some("siti"));
        for _ in 0..MAX_FAILURES {
            t.failed(&a, now);
        }
        t.succeeded(&a);
        assert!(t.check(&a[1..], now).is_ok());
        assert!(t.check(&a[..1], now).is_err());
    }
}
