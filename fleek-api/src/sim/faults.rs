//! Faults: what a real network and a real service do now and then, on purpose. Each rule
//! names an operation (or every one), what happens, and how often: the next N requests, or
//! a fraction of them drawn from a seeded generator, so a failing test fails the same way
//! every run.
//!
//! As JSON (`POST /_sim/faults`):
//!
//! ```text
//! {"operation": "get_agent", "fault": {"kind": "status", "status": 429, "retry_after": 2}, "times": {"next": 3}}
//! {"operation": null, "fault": {"kind": "drop"}, "times": {"fraction": 0.1}}
//! {"operation": "create_agent", "fault": {"kind": "lose_answer"}, "times": {"next": 1}}
//! {"operation": "list_agents", "fault": {"kind": "delay", "ms": 1500}, "times": {"next": 1}}
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Fault {
    /// The answer is this status (429, 500, 503, ...), with `Retry-After` seconds when
    /// given, and the request does nothing.
    Status {
        /// The status code.
        status: u16,
        /// `Retry-After`, in seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u32>,
    },
    /// The connection breaks before the answer's body: the request does nothing.
    Drop,
    /// The request is carried out, then the connection breaks before its answer: a write
    /// that happened although the client saw it fail.
    LoseAnswer,
    /// The answer comes this much later (then as usual).
    Delay {
        /// How much later, in milliseconds in JSON (`{"kind": "delay", "ms": 1500}`).
        #[serde(rename = "ms", with = "millis")]
        by: Duration,
    },
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// How often a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Times {
    /// The next N requests it matches, then never again.
    Next(u32),
    /// This fraction (0 to 1) of the requests it matches, drawn from the seeded generator.
    Fraction(f64),
}

/// One fault rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The operationId it applies to; every operation when `None`.
    #[serde(default)]
    pub operation: Option<String>,
    /// What happens.
    pub fault: Fault,
    /// How often.
    pub times: Times,
}

impl Rule {
    /// `fault` on the next `n` requests of `operation`.
    ///
    /// ```
    /// use fleek_api::sim::{Fault, Rule};
    /// let rule = Rule::next("get_agent", 2, Fault::Status { status: 503, retry_after: Some(1) });
    /// assert_eq!(rule.operation.as_deref(), Some("get_agent"));
    /// ```
    pub fn next(operation: &str, n: u32, fault: Fault) -> Rule {
        Rule {
            operation: Some(operation.to_string()),
            fault,
            times: Times::Next(n),
        }
    }

    /// `fault` on a `fraction` (0 to 1) of the requests of `operation`.
    pub fn fraction(operation: &str, fraction: f64, fault: Fault) -> Rule {
        Rule {
            operation: Some(operation.to_string()),
            fault,
            times: Times::Fraction(fraction),
        }
    }
}

/// The rules in force and the generator that draws fractions.
#[derive(Debug)]
pub(crate) struct Faults {
    rules: Vec<Rule>,
    /// xorshift64* state: small, fast, and the same sequence for the same seed.
    state: u64,
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Self {
        Faults {
            rules: Vec::new(),
            // Zero is xorshift's one fixed point.
            state: seed.max(1),
        }
    }

    pub(crate) fn add(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    fn draw(&mut self) -> f64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The fault for one request of `operation`, if a rule gives one (the first that does);
    /// a rule whose count is spent is removed.
    pub(crate) fn take(&mut self, operation: &str) -> Option<Fault> {
        let mut chosen = None;
        for i in 0..self.rules.len() {
            let applies = self.rules[i]
                .operation
                .as_deref()
                .is_none_or(|op| op == operation);
            if !applies {
                continue;
            }
            let hit = match self.rules[i].times {
                Times::Next(0) => false,
                Times::Next(_) => true,
                Times::Fraction(fraction) => self.draw() < fraction,
            };
            if hit {
                if let Times::Next(n) = &mut self.rules[i].times {
                    *n -= 1;
                }
                chosen = Some(self.rules[i].fault.clone());
                break;
            }
        }
        self.rules.retain(|rule| rule.times != Times::Next(0));
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_n_requests_get_the_fault_then_none() {
        let mut faults = Faults::new(7);
        faults.add(Rule::next("get_agent", 2, Fault::Drop));
        assert_eq!(faults.take("list_agents"), None);
        assert_eq!(faults.take("get_agent"), Some(Fault::Drop));
        assert_eq!(faults.take("get_agent"), Some(Fault::Drop));
        assert_eq!(faults.take("get_agent"), None);
        assert!(faults.rules().is_empty());
    }

    #[test]
    fn rules_read_and_write_the_documented_json() {
        let rules = [
            r#"{"operation":"get_agent","fault":{"kind":"status","status":429,"retry_after":2},"times":{"next":3}}"#,
            r#"{"operation":null,"fault":{"kind":"drop"},"times":{"fraction":0.1}}"#,
            r#"{"operation":"list_agents","fault":{"kind":"delay","ms":1500},"times":{"next":1}}"#,
        ];
        for text in rules {
            let rule: Rule = serde_json::from_str(text).expect(text);
            let again = serde_json::to_string(&rule).expect("serialises");
            assert_eq!(
                serde_json::from_str::<Rule>(&again).expect("reads back"),
                rule
            );
        }
    }

    #[test]
    fn a_fraction_is_drawn_the_same_way_for_the_same_seed() {
        let draws = |seed| {
            let mut faults = Faults::new(seed);
            faults.add(Rule::fraction("get_agent", 0.3, Fault::Drop));
            (0..1000)
                .map(|_| faults.take("get_agent").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(42), draws(42));
        assert_ne!(draws(42), draws(43));
        let hits = draws(42).iter().filter(|hit| **hit).count();
        assert!((200..400).contains(&hits), "{hits} of 1000 for 0.3");
    }
}
