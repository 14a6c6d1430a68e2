//! Exponential backoff with full jitter (AWS style): each delay is drawn uniformly from
//! `0..=min(max, initial * 2^attempt)`, so many stations coming back after an outage do not
//! hit the server in step. A server's `Retry-After` is a lower bound.

use std::time::Duration;

/// Retry delays for one kind of request.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// Delays start around `initial` and never exceed `max` (except for a longer
    /// `Retry-After`, itself capped at one hour).
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff {
            initial: initial.max(Duration::from_millis(1)),
            max: max.max(initial),
            attempt: 0,
        }
    }

    /// The delay before the next try.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .initial
            .saturating_mul(1u32 << self.attempt.min(20))
            .min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        let ms = u64::try_from(exp.as_millis()).unwrap_or(u64::MAX);
        let drawn = Duration::from_millis(fastrand::u64(0..=ms));
        match retry_after {
            Some(r) => drawn.max(r.min(Duration::from_secs(3600))),
            None => drawn,
        }
    }

    /// After a success: start again from `initial`.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Failures since the last success.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_capped_jittered_and_honour_retry_after() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let mut seen_max = Duration::ZERO;
        for i in 0..30 {
            let d = b.next_delay(None);
            let cap = Duration::from_millis(100 * (1u64 << i.min(20))).min(Duration::from_secs(2));
            assert!(d <= cap, "attempt {i}: {d:?} > {cap:?}");
            seen_max = seen_max.max(d);
        }
        assert!(
            seen_max > Duration::from_millis(200),
            "jitter spreads up to the cap"
        );
        assert!(b.next_delay(Some(Duration::from_secs(10))) >= Duration::from_secs(10));
        b.reset();
        assert_eq!(b.attempts(), 0);
        assert!(b.next_delay(None) <= Duration::from_millis(100));
    }
}
