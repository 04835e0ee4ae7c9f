//! Enums that keep values they do not know.
//!
//! Fleek adds statuses over time. A closed Rust enum would turn a new value into a decode
//! error for the whole response, so each status enum here has an `Other(String)` variant
//! that keeps the value as it came and writes it back unchanged.

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

open_enum! {
    /// An agent's lifecycle state (`status` of an [`Agent`](crate::types::Agent)).
    ///
    /// ```
    /// use fleek_api::types::AgentStatus;
    /// let status: AgentStatus = serde_json::from_str(r#""Running""#)?;
    /// assert_eq!(status, AgentStatus::Running);
    /// let new: AgentStatus = serde_json::from_str(r#""Hibernating""#)?;
    /// assert_eq!(new, AgentStatus::Other("Hibernating".into()));
    /// assert_eq!(serde_json::to_string(&new)?, r#""Hibernating""#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    AgentStatus {
        /// Created and never published.
        Draft = "Draft",
        /// Published.
        Created = "Created",
        /// Deploying.
        Pending = "Pending",
        /// Running.
        Running = "Running",
        /// Stopped; can be started again.
        Stopped = "Stopped",
        /// The deployment failed.
        Failed = "Failed",
    }
}

impl AgentStatus {
    /// Whether Fleek's dashboard counts an agent in this state as active (`Running` or
    /// `Created`).
    pub fn is_active(&self) -> bool {
        matches!(self, AgentStatus::Running | AgentStatus::Created)
    }
}

open_enum! {
    /// A subscription's state (`status` of a
    /// [`Subscription`](crate::types::Subscription)).
    ///
    /// ```
    /// use fleek_api::types::SubscriptionStatus;
    /// let status: SubscriptionStatus = "PastDue".parse().unwrap_or_else(|e| match e {});
    /// assert_eq!(status, SubscriptionStatus::PastDue);
    /// ```
    SubscriptionStatus {
        /// The first payment has not succeeded yet.
        Incomplete = "Incomplete",
        /// The first payment never succeeded; the subscription is void.
        IncompleteExpired = "IncompleteExpired",
        /// Paid and in force.
        Active = "Active",
        /// In a free trial.
        Trialing = "Trialing",
        /// Payment failed and retries are exhausted.
        Unpaid = "Unpaid",
        /// Cancelled.
        Canceled = "Canceled",
        /// A payment is overdue.
        PastDue = "PastDue",
        /// Paused.
        Paused = "Paused",
    }
}
