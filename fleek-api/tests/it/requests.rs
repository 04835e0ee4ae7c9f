//! The request each operation of the spec sends, as a snapshot named after it
//! (`snapshots/requests__<operationId>.snap`): method, path, query, headers with the key
//! masked, and body. Each operation is sent with the spec's own examples by the generated
//! `fleek_api::mock::send_example`, so a new operation whose parameters and body have
//! examples gets its snapshot here with no test to write, and `cargo xtask codegen` shows it
//! as a new `.snap`.

use crate::common::{only_request, render, respond, setup};
use wiremock::ResponseTemplate;

#[tokio::test]
async fn every_operation_sends_the_spec_examples() {
    let mut without_examples = Vec::new();
    for id in crate::common::operation_ids() {
        let (server, client) = setup().await;
        respond(&server, ResponseTemplate::new(200)).await;
        // The answer is not this test's concern (an empty 200 may not decode); the request is.
        if fleek_api::mock::send_example(&client, &id).await.is_none() {
            without_examples.push(id);
            continue;
        }
        let request = only_request(&server).await;
        insta::assert_snapshot!(id.as_str(), render(&request));
    }
    assert!(
        without_examples.is_empty(),
        "the spec gives no example for a required parameter or the body of: {}; add \
         `example:` to them in openapi/fleek-api.yaml so that their requests are snapshotted",
        without_examples.join(", ")
    );
}
