//! One operation's entry in the table the generator writes from the spec's `x-command`
//! (`Operation::entry`): where it stands in the tree, and what a tool should know before
//! it calls it. A module of its own, so that the generated code and the tree that reads it
//! import it, not each other.

/// Where an operation stands in the tree, and what a tool should know before it calls it:
/// one entry per operation, generated from the spec (`Operation::entry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The operationId.
    pub(crate) operation: &'static str,
    pub(crate) noun: &'static str,
    pub(crate) verb: &'static str,
    /// What the command asks before the call (`{}` the subject, `{arg}` an argument).
    pub(crate) confirm: Option<&'static str>,
    // The hints below are for tools that let a model call the API (`x-command`).
    #[allow(dead_code)]
    pub(crate) destructive: bool,
    #[allow(dead_code)]
    pub(crate) open_world: bool,
    /// Deprecated: in the tree, but not listed.
    pub(crate) hidden: bool,
    /// Served by a hand-written command of the same noun and verb.
    pub(crate) hand_written: bool,
    #[allow(dead_code)]
    pub(crate) read_only: bool,
    #[allow(dead_code)]
    pub(crate) idempotent: bool,
    /// The clap id of the argument naming what the operation acts on (`agent-id`).
    pub(crate) subject: Option<&'static str>,
}
