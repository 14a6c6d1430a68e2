//! Who is on the other end of a loopback TCP connection: the kernel's socket table
//! (`/proc/net/tcp`, `/proc/net/tcp6`) lists each socket with its owner's uid, so the client's
//! socket (local address = the peer address we see, remote address = ours) names the user, as
//! SO_PEERCRED does on the control socket. Only meaningful on loopback, where both ends are
//! sockets of this machine: [`super::DashboardState::kernel_peer_uid`] asks only for a plain
//! loopback connection, never under TLS (where the listener may face the network).

use std::net::{IpAddr, SocketAddr};

/// The uid owning the client socket `peer` connected to `local`, if the table shows it.
pub fn peer_uid(peer: SocketAddr, local: SocketAddr) -> Option<u32> {
    let files: &[&str] = match peer.ip() {
        IpAddr::V4(_) => &["/proc/net/tcp", "/proc/net/tcp6"],
        IpAddr::V6(_) => &["/proc/net/tcp6"],
    };
    files.iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        find_uid(&text, peer, local)
    })
}

/// Finds the row whose local address is `peer` and remote address is `local`.
pub fn find_uid(table: &str, peer: SocketAddr, local: SocketAddr) -> Option<u32> {
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
        if cols.len() < 8 {
            continue;
        }
        let (Some(l), Some(r)) = (parse_addr(cols[1]), parse_addr(cols[2])) else {
            continue;
        };
        if same(l, peer) && same(r, local) {
            return cols[7].parse().ok();
        }
    }
    None
}

/// Equal addresses, an IPv4 address and its IPv4-mapped IPv6 form counting as equal.
fn same(a: SocketAddr, b: SocketAddr) -> bool {
    let canon = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    a.port() == b.port() && canon(a.ip()) == canon(b.ip())
}

/// `0100007F:1F90` (IPv4) or 32 hex digits + port (IPv6): each 32-bit word as the host (little
/// endian on the machines we run on) prints it.
fn parse_addr(s: &str) -> Option<SocketAddr> {
    let (ip, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let ip = match ip.len() {
        8 => IpAddr::from(u32::from_str_radix(ip, 16).ok()?.to_le_bytes()),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                let w = u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16).ok()?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            IpAddr::from(bytes)
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2116 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:2116 01 00000000:00000000 00:00000000 00000000  1001        0 2 1 0000000000000000 20 4 30 10 -1
";

    #[test]
    fn names_the_client_socket_owner() {
        let server: SocketAddr = "127.0.0.1:8470".parse().unwrap();
        let client: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        assert_eq!(find_uid(TABLE, client, server), Some(1001));
        // The server's own row is not the client's.
        assert_eq!(find_uid(TABLE, server, client), None);
        assert_eq!(
            find_uid(TABLE, "127.0.0.1:50001".parse().unwrap(), server),
            None
        );
    }

    #[test]
    fn ipv6_rows() {
        // ::1 port 8470 as /proc/net/tcp6 prints it.
        let a = parse_addr("00000000000000000000000001000000:2116").unwrap();
        assert_eq!(a, "[::1]:8470".parse().unwrap());
    }
}
