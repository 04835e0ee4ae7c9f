//! The spec's examples against its own schemas, through a JSON Schema validator (the
//! `jsonschema` crate, over `src/sim/spec.schema.json`, which `cargo xtask codegen` writes
//! from the spec): every request and answer example fits, and every union (`oneOf`) that
//! an answer can reach is matched by exactly one of its branches, as a validating client
//! demands.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::common::{operation_ids, request_example, response_example, spec};

/// The generated JSON Schema document: `$defs` and each operation's `request`/`success`.
fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::from_str(include_str!("../../src/sim/spec.schema.json"))
            .expect("spec.schema.json is JSON")
    })
}

/// A validator for `schema`, with the document's definitions beside it.
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut whole = schema.as_object().expect("a schema object").clone();
    whole.insert("$defs".into(), document()["$defs"].clone());
    jsonschema::validator_for(&Value::Object(whole)).expect("the schema compiles")
}

/// A validator for one named definition.
fn definition(name: &str) -> jsonschema::Validator {
    validator(&json!({"$ref": format!("#/$defs/{name}")}))
}

/// Why `value` does not fit, or `None`.
fn misfit(validator: &jsonschema::Validator, value: &Value) -> Option<String> {
    validator
        .validate(value)
        .err()
        .map(|e| format!("at `{}`: {e}", e.instance_path()))
}

fn has_json_answer(id: &str) -> bool {
    !crate::common::operation(id)["responses"]["2XX"]["content"]["application/json"]["example"]
        .is_null()
}

fn has_json_request(id: &str) -> bool {
    let body = &crate::common::operation(id)["requestBody"];
    !body.is_null()
}

/// An operation's example of one part (its request or its answer).
type Example = fn(&str) -> Value;

#[test]
fn every_example_fits_its_schema() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for id in operation_ids() {
        let schemas = &document()["operations"][&id];
        let parts: [(&str, bool, Example); 2] = [
            ("success", has_json_answer(&id), response_example),
            ("request", has_json_request(&id), request_example),
        ];
        for (part, present, example) in parts {
            if !present {
                continue;
            }
            let schema = &schemas[part];
            assert!(
                schema.is_object(),
                "{id}: no {part} schema in spec.schema.json"
            );
            if let Some(why) = misfit(&validator(schema), &example(&id)) {
                failures.push(format!("{id} {part} {why}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Every operation but the five proxies, start, stop and the attestation answers JSON.
    assert!(checked > 25, "only {checked} examples checked");
}

/// How many branches of the `oneOf` of definition `name` accept `value`.
fn branches_matched(name: &str, value: &Value) -> usize {
    let branches = document()["$defs"][name]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{name} is a oneOf"));
    branches
        .iter()
        .filter(|branch| misfit(&validator(branch), value).is_none())
        .count()
}

#[test]
fn each_subscription_answer_matches_exactly_one_branch() {
    let listed = response_example("list_subscriptions")[0].clone();
    let mut empty_items = listed.clone();
    empty_items["items"] = json!([]);
    let envelope = json!({"items": [response_example("get_subscription")]});
    let cases = [
        (
            "get_subscription's example",
            response_example("get_subscription"),
        ),
        ("a listed subscription with priced items", listed),
        ("a plain subscription with `items: []`", empty_items),
        ("an envelope of Fleek's mocks", envelope),
    ];
    let details = definition("SubscriptionDetails");
    for (what, value) in cases {
        assert_eq!(
            branches_matched("SubscriptionDetails", &value),
            1,
            "{what}: {value}"
        );
        assert_eq!(misfit(&details, &value), None, "{what}");
        // The Rust type reads each one, too.
        serde_json::from_value::<fleek_api::types::SubscriptionDetails>(value)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }
    // An empty envelope is neither: no source shows one.
    assert_eq!(
        branches_matched("SubscriptionDetails", &json!({"items": []})),
        0
    );
}

#[test]
fn every_union_reached_by_an_example_is_matched_once() {
    // Each `oneOf` definition, against every value in the spec's examples that one of its
    // branches accepts: no example may be accepted by two.
    let defs = document()["$defs"].as_object().expect("$defs");
    let unions: Vec<&String> = defs
        .iter()
        .filter(|(_, schema)| schema["oneOf"].is_array())
        .map(|(name, _)| name)
        .collect();
    assert!(unions.len() >= 5, "{unions:?}");
    let mut values = Vec::new();
    collect_examples(spec(), &mut values);
    let mut ambiguous = Vec::new();
    for name in &unions {
        for value in &values {
            if branches_matched(name, value) > 1 {
                ambiguous.push(format!("{name}: {value}"));
            }
        }
    }
    assert!(ambiguous.is_empty(), "{ambiguous:#?}");
}

/// Every `example` in the spec, and each value nested inside one.
fn collect_examples(node: &Value, into: &mut Vec<Value>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "example" {
                    nested(value, into);
                } else {
                    collect_examples(value, into);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_examples(item, into)),
        _ => {}
    }
}

fn nested(value: &Value, into: &mut Vec<Value>) {
    into.push(value.clone());
    match value {
        Value::Object(map) => map.values().for_each(|v| nested(v, into)),
        Value::Array(items) => items.iter().for_each(|v| nested(v, into)),
        _ => {}
    }
}
