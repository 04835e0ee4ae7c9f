"""`fleek-agents mcp` driven by the official Python MCP SDK (PyPI `mcp`, pinned by
`cargo xtask mcp-clients`), against the simulator, over stdio and over Streamable HTTP.

Usage: python clients.py FLEEK_AGENTS_BINARY CHARACTER_FILE

Each check prints `ok <what>` or raises; the last line is `N passed, 0 failed`.
"""

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_types import ElicitResult

BINARY, CHARACTER = sys.argv[1], sys.argv[2]
PASSED = []
NAME = re.compile(r"^[a-z0-9_]{1,48}$")
# The spec's example agent, which the simulator's --examples makes (`sim::EXAMPLE_AGENT`).
EXAMPLE_AGENT = "cm7b2q3vx0001la08zk4h2mto"
EXAMPLE_PROJECT = "cm6k5x0qj0003l708b2v1c9ep"
# The lifecycle states a stop leads to.
STOPPED = ("Stopped", "Stopping")


def check(what, condition, detail=""):
    if not condition:
        raise AssertionError(f"{what}: {detail}")
    PASSED.append(what)
    print(f"ok {what}", flush=True)


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "text", None) is not None)


def start_simulator():
    process = subprocess.Popen(
        [BINARY, "simulate", "--examples", "--provisioned", "--boot-time", "300ms"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    env = {}
    for _ in range(2):
        key, value = process.stdout.readline().strip().split("=", 1)
        env[key] = value
    # No profile and no keyring: the key comes from the environment alone.
    env["FLEEK_KEYRING"] = "off"
    env["FLEEK_CONFIG_DIR"] = tempfile.mkdtemp()
    env["FLEEK_PROJECT_ID"] = EXAMPLE_PROJECT
    return process, env


def walk_schema(schema, path="$"):
    """Every place in an input schema that some major client refuses."""
    problems = []
    if isinstance(schema, dict):
        for key in ("$ref", "$defs", "oneOf", "anyOf", "allOf"):
            if key in schema:
                problems.append(f"{path}.{key}")
        if isinstance(schema.get("type"), list):
            problems.append(f"{path}.type is a list")
        for key, value in schema.items():
            problems += walk_schema(value, f"{path}.{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            problems += walk_schema(value, f"{path}[{index}]")
    return problems


async def accept(context, params):
    return ElicitResult(action="accept", content={"confirm": True})


async def decline(context, params):
    return ElicitResult(action="decline")


async def session_checks(label, client, character):
    tools = await client.list_tools()
    names = [tool.name for tool in tools.tools]
    check(f"{label}: tools listed", "list_agents" in names and "deploy" in names, names)
    for tool in tools.tools:
        hints = tool.annotations
        check(
            f"{label}: {tool.name} states all four hints",
            hints is not None
            and None not in (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint, hints.open_world_hint),
        )
        check(f"{label}: {tool.name} has a name every client takes", NAME.match(tool.name) is not None)
        problems = walk_schema(tool.input_schema)
        check(f"{label}: {tool.name}'s input schema has no union, reference or type list", not problems, problems)
        if tool.output_schema is not None:
            check(f"{label}: {tool.name}'s output schema is an object", tool.output_schema.get("type") == "object")

    listed = await client.call_tool("list_agents", {})
    agents = listed.structured_content["data"]
    check(f"{label}: list_agents answers with structured content", not listed.is_error and len(agents) >= 1)
    tokens = [agent.get("publicToken") for agent in agents if agent.get("publicToken")]
    check(
        f"{label}: no agent's publicToken reaches the model",
        all(token.startswith("(present") for token in tokens),
        tokens,
    )

    logs = await client.call_tool("logs", {"agent": EXAMPLE_AGENT, "limit": 5})
    check(f"{label}: logs come back inside untrusted-data markers", "<untrusted-data-" in text_of(logs), text_of(logs)[:300])

    resource = await client.read_resource(f"fleek://agents/{EXAMPLE_AGENT}/character")
    check(f"{label}: the character resource reads", resource.contents and resource.contents[0].text.strip().startswith("{"))

    valid = await client.call_tool("validate", {"character": character})
    check(f"{label}: validate takes the character as JSON", valid.structured_content["valid"] is True, valid.structured_content)

    return agents


async def validate_checks(env, character):
    server = StdioServerParameters(command=BINARY, args=["mcp"], env=env)
    async with Client(server) as client:
        report = await client.call_tool("validate", {"character": character})
        paths = [problem["path"] for problem in report.structured_content["problems"]]
        check("validate lists each problem with its path", report.structured_content["valid"] is False and "$.clients" in paths, paths)
        outside = await client.call_tool("validate", {"path": "/etc/passwd"})
        check("validate refuses a file outside the working directory", outside.is_error and "outside" in text_of(outside), text_of(outside))


async def stdio_checks(env, character):
    server = StdioServerParameters(command=BINARY, args=["mcp", "--toolsets", "all"], env=env)

    # A client that cannot ask its user: a guarded tool needs `confirm`.
    async with Client(server) as client:
        agents = await session_checks("stdio", client, character)
        name = next(a["name"] for a in agents if a["id"] == EXAMPLE_AGENT)
        refused = await client.call_tool("stop_agent", {"agentId": EXAMPLE_AGENT})
        check("stdio: stop_agent without consent is refused", refused.is_error and "confirm" in text_of(refused), text_of(refused))
        wrong = await client.call_tool("stop_agent", {"agentId": EXAMPLE_AGENT, "confirm": "someone else"})
        check("stdio: a confirm that does not repeat the name is refused", wrong.is_error, text_of(wrong))
        status = await client.call_tool("status", {"agent": EXAMPLE_AGENT})
        # The agent may finish booting meanwhile; what a refused stop must not do is stop it.
        check("stdio: the refusals stopped nothing", status.structured_content["status"] not in STOPPED, status.structured_content)
        stopped = await client.call_tool("stop_agent", {"agentId": EXAMPLE_AGENT, "confirm": name})
        check("stdio: stop_agent with confirm repeating the name goes through", not stopped.is_error, text_of(stopped))
        now = (await client.call_tool("status", {"agent": EXAMPLE_AGENT})).structured_content
        check("stdio: the agent is then stopped", now["status"] in STOPPED, now)
        started = await client.call_tool("start_agent", {"agentId": EXAMPLE_AGENT})
        check("stdio: start_agent (not guarded) goes through", not started.is_error, text_of(started))
        bad = await client.call_tool("get_agent", {"agentId": EXAMPLE_AGENT, "colour": "red"})
        check("stdio: an argument the tool does not take is refused by name", bad.is_error and "colour" in text_of(bad), text_of(bad))

    # A client that asks its user, who says no, then yes; deploy reports progress.
    async with Client(server, elicitation_callback=decline) as client:
        refused = await client.call_tool("deploy", {"character": character})
        check("stdio: a declined deploy sends nothing", refused.is_error and "did not agree" in text_of(refused), text_of(refused))
    async with Client(server, elicitation_callback=accept) as client:
        check("stdio: the protocol is the latest", client.protocol_version >= "2026-07-28", client.protocol_version)
        progress = []

        async def on_progress(value, total, message):
            progress.append(message)

        deployed = await client.call_tool("deploy", {"character": character}, progress_callback=on_progress)
        check("stdio: an accepted deploy runs the agent", not deployed.is_error and deployed.structured_content["result"] == "running", text_of(deployed))
        check("stdio: deploy reports progress", len(progress) >= 2, progress)
        agent_id = deployed.structured_content["agentId"]
        deleted = await client.call_tool("delete_agent", {"agentId": agent_id})
        check("stdio: delete_agent after the user agreed goes through", not deleted.is_error, text_of(deleted))

    # Before protocol 2026-07-28 a server asks with a request of its own
    # (`elicitation/create`) rather than in its result: the same answers, the same outcome.
    async with Client(server, elicitation_callback=decline, mode="legacy") as client:
        check("legacy: the protocol is an earlier one", client.protocol_version < "2026-07-28", client.protocol_version)
        refused = await client.call_tool("stop_agent", {"agentId": EXAMPLE_AGENT})
        after = (await client.call_tool("status", {"agent": EXAMPLE_AGENT})).structured_content
        check("legacy: a declined stop_agent stops nothing", refused.is_error and after["status"] not in STOPPED, (text_of(refused), after))
    async with Client(server, elicitation_callback=accept, mode="legacy") as client:
        stopped = await client.call_tool("stop_agent", {"agentId": EXAMPLE_AGENT})
        check("legacy: stop_agent after the user agreed goes through", not stopped.is_error, text_of(stopped))
        await client.call_tool("start_agent", {"agentId": EXAMPLE_AGENT})

    # A read-only server refuses a write sent anyway.
    read_only = StdioServerParameters(command=BINARY, args=["mcp", "--read-only", "--toolsets", "all"], env=env)
    async with Client(read_only, elicitation_callback=accept) as client:
        tools = await client.list_tools()
        check("read-only: only read-only tools are listed", all(t.annotations.read_only_hint for t in tools.tools))
        sent = await client.call_tool("delete_agent", {"agentId": EXAMPLE_AGENT, "confirm": name})
        check("read-only: a write sent anyway is refused", sent.is_error and "read-only" in text_of(sent), text_of(sent))
        still = await client.call_tool("get_agent", {"agentId": EXAMPLE_AGENT})
        check("read-only: the agent is still there", not still.is_error)


def start_http(env):
    process = subprocess.Popen(
        [BINARY, "mcp", "--http", "127.0.0.1:0"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = token = None
    while url is None or token is None:
        line = process.stderr.readline()
        if not line:
            raise AssertionError("the HTTP server stopped before it said where it serves")
        if "serving " in line:
            url = line.split("serving ", 1)[1].strip()
        if "bearer token " in line:
            token = line.split("bearer token ", 1)[1].strip()
    return process, url, token


async def http_checks(env, character):
    process, url, token = start_http(env)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                await session_checks("http", client, character)
                by_path = await client.call_tool("validate", {"path": "character.json"})
                check(
                    "http: no file path is read over HTTP",
                    by_path.is_error and "only when the server runs over stdio" in text_of(by_path),
                    text_of(by_path),
                )
        initialize = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
        }
        accept_both = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        async with httpx2.AsyncClient(timeout=30) as http:
            anonymous = await http.post(url, json=initialize, headers=accept_both)
            check("http: a request without the token is refused", anonymous.status_code == 401, anonymous.status_code)
            wrong = await http.post(url, json=initialize, headers={**accept_both, "Authorization": "Bearer " + "0" * 64})
            check("http: a wrong token is refused", wrong.status_code == 401, wrong.status_code)
            foreign = await http.post(
                url,
                json=initialize,
                headers={**accept_both, **headers, "Origin": "https://evil.example"},
            )
            check("http: a foreign Origin is refused", foreign.status_code == 403, foreign.status_code)
            path = await http.post(url, json=initialize, headers={**accept_both, **headers})
            check("http: the token alone is let in", path.status_code == 200, path.status_code)
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
        check("http: nothing was written to stdout", out == "", out[:200])


async def main():
    simulator, env = start_simulator()
    try:
        with open(CHARACTER) as file:
            character = json.load(file)
        # The fixture breaks two of Fleek's rules: validate says so, and the fixed copy is
        # what the sessions deploy, under a name of its own (so that the agent is new).
        await validate_checks(env, character)
        character["name"] = "Mcp Probe"
        character["clients"] = ["direct"]
        character["topics"] = ["translation"]
        await stdio_checks(env, character)
        await http_checks(env, character)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    print(f"{len(PASSED)} passed, 0 failed")


if __name__ == "__main__":
    asyncio.run(main())
