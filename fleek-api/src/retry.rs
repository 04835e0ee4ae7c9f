//! When a failed request is sent again, and how long to wait first: the policy, and [`run`],
//! the loop that applies it, generic over how a request is sent and how the loop sleeps (so
//! that it is tested with a fake clock). What the spec says about an operation
//! (`x-idempotent`) is passed in by the hooks.

use std::collections::hash_map::RandomState;
use std::future::Future;
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
///   (opening a payment portal session: a `PUT`, but no source says whether a second
///   call opens a second session),
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

/// Sends `request`, and again as `policy` decides for each result, sleeping with `sleep`
/// between attempts; returns the last result and how many attempts were made.
///
/// `copy` makes the copy a retry sends (`None` when the request cannot be copied, as a
/// streaming body: it is then sent once); no copy is made when no retry is left. `outcome`
/// says how an attempt ended, as the policy needs to know it.
pub(crate) async fn run<Req, Res, Send, Sent, Sleep, Slept>(
    policy: &RetryPolicy,
    idempotent: bool,
    request: Req,
    copy: impl Fn(&Req) -> Option<Req>,
    mut send: Send,
    outcome: impl Fn(&Res) -> Outcome<'_>,
    mut sleep: Sleep,
) -> (Res, u32)
where
    Send: FnMut(Req) -> Sent,
    Sent: Future<Output = Res>,
    Sleep: FnMut(Duration) -> Slept,
    Slept: Future<Output = ()>,
{
    let mut request = request;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let next = if attempt < policy.max_attempts() {
            copy(&request)
        } else {
            None
        };
        let result = send(request).await;
        let decision = policy.decide(idempotent, attempt, outcome(&result));
        match (decision, next) {
            (Decision::RetryAfter(wait), Some(next)) => {
                tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                // The answer is let go before the wait, so its connection is free again.
                drop(result);
                sleep(wait).await;
                request = next;
            }
            _ => return (result, attempt),
        }
    }
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
    use std::cell::RefCell;

    use super::*;

    /// One attempt's result in the loop's tests: a status and its `Retry-After`, or a
    /// connection that did not open, or one that broke.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Fake {
        Answer(u16, Option<&'static str>),
        NotConnected,
        Broken,
    }

    fn fake_outcome(result: &Fake) -> Outcome<'_> {
        match *result {
            Fake::Answer(code, retry_after) => {
                Outcome::Status(StatusCode::from_u16(code).expect("valid"), retry_after)
            }
            Fake::NotConnected => Outcome::NotConnected,
            Fake::Broken => Outcome::Failed,
        }
    }

    /// Runs the loop on a fake server answering `answers` in turn and a fake clock that
    /// records each wait instead of sleeping: (the last result, attempts, the waits, the
    /// requests sent).
    fn drive(
        policy: &RetryPolicy,
        idempotent: bool,
        copyable: bool,
        answers: &[Fake],
    ) -> (Fake, u32, Vec<Duration>, Vec<u32>) {
        let sent = RefCell::new(Vec::new());
        let waits = RefCell::new(Vec::new());
        let (last, attempts) = block_on_ready(run(
            policy,
            idempotent,
            1u32,
            |request: &u32| copyable.then_some(request + 1),
            |request| {
                sent.borrow_mut().push(request);
                let answer = answers[sent.borrow().len() - 1];
                async move { answer }
            },
            fake_outcome,
            |wait| {
                waits.borrow_mut().push(wait);
                async {}
            },
        ));
        (last, attempts, waits.into_inner(), sent.into_inner())
    }

    /// Polls a future that never waits on anything (the fakes are all ready) to its end.
    fn block_on_ready<F: Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }

    #[test]
    fn the_loop_retries_transient_answers_then_returns_the_success() {
        let answers = [
            Fake::Answer(503, None),
            Fake::Answer(429, None),
            Fake::Answer(200, None),
        ];
        let (last, attempts, waits, sent) = drive(&policy(), true, true, &answers);
        assert_eq!((last, attempts), (Fake::Answer(200, None), 3));
        assert_eq!(
            sent,
            [1, 2, 3],
            "each retry sends the copy made before the attempt"
        );
        assert_eq!(waits.len(), 2);
        // Full jitter: at most base * 2^(attempt-1).
        assert!(waits[0] <= Duration::from_millis(100), "{waits:?}");
        assert!(waits[1] <= Duration::from_millis(200), "{waits:?}");
    }

    #[test]
    fn the_loop_stops_at_max_attempts_with_the_last_answer() {
        let answers = [Fake::Answer(500, None); 4];
        let (last, attempts, waits, _) = drive(&policy(), true, true, &answers);
        assert_eq!(
            (last, attempts, waits.len()),
            (Fake::Answer(500, None), 4, 3)
        );
    }

    #[test]
    fn the_loop_waits_as_long_as_retry_after_asks_and_gives_up_beyond_the_cap() {
        let answers = [Fake::Answer(429, Some("1")), Fake::Answer(200, None)];
        let (_, attempts, waits, _) = drive(&policy(), true, true, &answers);
        assert_eq!((attempts, waits), (2, vec![Duration::from_secs(1)]));
        // 60 s is more than the 2 s cap: the error comes back at once.
        let answers = [Fake::Answer(429, Some("60"))];
        let (last, attempts, waits, _) = drive(&policy(), true, true, &answers);
        assert_eq!((last, attempts, waits.len()), (answers[0], 1, 0));
    }

    #[test]
    fn a_write_is_sent_again_only_when_it_cannot_have_arrived() {
        let (_, attempts, _, _) = drive(&policy(), false, true, &[Fake::Answer(503, None)]);
        assert_eq!(attempts, 1);
        let (_, attempts, _, _) = drive(&policy(), false, true, &[Fake::Broken]);
        assert_eq!(attempts, 1);
        let answers = [Fake::NotConnected, Fake::Answer(201, None)];
        let (last, attempts, _, _) = drive(&policy(), false, true, &answers);
        assert_eq!((last, attempts), (Fake::Answer(201, None), 2));
    }

    #[test]
    fn a_request_that_cannot_be_copied_is_sent_once() {
        let (last, attempts, waits, _) = drive(&policy(), true, false, &[Fake::Answer(503, None)]);
        assert_eq!(
            (last, attempts, waits.len()),
            (Fake::Answer(503, None), 1, 0)
        );
    }

    #[test]
    fn no_copy_is_made_when_no_retry_is_left() {
        let copies = RefCell::new(0);
        let (_, attempts) = block_on_ready(run(
            &RetryPolicy::none(),
            true,
            (),
            |_: &()| {
                *copies.borrow_mut() += 1;
                Some(())
            },
            |()| async { Fake::Answer(503, None) },
            fake_outcome,
            |_| async {},
        ));
        assert_eq!((attempts, *copies.borrow()), (1, 0));
    }

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
