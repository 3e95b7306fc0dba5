//! A wrapper for secrets (tokens, passwords, API keys) that cannot leak by accident.
//!
//! `Debug` prints `[redacted]`, and there is no `Display`. It deserialises (requests carry
//! passwords in) but is not `Serialize`: a response that hands a fresh secret out once opts in
//! field by field with [`Secret::serialize_exposed`].

use serde::{Deserialize, Deserializer, Serializer};

/// A secret string. Read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plaintext. Every call site is a place where the secret is used on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl Secret {
    /// Serialises the plaintext. Only for the few responses that hand out a new secret exactly
    /// once (a login's token, a new API key): they opt in with
    /// `#[serde(serialize_with = "Secret::serialize_exposed")]`. `Secret` itself is not
    /// `Serialize`, so it cannot end up in a log line or a JSON body by accident.
    pub fn serialize_exposed<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&secret.0)
    }

    /// [`Secret::serialize_exposed`] for an optional secret (`null` when absent).
    pub fn serialize_exposed_opt<S: Serializer>(
        secret: &Option<Secret>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => s.serialize_str(&secret.0),
            None => s.serialize_none(),
        }
    }
}

impl utoipa::PartialSchema for Secret {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A secret value, shown once."))
            .into()
    }
}

impl utoipa::ToSchema for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
        assert_eq!(s.expose(), "hunter2");
    }
}
