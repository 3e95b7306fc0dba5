//! The address a request really came from, when the server sits behind reverse proxies.
//!
//! `X-Forwarded-For` is written by whoever sends the request, so it is only believed as far as
//! it was appended by proxies the operator trusts: the socket peer must be one, and the list is
//! read from the right (the hop nearest to us) past trusted proxies to the first address that
//! is not one. Everything left of that is whatever the client chose to send.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

use super::EnrichError;

/// Trusted proxies as IPs or CIDRs (`10.0.0.0/8`, `::1`), parsed from a comma-separated list
/// as given in `SESSIONDESK_TRUSTED_PROXIES` or `--trusted-proxy`. Empty means no proxy is
/// trusted and `X-Forwarded-For` is ignored, which is the safe default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<Cidr>,
}

impl TrustedProxies {
    /// Trusts no proxy.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses `"10.0.0.0/8, 192.168.1.10, ::1"`. Blank entries are ignored; an entry that is
    /// not an address or a CIDR is an error naming it, so a typo never silently trusts nothing
    /// (or everything).
    pub fn parse_list(list: &str) -> Result<Self, EnrichError> {
        let nets = list
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Cidr::parse)
            .collect::<Result<_, _>>()?;
        Ok(Self { nets })
    }

    /// Adds the entries of another list (for a repeated `--trusted-proxy` flag).
    pub fn extend(&mut self, other: TrustedProxies) {
        self.nets.extend(other.nets);
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// True when `ip` is inside one of the trusted networks. IPv4-mapped IPv6 addresses
    /// (`::ffff:10.0.0.1`, as a dual-stack socket reports IPv4 peers) match IPv4 entries.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(ip))
    }
}

impl FromStr for TrustedProxies {
    type Err = EnrichError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_list(s)
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, net) in self.nets.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}/{}", net.network, net.prefix)?;
        }
        Ok(())
    }
}

/// The client IP: the socket peer unless the peer is a trusted proxy; then `X-Forwarded-For`
/// walked from the right, skipping trusted proxies, to the first untrusted address. A malformed
/// entry on the way falls back to the peer: a list we cannot read is a list we do not believe.
/// When every hop is trusted the left-most one is the client (e.g. a health check from inside).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        for entry in value.split(',') {
            match parse_hop(entry) {
                Some(ip) => hops.push(ip),
                None => return peer,
            }
        }
    }
    let mut leftmost = peer;
    for &hop in hops.iter().rev() {
        if !trusted.contains(hop) {
            return hop;
        }
        leftmost = hop;
    }
    leftmost
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`) as some load balancers write it.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<Ipv6Addr>().ok())
                .map(IpAddr::V6)
        })?;
    Some(ip.to_canonical())
}

/// An IP network: an address with the host bits cleared and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(entry: &str) -> Result<Self, EnrichError> {
        let invalid = |reason: &'static str| EnrichError::InvalidTrustedProxy {
            entry: entry.to_owned(),
            reason,
        };
        let (addr, prefix) = match entry.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (entry, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| invalid("not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| invalid("prefix length out of range"))?,
        };
        // `::ffff:10.0.0.0/104` is the IPv4 network 10.0.0.0/8.
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            _ => (addr, prefix),
        };
        Ok(Self {
            network: mask(addr, prefix),
            prefix,
        })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(bits & mask))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(bits & mask))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let headers = xff(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("198.51.100.7"), &headers, &TrustedProxies::none()),
            ip("198.51.100.7")
        );
        // Even a loopback peer is not trusted unless configured.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &headers, &TrustedProxies::none()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = TrustedProxies::parse_list("10.0.0.0/8").unwrap();
        let headers = xff(&["10.0.0.1"]);
        assert_eq!(
            client_ip(ip("198.51.100.7"), &headers, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse_list("10.0.0.0/8, 192.168.1.10").unwrap();
        // The left-most entry is forged by the client; 81.2.69.142 is what our first proxy saw.
        let headers = xff(&["6.6.6.6, 81.2.69.142, 192.168.1.10"]);
        assert_eq!(
            client_ip(ip("10.1.2.3"), &headers, &trusted),
            ip("81.2.69.142")
        );
        // Several headers are one list, in order.
        let headers = xff(&["6.6.6.6", "81.2.69.142", "192.168.1.10"]);
        assert_eq!(
            client_ip(ip("10.1.2.3"), &headers, &trusted),
            ip("81.2.69.142")
        );
        // Ports are tolerated.
        let headers = xff(&["81.2.69.142:51234, [2001:db8::5]:443"]);
        assert_eq!(
            client_ip(ip("10.1.2.3"), &headers, &trusted),
            ip("2001:db8::5")
        );
    }

    #[test]
    fn all_trusted_hops_give_the_left_most() {
        let trusted = TrustedProxies::parse_list("10.0.0.0/8").unwrap();
        let headers = xff(&["10.9.9.9, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.9.9.9")
        );
        // No header at all: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn malformed_header_falls_back_to_the_peer() {
        let trusted = TrustedProxies::parse_list("10.0.0.0/8").unwrap();
        for bad in [
            "81.2.69.142, not-an-ip",
            "unknown",
            "81.2.69.142,,10.0.0.2",
            "",
        ] {
            let headers = xff(&[bad]);
            assert_eq!(
                client_ip(ip("10.0.0.1"), &headers, &trusted),
                ip("10.0.0.1"),
                "{bad:?}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"81.2.69.142\xff").unwrap(),
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_entries() {
        let trusted = TrustedProxies::parse_list("127.0.0.1").unwrap();
        let headers = xff(&["81.2.69.142"]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &headers, &trusted),
            ip("81.2.69.142")
        );
        let mapped = TrustedProxies::parse_list("::ffff:10.0.0.0/104").unwrap();
        assert!(mapped.contains(ip("10.200.0.1")));
        assert!(!mapped.contains(ip("11.0.0.1")));
    }

    #[test]
    fn cidr_matching() {
        let t =
            TrustedProxies::parse_list("10.0.0.0/8, 172.16.0.0/12, fd00::/8, ::1, 192.0.2.77/24")
                .unwrap();
        assert!(t.contains(ip("10.255.255.255")));
        assert!(!t.contains(ip("11.0.0.0")));
        assert!(t.contains(ip("172.31.0.1")));
        assert!(!t.contains(ip("172.32.0.1")));
        assert!(t.contains(ip("fd12::1")));
        assert!(!t.contains(ip("fe80::1")));
        assert!(t.contains(ip("::1")));
        assert!(!t.contains(ip("::2")));
        assert!(
            t.contains(ip("192.0.2.1")),
            "host bits in an entry are masked off"
        );
        let all = TrustedProxies::parse_list("0.0.0.0/0").unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        assert!(
            !all.contains(ip("2001:db8::1")),
            "an IPv4 network never holds IPv6 addresses"
        );
        assert_eq!(
            t.to_string(),
            "10.0.0.0/8,172.16.0.0/12,fd00::/8,::1/128,192.0.2.0/24"
        );
    }

    #[test]
    fn list_parsing() {
        assert!(TrustedProxies::parse_list("").unwrap().is_empty());
        assert!(TrustedProxies::parse_list(" , ").unwrap().is_empty());
        let t: TrustedProxies = "127.0.0.1,::1".parse().unwrap();
        assert!(t.contains(ip("127.0.0.1")) && t.contains(ip("::1")));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "localhost",
            "10.0.0.0/x",
            "10.0.0/8",
        ] {
            let err = TrustedProxies::parse_list(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
        let mut t = TrustedProxies::parse_list("10.0.0.1").unwrap();
        t.extend("10.0.0.2".parse().unwrap());
        assert!(t.contains(ip("10.0.0.2")));
    }
}
