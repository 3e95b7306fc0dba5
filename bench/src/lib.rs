//! Benchmark tools for Sessiondesk, driven by `cargo xtask bench`:
//!
//! - `loadgen`: an HTTP/1.1 keep-alive load generator (one connection per worker, requests back
//!   to back, latencies in an HDR histogram) for `POST /oauth2/introspect` and `POST /v1/auth/login`.
//! - `trivial-server`: the baseline, an axum server whose introspection answers a constant.
//! - `argon2-rate`: raw Argon2id hashes per second on all cores, the ceiling for logins.
//!
//! This library holds the small pieces the binaries share, so they can be tested.

/// The line a server prints once it accepts connections; `cargo xtask` reads the address from it.
pub fn listening_line(addr: std::net::SocketAddr) -> String {
    format!("listening on http://{addr}")
}

/// Percent-encodes a value for an `application/x-www-form-urlencoded` body.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The form body of an introspection request for `token`.
pub fn introspect_body(token: &str) -> String {
    format!("token={}", form_encode(token))
}

/// The JSON body of a login request.
pub fn login_body(org: &str, username: &str, password: &str) -> String {
    serde_json::json!({ "org": org, "username": username, "password": password }).to_string()
}

/// The username of the `i`-th bench user (`user0000`, `user0001`, …).
pub fn bench_username(i: u32) -> String {
    format!("user{i:04}")
}

/// True when a JSON body has `"active": true` (whitespace allowed around the colon).
pub fn is_active(body: &[u8]) -> bool {
    const KEY: &[u8] = b"\"active\"";
    let mut rest = body;
    while let Some(i) = find(rest, KEY) {
        rest = &rest[i + KEY.len()..];
        let after = trim_start(rest);
        if let Some(value) = after.strip_prefix(b":") {
            return trim_start(value).starts_with(b"true");
        }
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

/// A tiny, fast, non-cryptographic generator (xorshift64*), one per worker: picking a random
/// token must cost next to nothing next to an HTTP request.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        // Spread small seeds (worker numbers) and never start at zero.
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// One query mix's latencies as `{name, requests, p50_ms, p95_ms, max_ms}` (the admin-api
/// and console benchmarks report their mixes alike).
pub fn mix_summary(name: &str, mut times: Vec<std::time::Duration>) -> serde_json::Value {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    serde_json::json!({
        "name": name,
        "requests": times.len(),
        "p50_ms": ms(at(0.50)),
        "p95_ms": ms(at(0.95)),
        "max_ms": ms(*times.last().expect("at least one timing")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(form_encode("abc-XYZ_09.~"), "abc-XYZ_09.%7E");
        assert_eq!(form_encode("a b+c/d=e&f"), "a+b%2Bc%2Fd%3De%26f");
        assert_eq!(introspect_body("sd_tok=="), "token=sd_tok%3D%3D");
    }

    #[test]
    fn login_bodies_are_json() {
        let body = login_body("bench", &bench_username(7), "p\"w");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["org"], "bench");
        assert_eq!(v["username"], "user0007");
        assert_eq!(v["password"], "p\"w");
        assert_eq!(bench_username(999), "user0999");
    }

    #[test]
    fn active_answers_are_recognised() {
        assert!(is_active(br#"{"active":true,"sub":"usr_1"}"#));
        assert!(is_active(br#"{"sub":"x", "active" : true}"#));
        assert!(!is_active(br#"{"active":false}"#));
        assert!(!is_active(br#"{"username":"active","active":false}"#));
        assert!(!is_active(b""));
    }

    #[test]
    fn random_picks_stay_in_range_and_vary() {
        let mut rng = XorShift::new(0);
        let picks: Vec<usize> = (0..1000).map(|_| rng.below(10)).collect();
        assert!(picks.iter().all(|&p| p < 10));
        assert!((0..10).all(|v| picks.contains(&v)));
    }

    #[test]
    fn listening_line_matches_what_xtask_reads() {
        let addr = "127.0.0.1:8710".parse().unwrap();
        assert_eq!(listening_line(addr), "listening on http://127.0.0.1:8710");
    }
}
