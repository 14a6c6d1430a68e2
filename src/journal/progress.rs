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

/// A batch as `cetak batch list|show` reports it. Cards of a batch are its jobs except those
/// rejected at intake, cancelled or superseded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchFigures {
    /// Batch id.
    pub batch_id: String,
    /// The batch's name as its jobs carry it (e.g. the school's); `None` once every job's
    /// document is purged.
    pub name: Option<String>,
    /// The policy it runs under (`batch.programme`), if it names one.
    pub programme: Option<String>,
    /// Cards the batch is to produce.
    pub total: u64,
    /// Of them, for boys (LAKI-LAKI).
    pub boys: u64,
    /// Of them, for girls (PEREMPUAN).
    pub girls: u64,
    /// Of them, whose sex is no longer known (document purged).
    pub sex_unknown: u64,
    /// Cards printed (handed over or not).
    pub printed: u64,
    /// Of the printed, handed over.
    pub handed_over: u64,
    /// Blangko spoiled for the batch's jobs (ledger, all categories).
    pub spoiled: u64,
    /// Jobs still to print (queued up to printing, spoiled and going round again, in doubt).
    pub waiting: u64,
    /// Jobs that reached the attempt limit (staff decide).
    pub failed: u64,
    /// Jobs refused at intake (invalid, or a second card for a child of the batch).
    pub rejected: u64,
    /// Jobs cancelled or superseded.
    pub cancelled: u64,
    /// First intake (ms since the Unix epoch).
    pub first_at: i64,
    /// Last change of any of its jobs (ms since the Unix epoch).
    pub last_at: i64,
}

const FIGURES: &str = "
    SELECT batch_id,
           MAX(json_extract(payload, '$.batch.name')),
           MAX(json_extract(payload, '$.batch.programme')),
           SUM(live),
           SUM(live AND sex = 'LAKI-LAKI'),
           SUM(live AND sex = 'PEREMPUAN'),
           SUM(live AND (sex IS NULL OR sex NOT IN ('LAKI-LAKI', 'PEREMPUAN'))),
           SUM(state IN ('printed', 'diserahkan')),
           SUM(state = 'diserahkan'),
           (SELECT COALESCE(SUM(l.count), 0) FROM ledger l JOIN jobs j2 ON j2.job_id = l.job_id
             WHERE l.kind = 'spoiled' AND j2.batch_id = b.batch_id),
           SUM(state IN ('queued', 'preparing', 'ready', 'feeding', 'encoding', 'printing',
                         'spoiled', 'in_doubt')),
           SUM(state = 'failed'),
           SUM(state = 'rejected'),
           SUM(state IN ('cancelled', 'superseded')),
           MIN(created_at),
           MAX(updated_at)
    FROM (SELECT id, batch_id, state, payload, created_at, updated_at,
                 state NOT IN ('rejected', 'cancelled', 'superseded') AS live,
                 json_extract(payload, '$.person.sex') AS sex
          FROM jobs WHERE batch_id IS NOT NULL {filter}) b
    GROUP BY batch_id";

fn figures(r: &rusqlite::Row<'_>) -> rusqlite::Result<BatchFigures> {
    let n = |i: usize| r.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0) as u64);
    Ok(BatchFigures {
        batch_id: r.get(0)?,
        name: r.get(1)?,
        programme: r.get(2)?,
        total: n(3)?,
        boys: n(4)?,
        girls: n(5)?,
        sex_unknown: n(6)?,
        printed: n(7)?,
        handed_over: n(8)?,
        spoiled: n(9)?,
        waiting: n(10)?,
        failed: n(11)?,
        rejected: n(12)?,
        cancelled: n(13)?,
        first_at: r.get(14)?,
        last_at: r.get(15)?,
    })
}

impl Journal {
    /// Every batch's figures, the most recently started first, at most `limit`.
    pub fn batch_list(&self, limit: u32) -> Result<Vec<BatchFigures>> {
        let sql = format!(
            "{} ORDER BY MIN(id) DESC LIMIT ?1",
            FIGURES.replace("{filter}", "")
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([limit], figures)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One batch's figures; `None` for a batch the journal has no job of.
    pub fn batch_figures(&self, batch_id: &str) -> Result<Option<BatchFigures>> {
        use rusqlite::OptionalExtension as _;
        let sql = FIGURES.replace("{filter}", "AND batch_id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([batch_id], figures)
            .optional()?)
    }
}
