//! `fleek-agents`: Fleek's AI Agents API from a terminal or a CI job. See `fleek_api::cli`.

fn main() -> std::process::ExitCode {
    fleek_api::cli::main()
}
