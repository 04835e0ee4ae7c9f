//! `open_enum!`: enums that keep values they do not know.
//!
//! Fleek adds statuses over time, and Eliza adds clients and model providers. A closed Rust
//! enum would turn a new value into a decode error for the whole response (or character
//! file), so each enum made here has an `Other(String)` variant that keeps the value as it
//! came and writes it back unchanged. The generator writes the spec's open enums
//! (`x-extensible-enum`) as invocations of it (`generated_enums.rs`); the character model
//! uses it by hand.
//!
//! ```
//! use fleek_api::types::{AgentStatus, SubscriptionStatus};
//! let status: AgentStatus = serde_json::from_str(r#""Running""#)?;
//! assert_eq!(status, AgentStatus::Running);
//! let new: AgentStatus = serde_json::from_str(r#""Hibernating""#)?;
//! assert_eq!(new, AgentStatus::Other("Hibernating".into()));
//! assert_eq!(serde_json::to_string(&new)?, r#""Hibernating""#);
//! let status: SubscriptionStatus = "PastDue".parse().unwrap_or_else(|e| match e {});
//! assert_eq!(status, SubscriptionStatus::PastDue);
//! # Ok::<(), serde_json::Error>(())
//! ```

/// Defines a string enum with known variants and `Other(String)` for the rest, with
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
            /// A value this version of the crate does not know, kept as it came.
            Other(String),
        }

        impl $name {
            /// Every value this version of the crate knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(other) => other,
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
                    other => $name::Other(other.to_string()),
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
