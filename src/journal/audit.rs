//! Hash-chained audit trail. Row `n`'s hash is SHA-256 over row `n-1`'s hash and row `n`'s
//! canonical content (every column, length-prefixed), so editing any stored field, deleting
//! or inserting a row breaks the chain from that row on; `audit_head` holds the last id and hash
//! so that deleting the newest rows is caught too. Someone able to rewrite the whole chain
//! *and* the head is only caught by an outside anchor: the head hash is reported to the server.
//!
//! Since schema 10 a row also holds the caller's Unix uid and user name (as the kernel told the
//! daemon). A row with either is hashed with a version marker and both fields appended; a row
//! without them hashes exactly as before, so chains written by older builds still verify.

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::error::Result;
use super::findings::AuditFault;
use super::types::{Actor, Timestamp};
use super::{Journal, Tx};

/// Hash of the (empty) chain before row 1.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who (operator id or `system`).
    pub actor: String,
    /// Their role code (`operator`, `admin`, `none` on a refusal).
    pub role: String,
    /// Unix uid of the caller (SO_PEERCRED); `None` for the daemon itself and older rows.
    pub uid: Option<u32>,
    /// Unix user name of `uid`.
    pub user: Option<String>,
    /// What, e.g. `stock.receive`, `job.feed`, `doubt.resolve`.
    pub action: String,
    /// What it was done to: a job id or `kia/feeder:P1`.
    pub subject: String,
    /// Details as canonical JSON (no personal data).
    pub detail: String,
    /// Previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

/// Why the chain is broken, naming the first bad row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    /// First row id that does not verify (for a deleted row: the id expected there).
    pub row_id: i64,
    /// How the chain is broken there.
    pub what: AuditFault,
}

/// Result of [`Journal::audit_verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Rows checked.
    pub rows: u64,
    /// Hash of the last row (the value to anchor outside the station).
    pub head: String,
    /// First problem, if any.
    pub problem: Option<AuditProblem>,
}

impl AuditReport {
    /// The chain is intact.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

fn row_hash(prev: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    let at = e.at.0.to_string();
    let id = e.id.to_string();
    for field in [
        id.as_str(),
        at.as_str(),
        &e.actor,
        &e.role,
        &e.action,
        &e.subject,
        &e.detail,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    if e.uid.is_some() || e.user.is_some() {
        let uid = e.uid.map(|u| u.to_string()).unwrap_or_default();
        for field in ["identity-v1", uid.as_str(), e.user.as_deref().unwrap_or("")] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
    }
    hex::encode(h.finalize())
}

/// Appends one row in the caller's transaction; returns its id.
pub(crate) fn append(
    tx: &Tx<'_>,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<i64> {
    let head: Option<(i64, String)> = tx
        .tx
        .query_row(
            "SELECT last_id, hash FROM audit_head WHERE one = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last_id, prev) = head.unwrap_or((0, GENESIS.to_string()));
    let mut e = AuditEntry {
        id: last_id + 1,
        at: tx.now,
        actor: actor.id.clone(),
        role: actor.role.code().to_string(),
        uid: actor.uid,
        user: actor.user.clone(),
        action: action.to_string(),
        subject: subject.to_string(),
        detail: detail.to_string(),
        prev_hash: prev,
        hash: String::new(),
    };
    e.hash = row_hash(&e.prev_hash, &e);
    tx.tx
        .prepare_cached(
            "INSERT INTO audit
                 (id, at, actor, role, action, subject, detail, prev_hash, hash, uid, user_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            e.id,
            e.at.0,
            e.actor,
            e.role,
            e.action,
            e.subject,
            e.detail,
            e.prev_hash,
            e.hash,
            e.uid,
            e.user
        ])?;
    tx.tx
        .prepare_cached(
            "INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash",
        )?
        .execute(params![e.id, e.hash])?;
    Ok(e.id)
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: Timestamp(r.get(1)?),
        actor: r.get(2)?,
        role: r.get(3)?,
        uid: r.get(9)?,
        user: r.get(10)?,
        action: r.get(4)?,
        subject: r.get(5)?,
        detail: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

const SELECT: &str = "SELECT id, at, actor, role, action, subject, detail, prev_hash, hash, \
     uid, user_name FROM audit";

impl Journal {
    /// Records an operator action that is not otherwise journaled (e.g. a printer-pause
    /// decision, a CLI submit), chained like every other audit row.
    pub fn record_action(
        &mut self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<i64> {
        let tx = self.write()?;
        let id = append(&tx, actor, action, subject, detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Audit rows with id greater than `after_id`, oldest first, at most `limit`.
    pub fn audit_list(&self, after_id: i64, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
        let rows = st.query_map(params![after_id, limit], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Walks the whole chain and names the first row that does not verify.
    pub fn audit_verify(&self) -> Result<AuditReport> {
        let mut st = self.conn.prepare(&format!("{SELECT} ORDER BY id"))?;
        let mut rows = st.query([])?;
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1;
        let mut count = 0u64;
        let mut problem = None;
        while let Some(r) = rows.next()? {
            let e = entry_from_row(r)?;
            count += 1;
            let what = if e.id != expected_id {
                Some((expected_id, AuditFault::RowMissing { next: e.id }))
            } else if e.prev_hash != prev {
                Some((e.id, AuditFault::LinkBroken))
            } else if row_hash(&prev, &e) != e.hash {
                Some((e.id, AuditFault::Edited))
            } else {
                None
            };
            if let Some((row_id, what)) = what {
                problem = Some(AuditProblem { row_id, what });
                break;
            }
            prev = e.hash;
            expected_id += 1;
        }
        drop(rows);
        if problem.is_none() {
            let head: Option<(i64, String)> = self
                .conn
                .query_row(
                    "SELECT last_id, hash FROM audit_head WHERE one = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let last = expected_id - 1;
            match head {
                None if last == 0 => {}
                None => {
                    problem = Some(AuditProblem {
                        row_id: last,
                        what: AuditFault::HeadMissing,
                    })
                }
                Some((head_id, head_hash)) => {
                    if head_id > last {
                        problem = Some(AuditProblem {
                            row_id: last + 1,
                            what: AuditFault::DeletedAtEnd { last: head_id },
                        });
                    } else if head_id != last || head_hash != prev {
                        problem = Some(AuditProblem {
                            row_id: head_id.min(last).max(1),
                            what: AuditFault::HeadMismatch,
                        });
                    }
                }
            }
        }
        Ok(AuditReport {
            rows: count,
            head: prev,
            problem,
        })
    }
}
