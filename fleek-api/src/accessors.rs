//! Methods on generated types that read what Fleek's sources disagree on: whether an agent
//! runs (`"true"` or `true`), and `get_subscription`'s answer (plain or in an envelope).

use crate::generated::types::{
    AgentRunningStatus, AgentRunningStatusStatus, Subscription, SubscriptionDetails,
};

impl crate::generated_enums::AgentStatus {
    /// Whether Fleek's dashboard counts an agent in this state as active (`Running` or
    /// `Created`).
    ///
    /// ```
    /// use fleek_api::types::AgentStatus;
    /// assert!(AgentStatus::Created.is_active());
    /// assert!(!AgentStatus::Draft.is_active());
    /// ```
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Running | Self::Created)
    }
}

impl AgentRunningStatus {
    /// Whether the agent runs: `"true"` (in any case) or `true`.
    ///
    /// ```
    /// let status: fleek_api::types::AgentRunningStatus =
    ///     serde_json::from_str(r#"{"status": "true"}"#)?;
    /// assert!(status.is_running());
    /// let status: fleek_api::types::AgentRunningStatus =
    ///     serde_json::from_str(r#"{"status": false}"#)?;
    /// assert!(!status.is_running());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_running(&self) -> bool {
        match &self.status {
            AgentRunningStatusStatus::Boolean(running) => *running,
            AgentRunningStatusStatus::String(text) => text.trim().eq_ignore_ascii_case("true"),
        }
    }
}

impl SubscriptionDetails {
    /// The subscription: the answer itself when it is plain (what Fleek's platform dashboard
    /// reads), or the first of its `items` envelope (what Fleek's request mocks answer);
    /// `None` for an empty envelope.
    ///
    /// ```
    /// let plain: fleek_api::types::SubscriptionDetails =
    ///     serde_json::from_str(r#"{"id": "sub_1", "status": "Active"}"#)?;
    /// let envelope: fleek_api::types::SubscriptionDetails =
    ///     serde_json::from_str(r#"{"items": [{"id": "sub_1", "status": "Active"}]}"#)?;
    /// assert_eq!(plain.subscription().map(|s| s.id.as_str()), Some("sub_1"));
    /// assert_eq!(envelope.subscription(), plain.subscription());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn subscription(&self) -> Option<&Subscription> {
        match self {
            SubscriptionDetails::Variant0(subscription) => Some(subscription),
            SubscriptionDetails::Variant1(envelope) => envelope.items.first(),
        }
    }

    /// Every subscription of the answer: the plain one, or those of the envelope.
    pub fn into_subscriptions(self) -> Vec<Subscription> {
        match self {
            SubscriptionDetails::Variant0(subscription) => vec![subscription],
            SubscriptionDetails::Variant1(envelope) => envelope.items,
        }
    }
}
