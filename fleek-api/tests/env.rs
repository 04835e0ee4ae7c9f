//! `Client::from_env`. One test function: the environment is shared by the whole process.

use fleek_api::{error::BuildError, Client, ClientInfo};

#[test]
fn from_env_reads_the_key_and_the_url_and_explains_what_is_missing() {
    std::env::remove_var("FLEEK_API_KEY");
    std::env::remove_var("FLEEK_API_URL");
    let error = Client::from_env().expect_err("no key");
    assert!(matches!(error, BuildError::MissingApiKey));
    assert!(error.to_string().contains("FLEEK_API_KEY"), "{error}");

    std::env::set_var("FLEEK_API_KEY", "");
    let error = Client::from_env().expect_err("empty key");
    assert!(matches!(error, BuildError::InvalidApiKey(_)), "{error}");

    std::env::set_var("FLEEK_API_KEY", "fk\u{7f}bad");
    let error = Client::from_env().expect_err("not a header value");
    assert!(matches!(error, BuildError::InvalidApiKey(_)), "{error}");

    std::env::set_var("FLEEK_API_KEY", "fk_test_123");
    let client = Client::from_env().expect("key set");
    assert_eq!(client.baseurl(), "https://api.fleek.xyz");

    std::env::set_var("FLEEK_API_URL", "http://127.0.0.1:9/");
    let client = Client::from_env().expect("url set");
    assert_eq!(client.baseurl(), "http://127.0.0.1:9");

    std::env::set_var("FLEEK_API_URL", "not a url");
    let error = Client::from_env().expect_err("bad url");
    assert!(
        matches!(error, BuildError::InvalidBaseUrl { .. }),
        "{error}"
    );

    std::env::remove_var("FLEEK_API_KEY");
    std::env::remove_var("FLEEK_API_URL");
}
