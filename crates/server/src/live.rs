//! The introspection cache: active sessions by token digest, in memory.
//!
//! Introspection is the hot path, called by resource servers on every request. It must not
//! write to the database per call, and a revoked session must be inactive on the very next
//! call. So validation reads this index (a sharded map keyed by the SHA-256 of the token), and
//! activity (last-seen, request count) is recorded in atomics and written back in batches by
//! the maintenance task, at most once per session per flush interval. Every code path that ends
//! a session removes it here after its transaction commits and before it answers.
//!
//! Misses fall through to the database (a session created by another node, or evicted here),
//! so the map is a cache, not the source of truth.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::store::{LiveRecord, Touch};
use crate::token::TokenHash;

const SHARDS: usize = 64;

fn shard_of(h: &TokenHash) -> usize {
    h[31] as usize % SHARDS
}

/// Token digests are uniformly random already; hashing them again would be wasted work.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `[u8; 32]` hashes as a length prefix then the bytes; keep the first 8 digest bytes.
        for chunk in bytes.chunks(8) {
            if chunk.len() == 8 {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                self.0 ^= u64::from_le_bytes(b);
                return;
            }
        }
    }
    fn write_usize(&mut self, _len: usize) {}
}

type DigestMap<V> = HashMap<TokenHash, V, BuildHasherDefault<DigestHasher>>;

/// One active session as the hot path needs it.
#[derive(Debug)]
pub struct LiveEntry {
    pub session_id: Box<str>,
    pub row_key: i64,
    pub org_id: Arc<str>,
    pub user_id: Arc<str>,
    pub username: Arc<str>,
    pub created_at: i64,
    pub remember_me: bool,
    shard: u8,
    last_seen: AtomicI64,
    pending_requests: AtomicI64,
    last_path: Mutex<Option<Box<str>>>,
    dirty: AtomicBool,
    ended: AtomicBool,
}

impl LiveEntry {
    pub fn last_seen(&self) -> i64 {
        self.last_seen.load(Ordering::Acquire)
    }

    /// Uses not yet written to the database.
    pub fn pending_requests(&self) -> i64 {
        self.pending_requests.load(Ordering::Relaxed)
    }

    pub fn is_ended(&self) -> bool {
        self.ended.load(Ordering::Acquire)
    }
}

/// The index of active sessions.
#[derive(Default)]
struct Shard {
    live: DigestMap<Arc<LiveEntry>>,
    /// Entries of this shard with activity not yet written, each queued once until the next
    /// flush. Per shard, so neither the lock nor the vector's growth is shared by all calls.
    dirty: Mutex<Vec<Arc<LiveEntry>>>,
    /// Digests of sessions ended recently (Unix ms when ended). A validation that missed the
    /// cache may have read the row just before the revocation committed; the tombstone stops
    /// it from putting the session back.
    tombs: DigestMap<i64>,
}

/// How long tombstones are kept: far longer than any database read takes.
const TOMB_TTL_MS: i64 = 10 * 60 * 1000;

pub struct LiveSessions {
    shards: Box<[RwLock<Shard>]>,
    /// Org ids, user ids and usernames repeat across sessions: store each once.
    strings: Mutex<HashSet<Arc<str>>>,
}

impl Default for LiveSessions {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::new(Shard::default())).collect(),
            strings: Mutex::new(HashSet::new()),
        }
    }
}

impl LiveSessions {
    fn shard(&self, h: &TokenHash) -> &RwLock<Shard> {
        &self.shards[shard_of(h)]
    }

    fn intern(&self, s: &str) -> Arc<str> {
        let mut set = self.strings.lock();
        if let Some(a) = set.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        set.insert(a.clone());
        a
    }

    pub fn get(&self, h: &TokenHash) -> Option<Arc<LiveEntry>> {
        self.shard(h).read().live.get(h).cloned()
    }

    /// Adds an active session, unless it was ended since (see `Shard::tombs`).
    pub fn insert(&self, rec: &LiveRecord) -> Option<Arc<LiveEntry>> {
        let entry = Arc::new(LiveEntry {
            session_id: rec.id.as_str().into(),
            row_key: rec.row_key,
            org_id: self.intern(&rec.org_id),
            user_id: self.intern(&rec.user_id),
            username: self.intern(&rec.username),
            created_at: rec.created_at,
            remember_me: rec.remember_me,
            shard: shard_of(&rec.token_hash) as u8,
            last_seen: AtomicI64::new(rec.last_seen_at),
            pending_requests: AtomicI64::new(0),
            last_path: Mutex::new(None),
            dirty: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        });
        let mut shard = self.shard(&rec.token_hash).write();
        if shard.tombs.contains_key(&rec.token_hash) {
            return None;
        }
        Some(shard.live.entry(rec.token_hash).or_insert(entry).clone())
    }

    /// Drops an ended session: from now on its token is inactive here.
    pub fn remove(&self, h: &TokenHash, now: i64) {
        let mut shard = self.shard(h).write();
        if let Some(e) = shard.live.remove(h) {
            e.ended.store(true, Ordering::Release);
        }
        if shard.tombs.len() >= 1024 {
            shard.tombs.retain(|_, at| now - *at < TOMB_TTL_MS);
        }
        shard.tombs.insert(*h, now);
    }

    /// Records one use of a session: cheap atomics, queued for the next flush once.
    pub fn touch(&self, e: &Arc<LiveEntry>, now: i64, path: Option<&str>) {
        e.last_seen.fetch_max(now, Ordering::AcqRel);
        e.pending_requests.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = path {
            *e.last_path.lock() = Some(p.into());
        }
        if !e.dirty.swap(true, Ordering::AcqRel) {
            self.queue(e);
        }
    }

    fn queue(&self, e: &Arc<LiveEntry>) {
        self.shards[e.shard as usize]
            .read()
            .dirty
            .lock()
            .push(e.clone());
    }

    /// Takes the activity recorded since the last flush, each with its entry (so a failed
    /// write can put it back).
    pub fn drain(&self) -> Vec<(Arc<LiveEntry>, Touch)> {
        let queued: Vec<Arc<LiveEntry>> = self
            .shards
            .iter()
            .flat_map(|s| std::mem::take(&mut *s.read().dirty.lock()))
            .collect();
        queued
            .into_iter()
            .map(|e| {
                e.dirty.store(false, Ordering::Release);
                let touch = Touch {
                    session_id: e.session_id.to_string(),
                    row_key: e.row_key,
                    last_seen_at: e.last_seen(),
                    requests: e.pending_requests.swap(0, Ordering::AcqRel),
                    last_path: e.last_path.lock().take().map(String::from),
                };
                (e, touch)
            })
            .collect()
    }

    /// Puts activity back after a failed write so it is not lost.
    pub fn requeue(&self, drained: &[(Arc<LiveEntry>, Touch)]) {
        for (e, t) in drained {
            e.pending_requests.fetch_add(t.requests, Ordering::AcqRel);
            if let Some(path) = &t.last_path {
                e.last_path
                    .lock()
                    .get_or_insert_with(|| path.as_str().into());
            }
            if !e.dirty.swap(true, Ordering::AcqRel) {
                self.queue(e);
            }
        }
    }

    /// Every cached session for which `pick` says yes, with its digest.
    pub fn scan(
        &self,
        mut pick: impl FnMut(&LiveEntry) -> bool,
    ) -> Vec<(TokenHash, Arc<LiveEntry>)> {
        let mut out = Vec::new();
        for shard in self.shards.iter() {
            let map = shard.read();
            out.extend(
                map.live
                    .iter()
                    .filter(|(_, e)| pick(e))
                    .map(|(h, e)| (*h, e.clone())),
            );
        }
        out
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.read().live.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(h: u8) -> LiveRecord {
        LiveRecord {
            id: format!("ses_{h}"),
            row_key: i64::from(h),
            org_id: "org_a".into(),
            user_id: "usr_a".into(),
            username: "ann".into(),
            token_hash: [h; 32],
            created_at: 0,
            last_seen_at: 0,
            remember_me: false,
        }
    }

    #[test]
    fn touches_coalesce_until_drained() {
        let live = LiveSessions::default();
        let e = live.insert(&rec(1)).unwrap();
        for t in 1..=100 {
            live.touch(&e, t, None);
        }
        let batch = live.drain();
        assert_eq!(batch.len(), 1, "one write for a hundred uses");
        assert_eq!(batch[0].1.requests, 100);
        assert_eq!(batch[0].1.last_seen_at, 100);
        assert!(live.drain().is_empty());
        // A failed write puts the activity back, added to what came since.
        live.requeue(&batch);
        live.touch(&e, 101, None);
        let again = live.drain();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].1.requests, 101);
    }

    #[test]
    fn removal_is_immediate_and_strings_are_shared() {
        let live = LiveSessions::default();
        let a = live.insert(&rec(1)).unwrap();
        let b = live.insert(&rec(2)).unwrap();
        assert!(Arc::ptr_eq(&a.user_id, &b.user_id));
        live.remove(&[1; 32], 0);
        assert!(live.get(&[1; 32]).is_none());
        assert!(a.is_ended());
        assert_eq!(live.len(), 1);
        assert!(
            live.insert(&rec(1)).is_none(),
            "a stale read cannot revive an ended session"
        );
    }
}
