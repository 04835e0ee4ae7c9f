//! Building a client: what is refused, where requests go, and that the key stays secret.

use crate::common::{only_request, respond, setup, KEY};
use fleek_api::{config::ApiKey, error::BuildError, Client, ClientInfo};
use wiremock::ResponseTemplate;

#[test]
fn a_missing_key_says_where_to_get_one() {
    let error = Client::builder().build().expect_err("no key");
    assert!(matches!(error, BuildError::MissingApiKey));
    assert!(error.to_string().contains("API tokens"), "{error}");
}

#[test]
fn unusable_keys_are_refused_with_the_reason() {
    for (key, reason) in [
        ("", "empty"),
        ("   ", "empty"),
        (" fk_live_1", "whitespace"),
        ("fk_live_1\n", "whitespace"),
        ("fk live", "visible ASCII"),
        ("fk_lïve", "visible ASCII"),
    ] {
        let error = Client::builder().api_key(key).build().expect_err("refused");
        assert!(matches!(error, BuildError::InvalidApiKey(_)), "{key:?}");
        assert!(error.to_string().contains(reason), "{key:?}: {error}");
        assert!(ApiKey::new(key).is_err(), "{key:?}");
    }
}

#[test]
fn unusable_base_urls_are_refused() {
    for url in [
        "api.fleek.xyz",
        "ftp://api.fleek.xyz",
        "https://api.fleek.xyz/?debug=1",
        "https://api.fleek.xyz/#top",
        "https://me:secret@api.fleek.xyz",
        "",
    ] {
        let error = Client::builder()
            .api_key(KEY)
            .base_url(url)
            .build()
            .expect_err("refused");
        assert!(
            matches!(error, BuildError::InvalidBaseUrl { .. }),
            "{url:?}: {error}"
        );
        assert!(
            error.to_string().contains("https://api.fleek.xyz"),
            "{error}"
        );
    }
}

#[test]
fn the_default_base_url_is_fleeks() {
    let client = Client::builder().api_key(KEY).build().expect("builds");
    assert_eq!(client.baseurl(), "https://api.fleek.xyz");
}

#[test]
fn the_key_never_appears_in_debug_output() {
    let client = Client::builder().api_key(KEY).build().expect("builds");
    let key = ApiKey::new(KEY).expect("valid");
    let builder = Client::builder().api_key(KEY);
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{key:?}"),
        format!("{builder:?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("S3CR3T"), "{text}");
    }
    assert!(format!("{client:?}").contains("<redacted>"));
}

#[tokio::test]
async fn the_key_never_appears_in_errors() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(403).set_body_string("forbidden"),
    )
    .await;
    let error = client
        .get_agent()
        .agent_id("a1")
        .send()
        .await
        .expect_err("403");
    for text in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{error:#}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
    }
}

#[tokio::test]
async fn a_base_url_with_a_path_stem_and_a_trailing_slash_is_joined_cleanly() {
    let server = wiremock::MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!([])),
    )
    .await;
    let client = crate::common::client_for(&format!("{}/fleek/", server.uri()));
    let plans = client.list_plans().send().await.expect("decodes");
    assert!(plans.is_empty());
    assert_eq!(
        only_request(&server).await.url.path(),
        "/fleek/api/v1/plans"
    );
}

#[tokio::test]
async fn the_key_header_is_marked_sensitive_and_sent_once() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!([])),
    )
    .await;
    client.list_plans().send().await.expect("decodes");
    let request = only_request(&server).await;
    let keys: Vec<_> = request.headers.get_all("x-api-key").iter().collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].as_bytes(), KEY.as_bytes());
}

#[test]
fn a_client_prints_its_base_url_and_never_its_credentials() {
    let client = Client::builder()
        .api_key(KEY)
        .agent_token("pt_S3CR3T_token")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("builds");
    let debug = format!("{client:?}");
    assert!(debug.contains("http://127.0.0.1:9"), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(!debug.contains("S3CR3T"), "{debug}");
    assert!(debug.contains("ApiKey(<redacted>)"), "{debug}");
    assert!(debug.contains("AgentToken(<redacted>)"), "{debug}");
}
