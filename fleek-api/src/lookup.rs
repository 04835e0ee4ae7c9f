//! Finding an agent by what people call it: its id, or its name in a project.
//!
//! Fleek names each agent by an id (a cuid such as `cm7b2q3vx0001la08zk4h2mto`) that nobody
//! remembers; people know their agents by name. [`AgentRef::parse`] tells the two apart by
//! form, and [`Client::find_agent`] turns a name into an id by reading every page of the
//! project's agents (a walk bounded like every walk over pages: see [`crate::paging`]). A
//! name is exact and case-sensitive; an unknown or ambiguous one is an error that lists the
//! candidates, never a guess.
//!
//! ```no_run
//! use fleek_api::Call as _;
//!
//! # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::lookup::LookupError> {
//! let id = client.find_agent("Nova", Some("cm6k5x0qj0003l708b2v1c9ep")).await?;
//! let agent = client.get_agent().agent_id(id.as_str()).call().await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;

use futures_util::TryStreamExt;

use crate::Client;

/// How many candidates an error lists before it says how many more there are.
const LISTED: usize = 20;

/// What a person typed for an agent.
///
/// ```
/// use fleek_api::lookup::AgentRef;
///
/// assert_eq!(AgentRef::parse("cm7b2q3vx0001la08zk4h2mto"), AgentRef::Id("cm7b2q3vx0001la08zk4h2mto".into()));
/// assert_eq!(AgentRef::parse("Nova"), AgentRef::Name("Nova".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentRef {
    /// Text of an agent id's form: taken as the id, never looked up.
    Id(String),
    /// Anything else: an agent's exact name.
    Name(String),
}

impl AgentRef {
    /// An id when `text` has an agent id's form (see [`is_agent_id`]), otherwise a name.
    pub fn parse(text: &str) -> AgentRef {
        if is_agent_id(text) {
            AgentRef::Id(text.to_string())
        } else {
            AgentRef::Name(text.to_string())
        }
    }
}

/// Whether `text` has the form of a Fleek agent id: a cuid, `c` and 24 lower-case letters
/// or digits, as every id in Fleek's guide and clients is.
///
/// ```
/// assert!(fleek_api::lookup::is_agent_id("cm7b2q3vx0001la08zk4h2mto"));
/// assert!(!fleek_api::lookup::is_agent_id("Nova"));
/// assert!(!fleek_api::lookup::is_agent_id("cm7b2q3vx0001la08zk4h2mtoX"));
/// ```
pub fn is_agent_id(text: &str) -> bool {
    text.len() == 25
        && text.starts_with('c')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Why a name did not lead to one agent.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// No agent has the name.
    #[error(
        "no agent is named {name:?}{}; {}",
        in_project(project),
        candidates(names)
    )]
    Unknown {
        /// The name looked for.
        name: String,
        /// The project searched, if one was given.
        project: Option<String>,
        /// The names there are, sorted, each once.
        names: Vec<String>,
    },
    /// Several agents have the name.
    #[error(
        "{} agents are named {name:?}{}: {}; name one by its id",
        matches.len(),
        in_project(project),
        listed(matches.iter().map(|m| m.to_string()).collect())
    )]
    Ambiguous {
        /// The name looked for.
        name: String,
        /// The project searched, if one was given.
        project: Option<String>,
        /// The agents of that name.
        matches: Vec<Candidate>,
    },
    /// The agents could not be listed.
    #[error(transparent)]
    Api(#[from] crate::Error),
}

/// One of several agents of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The agent's id.
    pub id: String,
    /// Its status, as Fleek names it.
    pub status: String,
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.status)
    }
}

fn in_project(project: &Option<String>) -> String {
    project
        .as_ref()
        .map(|p| format!(" in project {p}"))
        .unwrap_or_default()
}

fn candidates(names: &[String]) -> String {
    if names.is_empty() {
        "there are no agents there".to_string()
    } else {
        format!(
            "names are exact and case-sensitive; the agents there: {}",
            listed(names.to_vec())
        )
    }
}

fn listed(items: Vec<String>) -> String {
    let more = items.len().saturating_sub(LISTED);
    let mut text = items
        .into_iter()
        .take(LISTED)
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

impl Client {
    /// The id of the agent `text` names: `text` itself when it has an id's form (see
    /// [`AgentRef`]), otherwise the id of the one agent of that exact name in `project`
    /// (every agent of the account when `project` is `None`), read over every page.
    ///
    /// # Errors
    /// [`LookupError::Unknown`] or [`LookupError::Ambiguous`], listing the candidates, or
    /// [`LookupError::Api`] when the list cannot be read.
    pub async fn find_agent(
        &self,
        text: &str,
        project: Option<&str>,
    ) -> Result<String, LookupError> {
        let name = match AgentRef::parse(text) {
            AgentRef::Id(id) => return Ok(id),
            AgentRef::Name(name) => name,
        };
        let mut request = self.list_agents();
        if let Some(project) = project {
            request = request.project_id(project);
        }
        let agents: Vec<crate::tolerant::Agent> = request.stream().try_collect().await?;
        let mut matches: Vec<Candidate> = agents
            .iter()
            .filter(|agent| agent.name == name)
            .map(|agent| Candidate {
                id: agent.id.clone(),
                status: agent.status.to_string(),
            })
            .collect();
        let project = project.map(str::to_string);
        match matches.len() {
            1 => Ok(matches.remove(0).id),
            0 => {
                let mut names: Vec<String> = agents.into_iter().map(|a| a.name).collect();
                names.sort();
                names.dedup();
                Err(LookupError::Unknown {
                    name,
                    project,
                    names,
                })
            }
            _ => Err(LookupError::Ambiguous {
                name,
                project,
                matches,
            }),
        }
    }
}
