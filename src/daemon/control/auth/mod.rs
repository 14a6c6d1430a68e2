//! Who is calling and what they may do. The kernel names the caller (SO_PEERCRED on the Unix
//! socket: uid, gid, pid); the group database names the role:
//!
//! - **administrator**: root, the daemon's own user (the service user), members of
//!   `[authority] admin_group` (default `cetak-admin`);
//! - **operator**: members of `[authority] operator_group` (default `cetak-operator`);
//! - anyone else has **no role**: every request is refused with a message saying how to get
//!   one, and the refusal is audited (`auth.refused`, at most once a minute per user and
//!   endpoint so a looping script cannot flood the chain).
//!
//! Groups come from `getgrouplist(3)` for the uid's user name at each request, not from the
//! calling process: the shipped unit hides other users' processes (`ProtectProc=invisible`), so
//! `/proc/<pid>/status` is unreadable, and a pid can be reused between connect and read;
//! `SO_PEERGROUPS` would need unsafe FFI. The database view also means a staff member removed
//! from a group loses the role at once, without logging out. A uid without a passwd entry has
//! no role (unless it is root or the service user). No command-line flag or request field
//! grants a role; `operator` in a request is only the name the person states.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::net::UnixListener;

mod roles;

pub use roles::{Authority, Op};

use super::{ApiError, Refusal};
use crate::config::AuthorityConfig;
use crate::journal::{Actor, Role};
use crate::messages::Plain;

/// Credentials of the connected process (SO_PEERCRED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Unix user id, if the kernel told.
    pub uid: Option<u32>,
    /// Primary group id of the process.
    pub gid: Option<u32>,
    /// Process id (for logs only: it may be reused once the process exits).
    pub pid: Option<i32>,
}

impl Connected<IncomingStream<'_, UnixListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, UnixListener>) -> Self {
        match stream.io().peer_cred() {
            Ok(c) => Peer {
                uid: Some(c.uid()),
                gid: Some(c.gid()),
                pid: c.pid(),
            },
            Err(_) => Peer {
                uid: None,
                gid: None,
                pid: None,
            },
        }
    }
}

/// The groups that give a role, and the daemon's own uid (the service user).
#[derive(Debug, Clone)]
pub struct Groups {
    /// Operator group name.
    pub operator: String,
    /// Administrator group name.
    pub admin: String,
    /// The daemon's effective uid: the service user is an administrator.
    pub service_uid: u32,
}

impl Groups {
    /// From `[authority]`; the service user is this process's effective user.
    pub fn from_config(cfg: &AuthorityConfig) -> Groups {
        Groups {
            operator: cfg.operator_group.clone(),
            admin: cfg.admin_group.clone(),
            service_uid: nix::unistd::geteuid().as_raw(),
        }
    }

    /// Names the caller `uid` and gives its role (reads passwd and group: call off the async
    /// threads, NSS may block).
    pub fn caller(&self, uid: u32) -> Caller {
        let user = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
            .ok()
            .flatten();
        let name = user.as_ref().map(|u| u.name.clone());
        let authority = if uid == 0 || uid == self.service_uid {
            Authority::Administrator
        } else if let Some(u) = &user {
            let groups = member_of(&u.name, u.gid);
            let has = |g: &str| {
                nix::unistd::Group::from_name(g)
                    .ok()
                    .flatten()
                    .is_some_and(|g| groups.contains(&g.gid.as_raw()))
            };
            if has(&self.admin) {
                Authority::Administrator
            } else if has(&self.operator) {
                Authority::Operator
            } else {
                Authority::None
            }
        } else {
            Authority::None
        };
        Caller {
            uid,
            user: name,
            authority,
            groups: Some((self.operator.clone(), self.admin.clone())),
        }
    }

    /// Group names that do not exist on this system (logged at start: nobody has that role).
    pub fn missing(&self) -> Vec<String> {
        [&self.operator, &self.admin]
            .into_iter()
            .filter(|g| !matches!(nix::unistd::Group::from_name(g), Ok(Some(_))))
            .cloned()
            .collect()
    }
}

/// Gids of `user` in the group database (primary `gid` included).
fn member_of(user: &str, gid: nix::unistd::Gid) -> Vec<u32> {
    let Ok(name) = CString::new(user) else {
        return Vec::new();
    };
    nix::unistd::getgrouplist(&name, gid)
        .map(|v| v.into_iter().map(|g| g.as_raw()).collect())
        .unwrap_or_default()
}

/// A caller as identified: uid, user name, role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Unix uid (SO_PEERCRED).
    pub uid: u32,
    /// User name, if the uid has a passwd entry.
    pub user: Option<String>,
    /// Role.
    pub authority: Authority,
    /// (operator group, admin group), for the refusal message.
    groups: Option<(String, String)>,
}

impl Caller {
    /// A caller identified outside the socket (offline mode: root or the service user).
    pub fn local(uid: u32, authority: Authority) -> Caller {
        Caller {
            uid,
            user: user_name(uid),
            authority,
            groups: None,
        }
    }

    /// `user (uid N)` / `Stated Name (uid N user)`; see [`operator_label`].
    pub fn label(&self, stated: Option<&str>) -> Result<String, Refusal> {
        operator_label_for(self.uid, self.user.as_deref(), stated)
            .map_err(|code| Refusal::of(400, "bad_request", &Plain::new(code)))
    }

    /// The journal actor for this caller with the stated name: label, role, uid, user name.
    pub fn actor(&self, stated: Option<&str>) -> Result<Actor, Refusal> {
        let label = self.label(stated)?;
        let actor = match self.authority {
            Authority::Administrator => Actor::admin(label),
            Authority::Operator => Actor::operator(label),
            Authority::None => Actor {
                role: Role::NoRole,
                ..Actor::operator(label)
            },
        };
        Ok(actor.with_identity(self.uid, self.user.clone()))
    }

    /// Refuses (403 `forbidden`) unless this caller's role allows `op`.
    pub fn require(&self, op: Op) -> Result<(), Refusal> {
        if self.authority >= op.needs() {
            return Ok(());
        }
        let who = match &self.user {
            Some(u) => format!("{u} (uid {})", self.uid),
            None => format!("uid {}", self.uid),
        };
        let (opg, adg) = self
            .groups
            .clone()
            .unwrap_or_else(|| ("cetak-operator".into(), "cetak-admin".into()));
        let account = self.user.clone().unwrap_or_else(|| "NAMA".into());
        let code = match self.authority {
            Authority::None => "control.forbidden_no_group",
            Authority::Operator | Authority::Administrator => "control.forbidden_admin_only",
        };
        let why = Plain::new(code)
            .with("who", who)
            .with_message("what", &Plain::new(op.what()))
            .with("opg", opg)
            .with("adg", adg)
            .with("account", account);
        Err(Refusal::of(403, "forbidden", &why))
    }
}

/// Remembers recent refusals so each (uid, operation) is audited at most once a minute.
#[derive(Debug, Default)]
pub struct RefusalThrottle {
    last: Mutex<HashMap<(u32, Op), Instant>>,
}

impl RefusalThrottle {
    const EVERY: Duration = Duration::from_secs(60);

    /// Whether this refusal should be written to the audit trail now.
    pub fn should_audit(&self, uid: u32, op: Op) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        last.retain(|_, t| now.duration_since(*t) < Self::EVERY);
        if last.contains_key(&(uid, op)) {
            return false;
        }
        last.insert((uid, op), now);
        true
    }
}

/// The Unix user name of `uid`, if it has a passwd entry.
pub fn user_name(uid: u32) -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
}

/// The operator as recorded: `user (uid N)`, or `Stated Name (uid N user)` when a name is
/// stated (`uid N` / `Stated Name (uid N)` for a uid without a passwd entry). A stated name is
/// 1–64 printable characters.
pub fn operator_label(uid: u32, stated: Option<&str>) -> Result<String, &'static str> {
    operator_label_for(uid, user_name(uid).as_deref(), stated)
}

fn operator_label_for(
    uid: u32,
    user: Option<&str>,
    stated: Option<&str>,
) -> Result<String, &'static str> {
    match stated.map(str::trim) {
        None | Some("") => Ok(match user {
            Some(u) => format!("{u} (uid {uid})"),
            None => format!("uid {uid}"),
        }),
        Some(name) => {
            if name.chars().count() > 64 || name.chars().any(char::is_control) {
                return Err("control.operator_name");
            }
            Ok(match user {
                Some(u) => format!("{name} (uid {uid} {u})"),
                None => format!("{name} (uid {uid})"),
            })
        }
    }
}

/// A refusal as the wire carries it.
impl Refusal {
    /// A refusal with HTTP `status`, API `code` and a catalogue message in both languages.
    pub fn of(
        status: u16,
        code: &str,
        message: &(impl crate::messages::Message + ?Sized),
    ) -> Refusal {
        use crate::messages::MessageText as _;
        Refusal::new(status, code, message.message_en(), message.message_id())
    }

    /// A refusal with HTTP `status`, `code` and the message in both languages.
    pub fn new(status: u16, code: &str, en: String, id: String) -> Refusal {
        Refusal {
            status,
            body: ApiError {
                error: code.to_string(),
                message_en: en,
                message_id: id,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_label_names_the_unix_user_and_the_stated_name() {
        let user = user_name(0).unwrap();
        assert_eq!(operator_label(0, None).unwrap(), format!("{user} (uid 0)"));
        assert_eq!(
            operator_label(0, Some("  ")).unwrap(),
            format!("{user} (uid 0)")
        );
        assert_eq!(
            operator_label(0, Some(" Siti Rahma ")).unwrap(),
            format!("Siti Rahma (uid 0 {user})")
        );
        assert!(operator_label(0, Some("Siti\nRahma")).is_err());
        assert!(operator_label(0, Some(&"x".repeat(65))).is_err());
        // A uid without a passwd entry still names the operator.
        assert_eq!(
            operator_label(4_000_000_000, None).unwrap(),
            "uid 4000000000"
        );
        assert_eq!(
            operator_label(4_000_000_000, Some("Siti")).unwrap(),
            "Siti (uid 4000000000)"
        );
    }

    #[test]
    fn root_and_the_service_user_are_administrators_a_stranger_has_no_role() {
        let g = Groups {
            operator: "cetak-test-no-such-group-op".into(),
            admin: "cetak-test-no-such-group-adm".into(),
            service_uid: 4_000_000_001,
        };
        assert_eq!(g.caller(0).authority, Authority::Administrator);
        assert_eq!(g.caller(4_000_000_001).authority, Authority::Administrator);
        // No passwd entry, not the service user: no role, whatever it states.
        let c = g.caller(4_000_000_000);
        assert_eq!(c.authority, Authority::None);
        let r = c.require(Op::Status).unwrap_err();
        assert_eq!((r.status, r.body.error.as_str()), (403, "forbidden"));
        assert!(r.body.message_en.contains("usermod -aG"), "{r:?}");
        assert_eq!(g.missing().len(), 2);
    }

    #[test]
    fn operators_may_not_do_administrator_work() {
        let op = Caller {
            uid: 1,
            user: Some("siti".into()),
            authority: Authority::Operator,
            groups: Some(("ops".into(), "adms".into())),
        };
        for o in Op::ALL {
            assert_eq!(
                op.require(o).is_ok(),
                o.needs() == Authority::Operator,
                "{o:?}"
            );
        }
        let r = op.require(Op::StockAdjust).unwrap_err();
        assert!(
            r.body
                .message_en
                .contains("administrators only (group adms)"),
            "{r:?}"
        );
        assert!(r.body.message_id.contains("hanya administrator"), "{r:?}");
        let actor = op.actor(Some("Kepala Dinas")).unwrap();
        assert_eq!(actor.role, Role::Operator, "a stated name grants nothing");
        assert_eq!(actor.id, "Kepala Dinas (uid 1 siti)");
        assert_eq!((actor.uid, actor.user.as_deref()), (Some(1), Some("siti")));
    }

    #[test]
    fn refusals_are_audited_once_a_minute_per_user_and_operation() {
        let t = RefusalThrottle::default();
        assert!(t.should_audit(7, Op::Status));
        assert!(!t.should_audit(7, Op::Status));
        assert!(t.should_audit(7, Op::Act));
        assert!(t.should_audit(8, Op::Status));
    }
}
