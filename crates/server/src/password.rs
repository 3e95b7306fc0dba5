//! Password hashing with Argon2id (OWASP: m=19 MiB, t=2, p=1), bounded by the core count.
//!
//! Each hash takes ~19 MiB and tens of milliseconds of CPU. Hashing runs on one long-lived
//! thread per core that takes jobs from a queue, so a burst of logins queues instead of
//! allocating unbounded memory or starving the async workers that serve introspection. A
//! thread keeps its working memory and goes straight from one job to the next: no hand-off
//! through the async runtime between two hashes, no 19 MiB allocated and zeroed per sign-in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sessiondesk_protocol::Secret;
use tokio::sync::oneshot;

use crate::error::Error;

/// Argon2id on a fixed set of hashing threads.
#[derive(Clone)]
pub struct Passwords {
    jobs: mpsc::Sender<Job>,
    params: Params,
    /// A real hash of a random password: verifying against it makes an unknown user cost the
    /// same as a wrong password.
    decoy: Arc<str>,
    counts: Arc<Counts>,
}

/// Hashes running now, and the most ever seen at once (checked by the burst test).
#[derive(Default)]
struct Counts {
    running: AtomicUsize,
    peak: AtomicUsize,
}

/// Counts a hash in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Counts {
    fn enter(&self) -> InFlight<'_> {
        let now = self.running.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(now, Ordering::AcqRel);
        InFlight(&self.running)
    }
}

/// One unit of work for a hashing thread.
enum Job {
    Hash {
        password: Secret,
        params: Params,
        reply: oneshot::Sender<Result<String, Error>>,
    },
    Verify {
        password: Secret,
        phc: String,
        reply: oneshot::Sender<bool>,
    },
}

impl Passwords {
    /// OWASP's Argon2id parameters, one hashing thread per core.
    pub fn new() -> Result<Self, Error> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_params(Params::new(19 * 1024, 2, 1, None).map_err(internal)?, cores)
    }

    /// Custom parameters (cheaper ones keep CLI seeding of many users fast). The threads end
    /// when the last clone is dropped.
    pub fn with_params(params: Params, concurrency: usize) -> Result<Self, Error> {
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let decoy_pw = crate::token::generate("");
        let decoy = argon
            .hash_password(decoy_pw.expose().as_bytes(), &salt)
            .map_err(internal)?
            .to_string();
        let (jobs, queue) = mpsc::channel();
        let queue = Arc::new(parking_lot::Mutex::new(queue));
        let counts = Arc::new(Counts::default());
        for i in 0..concurrency.max(1) {
            let queue = queue.clone();
            let counts = counts.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || work(&queue, &counts))
                .map_err(internal)?;
        }
        Ok(Self {
            jobs,
            params,
            decoy: decoy.into(),
            counts,
        })
    }

    /// Hashes being computed now.
    pub fn running(&self) -> usize {
        self.counts.running.load(Ordering::Acquire)
    }

    /// The most hashes that ever ran at once.
    pub fn peak_concurrency(&self) -> usize {
        self.counts.peak.load(Ordering::Acquire)
    }

    fn submit(&self, job: Job) -> Result<(), Error> {
        self.jobs
            .send(job)
            .map_err(|_| internal("the hashing threads have stopped"))
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: &Secret) -> Result<String, Error> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash {
            password: password.clone(),
            params: self.params.clone(),
            reply,
        })?;
        answer.await.map_err(internal)?
    }

    /// Checks a password against a stored hash; `None` checks against the decoy so the caller
    /// spends the same time whether or not the user exists.
    pub async fn verify(&self, password: &Secret, stored: Option<&str>) -> Result<bool, Error> {
        let known = stored.is_some();
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify {
            password: password.clone(),
            phc: stored.unwrap_or(&self.decoy).to_owned(),
            reply,
        })?;
        let ok = answer.await.map_err(internal)?;
        Ok(ok && known)
    }
}

/// A hashing thread: takes jobs until every `Passwords` clone is gone. A job whose caller has
/// gone away (a dropped connection) is skipped rather than hashed.
fn work(queue: &parking_lot::Mutex<mpsc::Receiver<Job>>, counts: &Counts) {
    let mut blocks: Vec<Block> = Vec::new();
    loop {
        let job = queue.lock().recv();
        let Ok(job) = job else { return };
        match job {
            Job::Hash {
                password,
                params,
                reply,
            } => {
                if reply.is_closed() {
                    continue;
                }
                let _running = counts.enter();
                let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
                let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
                let phc = argon
                    .hash_password(password.expose().as_bytes(), &salt)
                    .map(|h| h.to_string())
                    .map_err(internal);
                let _ = reply.send(phc);
            }
            Job::Verify {
                password,
                phc,
                reply,
            } => {
                if reply.is_closed() {
                    continue;
                }
                let _running = counts.enter();
                let ok = verify_phc(&phc, password.expose().as_bytes(), &mut blocks);
                let _ = reply.send(ok);
            }
        }
    }
}

/// Verifies a password against a PHC string with the caller's working memory. The stored
/// hash carries its own algorithm, version, parameters and salt; verification follows them.
fn verify_phc(phc: &str, password: &[u8], blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let needed = params.block_count();
    if blocks.len() < needed {
        blocks.resize(needed, Block::default());
    }
    let mut out = [0u8; 64];
    let Some(out) = out.get_mut(..expected.len()) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    if argon
        .hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(out).is_ok_and(|o| o == expected)
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("password hashing: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_pass() {
        let pw = Passwords::with_params(Params::new(1024, 1, 1, None).unwrap(), 2).unwrap();
        let secret = Secret::new("correct horse");
        let h = pw.hash(&secret).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(pw.verify(&secret, Some(&h)).await.unwrap());
        assert!(!pw.verify(&Secret::new("wrong"), Some(&h)).await.unwrap());
        assert!(!pw.verify(&secret, None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_never_runs_more_hashes_than_threads() {
        let pw = Passwords::with_params(Params::new(1024, 1, 1, None).unwrap(), 2).unwrap();
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let pw = pw.clone();
                tokio::spawn(async move { pw.verify(&Secret::new("x"), None).await.unwrap() })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert!(pw.peak_concurrency() >= 1);
        assert!(pw.peak_concurrency() <= 2, "peak {}", pw.peak_concurrency());
    }

    #[test]
    fn default_parameters_are_owasp() {
        let pw = Passwords::new().unwrap();
        assert_eq!(pw.params.m_cost(), 19 * 1024);
        assert_eq!(pw.params.t_cost(), 2);
        assert_eq!(pw.params.p_cost(), 1);
    }
}
