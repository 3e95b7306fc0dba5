//! Risk flags: reasons for an admin to look twice at a session, each with its evidence.
//!
//! Flags are computed once at login from the user's earlier sessions (impossible travel, new
//! country, new device, sessions in several countries) and stored with the session; the
//! `stale` flag depends on the reading time and is added when a session is shown.

use serde_json::json;
use sessiondesk_protocol::{DeviceInfo, Location, RiskFlag};

/// Faster than an airliner between two logins is treated as impossible.
pub const IMPOSSIBLE_KMH: f64 = 1000.0;
/// City-level geolocation is fuzzy; shorter hops never count as travel.
const MIN_TRAVEL_KM: f64 = 100.0;
pub use sessiondesk_protocol::STALE_AFTER_MS;

/// What risk assessment needs to know about one of the user's earlier sessions.
#[derive(Debug, Clone)]
pub struct Prior {
    pub created_at: i64,
    pub active: bool,
    pub location: Location,
    pub device_key: String,
}

/// The login being assessed.
#[derive(Debug, Clone, Copy)]
pub struct Login<'a> {
    pub at: i64,
    pub location: &'a Location,
    pub device: &'a DeviceInfo,
}

/// A stable key for "the same device": browser, OS and model, case-insensitive.
pub fn device_key(d: &DeviceInfo) -> String {
    let part = |v: &Option<String>| v.as_deref().unwrap_or("").to_lowercase();
    format!("{}|{}|{}", part(&d.browser), part(&d.os), part(&d.model))
}

fn place(l: &Location) -> String {
    match (&l.city, &l.country_code) {
        (Some(c), Some(cc)) => format!("{c} ({cc})"),
        (None, Some(cc)) => cc.clone(),
        (Some(c), None) => c.clone(),
        (None, None) => "an unknown place".into(),
    }
}

/// Great-circle distance in km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Flags for a new login given the user's earlier sessions (any order).
pub fn assess(login: Login<'_>, prior: &[Prior]) -> Vec<RiskFlag> {
    let mut flags = Vec::new();
    if let Some(f) = impossible_travel(login, prior) {
        flags.push(f);
    }
    if prior.is_empty() {
        return flags;
    }
    if let Some(cc) = &login.location.country_code {
        let seen: Vec<&str> = prior
            .iter()
            .filter_map(|p| p.location.country_code.as_deref())
            .collect();
        if !seen.is_empty() && !seen.contains(&cc.as_str()) {
            let mut known: Vec<&str> = seen.clone();
            known.sort_unstable();
            known.dedup();
            flags.push(RiskFlag {
                kind: "new_country".into(),
                detail: format!("First sign-in from {cc} for this user"),
                evidence: json!({"country": cc, "known_countries": known}),
            });
        }
    }
    let key = device_key(login.device);
    if key != "||" && !prior.iter().any(|p| p.device_key == key) {
        flags.push(RiskFlag {
            kind: "new_device".into(),
            detail: format!(
                "First sign-in from {} for this user",
                describe_device(login.device)
            ),
            evidence: json!({"device": key, "known_devices": prior.iter().map(|p| p.device_key.as_str()).collect::<std::collections::BTreeSet<_>>()}),
        });
    }
    let mut countries: Vec<&str> = prior
        .iter()
        .filter(|p| p.active)
        .filter_map(|p| p.location.country_code.as_deref())
        .chain(login.location.country_code.as_deref())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    if countries.len() >= 2 {
        flags.push(RiskFlag {
            kind: "multi_country".into(),
            detail: format!(
                "Active sessions in {} countries: {}",
                countries.len(),
                countries.join(", ")
            ),
            evidence: json!({"countries": countries}),
        });
    }
    flags
}

fn describe_device(d: &DeviceInfo) -> String {
    let parts: Vec<&str> = [&d.model, &d.browser, &d.os]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .collect();
    if parts.is_empty() {
        "a new device".into()
    } else {
        parts.join(" on ")
    }
}

/// Speed between this login's place and the place of the user's latest earlier session.
fn impossible_travel(login: Login<'_>, prior: &[Prior]) -> Option<RiskFlag> {
    let (lat, lon) = (login.location.lat?, login.location.lon?);
    let prev = prior
        .iter()
        .filter(|p| {
            p.location.lat.is_some() && p.location.lon.is_some() && p.created_at <= login.at
        })
        .max_by_key(|p| p.created_at)?;
    let (plat, plon) = (prev.location.lat?, prev.location.lon?);
    let km = haversine_km(plat, plon, lat, lon);
    if km < MIN_TRAVEL_KM {
        return None;
    }
    let minutes = (login.at - prev.created_at) as f64 / 60_000.0;
    let kmh = if minutes <= 0.0 {
        f64::INFINITY
    } else {
        km / (minutes / 60.0)
    };
    if kmh <= IMPOSSIBLE_KMH {
        return None;
    }
    let speed = if kmh.is_finite() {
        format!("{} km/h", thousands(kmh))
    } else {
        "at the same moment".into()
    };
    Some(RiskFlag {
        kind: "impossible_travel".into(),
        detail: format!(
            "{} to {} in {} minutes: {} km, {}",
            place(&prev.location),
            place(login.location),
            minutes.round() as i64,
            thousands(km),
            speed
        ),
        evidence: json!({
            "from": {"city": prev.location.city, "country_code": prev.location.country_code, "lat": plat, "lon": plon, "at_ms": prev.created_at},
            "to": {"city": login.location.city, "country_code": login.location.country_code, "lat": lat, "lon": lon, "at_ms": login.at},
            "distance_km": km.round(),
            "minutes": minutes.round(),
            "speed_kmh": if kmh.is_finite() { json!(kmh.round()) } else { json!(null) },
        }),
    })
}

/// The `stale` flag for a session still active after [`STALE_AFTER_MS`].
pub fn stale(created_at: i64, now: i64) -> Option<RiskFlag> {
    let age = now - created_at;
    (age > STALE_AFTER_MS).then(|| {
        let days = age / (24 * 3600 * 1000);
        RiskFlag {
            kind: "stale".into(),
            detail: format!("Signed in {days} days ago and still active"),
            evidence: json!({"age_days": days, "threshold_days": STALE_AFTER_MS / (24 * 3600 * 1000)}),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(city: &str, cc: &str, lat: f64, lon: f64) -> Location {
        Location {
            city: Some(city.into()),
            country_code: Some(cc.into()),
            lat: Some(lat),
            lon: Some(lon),
            ..Default::default()
        }
    }

    fn chrome() -> DeviceInfo {
        DeviceInfo {
            browser: Some("Chrome".into()),
            os: Some("Windows".into()),
            ..Default::default()
        }
    }

    #[test]
    fn madrid_to_singapore_in_40_minutes_is_impossible() {
        let madrid = loc("Madrid", "ES", 40.4168, -3.7038);
        let sg = loc("Singapore", "SG", 1.3521, 103.8198);
        let prior = [Prior {
            created_at: 0,
            active: true,
            location: madrid,
            device_key: device_key(&chrome()),
        }];
        let flags = assess(
            Login {
                at: 40 * 60_000,
                location: &sg,
                device: &chrome(),
            },
            &prior,
        );
        let f = flags
            .iter()
            .find(|f| f.kind == "impossible_travel")
            .expect("flagged");
        let km = f.evidence["distance_km"].as_f64().unwrap();
        assert!((11_300.0..11_450.0).contains(&km), "{km}");
        assert_eq!(f.evidence["minutes"].as_f64(), Some(40.0));
        assert!(
            f.detail
                .starts_with("Madrid (ES) to Singapore (SG) in 40 minutes"),
            "{}",
            f.detail
        );
        // In words, with the distance and the speed: "…: 11,370 km, 17,055 km/h".
        let kmh = f.evidence["speed_kmh"].as_f64().unwrap();
        assert!(
            f.detail
                .ends_with(&format!(": {} km, {} km/h", thousands(km), thousands(kmh))),
            "{}",
            f.detail
        );
        assert!(flags.iter().any(|f| f.kind == "new_country"));
        assert!(flags.iter().any(|f| f.kind == "multi_country"));
        assert!(!flags.iter().any(|f| f.kind == "new_device"));
    }

    #[test]
    fn a_day_later_is_plausible_and_first_login_has_no_history_flags() {
        let madrid = loc("Madrid", "ES", 40.4168, -3.7038);
        let paris = loc("Paris", "FR", 48.8566, 2.3522);
        let prior = [Prior {
            created_at: 0,
            active: false,
            location: madrid,
            device_key: "x".into(),
        }];
        let flags = assess(
            Login {
                at: 24 * 3_600_000,
                location: &paris,
                device: &chrome(),
            },
            &prior,
        );
        assert!(!flags.iter().any(|f| f.kind == "impossible_travel"));
        assert!(
            !flags.iter().any(|f| f.kind == "multi_country"),
            "prior is not active"
        );
        assert!(flags.iter().any(|f| f.kind == "new_device"));
        assert!(assess(
            Login {
                at: 0,
                location: &paris,
                device: &chrome()
            },
            &[]
        )
        .is_empty());
    }

    #[test]
    fn stale_after_thirty_days() {
        assert!(stale(0, STALE_AFTER_MS).is_none());
        let f = stale(0, STALE_AFTER_MS + 5 * 24 * 3600 * 1000).unwrap();
        assert_eq!(f.evidence["age_days"], 35);
    }

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(16042.4), "16,042");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234567.0), "1,234,567");
    }
}
