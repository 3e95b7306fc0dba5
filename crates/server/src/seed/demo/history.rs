//! The cast and the history of a demo org: people with their devices, and the sessions they
//! opened, with times that keep active sessions alive under the policy and places that never
//! move faster than a plane (except on purpose).

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::Rng;
use sessiondesk_protocol::{
    AppInfo, DeviceInfo, EndReason, Location, OnLimit, Policy, Role, SessionKind,
};

use super::{OrgSpec, DAY, DEMO_OWNER, HOUR, MIN, TRAVEL_KMH};
use crate::expiry;
use crate::ids;
use crate::risk;
use crate::seed::catalog::{self, ApiClient, Browser, Form, Hardware, Release};
use crate::seed::places::{self, PLACES};
use crate::store::{Attempt, Org, User};
use crate::token::{self, TokenHash};

// ------------------------------------------------------------------------------- people

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Persona {
    /// Phone and often a tablet, mostly the mobile app.
    Technician,
    /// A computer and usually a phone, mostly the browser.
    Office,
    /// An integration calling the API.
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Special {
    None,
    Travel(usize),
    OverLimit,
    Locked,
    TempLocked,
}

/// A device a person owns.
#[derive(Debug, Clone)]
pub(super) struct Owned {
    pub(super) hw: &'static Hardware,
    pub(super) browser: Browser,
    /// The name apps report ("Anna's iPhone").
    pub(super) name: String,
}

pub(super) struct Person {
    pub(super) user: User,
    pub(super) persona: Persona,
    pub(super) home: Vec<usize>,
    pub(super) language: &'static str,
    pub(super) devices: Vec<Owned>,
    pub(super) api: Option<&'static ApiClient>,
    pub(super) dispatcher: bool,
    pub(super) sso: bool,
    pub(super) special: Special,
}

// ------------------------------------------------------------------------------- sessions

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    App(&'static str, &'static [Release]),
    Desktop,
    Browser,
    Api,
    Stranger,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Pick {
    pub(super) device: usize,
    pub(super) usage: Use,
}

pub(super) struct Plan {
    pub(super) total: usize,
    pub(super) active: usize,
    /// Ended sessions start before this.
    pub(super) created_before: i64,
    /// Active sessions start before this.
    pub(super) active_created_before: i64,
    /// Activity and ends happen before this (`now`, or the instant the account is locked).
    pub(super) until: i64,
    pub(super) travels: bool,
}

#[derive(Debug, Clone)]
pub(super) struct EndDraft {
    pub(super) reason: EndReason,
    pub(super) by: String,
    pub(super) note: Option<String>,
    pub(super) ticket: Option<String>,
    pub(super) at: i64,
    /// Ended by staff: also written to the audit trail.
    pub(super) by_staff: bool,
}

#[derive(Debug, Clone)]
pub(super) struct SessionDraft {
    pub(super) pick: Pick,
    pub(super) kind: SessionKind,
    pub(super) login_method: String,
    pub(super) device: DeviceInfo,
    pub(super) app: AppInfo,
    pub(super) language: Option<String>,
    pub(super) place: Option<usize>,
    pub(super) created_at: i64,
    pub(super) last_seen_at: i64,
    pub(super) remember_me: bool,
    pub(super) end: Option<EndDraft>,
}

// ------------------------------------------------------------------------------- the generator

pub(super) struct Gen {
    pub(super) rng: StdRng,
    pub(super) now: i64,
    /// The located [`PLACES`], same order.
    pub(super) locs: Vec<Location>,
}

impl Gen {
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut x = self.rng.random_range(0..total.max(1));
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }

    pub(super) fn id(&mut self, prefix: &str, at: i64) -> String {
        ids::id_from_parts(prefix, at, self.rng.random())
    }

    pub(super) fn token(&mut self) -> TokenHash {
        let seed: [u8; 32] = self.rng.random();
        token::hash(token::from_seed(token::SESSION_PREFIX, &seed).expose())
    }

    pub(super) fn home_place(&mut self, p: &Person) -> usize {
        *self.pick(&p.home)
    }

    pub(super) fn km(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (&self.locs[a], &self.locs[b]);
        match (x.lat, x.lon, y.lat, y.lon) {
            (Some(a1), Some(o1), Some(a2), Some(o2)) => risk::haversine_km(a1, o1, a2, o2),
            _ => 0.0,
        }
    }

    // ---------------------------------------------------------------- people

    pub(super) fn people(&mut self, spec: &OrgSpec, org: &Org, password_hash: &str) -> Vec<Person> {
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        let hq = spec.offices[0];
        let owner_at = org.created_at + MIN;
        out.push(Person {
            user: self.user(
                spec,
                org,
                DEMO_OWNER,
                spec.owner_name,
                Role::Owner,
                owner_at,
                password_hash,
            ),
            persona: Persona::Office,
            home: places::people_in(hq.city),
            language: hq.language,
            devices: Vec::new(),
            api: None,
            dispatcher: false,
            sso: false,
            special: Special::None,
        });
        taken.insert(DEMO_OWNER.to_string());

        let staff_from = org.created_at + DAY;
        let last_hire = self.now - 125 * DAY;
        let roles = std::iter::repeat_n(Role::Admin, spec.admins)
            .chain(std::iter::repeat_n(Role::Helpdesk, spec.helpdesk))
            .chain(std::iter::repeat_n(Role::Auditor, spec.auditors));
        let mut roles: Vec<(Role, Special)> = roles.map(|r| (r, Special::None)).collect();
        for i in 0..spec.members {
            let special = if i < spec.travel_cases.len() {
                Special::Travel(i)
            } else if i < spec.travel_cases.len() + spec.over_limit {
                Special::OverLimit
            } else if spec.locks && i == spec.travel_cases.len() + spec.over_limit {
                Special::Locked
            } else if spec.locks && i == spec.travel_cases.len() + spec.over_limit + 1 {
                Special::TempLocked
            } else {
                Special::None
            };
            roles.push((Role::Member, special));
        }

        for (role, special) in roles {
            let mut office = self.weighted(
                &spec
                    .offices
                    .iter()
                    .map(|o| (*o, o.weight))
                    .collect::<Vec<_>>(),
            );
            if let Special::Travel(i) = special {
                let home = spec.travel_cases[i].home;
                if let Some(o) = spec.offices.iter().find(|o| o.city == home) {
                    office = *o;
                }
            }
            let first = *self.pick(office.culture.first_names());
            let last = *self.pick(office.culture.last_names());
            let base = format!(
                "{}.{}",
                catalog::ascii_fold(first),
                catalog::ascii_fold(last)
            );
            let mut username = base.clone();
            let mut n = 2;
            while !taken.insert(username.clone()) {
                username = format!("{base}{n}");
                n += 1;
            }
            let created = if role == Role::Member {
                self.between(staff_from + 30 * DAY, last_hire)
            } else {
                self.between(staff_from, staff_from + 30 * DAY)
            };
            let persona = match (role, special) {
                (Role::Member, Special::OverLimit | Special::Locked) => Persona::Technician,
                (Role::Member, _) if self.chance(0.65) => Persona::Technician,
                _ => Persona::Office,
            };
            let language = if !office.language.starts_with("en") && self.chance(0.15) {
                if office.language.ends_with("CA") {
                    "en-CA"
                } else {
                    "en-GB"
                }
            } else {
                office.language
            };
            let devices = self.devices(persona, first, special);
            let name = format!("{first} {last}");
            let user = self.user(spec, org, &username, &name, role, created, password_hash);
            out.push(Person {
                user,
                persona,
                home: places::people_in(office.city),
                language,
                devices,
                api: None,
                dispatcher: persona == Persona::Office && self.chance(0.3),
                sso: self.chance(0.4),
                special,
            });
        }

        for api in spec.integrations {
            let created = self.between(staff_from + 10 * DAY, staff_from + 60 * DAY);
            taken.insert(api.username.to_string());
            let user = self.user(
                spec,
                org,
                api.username,
                api.name,
                Role::Member,
                created,
                password_hash,
            );
            out.push(Person {
                user,
                persona: Persona::Service,
                home: places::index_of(api.ip).into_iter().collect(),
                language: "",
                devices: Vec::new(),
                api: Some(api),
                dispatcher: false,
                sso: false,
                special: Special::None,
            });
        }
        // Created in time order, so the audit trail reads forward; the owner stays first.
        out[1..].sort_by_key(|p| p.user.created_at);
        out
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn user(
        &mut self,
        spec: &OrgSpec,
        org: &Org,
        username: &str,
        name: &str,
        role: Role,
        created_at: i64,
        password_hash: &str,
    ) -> User {
        User {
            id: self.id(ids::USER, created_at),
            org_id: org.id.clone(),
            username: username.to_string(),
            name: name.to_string(),
            email: Some(format!("{username}@{}", spec.domain)),
            role,
            password_hash: password_hash.to_string(),
            locked: false,
            locked_until: None,
            lock_reason: None,
            password_reset_required: false,
            created_at,
        }
    }

    pub(super) fn devices(
        &mut self,
        persona: Persona,
        first: &str,
        special: Special,
    ) -> Vec<Owned> {
        let mut hw: Vec<&'static Hardware> = Vec::new();
        match persona {
            Persona::Technician => {
                hw.push(self.pick(catalog::PHONES));
                if special == Special::OverLimit || self.chance(0.5) {
                    hw.push(self.pick(catalog::TABLETS));
                }
            }
            Persona::Office => {
                hw.push(self.pick(catalog::COMPUTERS));
                if self.chance(0.8) {
                    hw.push(self.pick(catalog::PHONES));
                }
            }
            Persona::Service => {}
        }
        hw.into_iter()
            .map(|hw| {
                let browser = *self.pick(hw.browsers);
                let name = self.device_name(hw, first);
                Owned { hw, browser, name }
            })
            .collect()
    }

    pub(super) fn device_name(&mut self, hw: &Hardware, first: &str) -> String {
        match (hw.form, hw.os) {
            (Form::Phone, "iOS") => format!("{first}'s iPhone"),
            (Form::Tablet, "iPadOS") => format!("{first}'s iPad"),
            (Form::Computer, "Windows") => {
                const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
                let tail: String = (0..7).map(|_| *self.pick(ALNUM) as char).collect();
                let kind = if hw.model.starts_with("OptiPlex") {
                    "DESKTOP"
                } else {
                    "LAPTOP"
                };
                format!("{kind}-{tail}")
            }
            (Form::Computer, "macOS") => format!("{first}'s {}", hw.model),
            (Form::Computer, _) => format!("{}-thinkpad", catalog::ascii_fold(first)),
            _ => hw.model.to_string(),
        }
    }

    // ---------------------------------------------------------------- what a session runs on

    pub(super) fn choose(&mut self, spec: &OrgSpec, p: &Person) -> Pick {
        if p.persona == Persona::Service {
            return Pick {
                device: 0,
                usage: Use::Api,
            };
        }
        let device = if p.devices.len() > 1 && self.chance(0.4) {
            self.rng.random_range(1..p.devices.len())
        } else {
            0
        };
        let form = p.devices[device].hw.form;
        let app = match spec.companion_app {
            Some(name) if self.chance(0.15) => Use::App(name, catalog::COMPANION_RELEASES),
            _ => Use::App(spec.mobile_app, catalog::MOBILE_RELEASES),
        };
        let usage = match (form, p.persona) {
            (Form::Computer, _) => {
                let desktop = if p.dispatcher { 0.7 } else { 0.15 };
                if self.chance(desktop) {
                    Use::Desktop
                } else {
                    Use::Browser
                }
            }
            (_, Persona::Technician) => {
                if self.chance(0.8) {
                    app
                } else {
                    Use::Browser
                }
            }
            _ => {
                if self.chance(0.5) {
                    app
                } else {
                    Use::Browser
                }
            }
        };
        Pick { device, usage }
    }

    /// Kind, device and app of a session started `age` ms before `now` (versions follow age).
    pub(super) fn describe(
        &self,
        spec: &OrgSpec,
        p: &Person,
        pick: Pick,
        age: i64,
    ) -> (SessionKind, DeviceInfo, AppInfo) {
        let s = |v: &str| Some(v.to_string());
        let age_days = age / DAY;
        if let Use::Api = pick.usage {
            let api = p.api.unwrap_or(&catalog::ACME_INTEGRATIONS[0]);
            let device = DeviceInfo {
                browser: s(api.library),
                browser_version: s(api.library_version),
                kind: s("other"),
                ..Default::default()
            };
            return (
                SessionKind::Api,
                device,
                AppInfo {
                    name: s(api.app),
                    version: s(api.app_version),
                },
            );
        }
        if let Use::Stranger = pick.usage {
            let hw = &catalog::STRANGER;
            let b = hw.browsers[0];
            let device = DeviceInfo {
                browser: s(b.name),
                browser_version: s(b.version),
                os: s(hw.os),
                kind: s("desktop"),
                ..Default::default()
            };
            return (SessionKind::Browser, device, AppInfo::default());
        }
        let owned = &p.devices[pick.device];
        let hw = owned.hw;
        let form = match hw.form {
            Form::Phone => "phone",
            Form::Tablet => "tablet",
            Form::Computer => "desktop",
        };
        match pick.usage {
            Use::App(name, releases) => (
                SessionKind::Mobile,
                DeviceInfo {
                    os: s(hw.os),
                    os_version: hw.os_version.map(str::to_string),
                    model: s(hw.model),
                    kind: s(form),
                    name: Some(owned.name.clone()),
                    ..Default::default()
                },
                AppInfo {
                    name: s(name),
                    version: s(catalog::release_at(releases, age_days)),
                },
            ),
            Use::Desktop => (
                SessionKind::Desktop,
                DeviceInfo {
                    browser: s(catalog::ELECTRON.0),
                    browser_version: s(catalog::ELECTRON.1),
                    os: s(hw.os),
                    os_version: hw.os_version.map(str::to_string),
                    model: s(hw.model),
                    kind: s(form),
                    name: Some(owned.name.clone()),
                },
                AppInfo {
                    name: s(spec.desktop_app),
                    version: s(catalog::release_at(catalog::DESKTOP_RELEASES, age_days)),
                },
            ),
            _ => {
                let b = owned.browser;
                let version = if age_days > 30 {
                    b.old_version
                } else {
                    b.version
                };
                (
                    SessionKind::Browser,
                    DeviceInfo {
                        browser: s(b.name),
                        browser_version: s(version),
                        os: s(hw.browser_os),
                        os_version: hw.os_version.map(str::to_string),
                        model: hw.browser_model.map(str::to_string),
                        kind: s(form),
                        name: None,
                    },
                    AppInfo::default(),
                )
            }
        }
    }

    pub(super) fn remember(&mut self, policy: &Policy, usage: Use) -> bool {
        let p = match usage {
            Use::App(..) => 0.95,
            Use::Browser => 0.3,
            Use::Stranger => 1.0,
            Use::Desktop | Use::Api => 0.0,
        };
        policy.remember_me_allowed && p > 0.0 && self.chance(p)
    }

    pub(super) fn login_method(&mut self, p: &Person, usage: Use) -> String {
        let sso = match usage {
            Use::Api => return "api_key".into(),
            Use::Stranger => false,
            Use::App(..) => p.sso && self.chance(0.5),
            Use::Browser | Use::Desktop => p.sso,
        };
        let method = if sso { "sso" } else { "password" };
        method.into()
    }

    // ---------------------------------------------------------------- when

    pub(super) fn plan(&mut self, spec: &OrgSpec, p: &Person, t0: Option<i64>) -> Plan {
        let now = self.now;
        let cap = spec.policy.max_sessions.map_or(6, |m| m as usize);
        let mut plan = Plan {
            total: 0,
            active: 0,
            created_before: now,
            active_created_before: now,
            until: now,
            travels: p.persona != Persona::Service && self.chance(0.3),
        };
        match p.special {
            Special::OverLimit => {
                plan.total = self.weighted(&[(5, 1), (6, 1)]);
                plan.active = plan.total;
                plan.active_created_before = now - spec.policy_changed_days * DAY - HOUR;
                plan.travels = false;
                return plan;
            }
            Special::Travel(_) => {
                let before = t0.unwrap_or(now) - HOUR;
                plan.total = self.weighted(&[(1, 1), (2, 2), (3, 2), (4, 1)]);
                plan.active = (0..plan.total).filter(|_| self.chance(0.5)).count().min(2);
                plan.created_before = before;
                plan.active_created_before = before;
                plan.travels = false;
                return plan;
            }
            Special::Locked => {
                let lock_at = t0.unwrap_or(now);
                plan.total = self.weighted(&[(3, 1), (4, 1)]);
                plan.active = plan.total - 1;
                plan.created_before = lock_at - 30 * MIN;
                plan.active_created_before = lock_at - 30 * MIN;
                plan.until = lock_at;
                plan.travels = false;
                return plan;
            }
            Special::TempLocked => {
                plan.created_before = now - 2 * HOUR;
                plan.active_created_before = now - 2 * HOUR;
            }
            Special::None => {}
        }
        if p.persona == Persona::Service {
            plan.total = self.weighted(&[(2, 1), (3, 1)]);
            plan.active = self.weighted(&[(1, 1), (2, 1)]);
            return plan;
        }
        plan.total = self.weighted(&[(1, 15), (2, 25), (3, 25), (4, 20), (5, 10), (6, 5)]);
        plan.active = (0..plan.total)
            .filter(|_| self.chance(0.62))
            .count()
            .min(cap);
        plan
    }

    /// (created_at, last_seen_at) of a session still active under the policy at `plan.until`.
    pub(super) fn active_times(
        &mut self,
        policy: &Policy,
        plan: &Plan,
        usage: Use,
        remember: bool,
    ) -> (i64, i64) {
        let until = plan.until;
        let remembered = remember && policy.remember_me_allowed;
        let life = if remembered {
            policy.remember_me_timeout_s
        } else {
            policy.absolute_timeout_s
        };
        let max_age = life
            .map_or(85 * DAY, |s| (s as i64 * 1000 - 2 * DAY).min(85 * DAY))
            .max(2 * HOUR);
        let idle = if remembered {
            None
        } else {
            policy.idle_timeout_s.map(|s| s as i64 * 1000)
        };
        let age = match usage {
            Use::App(..) => match self.weighted(&[(0, 50), (1, 35), (2, 15)]) {
                0 => self.between(HOUR, 7 * DAY),
                1 => self.between(7 * DAY, 30 * DAY),
                _ => self.between(31 * DAY, max_age),
            },
            Use::Browser if remembered => self.between(HOUR, 30 * DAY),
            Use::Browser | Use::Stranger => self.between(10 * MIN, 3 * DAY),
            Use::Desktop => {
                if self.chance(0.6) {
                    self.between(HOUR, 14 * DAY)
                } else {
                    self.between(31 * DAY, max_age)
                }
            }
            Use::Api => self.between(2 * DAY, max_age),
        }
        .min(max_age);
        let hi = plan.active_created_before.min(until - 10 * MIN);
        let lo = (until - max_age + HOUR).min(hi);
        let mut created = until - age;
        if created > hi {
            created = hi - self.between(0, (10 * DAY).min(hi - lo));
        }
        let created = created.clamp(lo, hi);
        let since = until - created;
        let last_seen = match (usage, idle) {
            (Use::Api, _) => until - self.between(0, (10 * MIN).min(since)),
            (_, Some(i)) => until - self.between(0, (i - 30 * MIN).min(since)),
            (_, None) => {
                if self.chance(0.7) {
                    until - self.between(0, DAY.min(since))
                } else {
                    until - self.between(0, since.min(10 * DAY))
                }
            }
        };
        (created, last_seen.max(created))
    }

    pub(super) fn end_reason(&mut self, policy: &Policy, usage: Use, remember: bool) -> EndReason {
        use EndReason::*;
        let remembered = remember && policy.remember_me_allowed;
        let idle_ok = policy.idle_timeout_s.is_some() && !remembered;
        let abs_ok = policy.absolute_timeout_s.is_some() && !remembered;
        let weights: &[(EndReason, u32)] = match usage {
            Use::App(..) => &[
                (Logout, 35),
                (Revoked, 25),
                (LimitEvicted, 30),
                (IdleTimeout, 10),
            ],
            Use::Browser | Use::Stranger => &[
                (Logout, 45),
                (IdleTimeout, 35),
                (Revoked, 10),
                (LimitEvicted, 5),
                (AbsoluteTimeout, 5),
            ],
            Use::Desktop => &[
                (Logout, 30),
                (IdleTimeout, 30),
                (AbsoluteTimeout, 30),
                (Revoked, 10),
            ],
            Use::Api => &[(Revoked, 40), (AbsoluteTimeout, 60)],
        };
        let allowed: Vec<(EndReason, u32)> = weights
            .iter()
            .copied()
            .filter(|(r, _)| match r {
                IdleTimeout => idle_ok,
                AbsoluteTimeout => abs_ok,
                _ => true,
            })
            .collect();
        if allowed.is_empty() {
            Logout
        } else {
            self.weighted(&allowed)
        }
    }

    /// (created_at, last_seen_at, ended_at) of an ended session.
    pub(super) fn ended_times(
        &mut self,
        policy: &Policy,
        plan: &Plan,
        reason: EndReason,
    ) -> (i64, i64, i64) {
        let (cb, until) = (plan.created_before, plan.until);
        let idle = policy.idle_timeout_s.map_or(12 * HOUR, |s| s as i64 * 1000);
        match reason {
            EndReason::IdleTimeout => {
                let span = self.between(MIN, 6 * HOUR);
                let hi = cb.min(until - span - idle);
                let created = hi - self.between(0, 50 * DAY);
                let last_seen = created + span;
                (created, last_seen, last_seen + idle)
            }
            EndReason::AbsoluteTimeout => {
                let life = policy
                    .absolute_timeout_s
                    .map_or(30 * DAY, |s| s as i64 * 1000);
                let hi = cb.min(until - life);
                let created = hi - self.between(HOUR, 25 * DAY);
                let end = created + life;
                let last_seen = end - self.between(5 * MIN, (idle - 30 * MIN).min(6 * HOUR));
                (created, last_seen, end)
            }
            EndReason::Logout => {
                let life = self.between(5 * MIN, 9 * HOUR);
                let hi = cb.min(until - life);
                let created = hi - self.between(0, 55 * DAY);
                (created, created + life, created + life)
            }
            _ => {
                let life = self.between(10 * MIN, 5 * DAY);
                let hi = cb.min(until - life);
                let created = hi - self.between(0, 55 * DAY);
                let end = created + life;
                (created, end - self.between(0, (30 * MIN).min(life)), end)
            }
        }
    }

    pub(super) fn draft(
        &mut self,
        spec: &OrgSpec,
        p: &Person,
        pick: Pick,
        created: i64,
        last_seen: i64,
        remember: bool,
    ) -> SessionDraft {
        let (kind, device, app) = self.describe(spec, p, pick, self.now - created);
        let place = match pick.usage {
            Use::Api => p.home.first().copied(),
            _ => None,
        };
        SessionDraft {
            pick,
            kind,
            login_method: self.login_method(p, pick.usage),
            device,
            app,
            language: match pick.usage {
                Use::Api => None,
                Use::Stranger => Some("en-US".into()),
                _ => Some(p.language.to_string()),
            },
            place,
            created_at: created,
            last_seen_at: last_seen,
            remember_me: remember,
            end: None,
        }
    }

    /// A person's sessions, oldest first, without places.
    pub(super) fn sessions(
        &mut self,
        spec: &OrgSpec,
        p: &Person,
        plan: &Plan,
        staff: &[String],
    ) -> Vec<SessionDraft> {
        let policy = &spec.policy;
        let mut out = Vec::with_capacity(plan.total);
        for i in 0..plan.total {
            let pick = self.choose(spec, p);
            let remember = self.remember(policy, pick.usage);
            if i < plan.active {
                let (created, last_seen) = self.active_times(policy, plan, pick.usage, remember);
                out.push(self.draft(spec, p, pick, created, last_seen, remember));
                continue;
            }
            let reason = self.end_reason(policy, pick.usage, remember);
            let (created, last_seen, at) = self.ended_times(policy, plan, reason);
            let mut d = self.draft(spec, p, pick, created, last_seen, remember);
            d.end = Some(self.end(spec, p, reason, pick.usage, at, staff));
            out.push(d);
        }
        out.sort_by_key(|d| d.created_at);
        // A session ended by the limit ended when a later one of the same user signed in, and
        // only once the org had a limit.
        let limit_since = if spec.first_policy.max_sessions.is_some() {
            i64::MIN
        } else {
            self.now - spec.policy_changed_days * DAY
        };
        for i in 0..out.len() {
            let Some(end) = &out[i].end else { continue };
            if end.reason != EndReason::LimitEvicted {
                continue;
            }
            let created = out[i].created_at;
            let next = out[i + 1..]
                .iter()
                .map(|d| d.created_at)
                .find(|&t| t > created + MIN && t < plan.until);
            let d = &mut out[i];
            let Some(end) = d.end.as_mut() else { continue };
            match next.filter(|&at| at >= limit_since) {
                Some(at) => {
                    d.last_seen_at = d.last_seen_at.min(at).max(created);
                    // A session that timed out before the later sign-in ended by that instead.
                    let deadlines =
                        expiry::deadlines(policy, created, d.last_seen_at, d.remember_me);
                    match deadlines.expired(at) {
                        Some((reason, expired_at)) => {
                            d.last_seen_at = d.last_seen_at.min(expired_at);
                            end.reason = reason;
                            end.by = "system".into();
                            end.note = None;
                            end.at = expired_at;
                        }
                        None => end.at = at,
                    }
                }
                None => {
                    end.reason = EndReason::Logout;
                    end.note = None;
                    end.at = end.at.max(d.last_seen_at);
                    d.last_seen_at = end.at;
                }
            }
        }
        out
    }

    pub(super) fn end(
        &mut self,
        spec: &OrgSpec,
        p: &Person,
        reason: EndReason,
        usage: Use,
        at: i64,
        staff: &[String],
    ) -> EndDraft {
        let mut e = EndDraft {
            reason,
            by: p.user.id.clone(),
            note: None,
            ticket: None,
            at,
            by_staff: false,
        };
        match reason {
            EndReason::IdleTimeout | EndReason::AbsoluteTimeout => e.by = "system".into(),
            EndReason::LimitEvicted => {
                e.note = Some(
                    match spec.policy.on_limit {
                        OnLimit::EvictOldest => "oldest session ended by the session limit",
                        _ => "ended by the user to sign in on another device",
                    }
                    .into(),
                );
            }
            EndReason::Revoked if !staff.is_empty() && (usage == Use::Api || self.chance(0.65)) => {
                e.by = self.pick(staff).clone();
                e.by_staff = true;
                if usage == Use::Api {
                    e.note = Some("Integration credentials rotated".into());
                    if self.chance(0.5) {
                        e.ticket = Some(format!("CHG-{}", self.between(300, 899)));
                    }
                } else {
                    e.note = Some((*self.pick(catalog::REVOKE_REASONS)).into());
                    if self.chance(0.6) {
                        e.ticket = Some(format!("HD-{}", self.between(1000, 1999)));
                    }
                }
            }
            _ => {}
        }
        e
    }

    /// Places, oldest first: mostly home, sometimes a trip, never faster than a plane.
    pub(super) fn place(
        &mut self,
        spec: &OrgSpec,
        p: &Person,
        plan: &Plan,
        drafts: &mut [SessionDraft],
    ) {
        let mut prev: Option<(usize, i64)> = None;
        for d in drafts.iter_mut() {
            let place = match d.place {
                Some(place) => place,
                None => {
                    let mut want = self.home_place(p);
                    if plan.travels && self.chance(0.15) {
                        let city = if self.chance(0.5) {
                            *self.pick(catalog::TRIP_CITIES)
                        } else {
                            self.pick(spec.offices).city
                        };
                        let options = places::people_in(city);
                        if !options.is_empty() {
                            want = *self.pick(&options);
                        }
                    }
                    if let Some((last, at)) = prev {
                        let hours = (d.created_at - at) as f64 / HOUR as f64;
                        if self.km(last, want) > TRAVEL_KMH * hours.max(0.0) {
                            want = last;
                        }
                    }
                    want
                }
            };
            d.place = Some(place);
            prev = Some((place, d.created_at));
        }
    }

    /// Requests and the last page of a session, roughly in proportion to how long it was used.
    pub(super) fn activity(&mut self, d: &SessionDraft, p: &Person) -> (i64, Option<String>) {
        let until = d.end.as_ref().map_or(self.now, |e| e.at);
        let hours = ((d.last_seen_at.min(until) - d.created_at) / HOUR).max(0) + 1;
        let (requests, paths) = match d.pick.usage {
            Use::Api => (hours * self.between(60, 900), catalog::API_PATHS),
            Use::App(..) => (
                self.between(4, 30) * (hours / 24 + 1) + self.between(0, 40),
                catalog::FIELD_PATHS,
            ),
            Use::Desktop => (
                self.between(20, 120) * (hours / 24 + 1),
                catalog::OFFICE_PATHS,
            ),
            Use::Browser | Use::Stranger => {
                let paths = if p.persona == Persona::Technician {
                    catalog::FIELD_PATHS
                } else {
                    catalog::OFFICE_PATHS
                };
                (
                    self.between(3, 40) * hours.min(48) / 4 + self.between(1, 20),
                    paths,
                )
            }
        };
        let path = (*self.pick(paths)).to_string();
        let n = if path.starts_with("/timesheets") {
            self.between(1, 52)
        } else if path.starts_with("/invoices") {
            self.between(24_000, 24_999)
        } else if path.starts_with("/customers") || path.contains("page=") {
            self.between(1, 2_400)
        } else {
            self.between(4_000, 9_999)
        };
        (requests, Some(path.replace("{}", &n.to_string())))
    }

    pub(super) fn attempt(
        &mut self,
        org: &Org,
        p: Option<&Person>,
        username: &str,
        at: i64,
        d: &SessionDraft,
    ) -> Attempt {
        let place = d.place.unwrap_or(0);
        Attempt {
            id: self.id(ids::ATTEMPT, at),
            org_id: org.id.clone(),
            user_id: p.map(|p| p.user.id.clone()),
            username: username.to_string(),
            at,
            success: false,
            failure_reason: None,
            session_id: None,
            ip: Some(PLACES[place].ip.to_string()),
            location: self.locs[place].clone(),
            device: d.device.clone(),
            app: d.app.clone(),
        }
    }
}
