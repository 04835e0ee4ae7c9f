//! When a failed request is sent again, and how long to wait first: pure policy. What the
//! spec says about an operation (`x-idempotent`) is passed in by the hooks.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

/// How requests are retried: a value to inspect, change, or switch off.
///
/// A request is sent again when it failed in a way that may pass (a connection error, or
/// status 408, 429, 500, 502, 503 or 504) and sending it twice cannot do harm:
///
/// - `GET`, `HEAD`, `OPTIONS`, `PUT` and `DELETE` are idempotent and are retried on all of
///   those failures;
/// - `POST` and `PATCH` (create, publish, start, stop, subscribe, change a quantity,
///   messages through the proxy), and the operations the spec marks `x-idempotent: false`
///   (opening a payment portal session, a `PUT` that opens a new session on every call),
///   are retried only when the connection could not be opened, so the request cannot have
///   reached the server. They are never re-sent after that.
///
/// Waits grow exponentially from [`base_delay`](Self::base_delay) with full jitter, capped
/// at [`max_delay`](Self::max_delay). Each setting has a getter and a `with_` setter. A `Retry-After` header (seconds or an HTTP date) is
/// honoured, up to the same cap; a server that asks for longer gets its error back at once.
///
/// ```
/// use std::time::Duration;
/// use fleek_api::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_base_delay(Duration::from_millis(200))
///     .with_max_delay(Duration::from_secs(10));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(policy.base_delay(), Duration::from_millis(200));
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, waits starting at 250 ms, capped at 8 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every request is sent once.
    pub fn none() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Sets how many times a request may be sent in all, the first time included (at
    /// least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the wait before the first retry, before jitter; it doubles for each further
    /// retry.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest wait between two attempts, `Retry-After` included.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many times a request may be sent in all, the first time included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before the first retry, before jitter.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest wait between two attempts.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// What to do after attempt number `attempt` (1-based) of a request ended in `outcome`;
    /// `idempotent` says whether sending it twice is harmless.
    pub(crate) fn decide(&self, idempotent: bool, attempt: u32, outcome: Outcome<'_>) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let retryable = match outcome {
            Outcome::NotConnected => true,
            Outcome::Failed => idempotent,
            Outcome::Status(status, _) => idempotent && is_retryable_status(status),
        };
        if !retryable {
            return Decision::GiveUp;
        }
        let backoff = self.backoff(attempt);
        match outcome {
            Outcome::Status(_, Some(retry_after)) => match parse_retry_after(retry_after) {
                Some(asked) if asked > self.max_delay => Decision::GiveUp,
                Some(asked) => Decision::RetryAfter(asked.max(backoff)),
                None => Decision::RetryAfter(backoff),
            },
            _ => Decision::RetryAfter(backoff),
        }
    }

    /// Full jitter: a random wait between zero and `base * 2^(attempt-1)`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(random_fraction())
    }
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Outcome<'a> {
    /// The connection could not be opened: the server cannot have seen the request.
    NotConnected,
    /// The request failed after the connection opened (reset, timeout): it may have
    /// reached the server.
    Failed,
    /// The server answered with this status and `Retry-After` header.
    Status(StatusCode, Option<&'a str>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    GiveUp,
    RetryAfter(Duration),
}

/// Whether sending a request twice has the same effect as sending it once: what the spec
/// says of its operation (`x-idempotent`) when it says, otherwise what the method says.
pub(crate) fn is_idempotent(spec_says: Option<bool>, method: &Method) -> bool {
    spec_says.unwrap_or(matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    ))
}

/// Statuses that say "try again later".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as delay-seconds or an HTTP date; a date in the past means "now".
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in `[0, 1)` from the standard library's per-process random keys; jitter needs
/// spread, not cryptographic quality.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(4)
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(2))
    }

    fn status(code: u16) -> Outcome<'static> {
        Outcome::Status(StatusCode::from_u16(code).expect("valid"), None)
    }

    #[test]
    fn idempotent_requests_retry_on_transient_statuses_only() {
        for code in [408, 429, 500, 502, 503, 504] {
            for method in [Method::GET, Method::PUT, Method::DELETE] {
                let decision = policy().decide(is_idempotent(None, &method), 1, status(code));
                assert!(
                    matches!(decision, Decision::RetryAfter(_)),
                    "{method} {code}"
                );
            }
        }
        for code in [400, 401, 403, 404, 409, 422, 501] {
            assert_eq!(policy().decide(true, 1, status(code)), Decision::GiveUp);
        }
    }

    #[test]
    fn posts_are_retried_only_when_no_connection_was_made() {
        for method in [Method::POST, Method::PATCH] {
            let idempotent = is_idempotent(None, &method);
            assert!(!idempotent);
            assert_eq!(
                policy().decide(idempotent, 1, status(503)),
                Decision::GiveUp
            );
            assert_eq!(
                policy().decide(idempotent, 1, Outcome::Failed),
                Decision::GiveUp
            );
            assert!(matches!(
                policy().decide(idempotent, 1, Outcome::NotConnected),
                Decision::RetryAfter(_)
            ));
        }
    }

    #[test]
    fn the_spec_can_mark_a_put_as_not_idempotent_and_a_post_as_idempotent() {
        assert!(is_idempotent(None, &Method::PUT));
        assert!(!is_idempotent(Some(false), &Method::PUT));
        assert!(is_idempotent(Some(true), &Method::POST));
    }

    #[test]
    fn attempts_are_bounded() {
        assert!(matches!(
            policy().decide(true, 3, status(503)),
            Decision::RetryAfter(_)
        ));
        assert_eq!(policy().decide(true, 4, status(503)), Decision::GiveUp);
        assert_eq!(
            RetryPolicy::none().decide(true, 1, status(503)),
            Decision::GiveUp
        );
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn backoff_grows_within_the_cap() {
        let policy = policy();
        for attempt in 1..=10 {
            let ceiling =
                (Duration::from_millis(100) * 2u32.pow(attempt - 1)).min(policy.max_delay);
            for _ in 0..50 {
                let wait = policy.backoff(attempt);
                assert!(wait <= ceiling, "attempt {attempt}: {wait:?} > {ceiling:?}");
            }
        }
        // Full jitter spreads the waits.
        let waits: std::collections::HashSet<_> = (0..20).map(|_| policy.backoff(5)).collect();
        assert!(waits.len() > 10, "{waits:?}");
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date_is_honoured_up_to_the_cap() {
        let decide = |value: &str| {
            policy().decide(
                true,
                1,
                Outcome::Status(StatusCode::TOO_MANY_REQUESTS, Some(value)),
            )
        };
        assert_eq!(decide("1"), Decision::RetryAfter(Duration::from_secs(1)));
        assert_eq!(decide("60"), Decision::GiveUp, "longer than the cap");
        let soon = SystemTime::now() + Duration::from_secs(2);
        match decide(&httpdate::fmt_http_date(soon)) {
            Decision::RetryAfter(wait) => assert!(wait <= Duration::from_secs(2), "{wait:?}"),
            other => panic!("{other:?}"),
        }
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert!(matches!(decide(&past), Decision::RetryAfter(_)));
        // Garbage falls back to the computed backoff.
        assert!(matches!(decide("soon"), Decision::RetryAfter(_)));
    }
}
