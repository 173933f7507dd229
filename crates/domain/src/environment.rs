//! Sandbox and production environments.

use std::fmt;

/// The environment a key, a legal entity or a document lives in. Sandbox data and
/// production data never mix: a sandbox key sees only sandbox objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    /// Test data; always enabled; nothing reaches the live Peppol network.
    Sandbox,
    /// Live data; enabled per tenant by an explicit, irreversible partner action.
    Production,
}

/// Why an environment name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an environment (expected `sandbox` or `production`)")]
pub struct EnvironmentError(pub String);

impl Environment {
    /// Both environments, sandbox first.
    pub const ALL: [Self; 2] = [Self::Sandbox, Self::Production];

    /// The lower-case name used on the wire and in storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }

    /// Parses `sandbox` or `production`.
    pub fn parse(text: &str) -> Result<Self, EnvironmentError> {
        match text {
            "sandbox" => Ok(Self::Sandbox),
            "production" => Ok(Self::Production),
            other => Err(EnvironmentError(other.to_owned())),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
