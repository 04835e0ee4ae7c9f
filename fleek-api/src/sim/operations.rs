//! One handler per operation of the spec, each reading and changing the [`World`] as the
//! sources describe Fleek doing it (`FLEEK-API-NOTES.md`, the spec's descriptions).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::call::{bad, body, conflict, json_ok, not_found, param, query, Call, Context, Refusal};
use super::eliza;
use super::world::{self, Line, Record, Subscription, World};
use crate::tolerant::Agent;
use crate::types::{self, AgentStatus};

/// The answer of `call`, `None` when the simulator has no handler for its operation.
pub(crate) fn serve(cx: &Context<'_>, world: &mut World, call: &Call) -> Option<Response> {
    let answer = match call.operation {
        "list_agents" => list_agents(cx, world, call),
        "create_agent" => create_agent(cx, world, call),
        "create_agent_legacy" => create_agent_legacy(cx, world, call),
        "publish_agent" => publish_agent(cx, world, call),
        "get_agent" => with_agent(world, call, |record| Ok(json_ok(record.shown()))),
        "update_agent" => update_agent(cx, world, call),
        "delete_agent" => delete_agent(world, call),
        "get_agent_logs" => get_agent_logs(cx, world, call),
        "get_agent_status" => with_agent(world, call, |record| {
            let running = record.agent.status == AgentStatus::Running;
            Ok(json_ok(json!({"status": running.to_string()})))
        }),
        "get_public_agent" => with_agent(world, call, |record| {
            Ok(json_ok(
                json!({"name": record.agent.name, "avatar": record.agent.avatar}),
            ))
        }),
        "start_agent" => start_agent(cx, world, call),
        "stop_agent" => stop_agent(cx, world, call),
        "get_agent_attestation" => with_agent(world, call, |record| {
            let quote = format!(
                "SIMULATED-TDX-QUOTE agent={} tee={}",
                record.agent.id,
                record.agent.tee.unwrap_or(false)
            );
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/octet-stream")
                .body(axum::body::Body::from(quote))
                .map_err(|e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        }),
        "proxy_get" | "proxy_put" | "proxy_post" | "proxy_delete" | "proxy_patch" => {
            proxy(cx, world, call)
        }
        "list_framework_versions" => Ok(json_ok(world::framework_versions())),
        "list_plans" => Ok(json_ok(world::plans())),
        "list_subscriptions" => list_subscriptions(cx, world, call),
        "create_subscription" => create_subscription(cx, world, call),
        "update_subscription_quantity" => change_quantity(world, call, Change::Relative),
        "set_subscription_quantity" => change_quantity(world, call, Change::Absolute),
        "create_checkout_session" => body::<types::CheckoutRequest>(call)
            .and_then(|request| hosted(cx, call, &request.project_id)),
        "get_subscription" => match world.subscriptions.get(param(call, "subscriptionId")) {
            Some(subscription) => Ok(json_ok(subscription.value.clone())),
            None => Err(not_found("subscription")),
        },
        "cancel_subscription" => cancel_subscription(world, call),
        "list_payment_methods" => list_payment_methods(cx, world, call),
        "get_payment_method" => get_payment_method(world, call),
        "create_payment_portal_session" => body::<types::PaymentPortalRequest>(call)
            .and_then(|request| hosted(cx, call, &request.project_id)),
        _ => return None,
    };
    Some(answer.unwrap_or_else(|refusal| refusal.answer(call.operation)))
}

type Answer = Result<Response, Refusal>;

/// `f` on the agent the path names; 404 for one that does not exist (or was deleted).
fn with_agent(world: &mut World, call: &Call, f: impl FnOnce(&mut Record) -> Answer) -> Answer {
    match world.agents.get_mut(param(call, "agentId")) {
        Some(record) => f(record),
        None => Err(not_found("agent")),
    }
}

/// A page size from `size`: a `uint32` of at least 1, as the spec says.
fn size(call: &Call, default: usize) -> Result<usize, Refusal> {
    match query(call, "size") {
        None => Ok(default),
        Some(text) => match text.parse::<std::num::NonZeroU32>() {
            Ok(n) => Ok(n.get() as usize),
            _ => Err(bad(&format!(
                "`size` must be a whole number from 1 to 4294967295, not {text:?}"
            ))),
        },
    }
}

fn list_agents(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let size = size(call, 25)?;
    let project = call.project()?;
    let agents: Vec<&Record> = world
        .agents
        .values()
        .filter(|record| project.is_none_or(|p| record.agent.project_id == p))
        .collect();
    let start = match query(call, "cursor") {
        None => 0,
        Some(cursor) => cursor
            .parse::<usize>()
            .map_err(|_| bad("`cursor` is not one this list handed out"))?,
    };
    let page: Vec<Value> = agents
        .iter()
        .skip(start)
        .take(size)
        .map(|r| r.shown())
        .collect();
    let next = start + page.len();
    let next_page = (next < agents.len()).then(|| {
        let mut url = format!("/api/v1/ai-agents?cursor={next}&size={size}");
        if let Some(project) = project {
            url.push_str(&format!("&projectId={project}"));
        }
        cx.url(&url)
    });
    Ok(json_ok(
        json!({"data": page, "next_page": next_page, "prev_page": null}),
    ))
}

/// A new draft.
fn draft(
    cx: &Context<'_>,
    world: &mut World,
    project: String,
    name: String,
    config: String,
) -> Record {
    let id = world.id("cm");
    let serial = world.serial;
    let at = timestamp(cx.unix);
    Record {
        agent: Agent {
            id: id.clone(),
            project_id: project,
            name,
            avatar: None,
            status: AgentStatus::Draft,
            character_file: Some(config),
            host: Some(format!("agent-{serial}.sim.fleek.local")),
            slot_number: Some(crate::tolerant::SlotNumber::from(serial as i64)),
            created_by: Some("sim-user".into()),
            created_at: Some(at.clone()),
            updated_at: Some(at),
            deleted_at: None,
            public_token: Some(format!("pt_sim_{serial:08x}")),
            public_chat: Some(false),
            tee: Some(false),
            framework_name: Some("eliza".into()),
            framework_version: Some("eliza-0.1.9".into()),
        },
        journal: Vec::new(),
        steps: Default::default(),
    }
}

fn create_agent(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let request: types::CreateAgentRequest = body(call)?;
    let mut record = draft(
        cx,
        world,
        request.project_id.to_string(),
        request.name,
        request.config,
    );
    record.agent.avatar = request.avatar;
    if let Some(version) = request.framework_version {
        record.agent.framework_version = Some(version);
    }
    if let Some(public_chat) = request.public_chat {
        record.agent.public_chat = Some(public_chat);
    }
    if let Some(tee) = request.tee {
        record.agent.tee = Some(tee);
    }
    let shown = record.shown();
    world.agents.insert(record.agent.id.clone(), record);
    Ok(json_ok(shown))
}

fn create_agent_legacy(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let request: types::LegacyCreateAgentRequest = body(call)?;
    let record = draft(
        cx,
        world,
        request.project_id.to_string(),
        request.name,
        request.config,
    );
    let shown = legacy_created(record.shown());
    world.agents.insert(record.agent.id.clone(), record);
    Ok(json_ok(shown))
}

/// The fields of the legacy create's answer, as Fleek's website typed it
/// (`AiAgentCreationSuccessData`): no status, no character file.
const LEGACY_CREATED_FIELDS: [&str; 9] = [
    "id",
    "projectId",
    "name",
    "host",
    "slotNumber",
    "createdBy",
    "createdAt",
    "updatedAt",
    "deletedAt",
];

/// An agent as the legacy create answers it: only the fields its one source types.
fn legacy_created(agent: Value) -> Value {
    match agent {
        Value::Object(mut fields) => {
            fields.retain(|key, _| LEGACY_CREATED_FIELDS.contains(&key.as_str()));
            Value::Object(fields)
        }
        other => other,
    }
}

/// Publishes a draft (or a failed agent): a character Fleek would refuse ends `Failed`
/// with log lines that say why; any other boots.
fn publish_agent(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let (now, unix, delays) = (cx.now, cx.unix, cx.delays());
    with_agent(world, call, |record| {
        // A running agent is published again with its updated character, as Fleek's
        // dashboard deploys an edit (`update_agent`, then this): it restarts. One on its
        // way up is refused: wait until it runs.
        match record.agent.status {
            AgentStatus::Draft
            | AgentStatus::Failed
            | AgentStatus::Stopped
            | AgentStatus::Running => {}
            ref other => {
                return Err(conflict(&format!(
                    "the agent is {other}, on its way up; publish it again once it runs"
                )))
            }
        }
        let problems = character_problems(record.agent.character_file.as_deref());
        if problems.is_empty() {
            record.log(unix, 6, format!("Deploying agent {}", record.agent.name));
            record.boot(now, AgentStatus::Created, delays);
        } else {
            record.log(
                unix,
                3,
                format!(
                    "Agent {} failed to start: its character file breaks Fleek's rules",
                    record.agent.name
                ),
            );
            for problem in problems {
                record.log(unix, 3, problem);
            }
            record.agent.status = AgentStatus::Failed;
            record.steps.clear();
        }
        record.agent.updated_at = Some(timestamp(unix));
        Ok(json_ok(record.shown()))
    })
}

/// Why Fleek would refuse a character file (empty when it would not).
fn character_problems(config: Option<&str>) -> Vec<String> {
    let Some(config) = config else {
        return vec!["the agent has no character file".into()];
    };
    match serde_json::from_str::<Value>(config) {
        Ok(value) => crate::character::Report::of_json(&value)
            .problems()
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect(),
        Err(e) => vec![format!("the character file is not JSON: {e}")],
    }
}

/// A partial update: only the fields sent change (`config` and `characterFile` both set the
/// character file; an empty `avatar` removes it).
fn update_agent(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let request: types::UpdateAgentRequest = body(call)?;
    let unix = cx.unix;
    with_agent(world, call, |record| {
        let agent = &mut record.agent;
        if let Some(config) = request.config.or(request.character_file) {
            agent.character_file = Some(config);
        }
        if let Some(name) = request.name {
            agent.name = name;
        }
        if let Some(avatar) = request.avatar {
            agent.avatar = (!avatar.is_empty()).then_some(avatar);
        }
        if let Some(project) = request.project_id {
            agent.project_id = project.to_string();
        }
        if let Some(version) = request.framework_version {
            agent.framework_version = Some(version);
        }
        if let Some(public_chat) = request.public_chat {
            agent.public_chat = Some(public_chat);
        }
        if let Some(tee) = request.tee {
            agent.tee = Some(tee);
        }
        agent.updated_at = Some(timestamp(unix));
        Ok(json_ok(record.shown()))
    })
}

fn delete_agent(world: &mut World, call: &Call) -> Answer {
    let id = param(call, "agentId");
    match world.agents.remove(id) {
        Some(_) => Ok(json_ok(
            json!({"id": id, "message": "AI Agent deleted successfully"}),
        )),
        None => Err(not_found("agent")),
    }
}

/// A page of the journal: from the cursor's entry, `size` entries; the next page's cursor
/// is the entry after the last one read, so the last page hands back its own cursor while
/// nothing new is written, as a journal does.
fn get_agent_logs(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let size = size(call, 30)?;
    let id = param(call, "agentId").to_string();
    with_agent(world, call, |record| {
        let start = match query(call, "cursor") {
            None => 0,
            Some(cursor) => world::index_of(&id, cursor)
                .filter(|index| *index <= record.journal.len())
                .ok_or_else(|| bad("`cursor` is not one this agent's log handed out"))?,
        };
        let entries: Vec<Value> = record
            .journal
            .iter()
            .enumerate()
            .skip(start)
            .take(size)
            .map(|(index, line)| entry(&id, index, line))
            .collect();
        let next = world::cursor(&id, start + entries.len());
        let page = |cursor: &str| {
            cx.url(&format!(
                "/api/v1/ai-agents/{id}/logs?cursor={}&size={size}",
                encode(cursor)
            ))
        };
        let prev = (start > 0).then(|| page(&world::cursor(&id, start.saturating_sub(size))));
        Ok(json_ok(
            json!({"data": entries, "next_page": page(&next), "prev_page": prev}),
        ))
    })
}

fn entry(agent: &str, index: usize, line: &Line) -> Value {
    json!({"id": world::cursor(agent, index), "timestamp": line.timestamp,
           "message": line.message, "priority": line.priority})
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn start_agent(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let (now, unix, delays) = (cx.now, cx.unix, cx.delays());
    with_agent(world, call, |record| match record.agent.status {
        AgentStatus::Stopped => {
            record.log(
                unix,
                6,
                format!("Starting agent {} again", record.agent.name),
            );
            record.boot(now, AgentStatus::Pending, delays);
            Ok(json_ok(record.shown()))
        }
        AgentStatus::Running => Ok(json_ok(record.shown())),
        ref other => Err(conflict(&format!(
            "the agent is {other}; only a stopped agent starts"
        ))),
    })
}

fn stop_agent(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let unix = cx.unix;
    with_agent(world, call, |record| match record.agent.status {
        AgentStatus::Running | AgentStatus::Created | AgentStatus::Pending => {
            record.log(unix, 6, format!("Stopping agent {}", record.agent.name));
            record.agent.status = AgentStatus::Stopped;
            record.steps.clear();
            Ok(json_ok(record.shown()))
        }
        AgentStatus::Stopped => Ok(json_ok(record.shown())),
        ref other => Err(conflict(&format!("the agent is {other}; it does not run"))),
    })
}

/// Into the agent's own API: Eliza's stand-in answers while the agent runs.
fn proxy(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let unix = cx.unix;
    with_agent(world, call, |record| {
        if record.agent.status != AgentStatus::Running {
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the agent is {}; its API answers only while it runs",
                    record.agent.status
                ),
            ));
        }
        Ok(eliza::answer(
            record,
            &call.method,
            param(call, "key"),
            &call.body,
            unix,
        ))
    })
}

fn list_subscriptions(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let project = call.required_project()?;
    provision(world, project, cx.unix);
    let list: Vec<Value> = world
        .subscriptions
        .values()
        .filter(|s| s.project == project)
        .map(|s| s.value.clone())
        .collect();
    // A project without subscriptions is a 404, which Fleek's dashboard reads as "none".
    if list.is_empty() {
        return Err(not_found("subscription of this project"));
    }
    Ok(json_ok(Value::Array(list)))
}

/// A subscription needs a saved payment method (otherwise: checkout).
fn create_subscription(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let request: types::CreateSubscriptionRequest = body(call)?;
    let project = request.project_id.to_string();
    provision(world, &project, cx.unix);
    if world
        .payment_methods
        .get(&project)
        .is_none_or(Vec::is_empty)
    {
        return Err(Refusal::new(
            StatusCode::PAYMENT_REQUIRED,
            "the project has no saved payment method: start a checkout session instead",
        ));
    }
    let value = subscribe(
        world,
        project,
        &request.product.id,
        request.product.quantity.get(),
        cx.unix,
    );
    Ok(json_ok(value))
}

/// A new active subscription of `project` to `product`, for 30 days from `unix`.
pub(crate) fn subscribe(
    world: &mut World,
    project: String,
    product: &str,
    quantity: u32,
    unix: i64,
) -> Value {
    let id = world.id("sub_sim_");
    let start = date(unix);
    let end = date(unix + 30 * 86_400);
    let value = json!({
        "id": id, "status": "Active", "startDate": start, "periodStartDate": start,
        "periodEndDate": end, "endDate": null, "productId": product, "scheduleId": null,
        "items": [{"id": format!("si_{id}"), "priceId": "price_sim", "productId": product,
                   "quantity": quantity, "unitAmount": 2000, "usageType": "PerUnit"}]
    });
    world.subscriptions.insert(
        id,
        Subscription {
            project,
            value: value.clone(),
        },
    );
    value
}

/// Gives a project seen for the first time a saved card and an active subscription, when
/// the simulator is provisioned (`World::provisioned`).
fn provision(world: &mut World, project: &str, unix: i64) {
    if world.provisioned && world.provisioned_projects.insert(project.to_string()) {
        save_card(world, project);
        subscribe(
            world,
            project.to_string(),
            super::world::PROVISIONED_PRODUCT,
            1,
            unix,
        );
    }
}

/// Saves a card for `project`, as completing the hosted payment page does.
pub(crate) fn save_card(world: &mut World, project: &str) -> Value {
    let id = world.id("pm_sim_");
    let card = json!({"id": id, "brand": "visa", "last4": "4242", "country": "US",
                      "expiryMonth": 12, "expiryYear": 2030});
    world
        .payment_methods
        .entry(project.to_string())
        .or_default()
        .push(card.clone());
    card
}

enum Change {
    Relative,
    Absolute,
}

fn change_quantity(world: &mut World, call: &Call, change: Change) -> Answer {
    let quantity =
        |subscription: &Value| subscription["items"][0]["quantity"].as_i64().unwrap_or(0);
    let id = param(call, "subscriptionId").to_string();
    let Some(current) = world.subscriptions.get(&id).map(|s| quantity(&s.value)) else {
        return Err(not_found("subscription"));
    };
    let new = match change {
        Change::Relative => {
            let request: types::UpdateSubscriptionQuantityRequest = body(call)?;
            current + i64::from(request.update_by)
        }
        Change::Absolute => {
            let request: types::SetSubscriptionQuantityRequest = body(call)?;
            i64::from(request.product.quantity.get())
        }
    };
    if new < 1 {
        return Err(bad(&format!(
            "the quantity would be {new}; it must stay at least 1"
        )));
    }
    let Some(subscription) = world.subscriptions.get_mut(&id) else {
        return Err(not_found("subscription"));
    };
    subscription.value["items"][0]["quantity"] = json!(new);
    Ok(json_ok(subscription.value.clone()))
}

/// Cancelling keeps the subscription `Active` until its period ends.
fn cancel_subscription(world: &mut World, call: &Call) -> Answer {
    match world.subscriptions.get_mut(param(call, "subscriptionId")) {
        Some(subscription) => {
            let end = subscription.value["periodEndDate"].clone();
            subscription.value["endDate"] = end;
            Ok(json_ok(subscription.value.clone()))
        }
        None => Err(not_found("subscription")),
    }
}

/// A hosted page's URL (checkout, or the payment portal).
fn hosted(cx: &Context<'_>, call: &Call, project: &types::ProjectId) -> Answer {
    Ok(json_ok(json!({
        "url": cx.url(&format!("/_sim/hosted/{}?project={}", call.operation, encode(project)))
    })))
}

fn list_payment_methods(cx: &Context<'_>, world: &mut World, call: &Call) -> Answer {
    let project = call.required_project()?;
    provision(world, project, cx.unix);
    let data = world
        .payment_methods
        .get(project)
        .cloned()
        .unwrap_or_default();
    Ok(json_ok(json!({"data": data, "next": null, "prev": null})))
}

fn get_payment_method(world: &mut World, call: &Call) -> Answer {
    let id = param(call, "paymentMethodId");
    world
        .payment_methods
        .values()
        .flatten()
        .find(|method| method["id"] == id)
        .map(|method| json_ok(method.clone()))
        .ok_or_else(|| not_found("payment method"))
}

/// `2025-02-13T13:55:49.000Z`, as Fleek writes agents' times.
pub(crate) fn timestamp(unix: i64) -> String {
    let (date, time) = crate::civil::civil(unix);
    format!("{date}T{time}.000Z")
}

/// `2025-03-02T00:00:00`: subscription dates carry no offset in the guide.
fn date(unix: i64) -> String {
    let (date, time) = crate::civil::civil(unix);
    format!("{date}T{time}")
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use axum::http::{HeaderMap, Method};

    use super::*;
    use crate::generated::OPERATION_ROUTES;
    use crate::sim::faults::Faults;
    use crate::sim::world::Delays;
    use crate::sim::{Clock, Shared};

    /// Every operation of the spec has a handler: none would answer 501. An operation added
    /// to the spec fails here, by name, until it is served.
    #[test]
    fn every_operation_of_the_spec_is_served() {
        let shared = Shared {
            world: Mutex::new(World::default()),
            key: "k".into(),
            base_url: "http://127.0.0.1:1".into(),
            clock: Clock::new(),
            delays: Delays {
                boot: Duration::ZERO,
            },
            faults: Mutex::new(Faults::new(1)),
            quirks: false,
            log: Mutex::new(Vec::new()),
        };
        let cx = Context {
            shared: &shared,
            now: Duration::ZERO,
            unix: 0,
        };
        let mut world = World::default();
        let unserved: Vec<&str> = OPERATION_ROUTES
            .iter()
            .filter(|(method, _, operation)| {
                let call = Call {
                    operation,
                    method: method.parse::<Method>().unwrap_or(Method::GET),
                    params: Vec::new(),
                    query: Vec::new(),
                    headers: HeaderMap::new(),
                    body: Default::default(),
                };
                serve(&cx, &mut world, &call).is_none()
            })
            .map(|(_, _, operation)| *operation)
            .collect();
        assert!(
            unserved.is_empty(),
            "not served by the simulator: {unserved:?}"
        );
        assert!(OPERATION_ROUTES.len() >= 30);
    }

    #[test]
    fn dates_read_as_utc() {
        assert_eq!(timestamp(1_739_454_949), "2025-02-13T13:55:49.000Z");
        assert_eq!(date(951_782_400), "2000-02-29T00:00:00");
    }
}
