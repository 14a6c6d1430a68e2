//! systemd's notify protocol (`sd_notify`), spoken directly over `$NOTIFY_SOCKET` so the daemon
//! needs no libsystemd: READY once recovery is done, WATCHDOG from the main loop, STOPPING on
//! shutdown. Without `$NOTIFY_SOCKET` (not under systemd) every call is a no-op.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// A handle on the service manager's notify socket.
#[derive(Debug)]
pub struct Notifier {
    target: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Duration>,
}

impl Notifier {
    /// Reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC` from the environment.
    pub fn from_env() -> Notifier {
        let target = std::env::var_os("NOTIFY_SOCKET").and_then(|path| {
            let path = path.to_string_lossy().into_owned();
            let addr = if let Some(name) = path.strip_prefix('@') {
                use std::os::linux::net::SocketAddrExt;
                SocketAddr::from_abstract_name(name.as_bytes()).ok()?
            } else {
                SocketAddr::from_pathname(&path).ok()?
            };
            let sock = UnixDatagram::unbound().ok()?;
            Some((sock, addr))
        });
        let watchdog = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&us| us > 0)
            .map(Duration::from_micros);
        Notifier { target, watchdog }
    }

    /// How often the main loop should ping the watchdog (half the configured interval).
    pub fn watchdog_interval(&self) -> Option<Duration> {
        self.watchdog.map(|d| d / 2)
    }

    fn send(&self, state: &str) {
        if let Some((sock, addr)) = &self.target {
            if let Err(e) = sock.send_to_addr(state.as_bytes(), addr) {
                tracing::warn!(error = %e, "sd_notify failed");
            }
        }
    }

    /// Startup (journal recovery) finished: the service is up.
    pub fn ready(&self) {
        self.send("READY=1");
    }

    /// Keeps the watchdog from restarting us.
    pub fn watchdog(&self) {
        self.send("WATCHDOG=1");
    }

    /// Shutdown began (cards in printers are being finished).
    pub fn stopping(&self) {
        self.send("STOPPING=1");
    }

    /// Free-form status line shown by `systemctl status`.
    pub fn status(&self, text: &str) {
        self.send(&format!("STATUS={text}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_ready_to_a_pathname_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let server = UnixDatagram::bind(&path).unwrap();
        let notifier = Notifier {
            target: Some((
                UnixDatagram::unbound().unwrap(),
                SocketAddr::from_pathname(&path).unwrap(),
            )),
            watchdog: Some(Duration::from_secs(30)),
        };
        notifier.ready();
        notifier.watchdog();
        let mut buf = [0u8; 64];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1");
        assert_eq!(notifier.watchdog_interval(), Some(Duration::from_secs(15)));
    }

    #[test]
    fn without_socket_is_a_no_op() {
        let notifier = Notifier {
            target: None,
            watchdog: None,
        };
        notifier.ready();
        assert_eq!(notifier.watchdog_interval(), None);
    }
}
