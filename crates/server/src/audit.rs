//! The audit trail's hash chain.
//!
//! Each org has its own chain. An event's hash covers its fields and the previous event's
//! hash, so editing, deleting or reordering any stored event breaks every link after it, and
//! [`verify`] names the first event where the chain no longer holds. Appending happens inside
//! the store's transactions (the state change and its event commit together).

use sha2::{Digest, Sha256};

/// The `prev_hash` of an org's first event.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// What a state change records.
#[derive(Debug, Clone)]
pub struct Draft {
    pub org_id: String,
    pub at: i64,
    /// user id, API key id, or `system`
    pub actor: String,
    pub action: &'static str,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub data: serde_json::Value,
}

impl Draft {
    pub fn new(org_id: &str, at: i64, actor: &str, action: &'static str) -> Self {
        Self {
            org_id: org_id.to_string(),
            at,
            actor: actor.to_string(),
            action,
            target: None,
            reason: None,
            ticket: None,
            data: serde_json::Value::Null,
        }
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn why(mut self, reason: Option<&str>, ticket: Option<&str>) -> Self {
        self.reason = reason.map(str::to_owned);
        self.ticket = ticket.map(str::to_owned);
        self
    }

    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

/// A stored event, as the chain sees it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub org_id: String,
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    /// The JSON text exactly as stored.
    pub data: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// The hash of an event: SHA-256 over the previous hash and a length-prefixed encoding of
/// every field (length prefixes make field boundaries unambiguous).
#[allow(clippy::too_many_arguments)]
pub fn hash(
    prev: &[u8],
    id: &str,
    org_id: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    target: Option<&str>,
    reason: Option<&str>,
    ticket: Option<&str>,
    data: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    let mut field = |v: Option<&[u8]>| match v {
        None => h.update([0u8]),
        Some(b) => {
            h.update([1u8]);
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        }
    };
    field(Some(id.as_bytes()));
    field(Some(org_id.as_bytes()));
    field(Some(&seq.to_be_bytes()));
    field(Some(&at.to_be_bytes()));
    field(Some(actor.as_bytes()));
    field(Some(action.as_bytes()));
    field(target.map(str::as_bytes));
    field(reason.map(str::as_bytes));
    field(ticket.map(str::as_bytes));
    field(Some(data.as_bytes()));
    h.finalize().into()
}

/// Recomputes the hash a stored event should have.
pub fn expected_hash(e: &Stored) -> [u8; 32] {
    hash(
        &e.prev_hash,
        &e.id,
        &e.org_id,
        e.seq,
        e.at,
        &e.actor,
        &e.action,
        e.target.as_deref(),
        e.reason.as_deref(),
        e.ticket.as_deref(),
        &e.data,
    )
}

/// Walks a chain in `seq` order. Streaming: feed events one at a time.
#[derive(Debug)]
pub struct Verifier {
    prev: Vec<u8>,
    next_seq: i64,
    pub count: i64,
    pub first_bad: Option<String>,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            prev: GENESIS.to_vec(),
            next_seq: 1,
            count: 0,
            first_bad: None,
        }
    }
}

impl Verifier {
    /// Checks one event: its sequence number, its link to the previous one and its own hash.
    pub fn feed(&mut self, e: &Stored) {
        self.count += 1;
        if self.first_bad.is_none()
            && (e.seq != self.next_seq
                || e.prev_hash != self.prev
                || expected_hash(e)[..] != e.hash[..])
        {
            self.first_bad = Some(e.id.clone());
        }
        self.next_seq = e.seq + 1;
        self.prev = e.hash.clone();
    }

    pub fn finish(self) -> sessiondesk_protocol::AuditVerification {
        sessiondesk_protocol::AuditVerification {
            ok: self.first_bad.is_none(),
            count: self.count,
            head: (self.count > 0).then(|| hex::encode(&self.prev)),
            first_bad: self.first_bad,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Stored> {
        let mut prev = GENESIS.to_vec();
        (1..=n)
            .map(|seq| {
                let mut e = Stored {
                    id: format!("evt_{seq}"),
                    org_id: "org_a".into(),
                    seq,
                    at: 1000 * seq,
                    actor: "usr_1".into(),
                    action: "session.ended".into(),
                    target: Some(format!("ses_{seq}")),
                    reason: None,
                    ticket: None,
                    data: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: vec![],
                };
                e.hash = expected_hash(&e).to_vec();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[Stored]) -> sessiondesk_protocol::AuditVerification {
        let mut v = Verifier::default();
        events.iter().for_each(|e| v.feed(e));
        v.finish()
    }

    #[test]
    fn intact_chain_verifies() {
        let r = verify(&chain(5));
        assert!(r.ok);
        assert_eq!(r.count, 5);
        assert!(r.first_bad.is_none());
    }

    #[test]
    fn edited_field_is_the_first_bad() {
        let mut events = chain(5);
        events[2].reason = Some("edited".into());
        assert_eq!(verify(&events).first_bad.as_deref(), Some("evt_3"));
    }

    #[test]
    fn deleted_event_breaks_the_next_link() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(verify(&events).first_bad.as_deref(), Some("evt_3"));
    }

    #[test]
    fn rehashed_event_still_breaks_the_link_after_it() {
        let mut events = chain(4);
        events[1].actor = "usr_evil".into();
        events[1].hash = expected_hash(&events[1]).to_vec();
        assert_eq!(verify(&events).first_bad.as_deref(), Some("evt_3"));
    }
}
