//! Progress of each batch (e.g. one school of the collective KIA programme) for the dashboard:
//! jobs printed, blangko spoiled (from the ledger) and jobs still to do.

use super::{Journal, Result};

/// One batch's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProgress {
    /// Batch id.
    pub batch_id: String,
    /// Jobs in the batch (superseded and rejected ones excluded).
    pub jobs: u64,
    /// Jobs printed.
    pub printed: u64,
    /// Blangko spoiled for the batch's jobs (ledger, all categories).
    pub spoiled: u64,
    /// Jobs not yet settled (queued up to printing, and in doubt).
    pub left: u64,
}

impl Journal {
    /// The `limit` most recently started batches, newest first.
    pub fn batch_progress(&self, limit: u32) -> Result<Vec<BatchProgress>> {
        let mut st = self.conn.prepare_cached(
            "SELECT b.batch_id, b.jobs, b.printed, b.left,
                    (SELECT COALESCE(SUM(l.count), 0) FROM ledger l JOIN jobs j2 ON j2.job_id = l.job_id
                      WHERE l.kind = 'spoiled' AND j2.batch_id = b.batch_id)
             FROM (SELECT batch_id,
                          SUM(state NOT IN ('superseded', 'rejected')) AS jobs,
                          SUM(state = 'printed') AS printed,
                          SUM(state IN ('queued', 'preparing', 'ready', 'feeding', 'encoding',
                                        'printing', 'in_doubt')) AS left,
                          MAX(id) AS last
                   FROM jobs WHERE batch_id IS NOT NULL GROUP BY batch_id
                   ORDER BY last DESC LIMIT ?1) b
             ORDER BY b.last DESC",
        )?;
        let rows = st.query_map([limit], |r| {
            Ok(BatchProgress {
                batch_id: r.get(0)?,
                jobs: r.get::<_, i64>(1)? as u64,
                printed: r.get::<_, i64>(2)? as u64,
                left: r.get::<_, i64>(3)? as u64,
                spoiled: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
