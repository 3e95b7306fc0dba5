//! Which browser, OS and device a request came from: the User-Agent string parsed with the
//! uap-core rules, corrected by User-Agent client hints.
//!
//! Chromium freezes most of its User-Agent string ("Windows NT 10.0" even on Windows 11,
//! "Android 10; K" on every Android phone, "Chrome/124.0.0.0"), so the `Sec-CH-UA-*` headers,
//! when a browser sends them, are the better source and win over the string. Names are kept in
//! uap-core's vocabulary ("Chrome Mobile", "Mobile Safari") except "Mac OS X", shown as "macOS"
//! so that a Mac reads the same whether it was recognised from the string or from a hint.

use std::path::Path;

use axum::http::{HeaderMap, HeaderName};
use sessiondesk_protocol::DeviceInfo;

use super::EnrichError;

/// Longest User-Agent that is parsed; the rest is ignored. Real ones are well under 512 bytes,
/// and the login endpoint is public, so a megabyte of header must not cost a megabyte of regex.
const MAX_USER_AGENT: usize = 1024;

/// The compiled uap-core rules. Built once (about 0.1 s) and shared; a parse takes tens to a few
/// hundred microseconds.
pub(crate) struct UaParser {
    extractor: ua_parser::Extractor<'static>,
}

impl UaParser {
    /// Compiles the rules from uap-core's `regexes.yaml`.
    pub(crate) fn load(path: &Path) -> Result<Self, EnrichError> {
        let text = std::fs::read_to_string(path).map_err(|e| EnrichError::read(path, e))?;
        let regexes: ua_parser::Regexes<'static> =
            serde_yaml::from_str(&text).map_err(|source| EnrichError::Regexes {
                path: path.to_owned(),
                source,
            })?;
        let extractor =
            ua_parser::Extractor::try_from(regexes).map_err(|e| EnrichError::CompileRegexes {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        Ok(Self { extractor })
    }

    /// A parser with no rules: it recognises nothing in the string and relies on client hints,
    /// claims and the HTTP-tool list alone. For tests and set-ups without the data files.
    pub(crate) fn empty() -> Self {
        let regexes = ua_parser::Regexes {
            user_agent_parsers: Vec::new(),
            os_parsers: Vec::new(),
            device_parsers: Vec::new(),
        };
        let extractor =
            ua_parser::Extractor::try_from(regexes).expect("an empty rule set always compiles");
        Self { extractor }
    }

    /// Parses a User-Agent string, then lets the client hints correct it.
    pub(crate) fn parse(&self, user_agent: &str, hints: &ClientHints) -> ParsedAgent {
        let user_agent = truncate(user_agent.trim(), MAX_USER_AGENT);
        let (browser, os, device) = self.extractor.extract(user_agent);

        let mut info = DeviceInfo::default();
        if let Some(b) = &browser {
            info.browser = Some(b.family.to_string());
            info.browser_version = join_version([b.major, b.minor, b.patch, b.patch_minor]);
        }
        if let Some(o) = &os {
            info.os = Some(normalise_os(&o.os).to_owned());
            info.os_version = join_version([
                o.major.as_deref(),
                o.minor.as_deref(),
                o.patch.as_deref(),
                o.patch_minor.as_deref(),
            ]);
        }
        let (device_family, device_brand) = match &device {
            Some(d) => (Some(d.device.as_ref()), d.brand.as_deref()),
            None => (None, None),
        };
        info.model = device_family
            .filter(|family| is_meaningful_model(family))
            .map(str::to_owned);

        let class = classify(
            user_agent,
            browser.as_ref().map(|b| b.family.as_ref()),
            device_family,
        );
        let mut signals = FormSignals {
            class,
            mobile_token: contains_token(user_agent, "Mobile"),
            tablet_token: contains_token(user_agent, "Tablet")
                || user_agent.contains("Silk/")
                || device_family.is_some_and(|f| f.contains("Tablet"))
                || device_brand.is_some_and(|b| b.contains("Tablet")),
            hint_mobile: None,
        };

        hints.apply(&mut info, &mut signals);
        info.kind =
            Some(device_type(info.os.as_deref(), info.model.as_deref(), &signals).to_owned());
        ParsedAgent {
            device: info,
            signals,
        }
    }
}

/// The outcome of parsing one request's User-Agent and client hints.
#[derive(Debug, Clone)]
pub(crate) struct ParsedAgent {
    /// Browser, OS, model and device type (`kind`); `name` is never set from headers.
    pub device: DeviceInfo,
    /// What the string said beyond the fields, kept to re-derive the device type once an app's
    /// own claim has replaced the OS or the model.
    pub signals: FormSignals,
}

/// What kind of software sent the request, judged from the User-Agent alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgentClass {
    /// A web browser or an in-app web view (anything that still says `Mozilla/`).
    Browser,
    /// An Electron desktop application.
    Electron,
    /// A native mobile app using the platform's HTTP stack (CFNetwork on iOS, Dalvik on Android).
    NativeMobile,
    /// A crawler, link previewer or monitoring robot.
    Bot,
    /// A command-line tool or HTTP library: curl, python-requests, Go-http-client, okhttp, ...
    HttpClient,
    /// Nothing recognisable, including a missing User-Agent.
    Unknown,
}

/// Hints about the form factor that are not fields of [`DeviceInfo`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct FormSignals {
    pub class: AgentClass,
    /// The string has a `Mobile` token (Android phones do, Android tablets do not).
    pub mobile_token: bool,
    /// The string or uap-core's device rule says tablet (`Tablet`, Kindle `Silk/`, ...).
    pub tablet_token: bool,
    /// `Sec-CH-UA-Mobile`: `?1` or `?0`.
    pub hint_mobile: Option<bool>,
}

/// phone | tablet | desktop | bot | other, from the final OS and model and the string's signals.
pub(crate) fn device_type(os: Option<&str>, model: Option<&str>, s: &FormSignals) -> &'static str {
    match s.class {
        AgentClass::Bot => return "bot",
        AgentClass::HttpClient => return "other",
        _ => {}
    }
    let os_lower = os.map(str::to_ascii_lowercase).unwrap_or_default();
    let model_lower = model.map(str::to_ascii_lowercase).unwrap_or_default();

    if model_lower.contains("ipad") || os_lower == "ipados" || model_lower.contains("kindle") {
        return "tablet";
    }
    if model_lower.contains("iphone") || model_lower.contains("ipod") {
        return "phone";
    }
    if os_lower.starts_with("android") {
        if s.tablet_token {
            return "tablet";
        }
        return match s.hint_mobile {
            Some(true) => "phone",
            Some(false) => "tablet",
            // An app's claim with no User-Agent signal: phones far outnumber tablets.
            None if s.mobile_token || s.class != AgentClass::Browser => "phone",
            None => "tablet",
        };
    }
    if os_lower == "ios" {
        return if s.tablet_token { "tablet" } else { "phone" };
    }
    if is_mobile_os(&os_lower) {
        return "phone";
    }
    if is_desktop_os(&os_lower) {
        return "desktop";
    }
    if s.tablet_token {
        return "tablet";
    }
    if s.mobile_token || s.hint_mobile == Some(true) {
        return "phone";
    }
    "other"
}

/// True for the OSes whose apps count as mobile sessions.
pub(crate) fn is_mobile_os(os_lower: &str) -> bool {
    matches!(
        os_lower,
        "ios"
            | "ipados"
            | "android"
            | "watchos"
            | "windows phone"
            | "kaios"
            | "harmonyos"
            | "blackberry os"
            | "firefox os"
            | "symbian os"
            | "tizen"
            | "sailfish"
    )
}

fn is_desktop_os(os_lower: &str) -> bool {
    os_lower.starts_with("windows")
        || matches!(
            os_lower,
            "macos"
                | "mac os"
                | "linux"
                | "ubuntu"
                | "debian"
                | "fedora"
                | "red hat"
                | "suse"
                | "mint"
                | "arch linux"
                | "gentoo"
                | "mandriva"
                | "slackware"
                | "chrome os"
                | "chromium os"
                | "freebsd"
                | "openbsd"
                | "netbsd"
                | "solaris"
                | "haiku"
        )
}

/// Command-line tools and HTTP libraries, matched at the start of the string (case-insensitive).
/// uap-core names many of them as "browsers"; for a session they mean a script, not a person.
const HTTP_CLIENT_PREFIXES: &[&str] = &[
    "curl/",
    "wget/",
    "wget2/",
    "httpie/",
    "python-requests/",
    "python-urllib/",
    "python/",
    "python-httpx/",
    "aiohttp/",
    "go-http-client/",
    "go-resty/",
    "okhttp/",
    "java/",
    "apache-httpclient/",
    "google-http-java-client",
    "jersey/",
    "axios/",
    "node-fetch",
    "node/",
    "undici",
    "got ",
    "postmanruntime/",
    "insomnia/",
    "reqwest",
    "libwww-perl/",
    "ruby",
    "faraday",
    "dart/",
    "deno/",
    "bun/",
    "restsharp/",
    "guzzlehttp/",
    "php/",
    "rest-client/",
    "typhoeus",
    "k6/",
    "ansible-httpget",
    "terraform/",
    "powershell/",
    "windowspowershell/",
    "microsoft-cryptoapi/",
    "lwp-",
    "aria2/",
    "httpclient/",
];

/// HTTP libraries that dress as a browser but add their own token somewhere in the string.
const HTTP_CLIENT_TOKENS: &[&str] = &["PowerShell/", "WindowsPowerShell/", "HeadlessChrome/"];

fn classify(
    user_agent: &str,
    browser_family: Option<&str>,
    device_family: Option<&str>,
) -> AgentClass {
    if user_agent.is_empty() {
        return AgentClass::Unknown;
    }
    if device_family == Some("Spider") || browser_family.is_some_and(|f| f.ends_with("bot")) {
        return AgentClass::Bot;
    }
    let lower = user_agent.to_ascii_lowercase();
    if HTTP_CLIENT_PREFIXES.iter().any(|p| lower.starts_with(p))
        || HTTP_CLIENT_TOKENS.iter().any(|t| user_agent.contains(t))
    {
        return AgentClass::HttpClient;
    }
    if user_agent.contains("Electron/") {
        return AgentClass::Electron;
    }
    if lower.starts_with("mozilla/") || lower.starts_with("opera/") {
        return AgentClass::Browser;
    }
    if lower.starts_with("dalvik/") || user_agent.contains("CFNetwork/") {
        return AgentClass::NativeMobile;
    }
    AgentClass::Unknown
}

/// The `Sec-CH-UA-*` headers a browser sent (structured-field values, RFC 8941).
///
/// Browsers send `Sec-CH-UA`, `-Mobile` and `-Platform` on every request over HTTPS; the
/// precise ones (`-Platform-Version`, `-Model`, `-Full-Version-List`) only after the server asked
/// for them with [`super::ACCEPT_CH`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClientHints {
    /// `Sec-CH-UA`: brands with major versions, GREASE entries removed.
    pub brands: Vec<(String, String)>,
    /// `Sec-CH-UA-Full-Version-List`: brands with full versions, GREASE entries removed.
    pub full_versions: Vec<(String, String)>,
    pub platform: Option<String>,
    pub platform_version: Option<String>,
    pub model: Option<String>,
    pub mobile: Option<bool>,
}

impl ClientHints {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let get = |name: &'static str| {
            headers
                .get(HeaderName::from_static(name))
                .and_then(|v| v.to_str().ok())
        };
        Self {
            brands: get("sec-ch-ua").map(parse_brand_list).unwrap_or_default(),
            full_versions: get("sec-ch-ua-full-version-list")
                .map(parse_brand_list)
                .unwrap_or_default(),
            platform: get("sec-ch-ua-platform").and_then(parse_sf_string),
            platform_version: get("sec-ch-ua-platform-version").and_then(parse_sf_string),
            model: get("sec-ch-ua-model").and_then(parse_sf_string),
            mobile: get("sec-ch-ua-mobile").and_then(|v| match v.trim() {
                "?1" => Some(true),
                "?0" => Some(false),
                _ => None,
            }),
        }
    }

    fn apply(&self, info: &mut DeviceInfo, signals: &mut FormSignals) {
        signals.hint_mobile = self.mobile;
        if let Some(platform) = self.platform.as_deref().and_then(normalise_platform) {
            let same_os = info.os.as_deref() == Some(platform);
            if let Some(version) = &self.platform_version {
                info.os_version = platform_version(platform, version);
            } else if !same_os {
                // The string's version belongs to another OS (e.g. desktop mode on a phone).
                info.os_version = None;
            }
            info.os = Some(platform.to_owned());
        }
        if let Some(model) = &self.model {
            info.model = Some(model.clone());
        }
        self.apply_brand(info);
    }

    /// Picks the brand that names the browser (not GREASE, not the bare "Chromium" engine when
    /// a product is listed) and uses it when the string hides it, e.g. Brave says "Chrome".
    fn apply_brand(&self, info: &mut DeviceInfo) {
        let list = if self.full_versions.is_empty() {
            &self.brands
        } else {
            &self.full_versions
        };
        let Some((brand, version)) = list
            .iter()
            .find(|(b, _)| b != "Chromium")
            .or_else(|| list.first())
        else {
            return;
        };
        let name = match brand.as_str() {
            "Google Chrome" => "Chrome",
            "Microsoft Edge" => "Edge",
            other => other,
        };
        let keeps_family = info.browser.as_deref().is_some_and(|f| f.starts_with(name));
        if !keeps_family {
            info.browser = Some(name.to_owned());
            info.browser_version = None;
        }
        let precise = !self.full_versions.is_empty();
        if precise || info.browser_version.is_none() {
            info.browser_version = trim_version(version);
        }
    }
}

/// `Sec-CH-UA-Platform` to the OS names the string parser uses.
fn normalise_platform(platform: &str) -> Option<&'static str> {
    Some(match platform {
        "Windows" => "Windows",
        "macOS" => "macOS",
        "Android" => "Android",
        "iOS" => "iOS",
        "Linux" => "Linux",
        "Chrome OS" | "ChromeOS" => "Chrome OS",
        "Chromium OS" => "Chromium OS",
        "Fuchsia" => "Fuchsia",
        _ => return None,
    })
}

/// `Sec-CH-UA-Platform-Version` as people know it. On Windows it is the UniversalApiContract
/// version: 13 and up is Windows 11, 1 to 10 is Windows 10, and 0.1 / 0.2 / 0.3 are 7 / 8 / 8.1.
fn platform_version(platform: &str, version: &str) -> Option<String> {
    if platform == "Windows" {
        let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next().flatten()?;
        let minor = parts.next().flatten().unwrap_or(0);
        let name = match (major, minor) {
            (0, 1) => "7",
            (0, 2) => "8",
            (0, 3) => "8.1",
            (1..=12, _) => "10",
            (13.., _) => "11",
            _ => return None,
        };
        return Some(name.to_owned());
    }
    trim_version(version)
}

fn normalise_os(os: &str) -> &str {
    match os {
        "Mac OS X" | "Mac OS" => "macOS",
        other => other,
    }
}

/// Models that name no device: uap-core's placeholders and the "K" of Chrome's reduced string.
fn is_meaningful_model(family: &str) -> bool {
    !(family == "Other"
        || family == "K"
        || family == "Spider"
        || family == "iOS-Device"
        || family.starts_with("Generic"))
}

/// "124.0.0.0" -> "124", "17.4.1" -> "17.4.1": zeros at the end carry no information (the
/// reduced User-Agent freezes them) and dropping them keeps string and hint versions alike.
fn join_version(parts: [Option<&str>; 4]) -> Option<String> {
    let joined = parts
        .into_iter()
        .map_while(|p| p.filter(|p| !p.is_empty()))
        .collect::<Vec<_>>()
        .join(".");
    trim_version(&joined)
}

fn trim_version(version: &str) -> Option<String> {
    let version = version.trim();
    if version.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = version.split('.').collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.chars().all(|c| c == '0')) {
        parts.pop();
    }
    Some(parts.join("."))
}

fn contains_token(user_agent: &str, token: &str) -> bool {
    user_agent
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == token)
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One sf-string (`"Windows"`), unescaped; `None` for anything else or an empty string.
fn parse_sf_string(value: &str) -> Option<String> {
    let inner = value.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|c| *c == '"' || *c == '\\')?),
            '"' => return None,
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Splits on `sep` where it is not inside an sf-string.
fn split_unquoted(value: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// `"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"` -> brands with
/// versions. Malformed members are skipped; GREASE brands ("Not A;Brand", "Not)A;Brand", ...)
/// are dropped.
fn parse_brand_list(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for member in split_unquoted(value, ',') {
        let mut parts = split_unquoted(member, ';').into_iter();
        let Some(brand) = parts.next().and_then(parse_sf_string) else {
            continue;
        };
        let version = parts.find_map(|param| {
            let (key, value) = param.split_once('=')?;
            if key.trim() == "v" {
                parse_sf_string(value)
            } else {
                None
            }
        });
        if let Some(version) = version {
            if !is_grease(&brand) {
                out.push((brand, version));
            }
        }
    }
    out
}

fn is_grease(brand: &str) -> bool {
    let lower = brand.to_ascii_lowercase();
    lower.contains("not") && lower.contains("brand")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::test_data::enricher;
    use axum::http::HeaderValue;

    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) \
        AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
    const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36";
    const CHROME_ANDROID_REDUCED: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 \
        (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

    fn parse(ua: &str, hints: &[(&'static str, &str)]) -> ParsedAgent {
        let mut headers = HeaderMap::new();
        for (name, value) in hints {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        enricher()
            .ua
            .parse(ua, &ClientHints::from_headers(&headers))
    }

    #[test]
    fn chrome_on_windows() {
        let p = parse(CHROME_WINDOWS, &[]);
        assert_eq!(p.device.browser.as_deref(), Some("Chrome"));
        assert_eq!(p.device.browser_version.as_deref(), Some("124"));
        assert_eq!(p.device.os.as_deref(), Some("Windows"));
        assert_eq!(p.device.os_version.as_deref(), Some("10"));
        assert_eq!(p.device.model, None);
        assert_eq!(p.device.kind.as_deref(), Some("desktop"));
        assert_eq!(p.signals.class, AgentClass::Browser);
    }

    #[test]
    fn safari_on_iphone() {
        let p = parse(SAFARI_IPHONE, &[]);
        assert_eq!(p.device.browser.as_deref(), Some("Mobile Safari"));
        assert_eq!(p.device.browser_version.as_deref(), Some("17.4.1"));
        assert_eq!(p.device.os.as_deref(), Some("iOS"));
        assert_eq!(p.device.os_version.as_deref(), Some("17.4.1"));
        assert_eq!(p.device.model.as_deref(), Some("iPhone"));
        assert_eq!(p.device.kind.as_deref(), Some("phone"));
    }

    #[test]
    fn android_chrome_with_a_model() {
        let p = parse(CHROME_ANDROID, &[]);
        assert_eq!(p.device.browser.as_deref(), Some("Chrome Mobile"));
        assert_eq!(p.device.browser_version.as_deref(), Some("124.0.6367.82"));
        assert_eq!(p.device.os.as_deref(), Some("Android"));
        assert_eq!(p.device.os_version.as_deref(), Some("14"));
        assert_eq!(p.device.model.as_deref(), Some("Pixel 8 Pro"));
        assert_eq!(p.device.kind.as_deref(), Some("phone"));
    }

    #[test]
    fn mac_is_called_macos() {
        let p = parse(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            &[],
        );
        assert_eq!(p.device.os.as_deref(), Some("macOS"));
        assert_eq!(p.device.os_version.as_deref(), Some("10.15.7"));
        assert_eq!(p.device.browser.as_deref(), Some("Safari"));
        assert_eq!(p.device.kind.as_deref(), Some("desktop"));
    }

    #[test]
    fn client_hints_override_the_frozen_platform_version() {
        let p = parse(
            CHROME_WINDOWS,
            &[
                (
                    "sec-ch-ua",
                    r#""Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99""#,
                ),
                ("sec-ch-ua-mobile", "?0"),
                ("sec-ch-ua-platform", r#""Windows""#),
                ("sec-ch-ua-platform-version", r#""15.0.0""#),
                (
                    "sec-ch-ua-full-version-list",
                    r#""Chromium";v="124.0.6367.91", "Google Chrome";v="124.0.6367.91", "Not-A.Brand";v="99.0.0.0""#,
                ),
            ],
        );
        assert_eq!(p.device.os.as_deref(), Some("Windows"));
        assert_eq!(
            p.device.os_version.as_deref(),
            Some("11"),
            "platform version 15 is Windows 11"
        );
        assert_eq!(p.device.browser.as_deref(), Some("Chrome"));
        assert_eq!(p.device.browser_version.as_deref(), Some("124.0.6367.91"));
        assert_eq!(p.device.kind.as_deref(), Some("desktop"));
    }

    #[test]
    fn client_hints_fill_in_the_reduced_android_string() {
        let p = parse(
            CHROME_ANDROID_REDUCED,
            &[
                (
                    "sec-ch-ua",
                    r#""Not)A;Brand";v="8", "Chromium";v="124", "Google Chrome";v="124""#,
                ),
                ("sec-ch-ua-mobile", "?1"),
                ("sec-ch-ua-platform", r#""Android""#),
                ("sec-ch-ua-platform-version", r#""14.0.0""#),
                ("sec-ch-ua-model", r#""SM-S918B""#),
            ],
        );
        assert_eq!(
            p.device.os_version.as_deref(),
            Some("14"),
            "not the frozen 10"
        );
        assert_eq!(
            p.device.model.as_deref(),
            Some("SM-S918B"),
            "not the frozen K"
        );
        assert_eq!(p.device.browser.as_deref(), Some("Chrome Mobile"));
        assert_eq!(p.device.browser_version.as_deref(), Some("124"));
        assert_eq!(p.device.kind.as_deref(), Some("phone"));
    }

    #[test]
    fn reduced_android_string_without_hints_has_no_model() {
        let p = parse(CHROME_ANDROID_REDUCED, &[]);
        assert_eq!(p.device.model, None, "\"K\" is a placeholder, not a model");
        assert_eq!(p.device.kind.as_deref(), Some("phone"));
        let tablet = parse(&CHROME_ANDROID_REDUCED.replace("Mobile ", ""), &[]);
        assert_eq!(tablet.device.kind.as_deref(), Some("tablet"));
    }

    #[test]
    fn a_brand_hidden_in_the_string_comes_from_the_hints() {
        let p = parse(
            CHROME_WINDOWS,
            &[(
                "sec-ch-ua",
                r#""Brave";v="124", "Chromium";v="124", "Not-A.Brand";v="99""#,
            )],
        );
        assert_eq!(p.device.browser.as_deref(), Some("Brave"));
        assert_eq!(p.device.browser_version.as_deref(), Some("124"));
    }

    #[test]
    fn ipad_is_a_tablet() {
        let p = parse(
            "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            &[],
        );
        assert_eq!(p.device.kind.as_deref(), Some("tablet"));
        assert_eq!(p.device.model.as_deref(), Some("iPad"));
    }

    #[test]
    fn tools_bots_and_apps_are_told_apart() {
        let curl = parse("curl/8.4.0", &[]);
        assert_eq!(curl.signals.class, AgentClass::HttpClient);
        assert_eq!(curl.device.browser.as_deref(), Some("curl"));
        assert_eq!(curl.device.browser_version.as_deref(), Some("8.4"));
        assert_eq!(curl.device.kind.as_deref(), Some("other"));

        for ua in [
            "python-requests/2.31.0",
            "Go-http-client/1.1",
            "okhttp/4.12.0",
        ] {
            assert_eq!(parse(ua, &[]).signals.class, AgentClass::HttpClient, "{ua}");
        }
        let ps = parse(
            "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.1",
            &[],
        );
        assert_eq!(ps.signals.class, AgentClass::HttpClient);

        let bot = parse(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            &[],
        );
        assert_eq!(bot.signals.class, AgentClass::Bot);
        assert_eq!(bot.device.kind.as_deref(), Some("bot"));

        let dalvik = parse(
            "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)",
            &[],
        );
        assert_eq!(dalvik.signals.class, AgentClass::NativeMobile);
        assert_eq!(dalvik.device.model.as_deref(), Some("Pixel 7"));
        assert_eq!(dalvik.device.kind.as_deref(), Some("phone"));

        let empty = parse("", &[]);
        assert_eq!(empty.signals.class, AgentClass::Unknown);
        assert_eq!(empty.device.kind.as_deref(), Some("other"));
    }

    #[test]
    fn windows_platform_versions() {
        assert_eq!(platform_version("Windows", "0.1.0").as_deref(), Some("7"));
        assert_eq!(platform_version("Windows", "0.3.0").as_deref(), Some("8.1"));
        assert_eq!(platform_version("Windows", "10.0.0").as_deref(), Some("10"));
        assert_eq!(platform_version("Windows", "13.0.0").as_deref(), Some("11"));
        assert_eq!(platform_version("Windows", "x"), None);
        assert_eq!(
            platform_version("macOS", "14.4.1").as_deref(),
            Some("14.4.1")
        );
        assert_eq!(platform_version("macOS", "15.0.0").as_deref(), Some("15"));
    }

    #[test]
    fn structured_field_parsing() {
        assert_eq!(parse_sf_string(r#""Windows""#).as_deref(), Some("Windows"));
        assert_eq!(parse_sf_string(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(parse_sf_string(r#""""#), None);
        assert_eq!(parse_sf_string("Windows"), None);
        assert_eq!(parse_sf_string(r#""open"#), None);
        assert_eq!(
            parse_brand_list(r#""Not/A)Brand";v="8", "Chromium";v="126", "Opera";v="112""#),
            vec![
                ("Chromium".to_owned(), "126".to_owned()),
                ("Opera".to_owned(), "112".to_owned())
            ]
        );
        // A comma inside a quoted brand does not split it; junk members are skipped.
        assert_eq!(
            parse_brand_list(r#"junk, "A, B";v="1";x=?1, "C";v="2""#),
            vec![
                ("A, B".to_owned(), "1".to_owned()),
                ("C".to_owned(), "2".to_owned())
            ]
        );
        assert!(parse_brand_list("").is_empty());
    }

    #[test]
    fn huge_user_agents_are_cut() {
        let long = format!("{CHROME_WINDOWS} {}", "é".repeat(5000));
        let p = parse(&long, &[]);
        assert_eq!(p.device.browser.as_deref(), Some("Chrome"));
    }
}
