//! `--all`, `--limit` and `-o jsonl` on the generated list commands: every page as one
//! table or one array, items as pages arrive, and walks that end however the API pages
//! (a last page naming itself, as a journal does; a cursor that comes back).

use httpmock::{Mock, MockServer};
use serde_json::{json, Value};

use super::{agent, fleek_agents};
use crate::common::{AGENT, PROJECT};

/// An agent of the list, as the API sends it (with a field this version does not know).
fn listed(id: &str, name: &str) -> Value {
    let mut agent = agent("Running");
    agent["id"] = json!(id);
    agent["name"] = json!(name);
    agent["region"] = json!("eu-1");
    agent
}

/// A page at `cursor` (none for the first) whose `next_page` names `next`.
fn page<'a>(
    server: &'a MockServer,
    cursor: Option<&str>,
    items: Vec<Value>,
    next: Option<&str>,
) -> Mock<'a> {
    let next = next.map(|next| {
        format!(
            "{}/api/v1/ai-agents?cursor={next}&size=2",
            server.base_url()
        )
    });
    server.mock(|when, then| {
        let when = when.path("/api/v1/ai-agents");
        match cursor {
            Some(cursor) => when.query_param("cursor", cursor),
            None => when.query_param_missing("cursor"),
        };
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"data": items, "next_page": next, "prev_page": null}).to_string());
    })
}

/// Three agents on two pages.
fn two_pages(server: &MockServer) -> (Mock<'_>, Mock<'_>) {
    (
        page(
            server,
            None,
            vec![
                listed(AGENT, "Nova"),
                listed("cm7b2q3vx0002la08aaaaaaaa", "Orion"),
            ],
            Some("c2"),
        ),
        page(
            server,
            Some("c2"),
            vec![listed("cm7b2q3vx0003la08bbbbbbbb", "Vega")],
            None,
        ),
    )
}

#[test]
fn all_shows_every_page_as_one_table() {
    let server = MockServer::start();
    let (first, second) = two_pages(&server);
    let run = fleek_agents(&["agent", "list", "--all"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in ["Nova", "Orion", "Vega"] {
        assert!(run.stdout.contains(name), "{name} missing: {}", run.stdout);
    }
    // One header, and no hint of a next page: every page was read.
    assert_eq!(run.stdout.matches("NAME").count(), 1, "{}", run.stdout);
    assert!(!run.stdout.contains("--cursor"), "{}", run.stdout);
    first.assert_calls(1);
    second.assert_calls(1);

    // Without --all, one page and where the next starts.
    let run = fleek_agents(&["agent", "list"]).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Vega"), "{}", run.stdout);
    second.assert_calls(1);
}

#[test]
fn all_in_json_is_one_array_of_the_items_as_received() {
    let server = MockServer::start();
    two_pages(&server);
    let run = fleek_agents(&["agent", "list", "--all", "-o", "json", "--project", PROJECT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let items = run.json();
    let names: Vec<&str> = items
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|item| item["name"].as_str())
        .collect();
    assert_eq!(names, ["Nova", "Orion", "Vega"]);
    assert_eq!(
        items[2]["region"], "eu-1",
        "a field the types do not know is kept"
    );
}

#[test]
fn jsonl_prints_one_item_per_line() {
    let server = MockServer::start();
    two_pages(&server);
    let run = fleek_agents(&["agent", "list", "--all", "-o", "jsonl"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["name"], "Orion");

    // Without --all: the one page's items.
    let run = fleek_agents(&["agent", "list", "-o", "jsonl"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[test]
fn limit_takes_only_the_pages_it_needs() {
    let server = MockServer::start();
    let (first, second) = two_pages(&server);
    let run = fleek_agents(&["agent", "list", "--limit", "1", "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().as_array().map(Vec::len), Some(1));
    first.assert_calls(1);
    second.assert_calls(0);

    let run = fleek_agents(&["agent", "list", "--limit", "3", "-o", "jsonl"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 3);
    second.assert_calls(1);

    // --all with a limit stops at the limit.
    let run = fleek_agents(&["agent", "list", "--all", "--limit", "2"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Orion") && !run.stdout.contains("Vega"),
        "{}",
        run.stdout
    );
    second.assert_calls(1);
}

#[test]
fn a_limit_of_zero_is_refused_before_anything_is_sent() {
    let server = MockServer::start();
    let (first, _) = two_pages(&server);
    let run = fleek_agents(&["agent", "list", "--limit", "0"])
        .against(&server)
        .run();
    run.assert_exit(fleek_api::cli::Exit::Usage);
    assert!(run.stderr.contains("at least 1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--all"),
        "says what to do instead: {}",
        run.stderr
    );
    first.assert_calls(0);
}

#[test]
fn a_last_page_that_names_itself_ends_the_walk() {
    // A journal hands back its own cursor on its last page while nothing new is written.
    let server = MockServer::start();
    let first = page(&server, None, vec![listed(AGENT, "Nova")], Some("c2"));
    let last = page(
        &server,
        Some("c2"),
        vec![listed("cm7b2q3vx0002la08aaaaaaaa", "Orion")],
        Some("c2"),
    );
    let run = fleek_agents(&["agent", "list", "--all", "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().as_array().map(Vec::len), Some(2));
    first.assert_calls(1);
    last.assert_calls(1);
}

#[test]
fn a_cursor_that_comes_back_stops_the_walk_with_what_was_read_and_why() {
    // c2 → c3 → c4 → c2: a cycle longer than the page before.
    let server = MockServer::start();
    page(&server, None, vec![listed(AGENT, "Nova")], Some("c2"));
    let second = page(
        &server,
        Some("c2"),
        vec![listed("cm7b2q3vx0002la08aaaaaaaa", "Orion")],
        Some("c3"),
    );
    page(
        &server,
        Some("c3"),
        vec![listed("cm7b2q3vx0003la08bbbbbbbb", "Vega")],
        Some("c4"),
    );
    let fourth = page(
        &server,
        Some("c4"),
        vec![listed("cm7b2q3vx0004la08cccccccc", "Lyra")],
        Some("c2"),
    );
    let run = fleek_agents(&["agent", "list", "--all", "-o", "json"])
        .against(&server)
        .run();
    run.assert_exit(fleek_api::cli::Exit::Failure);
    assert_eq!(
        run.json().as_array().map(Vec::len),
        Some(4),
        "what was read is printed"
    );
    assert!(run.stderr.contains("already read"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"c2\""),
        "names the cursor: {}",
        run.stderr
    );
    second.assert_calls(1);
    fourth.assert_calls(1);
}
