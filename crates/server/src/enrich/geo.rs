//! Where an IP address is, from the DB-IP "IP to City Lite" database (CC BY 4.0), as packaged
//! by ip-location-db: one MaxMind DB file for IPv4 and one for IPv6.
//!
//! The files are memory-mapped rather than read: together they are about 130 MB, and mapped
//! pages are shared with the page cache and only touched where lookups land, which keeps the
//! server's resident memory small.
//!
//! Records are flat: `city`, `country_code`, `state1`, `state2`, `postcode`, `latitude`,
//! `longitude`, `timezone`. The lite edition leaves `timezone`, `state2` and `postcode` empty.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use maxminddb::{Mmap, Reader};
use serde::Deserialize;
use sessiondesk_protocol::Location;

use super::EnrichError;

/// The two city databases, opened once and shared.
pub(crate) struct Geo {
    v4: Reader<Mmap>,
    v6: Reader<Mmap>,
}

impl Geo {
    pub(crate) fn open(v4: &Path, v6: &Path) -> Result<Self, EnrichError> {
        Ok(Self {
            v4: open_one(v4, 4)?,
            v6: open_one(v6, 6)?,
        })
    }

    /// The place of a public address; [`Location::default`] for private, loopback and other
    /// non-routable addresses, for addresses the database does not know, and on a read error
    /// (logged: a location is a nicety, never a reason to fail a sign-in).
    pub(crate) fn locate(&self, ip: IpAddr) -> Location {
        let ip = ip.to_canonical();
        if !is_public(ip) {
            return Location::default();
        }
        let reader = match ip {
            IpAddr::V4(_) => &self.v4,
            IpAddr::V6(_) => &self.v6,
        };
        match reader.lookup::<Record<'_>>(ip) {
            Ok(Some(record)) => record.into_location(),
            Ok(None) => Location::default(),
            Err(error) => {
                tracing::warn!(%ip, %error, "IP geolocation lookup failed");
                Location::default()
            }
        }
    }
}

fn open_one(path: &Path, ip_version: u16) -> Result<Reader<Mmap>, EnrichError> {
    if !path.is_file() {
        return Err(EnrichError::Missing {
            path: path.to_owned(),
        });
    }
    let reader = Reader::open_mmap(path).map_err(|source| EnrichError::Geo {
        path: path.to_owned(),
        source,
    })?;
    if reader.metadata.ip_version != ip_version {
        return Err(EnrichError::Geo {
            path: path.to_owned(),
            source: maxminddb::MaxMindDbError::InvalidDatabase(format!(
                "expected an IPv{ip_version} database, found IPv{}",
                reader.metadata.ip_version
            )),
        });
    }
    Ok(reader)
}

/// One DB-IP lite record. Strings borrow from the mapped file; empty ones mean unknown.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    city: Option<&'a str>,
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    state1: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    #[serde(borrow)]
    timezone: Option<&'a str>,
}

impl Record<'_> {
    fn into_location(self) -> Location {
        let text = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        // The file stores 32-bit floats; rounding to 4 decimals (about 11 m, far finer than the
        // data) drops the noise of widening them ("37.422000885009766").
        let coordinate =
            |c: Option<f64>| c.filter(|c| c.is_finite()).map(|c| (c * 1e4).round() / 1e4);
        Location {
            city: text(self.city),
            region: text(self.state1),
            country_code: text(self.country_code),
            lat: coordinate(self.latitude),
            lon: coordinate(self.longitude),
            timezone: text(self.timezone),
        }
    }
}

/// False for addresses that name no place: private, loopback, link-local, shared (CGNAT),
/// documentation, benchmarking, multicast, reserved. Expects a canonical address (IPv4-mapped
/// IPv6 already turned into IPv4).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space, 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0.0/24
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18.0.0/15
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation, 2001:db8::/32
        || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0)) // discard, 100::/64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::test_data::enricher;

    fn locate(ip: &str) -> Location {
        enricher().locate(ip.parse().unwrap())
    }

    #[test]
    fn google_dns_is_in_the_us() {
        let l = locate("8.8.8.8");
        println!("8.8.8.8 -> {l:?}");
        assert_eq!(l.country_code.as_deref(), Some("US"));
        assert!(l.city.is_some(), "{l:?}");
        assert!(l.region.is_some(), "{l:?}");
        let (lat, lon) = (l.lat.unwrap(), l.lon.unwrap());
        assert!(
            (24.0..50.0).contains(&lat) && (-125.0..-66.0).contains(&lon),
            "{l:?}"
        );
        // Rounded to 4 decimals, not the widened f32 noise.
        assert_eq!((lat * 1e4).round() / 1e4, lat);
    }

    #[test]
    fn a_european_address() {
        // 81.2.69.142 is MaxMind's own London test address.
        let l = locate("81.2.69.142");
        assert_eq!(l.country_code.as_deref(), Some("GB"), "{l:?}");
        let lon = l.lon.unwrap();
        assert!((-8.0..2.0).contains(&lon), "{l:?}");
    }

    #[test]
    fn ipv6_uses_the_ipv6_file() {
        let l = locate("2001:4860:4860::8888");
        println!("2001:4860:4860::8888 -> {l:?}");
        assert!(l.country_code.is_some(), "{l:?}");
        assert!(l.lat.is_some() && l.lon.is_some(), "{l:?}");
        // Deutsche Telekom's address block is in Germany.
        assert_eq!(locate("2003::1").country_code.as_deref(), Some("DE"));
    }

    #[test]
    fn ipv4_mapped_ipv6_is_looked_up_as_ipv4() {
        // The IPv6 file has no IPv4 subtree: without the mapping this would come back empty.
        assert_eq!(locate("::ffff:8.8.8.8"), locate("8.8.8.8"));
        assert_eq!(locate("::ffff:8.8.8.8").country_code.as_deref(), Some("US"));
    }

    #[test]
    fn non_public_addresses_have_no_location() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "172.16.0.1",
            "100.64.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
        ] {
            assert_eq!(locate(ip), Location::default(), "{ip}");
        }
    }

    #[test]
    fn public_address_classification() {
        assert!(is_public("8.8.8.8".parse().unwrap()));
        assert!(is_public("2a00:1450::1".parse().unwrap()));
        assert!(!is_public("100.127.255.255".parse().unwrap()));
        assert!(is_public("100.128.0.1".parse().unwrap()));
        assert!(!is_public("198.19.0.1".parse().unwrap()));
    }
}
