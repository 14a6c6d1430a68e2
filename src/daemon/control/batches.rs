//! Batches on the control API (read, operators): `GET /v1/batches` (the most recently started
//! first) and `GET /v1/batches/{batch}`, the figures of `cetak batch list|show`. No personal
//! data: counts, the batch's id, name and programme.

use super::auth::{Caller, Op};
use super::books::journal_refusal;
use super::{Books, Refusal};
use crate::journal::{BatchFigures, Journal};

/// Batches listed at most.
pub const LIST_LIMIT: u32 = 200;

impl Books {
    /// `GET /v1/batches`.
    pub fn batch_list(&self, j: &mut Journal, c: &Caller) -> Result<Vec<BatchFigures>, Refusal> {
        self.guard(j, c, Op::Status)?;
        j.batch_list(LIST_LIMIT).map_err(journal_refusal)
    }

    /// `GET /v1/batches/{batch}`; 404 `batch.unknown` for a batch with no job here.
    pub fn batch_show(
        &self,
        j: &mut Journal,
        c: &Caller,
        batch: &str,
    ) -> Result<BatchFigures, Refusal> {
        self.guard(j, c, Op::Status)?;
        j.batch_figures(batch)
            .map_err(journal_refusal)?
            .ok_or_else(|| {
                let m = crate::messages::Plain::new("batch.unknown").with("batch", batch);
                Refusal::of(404, "batch.unknown", &m)
            })
    }
}
