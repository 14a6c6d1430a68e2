//! What the station knows of its link to the server, for operators: `cetak status` shows
//! whether the server answers, and since when it does not, in both languages. The client
//! records every request's outcome here.

use crate::messages::MessageText as _;
use std::sync::{Arc, Mutex};

use super::error::LinkError;
use crate::journal::Timestamp;

/// The link's recent history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkHealth {
    /// Last time the server answered as the contract promises.
    pub last_ok: Option<Timestamp>,
    /// First failure since the last good answer (`None` while the link works).
    pub failing_since: Option<Timestamp>,
    /// Failures in a row.
    pub failures: u64,
    /// Last failure, English.
    pub error_en: Option<String>,
    /// Last failure, Bahasa Indonesia.
    pub error_id: Option<String>,
}

/// Shared between the client's clones and the station's status view.
#[derive(Debug, Clone, Default)]
pub struct HealthCell(Arc<Mutex<LinkHealth>>);

impl HealthCell {
    /// A copy of the current figures.
    pub fn get(&self) -> LinkHealth {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Records one request's outcome. A refusal of one item (a lease the server no longer
    /// knows, an event it cannot take) is an answer, so the link counts as working; a timeout,
    /// an unreachable server, a 5xx, a refused token or certificate, a station the server does
    /// not know, or an answer outside the contract counts as failing.
    pub(crate) fn record<T>(&self, r: &Result<T, LinkError>) {
        let failed = match r {
            Ok(_) => None,
            Err(e @ LinkError::Server { status, code, .. })
                if *status >= 500 || *status == 429 || code == "station_unknown" =>
            {
                Some(e)
            }
            Err(LinkError::Server { .. }) | Err(LinkError::LeaseLost { .. }) => None,
            Err(e) => Some(e),
        };
        let now = Timestamp::from_datetime(chrono::Utc::now());
        let mut h = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match failed {
            None => {
                h.last_ok = Some(now);
                h.failing_since = None;
                h.failures = 0;
                h.error_en = None;
                h.error_id = None;
            }
            Some(e) => {
                h.failing_since.get_or_insert(now);
                h.failures += 1;
                h.error_en = Some(e.to_string());
                h.error_id = Some(e.message_id());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_accumulate_until_a_good_answer_and_item_refusals_do_not_count() {
        let c = HealthCell::default();
        c.record::<()>(&Err(LinkError::Timeout));
        c.record::<()>(&Err(LinkError::Unauthorized { status: 401 }));
        let h = c.get();
        assert_eq!(h.failures, 2);
        assert!(h.failing_since.is_some());
        assert!(h.error_id.unwrap().contains("token"));
        c.record::<()>(&Err(LinkError::LeaseLost {
            lease_id: "L1".into(),
        }));
        let h = c.get();
        assert_eq!(h.failures, 0);
        assert!(h.last_ok.is_some() && h.error_en.is_none());
        c.record::<()>(&Err(LinkError::Server {
            status: 503,
            code: "unavailable".into(),
            message: "busy".into(),
            retry_after: None,
        }));
        assert_eq!(c.get().failures, 1);
        c.record(&Ok(()));
        assert_eq!(c.get().failures, 0);
        // A 404 about a lease is an answer; about the station itself, every request fails.
        let not_found = |code: &str| LinkError::Server {
            status: 404,
            code: code.into(),
            message: "not found".into(),
            retry_after: None,
        };
        c.record::<()>(&Err(not_found("lease_unknown")));
        assert_eq!(c.get().failures, 0);
        c.record::<()>(&Err(not_found("station_unknown")));
        assert_eq!(c.get().failures, 1);
    }
}
