//! Every shape the guide shows and every shape Fleek's dashboard expects decodes, through
//! the operations that return it (`../shared/reference/FLEEK-API-NOTES.md` lists them).

use crate::common::{respond, setup};
use fleek_api::{
    types,
    types::{AgentStatus, SubscriptionStatus},
};
use serde_json::json;
use wiremock::ResponseTemplate;

fn answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn an_agent_with_either_spelling_of_the_character_file() {
    for key in ["characterFile", "character_file"] {
        let (server, client) = setup().await;
        respond(
            &server,
            answer(
                json!({"id": "a1", "projectId": "p1", "name": "Nova", "status": "Draft",
                          key: "{\"name\":\"Nova\"}"}),
            ),
        )
        .await;
        let agent = client.get_agent().agent_id("a1").send().await.expect(key);
        assert_eq!(
            agent.character_file.as_deref(),
            Some("{\"name\":\"Nova\"}"),
            "{key}"
        );
    }
}

#[tokio::test]
async fn an_agent_with_both_spellings_prefers_the_camel_case_one() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(
            json!({"id": "a1", "projectId": "p1", "name": "Nova", "status": "Draft",
                      "characterFile": "{\"v\":2}", "character_file": "{\"v\":1}"}),
        ),
    )
    .await;
    let agent = client
        .get_agent()
        .agent_id("a1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(agent.character_file.as_deref(), Some("{\"v\":2}"));
}

#[tokio::test]
async fn an_unknown_status_and_unknown_fields_do_not_fail_the_call() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(
            json!({"data": [{"id": "a1", "projectId": "p1", "name": "Nova",
                                "status": "Hibernating", "gpu": {"model": "h100"},
                                "slotNumber": 7}],
                      "next_page": null, "prev_page": null, "total": 1}),
        ),
    )
    .await;
    let page = client.list_agents().send().await.expect("decodes");
    let agent = &page.data[0];
    assert!(matches!(&agent.status, AgentStatus::Other(value) if value == "Hibernating"));
    assert_eq!(agent.slot_number, Some(types::SlotNumber::Int64(7)));
}

#[tokio::test]
async fn a_slot_number_sent_as_a_string() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(
            json!({"id": "a1", "projectId": "p1", "name": "Nova", "status": "Running",
                      "slotNumber": "12"}),
        ),
    )
    .await;
    let agent = client
        .get_agent()
        .agent_id("a1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        agent.slot_number,
        Some(types::SlotNumber::String("12".into()))
    );
}

#[tokio::test]
async fn the_running_status_as_a_string_or_a_boolean() {
    for (body, expected) in [
        (
            json!({"status": "true"}),
            types::AgentRunningStatusStatus::String("true".into()),
        ),
        (
            json!({"status": "false"}),
            types::AgentRunningStatusStatus::String("false".into()),
        ),
        (
            json!({"status": true}),
            types::AgentRunningStatusStatus::Boolean(true),
        ),
    ] {
        let (server, client) = setup().await;
        respond(&server, answer(body)).await;
        let status = client
            .get_agent_status()
            .agent_id("a1")
            .send()
            .await
            .expect("decodes");
        assert_eq!(status.status, expected);
    }
}

#[tokio::test]
async fn a_delete_answer_with_a_message_or_an_id() {
    for body in [
        json!({"message": "AI Agent deleted successfully"}),
        json!({"id": "a1"}),
    ] {
        let (server, client) = setup().await;
        respond(&server, answer(body.clone())).await;
        let deleted = client
            .delete_agent()
            .agent_id("a1")
            .send()
            .await
            .expect("decodes");
        assert_eq!(serde_json::to_value(&*deleted).expect("serializes"), body);
    }
}

#[tokio::test]
async fn log_ids_as_journald_cursors_or_numbers() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(json!({"data": [
            {"id": "s=a654;i=1", "timestamp": 1739454949, "message": "a", "priority": 6},
            {"id": 17674, "timestamp": 1739454950, "message": "b"}
        ], "next_page": null, "prev_page": null})),
    )
    .await;
    let page = client
        .get_agent_logs()
        .agent_id("a1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        page.data[0].id,
        types::LogEntryId::String("s=a654;i=1".into())
    );
    assert_eq!(page.data[1].id, types::LogEntryId::Int64(17674));
    assert_eq!(page.data[1].priority, None);
}

#[tokio::test]
async fn subscriptions_as_one_object_or_an_array() {
    let one = json!({"id": "sub_1", "status": "Active", "startDate": "2025-01-02T00:00:00",
                     "endDate": null, "items": []});
    for body in [one.clone(), json!([one])] {
        let (server, client) = setup().await;
        respond(&server, answer(body.clone())).await;
        let list = client
            .list_subscriptions()
            .project_id("p1")
            .send()
            .await
            .expect("decodes")
            .into_inner();
        let subscriptions = match list {
            types::SubscriptionList::Array(all) => all,
            types::SubscriptionList::Subscription(one) => vec![one],
        };
        assert_eq!(subscriptions.len(), 1, "{body}");
        assert_eq!(subscriptions[0].status, SubscriptionStatus::Active);
        // A timestamp without an offset is kept as sent.
        assert_eq!(
            subscriptions[0].start_date.as_deref(),
            Some("2025-01-02T00:00:00")
        );
    }
}

#[tokio::test]
async fn an_unknown_subscription_status_is_kept() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(json!({"id": "sub_1", "status": "Frozen", "items": []})),
    )
    .await;
    let subscription = client
        .cancel_subscription()
        .subscription_id("sub_1")
        .send()
        .await
        .expect("decodes");
    assert!(
        matches!(&subscription.status, SubscriptionStatus::Other(value) if value == "Frozen"),
        "{:?}",
        subscription.status
    );
}

#[tokio::test]
async fn card_expiry_as_strings_or_numbers() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(json!({"data": [
            {"id": "pm_1", "brand": "visa", "last4": "4014", "country": "US",
             "expiryMonth": "9", "expiryYear": "2034"},
            {"id": "pm_2", "brand": "mastercard", "last4": "4444", "country": "DE",
             "expiryMonth": 12, "expiryYear": 2031}
        ], "next": "c2", "prev": null})),
    )
    .await;
    let page = client
        .list_payment_methods()
        .project_id("p1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        page.data[0].expiry_month,
        Some(types::StringOrInteger::String("9".into()))
    );
    assert_eq!(
        page.data[1].expiry_year,
        Some(types::StringOrInteger::Int64(2031))
    );
    assert_eq!(page.next.as_deref(), Some("c2"));
}

#[tokio::test]
async fn plans_with_metadata_and_a_null_description() {
    let (server, client) = setup().await;
    respond(
        &server,
        answer(json!([{"id": "prod_1", "name": "AI Agent", "description": null, "price": 2000,
                       "createdAt": "2025-01-06T18:27:40Z", "metadata": {"app": "fleek-platform"}}])),
    )
    .await;
    let plans = client.list_plans().send().await.expect("decodes");
    assert_eq!(plans[0].description, None);
    assert_eq!(
        plans[0].metadata.get("app").map(String::as_str),
        Some("fleek-platform")
    );
}

#[test]
fn an_open_enums_other_never_holds_a_known_value() {
    // `Unknown` is made only by parsing a value no variant stands for: a known value always
    // parses (and decodes) to its variant, so equal values are equal enums.
    fn check<T>(known: &[T])
    where
        T: std::str::FromStr<Err = std::convert::Infallible>
            + std::fmt::Display
            + PartialEq
            + std::fmt::Debug
            + serde::de::DeserializeOwned,
    {
        for value in known {
            let Ok(parsed) = value.to_string().parse::<T>();
            assert_eq!(&parsed, value);
            let decoded: T = serde_json::from_value(json!(value.to_string())).expect("decodes");
            assert_eq!(&decoded, value);
        }
    }
    check(AgentStatus::KNOWN);
    check(SubscriptionStatus::KNOWN);
    check(fleek_api::character::ModelProvider::KNOWN);
    check(fleek_api::character::ClientName::KNOWN);
}
