//! Real public IP addresses for the demo data, and where the DB-IP city lite database puts them.
//!
//! The demo never writes a place by hand: it looks each address up with
//! [`Enricher::locate`](crate::enrich::Enricher::locate) at seed time, so the session list shows
//! exactly what a real sign-in from that address would show. This table records what the lookup
//! gave when the addresses were chosen (DB-IP lite as pinned in `data/package.json`); the test
//! below fails when a data update moves one, so the demo's stories ("Madrid, then Singapore 40
//! minutes later") keep matching the data.
//!
//! The addresses belong to well-known networks (universities, national ISPs, public DNS
//! resolvers, cloud regions). DB-IP often names a district after the city, e.g.
//! "Berlin (Bezirk Steglitz-Zehlendorf)"; `city` is the part that must match.

/// One public address and the place it must locate to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub ip: &'static str,
    /// The located city starts with this.
    pub city: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// Whose address it is (documentation only).
    pub network: &'static str,
    /// A data-centre address: API clients run there, people do not sign in from it.
    pub hosting: bool,
}

const fn place(
    ip: &'static str,
    city: &'static str,
    country: &'static str,
    network: &'static str,
) -> Place {
    Place {
        ip,
        city,
        country,
        network,
        hosting: false,
    }
}

const fn hosting(
    ip: &'static str,
    city: &'static str,
    country: &'static str,
    network: &'static str,
) -> Place {
    Place {
        ip,
        city,
        country,
        network,
        hosting: true,
    }
}

/// 42 cities in 22 countries.
pub const PLACES: &[Place] = &[
    // United States
    place("128.122.119.202", "New York", "US", "New York University"),
    place("128.59.105.24", "New York", "US", "Columbia University"),
    place("128.135.164.141", "Chicago", "US", "University of Chicago"),
    place("128.95.112.1", "Seattle", "US", "University of Washington"),
    place(
        "128.83.120.139",
        "Austin",
        "US",
        "University of Texas at Austin",
    ),
    place("164.67.228.152", "Los Angeles", "US", "UCLA"),
    place(
        "130.207.244.244",
        "Atlanta",
        "US",
        "Georgia Institute of Technology",
    ),
    hosting(
        "52.94.236.248",
        "Ashburn",
        "US",
        "Amazon Web Services us-east-1",
    ),
    // United Kingdom and Ireland
    place(
        "81.2.69.142",
        "London",
        "GB",
        "Andrews & Arnold (MaxMind's London test address)",
    ),
    place("212.58.244.20", "London", "GB", "BBC"),
    place(
        "130.88.101.49",
        "Manchester",
        "GB",
        "University of Manchester",
    ),
    place("129.215.13.4", "Edinburgh", "GB", "University of Edinburgh"),
    place("134.226.1.1", "Dublin", "IE", "Trinity College Dublin"),
    hosting(
        "52.209.0.1",
        "Dublin",
        "IE",
        "Amazon Web Services eu-west-1",
    ),
    // Germany
    place("130.133.1.1", "Berlin", "DE", "Freie Universität Berlin"),
    place("134.100.1.1", "Hamburg", "DE", "Universität Hamburg"),
    place(
        "141.2.1.1",
        "Frankfurt am Main",
        "DE",
        "Goethe University Frankfurt",
    ),
    hosting(
        "18.184.0.1",
        "Frankfurt am Main",
        "DE",
        "Amazon Web Services eu-central-1",
    ),
    place("134.95.1.1", "Cologne", "DE", "University of Cologne"),
    place("2003::1", "Bonn", "DE", "Deutsche Telekom (IPv6)"),
    // France
    place("212.27.40.240", "Paris", "FR", "Free (public DNS resolver)"),
    place("2a01:cb00:1::1", "Paris", "FR", "Orange (IPv6)"),
    place("130.120.1.1", "Toulouse", "FR", "Université de Toulouse"),
    place("139.124.1.1", "Marseille", "FR", "Aix-Marseille Université"),
    // Spain
    place(
        "80.58.61.250",
        "Madrid",
        "ES",
        "Telefónica (public DNS resolver)",
    ),
    place(
        "138.4.1.1",
        "Madrid",
        "ES",
        "Universidad Politécnica de Madrid",
    ),
    place(
        "147.83.2.135",
        "Barcelona",
        "ES",
        "Universitat Politècnica de Catalunya",
    ),
    place(
        "150.214.1.1",
        "Seville",
        "ES",
        "CICA, Andalusian research network",
    ),
    // Italy
    place("151.99.125.1", "Milan", "IT", "Telecom Italia"),
    place("151.100.1.1", "Rome", "IT", "Sapienza University of Rome"),
    place("130.192.1.1", "Turin", "IT", "Politecnico di Torino"),
    // Rest of Europe
    place("195.121.1.34", "Amsterdam", "NL", "KPN"),
    place(
        "194.109.6.66",
        "Amsterdam",
        "NL",
        "XS4ALL (public DNS resolver)",
    ),
    place(
        "130.237.1.1",
        "Stockholm",
        "SE",
        "KTH Royal Institute of Technology",
    ),
    place(
        "148.81.1.1",
        "Warsaw",
        "PL",
        "NASK, Polish research network",
    ),
    place("129.132.1.1", "Zurich", "CH", "ETH Zurich"),
    // The Americas
    place("128.100.1.1", "Toronto", "CA", "University of Toronto"),
    place("132.206.1.1", "Montreal", "CA", "McGill University"),
    place(
        "142.103.1.1",
        "Vancouver",
        "CA",
        "University of British Columbia",
    ),
    place("132.248.1.1", "Mexico City", "MX", "UNAM"),
    place(
        "143.107.1.1",
        "Sao Paulo",
        "BR",
        "Universidade de São Paulo",
    ),
    // Asia-Pacific, Middle East, Africa
    place(
        "165.21.83.88",
        "Singapore",
        "SG",
        "SingNet (public DNS resolver)",
    ),
    place(
        "137.132.1.1",
        "Singapore",
        "SG",
        "National University of Singapore",
    ),
    place(
        "210.130.1.1",
        "Chiyoda City",
        "JP",
        "Internet Initiative Japan (Tokyo)",
    ),
    place("129.94.1.1", "Sydney", "AU", "UNSW Sydney"),
    place("130.216.1.1", "Auckland", "NZ", "University of Auckland"),
    place(
        "14.139.128.1",
        "Bengaluru",
        "IN",
        "National Knowledge Network",
    ),
    place(
        "213.42.20.20",
        "Dubai",
        "AE",
        "Etisalat (public DNS resolver)",
    ),
    place(
        "146.141.1.1",
        "Johannesburg",
        "ZA",
        "University of the Witwatersrand",
    ),
    place("197.210.1.1", "Lagos", "NG", "MTN Nigeria"),
];

/// Indexes into [`PLACES`] of the addresses people sign in from in `city`.
pub fn people_in(city: &str) -> Vec<usize> {
    PLACES
        .iter()
        .enumerate()
        .filter(|(_, p)| p.city == city && !p.hosting)
        .map(|(i, _)| i)
        .collect()
}

/// The index of an address in [`PLACES`].
pub fn index_of(ip: &str) -> Option<usize> {
    PLACES.iter().position(|p| p.ip == ip)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::net::IpAddr;

    use super::*;
    use crate::enrich::test_data::enricher;

    #[test]
    fn every_address_still_locates_to_its_place() {
        let e = enricher();
        let mut wrong = Vec::new();
        for p in PLACES {
            let ip: IpAddr = p.ip.parse().unwrap_or_else(|err| panic!("{}: {err}", p.ip));
            let l = e.locate(ip);
            let city_ok = l.city.as_deref().is_some_and(|c| c.starts_with(p.city));
            let country_ok = l.country_code.as_deref() == Some(p.country);
            if !(city_ok && country_ok && l.lat.is_some() && l.lon.is_some()) {
                wrong.push(format!(
                    "{} ({}): expected {} ({}), located {l:?}",
                    p.ip, p.network, p.city, p.country
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "the geolocation data moved demo addresses:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn the_table_is_wide_and_has_no_duplicates() {
        let cities: BTreeSet<_> = PLACES.iter().map(|p| (p.city, p.country)).collect();
        let countries: BTreeSet<_> = PLACES.iter().map(|p| p.country).collect();
        let ips: BTreeSet<_> = PLACES.iter().map(|p| p.ip).collect();
        assert!(cities.len() >= 24, "{} cities", cities.len());
        assert!(countries.len() >= 10, "{} countries", countries.len());
        assert_eq!(ips.len(), PLACES.len(), "an address is listed twice");
        assert_eq!(
            people_in("Frankfurt am Main").len(),
            1,
            "the AWS address is not for people"
        );
        assert_eq!(
            index_of("80.58.61.250").map(|i| PLACES[i].city),
            Some("Madrid")
        );
    }
}
