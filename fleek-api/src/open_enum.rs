//! `open_enum!`: enums that keep values they do not know.
//!
//! Fleek adds statuses over time, and Eliza adds clients and model providers. A closed Rust
//! enum would turn a new value into a decode error for the whole response (or character
//! file), so each enum made here has an `Other(Unknown)` variant that keeps the value as it
//! came and writes it back unchanged. An [`Unknown`] is made only by parsing, and only from
//! a value that is not a known one: `Other` never holds a value a named variant stands for,
//! so two equal values are always equal as enums. The generator writes the spec's open enums
//! (`x-extensible-enum`) as invocations of it (`generated_enums.rs`); the character model
//! uses it by hand.
//!
//! ```
//! use fleek_api::types::{AgentStatus, SubscriptionStatus};
//! let status: AgentStatus = serde_json::from_str(r#""Running""#)?;
//! assert_eq!(status, AgentStatus::Running);
//! let new: AgentStatus = serde_json::from_str(r#""Hibernating""#)?;
//! assert!(matches!(&new, AgentStatus::Other(value) if value == "Hibernating"));
//! assert_eq!(serde_json::to_string(&new)?, r#""Hibernating""#);
//! let status: SubscriptionStatus = "PastDue".parse().unwrap_or_else(|e| match e {});
//! assert_eq!(status, SubscriptionStatus::PastDue);
//! # Ok::<(), serde_json::Error>(())
//! ```

/// A value an open enum does not know (its `Other` variant), as it came: never one of the
/// enum's known values.
///
/// ```
/// use fleek_api::{types::AgentStatus, Unknown};
/// let status: AgentStatus = "Hibernating".parse().unwrap_or_else(|e| match e {});
/// let AgentStatus::Other(value) = &status else { unreachable!() };
/// assert_eq!(value.as_str(), "Hibernating");
/// assert_eq!("Running".parse::<AgentStatus>(), Ok(AgentStatus::Running), "a known value is never Other");
/// # let _: &Unknown = value;
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unknown(String);

impl Unknown {
    /// Made by the enums' `FromStr` only, for a value none of their variants stands for.
    pub(crate) fn new(value: &str) -> Self {
        Self(value.to_string())
    }

    /// The value as it came.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Unknown {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Unknown {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Unknown {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Defines a string enum with known variants and `Other(Unknown)` for the rest, with
/// `Display`, `FromStr` (never fails), serde and JSON Schema implementations.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know, kept as it came (never one
            /// of the values above).
            Other($crate::open_enum::Unknown),
        }

        impl $name {
            /// Every value this version of the crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(other) => other.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other($crate::open_enum::Unknown::new(other)),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                let Ok(parsed) = value.parse();
                Ok(parsed)
            }
        }

        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_string()
            }

            fn json_schema(_: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {
                // Any string is accepted; the known values are listed as examples.
                ::schemars::schema::SchemaObject {
                    instance_type: Some(::schemars::schema::InstanceType::String.into()),
                    metadata: Some(Box::new(::schemars::schema::Metadata {
                        examples: vec![$(::serde_json::Value::from($wire)),+],
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    };
}

pub(crate) use open_enum;
