"""What `fleek-agents mcp` costs, against the simulator (`cargo xtask mcp-clients --measure`):

- the size of `tools/list` for the default toolsets and for all of them (bytes, and tokens
  at ~4 bytes each);
- the time from starting the server to its answer to `initialize`, and to `tools/list`;
- a `list_agents` round trip through the server (one stdio session, JSON-RPC written and
  read directly, so no SDK's time is counted), beside a bare HTTP client (Python's own
  `http.client`, one kept-alive connection) asking the simulator for the same page.

Rounds are interleaved (server, then baseline, swapping which goes first each round) so
that the machine's noise falls on both alike; each figure is the median with the 25th and
75th percentiles.

Usage: python measure.py FLEEK_AGENTS_BINARY [ROUNDS]
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

BINARY = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
WARMUP = 3


def quartiles(values):
    values = sorted(values)
    q = statistics.quantiles(values, n=4, method="inclusive")
    return f"{statistics.median(values):7.2f} ms (p25 {q[0]:.2f}, p75 {q[2]:.2f})"


def start_simulator():
    process = subprocess.Popen(
        [BINARY, "simulate", "--examples"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    env = {}
    for _ in range(2):
        key, value = process.stdout.readline().strip().split("=", 1)
        env[key] = value
    return process, env


class Session:
    """`fleek-agents mcp` over stdio, spoken to line by line."""

    def __init__(self, env, args=("mcp",)):
        self.process = subprocess.Popen(
            [BINARY, *args],
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.next_id = 0

    def ask(self, method, params):
        self.next_id += 1
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}) + "\n")
        self.process.stdin.flush()
        while True:
            message = json.loads(self.process.stdout.readline())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]

    def initialize(self):
        result = self.ask(
            "initialize",
            {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "measure", "version": "1"}},
        )
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        self.process.stdin.flush()
        return result

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def main():
    simulator, env = start_simulator()
    env["FLEEK_KEYRING"] = "off"
    env["FLEEK_CONFIG_DIR"] = tempfile.mkdtemp()
    try:
        for label, args in (("default toolsets", ("mcp",)), ("all toolsets", ("mcp", "--toolsets", "all"))):
            session = Session(env, args)
            session.initialize()
            listed = session.ask("tools/list", {})
            session.close()
            size = len(json.dumps(listed, separators=(",", ":")).encode())
            print(f"tools/list, {label}: {len(listed['tools'])} tools, {size} bytes, about {size // 4} tokens")

        started, listed_at = [], []
        for _ in range(WARMUP + ROUNDS):
            begin = time.perf_counter()
            session = Session(env)
            session.initialize()
            first = time.perf_counter()
            session.ask("tools/list", {})
            second = time.perf_counter()
            session.close()
            started.append((first - begin) * 1000)
            listed_at.append((second - begin) * 1000)
        print(f"start to the answer to initialize ({ROUNDS} runs): {quartiles(started[WARMUP:])}")
        print(f"start to the answer to tools/list ({ROUNDS} runs):  {quartiles(listed_at[WARMUP:])}")

        url = urlparse(env["FLEEK_API_URL"])
        connection = http.client.HTTPConnection(url.hostname, url.port)
        headers = {"X-Api-Key": env["FLEEK_API_KEY"]}

        def bare():
            connection.request("GET", "/api/v1/ai-agents", headers=headers)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200 and b'"data"' in body, (response.status, body[:200])

        session = Session(env)
        session.initialize()

        def through_mcp():
            result = session.ask("tools/call", {"name": "list_agents", "arguments": {}})
            assert not result.get("isError") and result["structuredContent"]["data"], result

        timings = {"mcp": [], "bare": []}
        for round_ in range(WARMUP + ROUNDS * 4):
            order = (("mcp", through_mcp), ("bare", bare)) if round_ % 2 == 0 else (("bare", bare), ("mcp", through_mcp))
            for name, call in order:
                begin = time.perf_counter()
                call()
                timings[name].append((time.perf_counter() - begin) * 1000)
        session.close()
        for name, label in (("mcp", "list_agents through fleek-agents mcp"), ("bare", "the same page, bare HTTP client     ")):
            print(f"{label} ({ROUNDS * 4} rounds): {quartiles(timings[name][WARMUP:])}")
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


if __name__ == "__main__":
    main()
