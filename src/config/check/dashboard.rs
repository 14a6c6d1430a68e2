//! `[dashboard]`: the address, and HTTPS when it leaves the machine. The certificate and key
//! are read and parsed here ([`crate::tls::server_config`], as the listener will), so a bad
//! file stops the daemon before READY with its key and line instead of at the first visit.

use std::net::SocketAddr;

use super::{absolute, problem, says as catalogue, Problem};
use crate::config::DashboardConfig;

/// `listen` an address; the pair both or neither, absolute and usable; without it, loopback
/// only. Keys are relative to the table.
pub(super) fn dashboard_checks(d: &DashboardConfig) -> Result<(), Problem> {
    let addr: SocketAddr = d
        .listen
        .parse()
        .map_err(|_| catalogue("listen", "dash.listen_address"))?;
    match (&d.tls_cert, &d.tls_key) {
        (Some(cert), Some(key)) => {
            absolute("tls_cert", cert)?;
            absolute("tls_key", key)?;
            if let Err(e) = crate::tls::server_config(cert, key) {
                let at = match e.part() {
                    Some(crate::tls::Part::Key) => "tls_key",
                    _ => "tls_cert",
                };
                return Err(problem(at, &e));
            }
        }
        (None, None) => {
            if !addr.ip().is_loopback() {
                return Err(catalogue("listen", "dash.listen_loopback"));
            }
        }
        (Some(_), None) => return Err(catalogue("tls_key", "dash.tls_pair")),
        (None, Some(_)) => return Err(catalogue("tls_cert", "dash.tls_pair")),
    }
    Ok(())
}
