//! The link's journal connection, used from async tasks: each call runs on the blocking pool
//! (SQLite with `synchronous=FULL` may wait on fsync) behind a mutex, since a `Journal` is one
//! connection and not `Sync`.

use std::sync::{Arc, Mutex};

use crate::journal::{Journal, JournalError};

/// A shared journal connection for the link's tasks.
#[derive(Clone)]
pub(crate) struct Db {
    inner: Arc<Mutex<Journal>>,
}

impl Db {
    pub(crate) fn new(journal: Journal) -> Self {
        Db {
            inner: Arc::new(Mutex::new(journal)),
        }
    }

    /// Runs `f` with the journal on the blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T, JournalError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Journal) -> Result<T, JournalError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in another call poisons the lock but leaves the connection usable:
            // every journal write is one transaction.
            let mut j = inner.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut j)
        })
        .await
        .map_err(|e| JournalError::InvalidInput(format!("journal task failed: {e}")))?
    }
}
