//! A tool's arguments, taken one by one into the types of the operation's builder, so that
//! a wrong one is refused by name before anything is sent, and one the tool does not take
//! is refused rather than dropped.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Why a call was refused before it was sent.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ArgumentError {
    #[error("no tool is named `{0}`")]
    UnknownTool(String),
    #[error("`{0}` is required")]
    Missing(String),
    #[error("`{name}` does not fit: {reason}")]
    Invalid { name: String, reason: String },
    #[error("this tool takes no argument {}; it takes {}", quoted(.unknown), quoted(.known))]
    Unknown {
        unknown: Vec<String>,
        known: Vec<String>,
    },
}

fn quoted(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The arguments not taken yet.
#[derive(Debug, Default)]
pub(crate) struct Args {
    rest: Map<String, Value>,
    known: Vec<String>,
}

impl Args {
    pub(crate) fn new(arguments: Option<Map<String, Value>>) -> Self {
        Args {
            rest: arguments.unwrap_or_default(),
            known: Vec::new(),
        }
    }

    /// Takes `name`, decoded as `T`; `None` when absent or `null`.
    pub(crate) fn take<T: DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Result<Option<T>, ArgumentError> {
        self.known.push(name.to_string());
        match self.rest.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => decode(name, value).map(Some),
        }
    }

    /// Takes `name`, which must be there.
    pub(crate) fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ArgumentError> {
        self.take(name)?
            .ok_or_else(|| ArgumentError::Missing(name.to_string()))
    }

    /// Takes a text argument, trimmed; `None` when absent or empty.
    pub(crate) fn text(&mut self, name: &str) -> Result<Option<String>, ArgumentError> {
        Ok(self
            .take::<String>(name)?
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty()))
    }

    /// Takes `name`, base64 (a raw body). The generated calls use it for an operation with
    /// a binary body, which Fleek's spec has none of today.
    #[allow(dead_code)]
    pub(crate) fn base64(&mut self, name: &str) -> Result<Vec<u8>, ArgumentError> {
        use base64::Engine as _;
        let text: String = self.required(name)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| ArgumentError::Invalid {
                name: name.to_string(),
                reason: format!("not base64: {e}"),
            })
    }

    /// Takes the body's properties (`names`) and decodes them together as the body `T`; a
    /// body that is any JSON is the one argument `body`.
    pub(crate) fn body<T: DeserializeOwned>(&mut self, names: &[&str]) -> Result<T, ArgumentError> {
        if names == ["body"] {
            let value = self.rest.remove("body").unwrap_or(Value::Null);
            self.known.push("body".into());
            return decode("body", value);
        }
        let mut body = Map::new();
        for name in names {
            self.known.push((*name).to_string());
            if let Some(value) = self.rest.remove(*name) {
                if !value.is_null() {
                    body.insert((*name).to_string(), value);
                }
            }
        }
        serde_json::from_value(Value::Object(body)).map_err(|error| ArgumentError::Invalid {
            name: "the body".into(),
            reason: error.to_string(),
        })
    }

    /// Says which arguments were given that the tool does not take.
    pub(crate) fn finish(self) -> Result<(), ArgumentError> {
        if self.rest.is_empty() {
            return Ok(());
        }
        Err(ArgumentError::Unknown {
            unknown: self.rest.keys().cloned().collect(),
            known: self.known,
        })
    }

    /// Whether `name` was given (and is not `null`).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.rest.get(name).is_some_and(|value| !value.is_null())
    }

    /// The arguments not taken yet.
    pub(crate) fn rest(&self) -> &Map<String, Value> {
        &self.rest
    }

    /// `name` as given, not taken.
    pub(crate) fn peek(&self, name: &str) -> Option<&Value> {
        self.rest.get(name)
    }
}

fn decode<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, ArgumentError> {
    serde_json::from_value(value).map_err(|error| ArgumentError::Invalid {
        name: name.to_string(),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(value: Value) -> Args {
        Args::new(value.as_object().cloned())
    }

    #[test]
    fn arguments_are_decoded_by_name_and_extra_ones_refused() {
        let mut given = args(json!({"size": 5, "colour": "red"}));
        assert_eq!(given.take::<u32>("size").expect("fits"), Some(5));
        assert_eq!(given.take::<String>("cursor").expect("absent"), None);
        let error = given.finish().expect_err("colour is not taken").to_string();
        assert!(
            error.contains("`colour`") && error.contains("`size`"),
            "{error}"
        );
    }

    #[test]
    fn a_raw_body_is_base64() {
        let mut given = args(json!({"body": "AQID", "bad": "%%"}));
        assert_eq!(given.base64("body").expect("base64"), [1, 2, 3]);
        let error = given.base64("bad").expect_err("not base64").to_string();
        assert!(error.contains("not base64"), "{error}");
    }

    #[test]
    fn a_wrong_or_missing_argument_is_named() {
        let mut given = args(json!({"size": "many"}));
        let error = given
            .take::<u32>("size")
            .expect_err("not a number")
            .to_string();
        assert!(error.starts_with("`size` does not fit"), "{error}");
        let error = given
            .required::<String>("agentId")
            .expect_err("missing")
            .to_string();
        assert_eq!(error, "`agentId` is required");
    }
}
