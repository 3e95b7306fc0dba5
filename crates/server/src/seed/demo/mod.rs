//! `seed --demo`: two organisations with a believable history, for trying the console.
//!
//! Everything is derived from one seed and one instant: the random numbers come from
//! `StdRng::seed_from_u64(seed)` and every instant is an offset from `now`, so the same seed and
//! `now` give the same rows (ids, tokens, times, places, risk flags). Two things differ between
//! runs because the store or the hasher makes them, not the seed: audit event ids (and so the
//! chain's hashes) and the password hashes' salts.
//!
//! What the data shows, in `acme` (Acme Field Services, 212 users in 37 cities of 20 countries):
//! - field technicians on phones and rugged tablets (the "Acme Field" app, some old app versions
//!   left signed in after an update), office staff on Windows, macOS and Linux browsers and the
//!   "Acme Dispatch" desktop app, and three integrations calling the API from cloud regions;
//! - a session limit of 4 (ask mode) introduced two weeks ago by the owner, with six users still
//!   over it, and sessions that signed in more than 30 days ago (the `stale` flag);
//! - four cases of impossible travel (Madrid, then Singapore 40 minutes later, …), one of them
//!   already revoked by the help desk; risk flags are computed by [`risk::assess`] from each
//!   user's earlier sessions, as a real sign-in would;
//! - ended sessions with every end reason, revocations with reasons and tickets, a login
//!   history with failures, one account locked by the help desk and one locked for a while
//!   after failed sign-ins, and API keys with usage over the last day.
//!
//! `globex` (Globex Logistics) is a small second org with its own owner, to show that admins
//! only ever see their own org. The owners have no sessions: the console signs in for real.
//! Every demo user's password is [`DEMO_PASSWORD`].

mod history;

use std::fmt;
use std::net::IpAddr;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sessiondesk_protocol::{
    AppInfo, DeviceInfo, EndReason, Location, OnLimit, Policy, Risk, Role, Secret, SessionKind,
};

use history::{EndDraft, Gen, Person, Persona, Pick, SessionDraft, Special, Use};

use super::catalog::{self, ApiClient, Office};
use super::places::{self, PLACES};
use crate::audit;
use crate::enrich::Enricher;
use crate::error::{Error, Result};
use crate::ids;
use crate::password::Passwords;
use crate::risk::{self, Prior};
use crate::store::{
    ApiKey, Attempt, BulkBatch, BulkSession, EndSpec, KeyUsage, LockChange, NewSession, Org, Store,
};
use crate::token;

/// The demo's main organisation.
pub const DEMO_ORG: &str = "acme";
/// The demo owner's username (in both demo orgs).
pub const DEMO_OWNER: &str = "owner";
/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "sessiondesk-demo";

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Rows per `bulk_insert` call.
const CHUNK: usize = 5_000;
/// Faster than this between two sign-ins is not a trip people take (the risk rule uses 1000).
const TRAVEL_KMH: f64 = 800.0;

// ------------------------------------------------------------------------------- the summary

/// What one org received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSummary {
    pub slug: String,
    pub name: String,
    pub users: usize,
    pub sessions: usize,
    pub active: usize,
    pub attempts: usize,
    pub api_keys: usize,
}

/// What `seed --demo` loaded, and how to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub seed: u64,
    pub orgs: Vec<OrgSummary>,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let orgs: Vec<String> = self
            .orgs
            .iter()
            .map(|o| {
                format!(
                    "org {} \"{}\" ({} users, {} sessions, {} active, {} sign-in attempts, {} API key{})",
                    o.slug,
                    o.name,
                    o.users,
                    o.sessions,
                    o.active,
                    o.attempts,
                    o.api_keys,
                    if o.api_keys == 1 { "" } else { "s" }
                )
            })
            .collect();
        writeln!(
            f,
            "Demo data loaded (seed {}): {}.",
            self.seed,
            orgs.join(" and ")
        )?;
        let others: Vec<&str> = self
            .orgs
            .iter()
            .map(|o| o.slug.as_str())
            .filter(|s| *s != DEMO_ORG)
            .collect();
        write!(
            f,
            "Sign in as org={DEMO_ORG} username={DEMO_OWNER} password={DEMO_PASSWORD}"
        )?;
        if !others.is_empty() {
            write!(
                f,
                " (org={} has the same owner login)",
                others.join(", org=")
            )?;
        }
        write!(f, "; every demo user's password is {DEMO_PASSWORD}.")
    }
}

// ------------------------------------------------------------------------------- the orgs

/// An API key and how it was used.
struct KeySpec {
    name: &'static str,
    age_days: i64,
    usage: Usage,
}

enum Usage {
    /// Requests in `hours` of the last 24 hours, `(night, day)` requests per hour.
    LastDay { hours: u32, night: i64, day: i64 },
    /// Last used `days` ago, for `hours` hours.
    DaysAgo { days: i64, hours: u32 },
}

/// An account-takeover story: a sign-in at home, then one from `far` minutes later.
struct TravelCase {
    home: &'static str,
    far: &'static str,
    minutes: i64,
    /// Revoked by the help desk already: (reason, ticket).
    revoked: Option<(&'static str, &'static str)>,
}

struct OrgSpec {
    slug: &'static str,
    name: &'static str,
    domain: &'static str,
    owner_name: &'static str,
    age_days: i64,
    offices: &'static [Office],
    admins: usize,
    helpdesk: usize,
    auditors: usize,
    members: usize,
    integrations: &'static [ApiClient],
    /// The policy the org was created with.
    first_policy: Policy,
    /// The policy in force; set by the owner `policy_changed_days` ago when it differs.
    policy: Policy,
    policy_changed_days: i64,
    mobile_app: &'static str,
    companion_app: Option<&'static str>,
    desktop_app: &'static str,
    keys: &'static [KeySpec],
    travel_cases: &'static [TravelCase],
    over_limit: usize,
    locks: bool,
    stuffing: bool,
}

fn acme_policy() -> Policy {
    Policy {
        max_sessions: Some(4),
        on_limit: OnLimit::Ask,
        idle_timeout_s: Some(12 * 3600),
        absolute_timeout_s: Some(90 * 86_400),
        remember_me_allowed: true,
        remember_me_timeout_s: Some(180 * 86_400),
        require_reason: true,
        lockout_threshold: 5,
        lockout_window_s: 15 * 60,
        lockout_duration_s: 3600,
    }
}

fn acme() -> OrgSpec {
    let policy = acme_policy();
    OrgSpec {
        slug: DEMO_ORG,
        name: "Acme Field Services",
        domain: "acme.example",
        owner_name: "Olivia Owner",
        age_days: 400,
        offices: catalog::ACME_OFFICES,
        admins: 3,
        helpdesk: 6,
        auditors: 2,
        members: 197,
        integrations: catalog::ACME_INTEGRATIONS,
        first_policy: Policy {
            max_sessions: None,
            require_reason: false,
            ..policy.clone()
        },
        policy,
        policy_changed_days: 14,
        mobile_app: "Acme Field",
        companion_app: Some("Acme Timesheets"),
        desktop_app: "Acme Dispatch",
        keys: &[
            KeySpec {
                name: "Field app backend",
                age_days: 118,
                usage: Usage::LastDay {
                    hours: 24,
                    night: 300,
                    day: 4_000,
                },
            },
            KeySpec {
                name: "Legacy billing export",
                age_days: 117,
                usage: Usage::DaysAgo { days: 23, hours: 3 },
            },
            KeySpec {
                name: "Customer portal",
                age_days: 90,
                usage: Usage::LastDay {
                    hours: 11,
                    night: 20,
                    day: 400,
                },
            },
        ],
        travel_cases: &[
            TravelCase {
                home: "Madrid",
                far: "165.21.83.88",
                minutes: 40,
                revoked: None,
            },
            TravelCase {
                home: "London",
                far: "143.107.1.1",
                minutes: 25,
                revoked: None,
            },
            TravelCase {
                home: "Chicago",
                far: "197.210.1.1",
                minutes: 55,
                revoked: Some((
                    "User did not recognise the sign-in from Lagos; password reset",
                    "SEC-2211",
                )),
            },
            TravelCase {
                home: "Toronto",
                far: "213.42.20.20",
                minutes: 70,
                revoked: None,
            },
        ],
        over_limit: 6,
        locks: true,
        stuffing: true,
    }
}

fn globex() -> OrgSpec {
    let policy = Policy {
        max_sessions: Some(3),
        on_limit: OnLimit::EvictOldest,
        idle_timeout_s: Some(8 * 3600),
        absolute_timeout_s: Some(30 * 86_400),
        remember_me_allowed: true,
        remember_me_timeout_s: Some(60 * 86_400),
        require_reason: false,
        ..Policy::default()
    };
    OrgSpec {
        slug: "globex",
        name: "Globex Logistics",
        domain: "globex.example",
        owner_name: "Gloria Owner",
        age_days: 210,
        offices: catalog::GLOBEX_OFFICES,
        admins: 1,
        helpdesk: 1,
        auditors: 0,
        members: 12,
        integrations: &[],
        first_policy: policy.clone(),
        policy,
        policy_changed_days: 0,
        mobile_app: "Globex Driver",
        companion_app: None,
        desktop_app: "Globex Control Tower",
        keys: &[KeySpec {
            name: "Shipment tracking",
            age_days: 100,
            usage: Usage::LastDay {
                hours: 14,
                night: 10,
                day: 250,
            },
        }],
        travel_cases: &[],
        over_limit: 0,
        locks: false,
        stuffing: false,
    }
}

// ------------------------------------------------------------------------------- loading

/// Loads the demo orgs `acme` and `globex`. Needs the geolocation data (places are looked up,
/// never written by hand) and a database without those orgs.
pub async fn demo(
    store: &dyn Store,
    enricher: &Enricher,
    seed: u64,
    now: i64,
) -> Result<DemoSummary> {
    let specs = [acme(), globex()];
    for spec in &specs {
        if store.org_by_slug(spec.slug).await?.is_some() {
            return Err(Error::Conflict(format!(
                "this database already holds an org `{}`; load the demo into a new database",
                spec.slug
            )));
        }
    }
    let locs = locate_places(enricher)?;
    // Demo data only: every demo user has the same password, hashed once (OWASP Argon2id) and
    // the PHC string shared. Real users each get their own salt.
    let password_hash = Passwords::new()?.hash(&Secret::new(DEMO_PASSWORD)).await?;
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        now,
        locs,
    };
    let mut orgs = Vec::new();
    for spec in &specs {
        orgs.push(seed_org(store, &mut g, spec, &password_hash, seed).await?);
    }
    store.index_search().await?;
    Ok(DemoSummary { seed, orgs })
}

/// Where each of [`PLACES`] is, from the enricher; an error when the data is missing.
fn locate_places(enricher: &Enricher) -> Result<Vec<Location>> {
    const FIX: &str = "install the DB-IP data with `npm ci --prefix data` (or `cargo xtask run`) \
                       and point SESSIONDESK_DATA_DIR at the folder holding node_modules";
    if !enricher.has_geo() {
        return Err(Error::Unprocessable(format!(
            "the demo needs IP geolocation to place its sessions, and none is loaded; {FIX}"
        )));
    }
    let mut out = Vec::with_capacity(PLACES.len());
    for p in PLACES {
        let ip: IpAddr =
            p.ip.parse()
                .map_err(|e| Error::Unprocessable(format!("demo place {}: {e}", p.ip)))?;
        let loc = enricher.locate(ip);
        if loc.country_code.is_none() || loc.lat.is_none() || loc.lon.is_none() {
            return Err(Error::Unprocessable(format!(
                "the IP geolocation data does not locate {} ({}, expected {} in {}); {FIX}",
                p.ip, p.network, p.city, p.country
            )));
        }
        out.push(loc);
    }
    Ok(out)
}

async fn seed_org(
    store: &dyn Store,
    g: &mut Gen,
    spec: &OrgSpec,
    password_hash: &str,
    seed: u64,
) -> Result<OrgSummary> {
    let now = g.now;
    let created = now - spec.age_days * DAY;
    let org = Org {
        id: g.id(ids::ORG, created),
        slug: spec.slug.to_string(),
        name: spec.name.to_string(),
        created_at: created,
    };
    store.create_org(&org, &spec.first_policy, "seed").await?;

    let people = g.people(spec, &org, password_hash);
    for p in &people {
        store.create_user(&p.user, "seed").await?;
    }
    let owner_id = people[0].user.id.clone();
    let staff: Vec<String> = people
        .iter()
        .filter(|p| matches!(p.user.role, Role::Admin | Role::Helpdesk))
        .map(|p| p.user.id.clone())
        .collect();
    let helpdesk: Vec<String> = people
        .iter()
        .filter(|p| p.user.role == Role::Helpdesk)
        .map(|p| p.user.id.clone())
        .collect();

    let last_created = people
        .iter()
        .map(|p| p.user.created_at)
        .max()
        .unwrap_or(created);
    // API keys, oldest first, and their use.
    let mut keys: Vec<&KeySpec> = spec.keys.iter().collect();
    keys.sort_by_key(|k| -k.age_days);
    let mut usage = Vec::new();
    for k in &keys {
        // After the last user was created, so the audit trail reads forward.
        let at = (now - k.age_days * DAY).max(last_created + HOUR);
        let secret_seed: [u8; 32] = g.rng.random();
        let key = ApiKey {
            id: g.id(ids::API_KEY, at),
            org_id: org.id.clone(),
            name: k.name.to_string(),
            key_hash: token::hash(token::from_seed(token::API_KEY_PREFIX, &secret_seed).expose()),
            created_at: at,
            created_by: Some(owner_id.clone()),
            last_used_at: None,
        };
        store.create_api_key(&key, &owner_id).await?;
        usage.extend(key_usage(g, &key.id, &k.usage));
    }

    // Sessions and sign-ins, person by person.
    let cast = Cast {
        org: &org,
        owner_id: &owner_id,
        staff: &staff,
        helpdesk: &helpdesk,
        lock_at: now - g.between(2 * HOUR, 5 * HOUR),
    };
    let mut rows = Rows::default();
    for p in people.iter().skip(1) {
        let drafts = person_history(g, spec, &cast, p, &mut rows);
        story_failures(g, spec, &cast, p, &drafts, &mut rows);
    }
    unknown_usernames(g, spec, &cast, &people, &mut rows);
    let Rows {
        sessions,
        attempts,
        mut events,
        mut active,
    } = rows;
    let (session_count, attempt_count) = (sessions.len(), attempts.len());
    bulk(store, sessions, attempts).await?;
    store.record_key_usage(&usage).await?;

    if spec.first_policy != spec.policy {
        events.push(Event::Policy {
            at: now - spec.policy_changed_days * DAY,
        });
    }
    events.sort_by_key(Event::at);
    for e in events {
        match e {
            Event::Revoked {
                session_id,
                user_id,
                by,
                note,
                ticket,
                at,
            } => {
                store
                    .append_audit(
                        &audit::Draft::new(&org.id, at, &by, "session.ended")
                            .target(session_id)
                            .why(note.as_deref(), ticket.as_deref())
                            .data(json!({"end_reason": EndReason::Revoked.as_str(), "user_id": user_id})),
                    )
                    .await?;
            }
            Event::Policy { at } => {
                store
                    .set_policy(&org.id, &spec.policy, &owner_id, at)
                    .await?
            }
            Event::Lock(change) => {
                let ended = store.set_lock(&change).await?;
                active -= ended.len().min(active);
            }
        }
    }

    let summary = OrgSummary {
        slug: org.slug.clone(),
        name: org.name.clone(),
        users: people.len(),
        sessions: session_count,
        active,
        attempts: attempt_count,
        api_keys: keys.len(),
    };
    store
        .append_audit(
            &audit::Draft::new(&org.id, now, "seed", "seed.loaded").data(json!({
                "seed": seed,
                "users": summary.users,
                "sessions": summary.sessions,
                "active_sessions": summary.active,
                "login_attempts": summary.attempts,
                "api_keys": summary.api_keys,
            })),
        )
        .await?;
    Ok(summary)
}

/// A timeline entry written after the rows, in time order, so the audit trail reads forward.
enum Event {
    Revoked {
        session_id: String,
        user_id: String,
        by: String,
        note: Option<String>,
        ticket: Option<String>,
        at: i64,
    },
    Policy {
        at: i64,
    },
    Lock(LockChange),
}

impl Event {
    fn at(&self) -> i64 {
        match self {
            Event::Revoked { at, .. } | Event::Policy { at } => *at,
            Event::Lock(c) => c.at,
        }
    }
}

/// Who is who in the org being loaded.
struct Cast<'a> {
    org: &'a Org,
    owner_id: &'a str,
    /// Admins and help desk: they revoke sessions.
    staff: &'a [String],
    helpdesk: &'a [String],
    /// When the help desk locks the account of the user whose phone was stolen.
    lock_at: i64,
}

/// What the org's history adds up to before it is written.
#[derive(Default)]
struct Rows {
    sessions: Vec<BulkSession>,
    attempts: Vec<Attempt>,
    events: Vec<Event>,
    active: usize,
}

/// A person's sessions with their sign-ins and risk flags; returns the drafts, oldest first.
fn person_history(
    g: &mut Gen,
    spec: &OrgSpec,
    c: &Cast<'_>,
    p: &Person,
    rows: &mut Rows,
) -> Vec<SessionDraft> {
    let now = g.now;
    let t0 = match p.special {
        Special::Travel(_) => Some(now - g.between(6 * HOUR, 4 * DAY)),
        Special::Locked => Some(c.lock_at),
        _ => None,
    };
    let plan = g.plan(spec, p, t0);
    let mut drafts = g.sessions(spec, p, &plan, c.staff);
    if let (Special::Travel(i), Some(t0)) = (p.special, t0) {
        drafts.extend(travel_case(
            g,
            spec,
            p,
            &spec.travel_cases[i],
            t0,
            c.helpdesk,
        ));
        drafts.sort_by_key(|d| d.created_at);
    }
    g.place(spec, p, &plan, &mut drafts);

    let mut priors: Vec<(Prior, Option<i64>)> = Vec::new();
    for d in &drafts {
        let place = d.place.unwrap_or(0);
        let location = g.locs[place].clone();
        let prior: Vec<Prior> = priors
            .iter()
            .map(|(prior, end)| Prior {
                active: end.is_none_or(|e| e > d.created_at),
                ..prior.clone()
            })
            .collect();
        let flags = risk::assess(
            risk::Login {
                at: d.created_at,
                location: &location,
                device: &d.device,
            },
            &prior,
        );
        priors.push((
            Prior {
                created_at: d.created_at,
                active: true,
                location: location.clone(),
                device_key: risk::device_key(&d.device),
            },
            d.end.as_ref().map(|e| e.at),
        ));

        let id = g.id(ids::SESSION, d.created_at);
        let token_hash = g.token();
        let (requests, last_path) = g.activity(d, p);
        if let Some(e) = d.end.as_ref().filter(|e| e.by_staff) {
            rows.events.push(Event::Revoked {
                session_id: id.clone(),
                user_id: p.user.id.clone(),
                by: e.by.clone(),
                note: e.note.clone(),
                ticket: e.ticket.clone(),
                at: e.at,
            });
        }
        if d.end.is_none() {
            rows.active += 1;
        }

        // Sign-in: now and then a mistyped password first.
        if d.created_at > now - 30 * DAY && d.pick.usage != Use::Api && g.chance(0.12) {
            let tries = g.between(1, 2);
            for k in 0..tries {
                let at = d.created_at - (tries - k) * g.between(15_000, 90_000);
                let mut a = g.attempt(c.org, Some(p), &p.user.username, at, d);
                a.failure_reason = Some("invalid_credentials".into());
                rows.attempts.push(a);
            }
        }
        let mut ok = g.attempt(c.org, Some(p), &p.user.username, d.created_at, d);
        ok.success = true;
        ok.session_id = Some(id.clone());
        rows.attempts.push(ok);

        rows.sessions.push(BulkSession {
            session: NewSession {
                id,
                org_id: c.org.id.clone(),
                user_id: p.user.id.clone(),
                token_hash,
                kind: d.kind,
                login_method: d.login_method.clone(),
                app: d.app.clone(),
                device: d.device.clone(),
                language: d.language.clone(),
                ip: Some(PLACES[place].ip.to_string()),
                location,
                created_at: d.created_at,
                remember_me: d.remember_me,
                risk: Risk { flags },
            },
            last_seen_at: d.last_seen_at,
            requests,
            last_path,
            end: d.end.as_ref().map(|e| EndSpec {
                reason: e.reason,
                by: e.by.clone(),
                note: e.note.clone(),
                ticket: e.ticket.clone(),
                at: e.at,
            }),
        });
    }
    drafts
}

/// Failed sign-ins that belong to a person's story: over the limit, locked.
fn story_failures(
    g: &mut Gen,
    spec: &OrgSpec,
    c: &Cast<'_>,
    p: &Person,
    drafts: &[SessionDraft],
    rows: &mut Rows,
) {
    let now = g.now;
    let Some(last) = drafts.iter().max_by_key(|d| d.created_at) else {
        return;
    };
    match p.special {
        Special::OverLimit => {
            for _ in 0..g.between(1, 2) {
                let at =
                    now - g.between(HOUR, (spec.policy_changed_days * DAY - HOUR).max(2 * HOUR));
                let mut a = g.attempt(c.org, Some(p), &p.user.username, at, last);
                a.failure_reason = Some("session_limit".into());
                rows.attempts.push(a);
            }
        }
        Special::Locked => {
            let reason = "Phone stolen from the van; account frozen until the password is reset";
            rows.events.push(Event::Lock(LockChange {
                org_id: c.org.id.clone(),
                user_id: p.user.id.clone(),
                lock: true,
                until: None,
                require_password_reset: true,
                actor: if c.helpdesk.is_empty() {
                    c.owner_id.to_string()
                } else {
                    g.pick(c.helpdesk).clone()
                },
                reason: Some(reason.into()),
                ticket: Some(format!("HD-{}", g.between(2000, 2099))),
                at: c.lock_at,
            }));
            let mut at = c.lock_at;
            for _ in 0..2 {
                at += g.between(10 * MIN, 50 * MIN);
                let mut a = g.attempt(c.org, Some(p), &p.user.username, at.min(now - MIN), last);
                a.failure_reason = Some("account_locked".into());
                rows.attempts.push(a);
            }
        }
        Special::TempLocked => {
            let threshold = i64::from(spec.policy.lockout_threshold.max(1));
            let mut at = now - 14 * MIN;
            for _ in 0..threshold {
                at += g.between(60_000, 110_000);
                let mut a = g.attempt(c.org, Some(p), &p.user.username, at, last);
                a.failure_reason = Some("invalid_credentials".into());
                rows.attempts.push(a);
            }
            let window = spec.policy.lockout_window_s / 60;
            rows.events.push(Event::Lock(LockChange {
                org_id: c.org.id.clone(),
                user_id: p.user.id.clone(),
                lock: true,
                until: Some(at + spec.policy.lockout_duration_s as i64 * 1000),
                require_password_reset: false,
                actor: "system".into(),
                reason: Some(format!(
                    "{threshold} failed sign-ins within {window} minutes"
                )),
                ticket: None,
                at,
            }));
            let mut a = g.attempt(c.org, Some(p), &p.user.username, now - MIN, last);
            a.failure_reason = Some("account_locked".into());
            rows.attempts.push(a);
        }
        _ => {}
    }
}

/// Sign-ins with usernames that do not exist: a password-spraying burst and a few typos.
fn unknown_usernames(
    g: &mut Gen,
    spec: &OrgSpec,
    c: &Cast<'_>,
    people: &[Person],
    rows: &mut Rows,
) {
    let now = g.now;
    if spec.stuffing {
        let from = places::index_of("197.210.1.1").unwrap_or(0);
        let client = SessionDraft {
            pick: Pick {
                device: 0,
                usage: Use::Api,
            },
            kind: SessionKind::Api,
            login_method: "password".into(),
            device: DeviceInfo {
                browser: Some("Python Requests".into()),
                browser_version: Some("2.28".into()),
                kind: Some("other".into()),
                ..Default::default()
            },
            app: AppInfo::default(),
            language: None,
            place: Some(from),
            created_at: 0,
            last_seen_at: 0,
            remember_me: false,
            end: None,
        };
        let mut at = now - 9 * DAY - g.between(0, 3 * HOUR);
        for name in [
            "admin",
            "administrator",
            "root",
            "test",
            "info",
            "support",
            "olivia.owner",
            "it",
        ] {
            at += g.between(20_000, 50_000);
            let mut a = g.attempt(c.org, None, name, at, &client);
            a.failure_reason = Some("invalid_credentials".into());
            rows.attempts.push(a);
        }
    }
    for _ in 0..4 {
        let p = g.pick(&people[1..]);
        if p.persona == Persona::Service || p.user.username.len() < 4 {
            continue;
        }
        let pick = g.choose(spec, p);
        let at = now - g.between(HOUR, 30 * DAY);
        let mut d = g.draft(spec, p, pick, at, at, false);
        d.place = Some(g.home_place(p));
        let typo = &p.user.username[..p.user.username.len() - 1];
        let mut a = g.attempt(c.org, None, typo, at, &d);
        a.failure_reason = Some("invalid_credentials".into());
        rows.attempts.push(a);
    }
}

/// A sign-in at home, then one `minutes` later from far away on a device the user never used.
fn travel_case(
    g: &mut Gen,
    spec: &OrgSpec,
    p: &Person,
    case: &TravelCase,
    t0: i64,
    helpdesk: &[String],
) -> Vec<SessionDraft> {
    let now = g.now;
    let home_pick = Pick {
        device: 0,
        usage: match p.persona {
            Persona::Technician => Use::App(spec.mobile_app, catalog::MOBILE_RELEASES),
            _ => Use::Browser,
        },
    };
    let remember = g.remember(&spec.policy, home_pick.usage);
    let idle = spec
        .policy
        .idle_timeout_s
        .map_or(12 * HOUR, |s| s as i64 * 1000);
    let seen = now - g.between(0, (idle - 30 * MIN).min(now - t0));
    let mut home = g.draft(spec, p, home_pick, t0, seen, remember);
    home.place = Some(g.home_place(p));

    let at = t0 + case.minutes * MIN;
    let far_pick = Pick {
        device: 0,
        usage: Use::Stranger,
    };
    let far_seen = now - g.between(0, 3 * HOUR);
    let mut far = g.draft(spec, p, far_pick, at, far_seen, true);
    far.place = places::index_of(case.far);
    if let Some((reason, ticket)) = case.revoked {
        let end = (at + g.between(30 * MIN, 3 * HOUR)).min(now - MIN);
        far.last_seen_at = end - g.between(0, 10 * MIN).min(end - at);
        far.end = Some(EndDraft {
            reason: EndReason::Revoked,
            by: helpdesk.first().cloned().unwrap_or_else(|| "system".into()),
            note: Some(reason.into()),
            ticket: Some(ticket.into()),
            at: end,
            by_staff: !helpdesk.is_empty(),
        });
    }
    vec![home, far]
}

fn key_usage(g: &mut Gen, key_id: &str, usage: &Usage) -> Vec<KeyUsage> {
    let now = g.now;
    let this_hour = now.div_euclid(HOUR) * HOUR;
    let mut out = Vec::new();
    let (first_hour, hours, per_hour) = match *usage {
        Usage::LastDay { hours, night, day } => (this_hour, hours, Some((night, day))),
        Usage::DaysAgo { days, hours } => (this_hour - days * DAY, hours, None),
    };
    for h in 0..i64::from(hours) {
        let hour = first_hour - h * HOUR;
        let requests = match per_hour {
            Some((night, day)) => {
                // Busier from 08:00 to 18:00 UTC.
                let busy = (8..=18).contains(&(hour / HOUR).rem_euclid(24));
                let base = if busy { day } else { night };
                g.between(base / 2, base + base / 2)
            }
            None => g.between(5, 60),
        };
        let last = (hour + g.between(40 * MIN, HOUR - 1)).min(now);
        out.push(KeyUsage {
            key_id: key_id.to_string(),
            hour,
            requests,
            last_used_at: last,
        });
    }
    out
}

/// Writes sessions and attempts in batches of [`CHUNK`] rows.
async fn bulk(store: &dyn Store, sessions: Vec<BulkSession>, attempts: Vec<Attempt>) -> Result<()> {
    let mut sessions = sessions.into_iter().peekable();
    while sessions.peek().is_some() {
        let batch = BulkBatch {
            sessions: sessions.by_ref().take(CHUNK).collect(),
            attempts: Vec::new(),
        };
        store.bulk_insert(&batch).await?;
    }
    let mut attempts = attempts.into_iter().peekable();
    while attempts.peek().is_some() {
        let batch = BulkBatch {
            sessions: Vec::new(),
            attempts: attempts.by_ref().take(CHUNK).collect(),
        };
        store.bulk_insert(&batch).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sqlx::Row;

    use super::*;
    use crate::enrich::test_data::enricher;
    use crate::expiry;
    use crate::store::SqliteStore;
    use crate::store::User;

    /// 2026-05-04T12:00:00Z
    const NOW: i64 = 1_777_896_000_000;

    async fn store(dir: &tempfile::TempDir, name: &str) -> SqliteStore {
        let url = format!("sqlite:{}", dir.path().join(name).display());
        let store = SqliteStore::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }

    /// Every row of every table as text, in a stable order. Left out: what the store or the
    /// hasher randomises (audit event ids and so the chain's hashes, password salts).
    async fn dump(store: &SqliteStore) -> BTreeMap<String, Vec<String>> {
        let tables: &[(&str, &str, &[&str])] = &[
            ("orgs", "id", &[]),
            ("policies", "org_id", &[]),
            ("users", "id", &["password_hash"]),
            ("sessions", "id", &[]),
            ("login_attempts", "id", &[]),
            ("api_keys", "id", &[]),
            ("api_key_usage", "key_id, hour", &[]),
            ("audit_events", "org_id, seq", &["id", "prev_hash", "hash"]),
        ];
        let mut out = BTreeMap::new();
        for (table, order, skip) in tables {
            let cols: Vec<String> = sqlx::query(&format!("PRAGMA table_info({table})"))
                .fetch_all(store.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("name"))
                .filter(|c| !skip.contains(&c.as_str()))
                .collect();
            let select = cols
                .iter()
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {select} FROM {table} ORDER BY {order}"))
                    .fetch_all(store.pool())
                    .await
                    .unwrap();
            out.insert(table.to_string(), rows);
        }
        out
    }

    #[tokio::test]
    async fn same_seed_and_now_give_the_same_database_and_another_seed_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            store(&dir, "a.db").await,
            store(&dir, "b.db").await,
            store(&dir, "c.db").await,
        );
        let sa = demo(&a, enricher(), 7, NOW).await.unwrap();
        let sb = demo(&b, enricher(), 7, NOW).await.unwrap();
        let sc = demo(&c, enricher(), 8, NOW).await.unwrap();
        assert_eq!(sa, sb);
        assert_eq!(
            sc.orgs[0].users, sa.orgs[0].users,
            "another seed, the same cast size"
        );
        let (da, db, dc) = (dump(&a).await, dump(&b).await, dump(&c).await);
        assert!(da["sessions"].len() > 500, "{}", da["sessions"].len());
        for (table, rows) in &da {
            assert_eq!(rows.len(), db[table].len(), "{table}");
            for (x, y) in rows.iter().zip(&db[table]) {
                assert_eq!(x, y, "{table} differs");
            }
        }
        assert_ne!(da["sessions"], dc["sessions"]);
        assert_ne!(da["users"], dc["users"]);
        assert_ne!(da["login_attempts"], dc["login_attempts"]);
    }

    #[tokio::test]
    async fn without_geolocation_nothing_is_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, "d.db").await;
        let err = demo(&s, &Enricher::empty(), 1, NOW).await.unwrap_err();
        assert!(err.to_string().contains("geolocation"), "{err}");
        assert!(err.to_string().contains("npm ci --prefix data"), "{err}");
        assert!(s.org_by_slug(DEMO_ORG).await.unwrap().is_none());
    }

    /// Counts of a column's values among the rows a query returns.
    async fn tally(s: &SqliteStore, sql: &str) -> BTreeMap<String, i64> {
        sqlx::query(sql)
            .fetch_all(s.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.get::<Option<String>, _>(0).unwrap_or_default(),
                    r.get::<i64, _>(1),
                )
            })
            .collect()
    }

    async fn scalar(s: &SqliteStore, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(s.pool()).await.unwrap()
    }

    #[tokio::test]
    async fn the_demo_tells_the_stories_the_console_shows() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, "e.db").await;
        let summary = demo(&s, enricher(), 1, NOW).await.unwrap();
        let text = summary.to_string();
        assert!(
            text.contains("org=acme username=owner password=sessiondesk-demo"),
            "{text}"
        );
        assert!(text.contains("org acme \"Acme Field Services\""), "{text}");

        let acme = s.org_by_slug(DEMO_ORG).await.unwrap().unwrap();
        let globex = s.org_by_slug("globex").await.unwrap().unwrap();
        let a = format!("'{}'", acme.id);
        let in_acme = |sql: &str| sql.replace("$ORG", &a);

        // The summary counts what is in the database.
        let ours = &summary.orgs[0];
        assert_eq!(ours.slug, "acme");
        assert_eq!(
            ours.users as i64,
            scalar(
                &s,
                &in_acme("SELECT COUNT(*) FROM users WHERE org_id = $ORG")
            )
            .await
        );
        assert_eq!(
            ours.sessions as i64,
            scalar(
                &s,
                &in_acme("SELECT COUNT(*) FROM sessions WHERE org_id = $ORG")
            )
            .await
        );
        assert_eq!(
            ours.active as i64,
            scalar(
                &s,
                &in_acme("SELECT COUNT(*) FROM sessions WHERE org_id = $ORG AND status = 'active'")
            )
            .await
        );
        assert_eq!(
            ours.attempts as i64,
            scalar(
                &s,
                &in_acme("SELECT COUNT(*) FROM login_attempts WHERE org_id = $ORG")
            )
            .await
        );

        // People and roles.
        assert!(ours.users >= 200, "{}", ours.users);
        let roles = tally(
            &s,
            &in_acme("SELECT role, COUNT(*) FROM users WHERE org_id = $ORG GROUP BY role"),
        )
        .await;
        assert_eq!(roles.get("owner"), Some(&1));
        assert!(
            roles["admin"] >= 2 && roles["helpdesk"] >= 2 && roles["auditor"] >= 1,
            "{roles:?}"
        );
        assert!(roles["member"] >= 180, "{roles:?}");
        for org in [&acme, &globex] {
            let owner = s
                .find_user(&org.id, DEMO_OWNER)
                .await
                .unwrap()
                .expect("owner");
            assert_eq!(owner.role, Role::Owner);
            assert!(
                s.user_sessions(&owner.id, false).await.unwrap().is_empty(),
                "owners sign in for real"
            );
            let pw = Passwords::with_params(argon2::Params::default(), 1).unwrap();
            assert!(pw
                .verify(&Secret::new(DEMO_PASSWORD), Some(&owner.password_hash))
                .await
                .unwrap());
        }
        let olivia = s.find_user(&acme.id, DEMO_OWNER).await.unwrap().unwrap();
        assert_eq!(olivia.name, "Olivia Owner");
        let per_user = tally(
            &s,
            &in_acme(
                "SELECT u.username, COUNT(s.id) FROM users u LEFT JOIN sessions s ON s.user_id = u.id \
                 WHERE u.org_id = $ORG AND u.role != 'owner' GROUP BY u.id",
            ),
        )
        .await;
        assert!(
            per_user.values().all(|n| (1..=6).contains(n)),
            "{per_user:?}"
        );
        assert!(
            per_user.keys().all(|u| u.is_ascii() && !u.contains(' ')),
            "{per_user:?}"
        );

        // Places: real lookups, many cities and countries.
        let cities = scalar(
            &s,
            &in_acme(
                "SELECT COUNT(DISTINCT country_code || city) FROM sessions WHERE org_id = $ORG",
            ),
        )
        .await;
        let countries = scalar(
            &s,
            &in_acme("SELECT COUNT(DISTINCT country_code) FROM sessions WHERE org_id = $ORG"),
        )
        .await;
        assert!(
            cities >= 20 && countries >= 10,
            "{cities} cities, {countries} countries"
        );
        assert_eq!(scalar(&s, "SELECT COUNT(*) FROM sessions WHERE lat IS NULL OR country_code IS NULL OR ip IS NULL").await, 0);
        let (ip, city): (String, String) = sqlx::query_as(&in_acme(
            "SELECT ip, city FROM sessions WHERE org_id = $ORG LIMIT 1",
        ))
        .fetch_one(s.pool())
        .await
        .unwrap();
        assert_eq!(
            enricher().locate(ip.parse().unwrap()).city.as_deref(),
            Some(city.as_str())
        );

        // Clients.
        let kinds = tally(
            &s,
            &in_acme("SELECT kind, COUNT(*) FROM sessions WHERE org_id = $ORG GROUP BY kind"),
        )
        .await;
        for k in ["browser", "mobile", "desktop", "api"] {
            assert!(kinds.contains_key(k), "no {k} sessions: {kinds:?}");
        }
        let types = tally(&s, &in_acme("SELECT device_type, COUNT(*) FROM sessions WHERE org_id = $ORG GROUP BY device_type")).await;
        for t in ["phone", "tablet", "desktop", "other"] {
            assert!(types.contains_key(t), "no {t}: {types:?}");
        }
        let browsers = tally(
            &s,
            &in_acme("SELECT browser, COUNT(*) FROM sessions WHERE org_id = $ORG GROUP BY browser"),
        )
        .await;
        for b in [
            "Chrome",
            "Safari",
            "Mobile Safari",
            "Firefox",
            "Edge",
            "Chrome Mobile",
        ] {
            assert!(browsers.contains_key(b), "no {b}: {browsers:?}");
        }
        let oses = tally(
            &s,
            &in_acme("SELECT os, COUNT(*) FROM sessions WHERE org_id = $ORG GROUP BY os"),
        )
        .await;
        for o in ["Windows", "macOS", "iOS", "Android"] {
            assert!(oses.contains_key(o), "no {o}: {oses:?}");
        }
        let apps = tally(&s, &in_acme("SELECT app_name || ' ' || app_version, COUNT(*) FROM sessions WHERE org_id = $ORG AND kind = 'mobile' GROUP BY 1")).await;
        assert!(
            apps.contains_key("Acme Field 4.2.1") && apps.contains_key("Acme Field 4.0.7"),
            "{apps:?}"
        );
        assert_eq!(
            scalar(
                &s,
                "SELECT COUNT(*) FROM sessions WHERE kind = 'api' AND login_method != 'api_key'"
            )
            .await,
            0
        );
        assert_eq!(scalar(&s, "SELECT COUNT(*) FROM sessions WHERE kind = 'mobile' AND (device_name IS NULL OR app_name IS NULL)").await, 0);
        let methods = tally(
            &s,
            &in_acme("SELECT login_method, COUNT(*) FROM sessions WHERE org_id = $ORG GROUP BY 1"),
        )
        .await;
        assert!(
            methods.contains_key("password") && methods.contains_key("sso"),
            "{methods:?}"
        );

        // Active sessions are alive under the policy at `now`; some are stale.
        let policies: BTreeMap<String, Policy> = s.policies().await.unwrap().into_iter().collect();
        let policy = &policies[&acme.id];
        assert_eq!(policy, &acme_policy());
        let live: Vec<(String, i64, i64, bool, i64, Option<String>)> = sqlx::query_as(
            "SELECT org_id, created_at, last_seen_at, remember_me, requests, last_path FROM sessions WHERE status = 'active'",
        )
        .fetch_all(s.pool())
        .await
        .unwrap();
        for (org, created, seen, remember, requests, path) in &live {
            let d = expiry::deadlines(&policies[org], *created, *seen, *remember);
            assert_eq!(
                d.expired(NOW),
                None,
                "expired: created {created} seen {seen} remember {remember}"
            );
            assert!(created <= seen && *seen <= NOW);
            assert!(*requests > 0 && path.as_deref().is_some_and(|p| p.starts_with('/')));
        }
        let stale = live
            .iter()
            .filter(|l| NOW - l.1 > risk::STALE_AFTER_MS)
            .count();
        assert!(stale >= 5, "{stale} stale sessions");
        let over = tally(
            &s,
            &in_acme("SELECT user_id, COUNT(*) FROM sessions WHERE org_id = $ORG AND status = 'active' GROUP BY user_id HAVING COUNT(*) > 4"),
        )
        .await;
        assert!(
            over.len() >= 3 && over.values().all(|n| *n <= 6),
            "{over:?}"
        );

        // Ended sessions: every reason, who ended them and why.
        let reasons = tally(&s, &in_acme("SELECT end_reason, COUNT(*) FROM sessions WHERE org_id = $ORG AND status = 'ended' GROUP BY 1")).await;
        for r in EndReason::ALL {
            assert!(
                reasons.contains_key(r.as_str()),
                "no {}: {reasons:?}",
                r.as_str()
            );
        }
        assert_eq!(scalar(&s, "SELECT COUNT(*) FROM sessions WHERE status = 'ended' AND (ended_by IS NULL OR ended_at IS NULL OR ended_at < last_seen_at OR ended_at > 1777896000000)").await, 0);
        assert_eq!(scalar(&s, "SELECT COUNT(*) FROM sessions WHERE end_reason IN ('idle_timeout', 'absolute_timeout') AND ended_by != 'system'").await, 0);
        let by_staff = scalar(
            &s,
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.ended_by \
             WHERE s.end_reason = 'revoked' AND u.role IN ('admin', 'helpdesk') AND s.reason IS NOT NULL",
        )
        .await;
        assert!(by_staff >= 5, "{by_staff}");
        assert!(scalar(&s, "SELECT COUNT(*) FROM sessions WHERE ticket LIKE 'HD-%'").await >= 2);
        let early_evictions = format!(
            "SELECT COUNT(*) FROM sessions WHERE org_id = $ORG AND end_reason = 'limit_evicted' AND ended_at < {}",
            NOW - 14 * DAY
        );
        assert_eq!(
            scalar(&s, &in_acme(&early_evictions)).await,
            0,
            "no limit before the policy change"
        );
        assert_eq!(
            by_staff,
            scalar(&s, &in_acme("SELECT COUNT(*) FROM audit_events WHERE org_id = $ORG AND action = 'session.ended' AND data LIKE '%\"revoked\"%'")).await,
            "each revocation by staff is in the audit trail"
        );

        // Risk flags computed from history: impossible travel, Madrid then Singapore.
        let risky: Vec<String> = sqlx::query_scalar(&in_acme(
            "SELECT risk FROM sessions WHERE org_id = $ORG AND risk LIKE '%impossible_travel%'",
        ))
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert!(risky.len() >= 3, "{}", risky.len());
        let madrid = risky.iter().any(|r| {
            let risk: Risk = serde_json::from_str(r).unwrap();
            risk.flags.iter().any(|f| {
                f.kind == "impossible_travel"
                    && f.detail.starts_with("Madrid")
                    && f.detail.contains("Singapore")
                    && f.evidence["minutes"].as_f64() == Some(40.0)
            })
        });
        assert!(madrid, "{risky:?}");
        for kind in ["new_country", "new_device", "multi_country"] {
            let n = scalar(
                &s,
                &format!("SELECT COUNT(*) FROM sessions WHERE risk LIKE '%\"{kind}\"%'"),
            )
            .await;
            assert!(n > 0, "no {kind} flag");
        }

        // Login history.
        let successes = scalar(
            &s,
            &in_acme("SELECT COUNT(*) FROM login_attempts WHERE org_id = $ORG AND success"),
        )
        .await;
        assert_eq!(successes, ours.sessions as i64, "one success per session");
        assert_eq!(
            scalar(&s, "SELECT COUNT(*) FROM login_attempts a JOIN sessions s ON s.id = a.session_id WHERE a.at != s.created_at OR a.ip != s.ip").await,
            0
        );
        let failures = tally(&s, &in_acme("SELECT failure_reason, COUNT(*) FROM login_attempts WHERE org_id = $ORG AND NOT success GROUP BY 1")).await;
        for r in ["invalid_credentials", "account_locked", "session_limit"] {
            assert!(failures.contains_key(r), "no {r}: {failures:?}");
        }
        let days = scalar(
            &s,
            &in_acme("SELECT COUNT(DISTINCT at / 86400000) FROM login_attempts WHERE org_id = $ORG AND NOT success AND at > 1777896000000 - 30 * 86400000"),
        )
        .await;
        assert!(days >= 10, "failures on {days} days");
        assert_eq!(
            scalar(
                &s,
                "SELECT COUNT(*) FROM login_attempts WHERE at > 1777896000000"
            )
            .await,
            0
        );
        assert!(
            scalar(
                &s,
                "SELECT COUNT(*) FROM login_attempts WHERE user_id IS NULL"
            )
            .await
                >= 5
        );

        // Locks: one by the help desk (sessions ended, audited), one after failed sign-ins.
        let locked: Vec<User> = {
            let ids: Vec<String> = sqlx::query_scalar(&in_acme(
                "SELECT id FROM users WHERE org_id = $ORG AND locked",
            ))
            .fetch_all(s.pool())
            .await
            .unwrap();
            assert_eq!(ids.len(), 1);
            vec![s.user(&ids[0]).await.unwrap().unwrap()]
        };
        let frozen = &locked[0];
        assert!(frozen.password_reset_required && frozen.lock_reason.is_some());
        let theirs = s.user_sessions(&frozen.id, false).await.unwrap();
        assert!(theirs.iter().all(|r| !r.active));
        assert!(
            theirs
                .iter()
                .filter(|r| r.end_reason == Some(EndReason::AccountLocked))
                .count()
                >= 2
        );
        let temp: Vec<(String, i64)> = sqlx::query_as(&in_acme(
            "SELECT id, locked_until FROM users WHERE org_id = $ORG AND locked_until IS NOT NULL",
        ))
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert_eq!(temp.len(), 1);
        assert!(temp[0].1 > NOW);
        assert_eq!(
            s.recent_failures(&temp[0].0, NOW - 15 * MIN).await.unwrap(),
            5
        );
        let actions = tally(
            &s,
            &in_acme(
                "SELECT action, COUNT(*) FROM audit_events WHERE org_id = $ORG GROUP BY action",
            ),
        )
        .await;
        assert_eq!(actions.get("user.locked"), Some(&1), "{actions:?}");
        assert_eq!(
            actions.get("user.locked_temporarily"),
            Some(&1),
            "{actions:?}"
        );
        assert_eq!(actions.get("policy.updated"), Some(&1), "{actions:?}");
        assert_eq!(actions.get("seed.loaded"), Some(&1), "{actions:?}");
        assert_eq!(
            actions.get("user.created"),
            Some(&(ours.users as i64)),
            "{actions:?}"
        );

        // API keys and their use over the last day.
        let keys: Vec<ApiKey> = s
            .active_api_keys()
            .await
            .unwrap()
            .into_iter()
            .filter(|k| k.org_id == acme.id)
            .collect();
        assert_eq!(keys.len(), 3);
        let hours = tally(
            &s,
            &format!(
                "SELECT key_id, COUNT(*) FROM api_key_usage WHERE hour > {} GROUP BY key_id",
                NOW - DAY
            ),
        )
        .await;
        assert!(hours.values().any(|n| *n >= 20), "{hours:?}");
        assert!(keys
            .iter()
            .all(|k| k.last_used_at.is_some_and(|t| t <= NOW)));

        // The audit trail verifies and reads forward in time.
        for org in [&acme, &globex] {
            let v = s.verify_audit(&org.id).await.unwrap();
            assert!(v.ok, "{v:?}");
            let events: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT seq, at, action FROM audit_events WHERE org_id = ? ORDER BY seq",
            )
            .bind(&org.id)
            .fetch_all(s.pool())
            .await
            .unwrap();
            let back: Vec<String> = events
                .windows(2)
                .filter(|w| w[0].1 > w[1].1)
                .map(|w| format!("{:?} then {:?}", w[0], w[1]))
                .collect();
            assert!(back.is_empty(), "audit times go backwards: {back:?}");
        }

        // The second org is separate and small.
        let g = &summary.orgs[1];
        assert_eq!(g.slug, "globex");
        assert!(
            (10..=20).contains(&g.users) && g.sessions > g.users,
            "{g:?}"
        );
        let globex_max = scalar(
            &s,
            &format!("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM sessions WHERE org_id = '{}' AND status = 'active' GROUP BY user_id)", globex.id),
        )
        .await;
        assert!(globex_max <= 3, "globex's limit is 3");

        // Seeding twice is refused.
        let again = demo(&s, enricher(), 1, NOW).await.unwrap_err();
        assert!(matches!(again, Error::Conflict(_)), "{again}");
    }
}
