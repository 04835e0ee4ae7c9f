//! How `fleek-agents` ends: an [`Exit`] code for each class of failure, and the error that
//! carries it with its message.

use std::fmt;
use std::process::ExitCode;

use crate::{Error, ErrorKind};

/// The exit codes of `fleek-agents`, one per class of outcome, so that a script or a CI job
/// can tell them apart.
///
/// ```
/// use fleek_api::cli::Exit;
///
/// assert_eq!(Exit::Usage.code(), 2);
/// assert_eq!(Exit::Api.code(), 4);
/// assert_eq!(Exit::from_code(6), Some(Exit::Timeout));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: anything the classes below do not cover, such as an answer that does not decode
    /// or a file that cannot be written.
    Failure,
    /// 2: the command line is wrong, or the configuration: an unknown flag, a missing
    /// argument, no API key, an unreadable key file, a proxy path that leaves the agent.
    Usage,
    /// 3: a character file breaks Eliza's or Fleek's rules (`validate`, `deploy`).
    Invalid,
    /// 4: the API answered with an error status (the message gives the status and body).
    Api,
    /// 5: the API could not be reached, or the connection broke.
    Network,
    /// 6: an answer or a wait (`deploy`, `status --wait`) took longer than allowed.
    Timeout,
    /// 7: the agent failed to start (`deploy`, `status --wait`).
    AgentFailed,
    /// 8: `fleet plan --detailed-exitcode` found changes to make (Terraform's `2`, which is
    /// a usage error here).
    Changes,
    /// 130: interrupted (Ctrl-C) during `deploy` (which says what exists and how to resume)
    /// or `status --wait`.
    Interrupted,
}

impl Exit {
    /// Every exit code, in order.
    pub const ALL: [Exit; 10] = [
        Exit::Success,
        Exit::Failure,
        Exit::Usage,
        Exit::Invalid,
        Exit::Api,
        Exit::Network,
        Exit::Timeout,
        Exit::AgentFailed,
        Exit::Changes,
        Exit::Interrupted,
    ];

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Invalid => 3,
            Exit::Api => 4,
            Exit::Network => 5,
            Exit::Timeout => 6,
            Exit::AgentFailed => 7,
            Exit::Changes => 8,
            Exit::Interrupted => 130,
        }
    }

    /// The class of a process exit code, if it is one of `fleek-agents`'.
    pub fn from_code(code: i32) -> Option<Exit> {
        Exit::ALL
            .into_iter()
            .find(|exit| i32::from(exit.code()) == code)
    }

    /// What the code means, in a few words (as listed by `fleek-agents --help`).
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "done",
            Exit::Failure => "any other failure (an answer that does not decode, an I/O error)",
            Exit::Usage => "wrong command line or configuration (no API key, bad argument)",
            Exit::Invalid => "a character file breaks Eliza's or Fleek's rules",
            Exit::Api => "the API answered with an error status",
            Exit::Network => "the API could not be reached",
            Exit::Timeout => "an answer or a wait took too long",
            Exit::AgentFailed => "the agent failed to start",
            Exit::Changes => "fleet plan --detailed-exitcode: the plan has changes",
            Exit::Interrupted => "interrupted (Ctrl-C); deploy says what exists",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// Why a command failed: the exit class and the message for stderr.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// The reader went away (`fleek-agents logs | head`): not a failure, and nothing to say.
    pub(crate) fn closed_pipe() -> Self {
        Self::new(Exit::Success, "")
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        let exit = Self::exit_for(error.kind());
        let mut message = error.to_string();
        if error.kind() == ErrorKind::MissingCredentials {
            message.push_str(
                "\nWith fleek-agents: run `fleek-agents auth login`, set FLEEK_API_KEY, or pass \
                 --api-key-file <path>",
            );
        }
        Self::new(exit, message)
    }
}

impl CliError {
    /// The exit code of a failure of this kind.
    fn exit_for(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Status => Exit::Api,
            ErrorKind::Timeout => Exit::Timeout,
            ErrorKind::Connection => Exit::Network,
            ErrorKind::InvalidArgument | ErrorKind::MissingCredentials => Exit::Usage,
            _ => Exit::Failure,
        }
    }
}

impl From<crate::deploy::DeployError> for CliError {
    fn from(error: crate::deploy::DeployError) -> Self {
        Self::new(Self::exit_for(error.kind()), error.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Self::closed_pipe()
        } else {
            Self::new(Exit::Failure, format!("cannot write the output: {error}"))
        }
    }
}

/// Adds what was being done to an error (used by the generated subcommands when they read
/// a `--json-body` file): the failure is the command line's.
pub(crate) trait Context<T> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, CliError>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, CliError> {
        self.map_err(|e| CliError::usage(format!("{}: {e}", what())))
    }
}
