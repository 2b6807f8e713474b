"""Concurrency against a slow endpoint: E episodes against a loopback server answering after 1 s.

Starts `slow_server.SlowServer` (every request answered after `--delay` seconds, every episode
exactly `--turns` requests), runs `peerguard run` against it as an OpenAI-compatible model
(`openai-api/slow/...`, base URL from the environment) with `--max-connections`, and prints:

- efficiency = ideal / span, where ideal = turns x delay (what the run would take if every
  episode ran at once and cost no CPU) and span = the server's first request to its last
  answer (process start-up and log writing are outside it, and reported separately);
- the most requests the server held at once (200 means nothing serialised).

The episodes are exactly `--episodes` (`--epochs` x `--limit` over one scenario): one more
episode than connections would wait for a free slot and add whole rounds to the span.
Several `--delay` values sweep the endpoint's latency: the client's CPU per turn is fixed,
so the slower the endpoint, the closer a run gets to ideal.

    python benchmarks/concurrency.py [--episodes 200] [--max-connections 200] [--delay 1 5 10]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slow_server import SlowServer

SCENARIO = "misrep_evaluation"
CONFIGS = 101
"""The study matrix's configurations of `SCENARIO` (epochs cover the rest of the episodes)."""


def run(episodes: int, max_connections: int, delay: float, turns: int, extra: list[str]) -> dict:
    epochs = math.ceil(episodes / CONFIGS)
    limit = math.ceil(episodes / epochs)
    with SlowServer(delay, turns) as server, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SLOW_BASE_URL": server.base_url, "SLOW_API_KEY": "none"}
        cmd = [
            sys.executable, "-m", "peerguard", "run", "--model", "openai-api/slow/m",
            "--scenario", SCENARIO, "--matrix", "study", "--epochs", str(epochs),
            "--limit", str(limit),
            "--max-connections", str(max_connections), "--no-followup", "--judge", "none",
            "--display", "none", "--log-dir", str(Path(tmp) / "logs"), *extra,
        ]  # fmt: skip
        start = time.monotonic()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        n = epochs * limit
        ideal = turns * delay
        return {
            "episodes": n,
            "requests": server.requests,
            "requests_per_episode": server.requests / n,
            "max_in_flight": server.max_in_flight,
            "ideal_s": ideal,
            "span_s": round(server.span, 2),
            "efficiency": round(ideal / server.span, 3),
            "command_wall_s": round(wall, 2),
            "cpu_count": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--max-connections", type=int, default=200)
    parser.add_argument("--delay", type=float, nargs="+", default=[1.0])
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("extra", nargs="*", help="extra `peerguard run` arguments (after --)")
    args = parser.parse_args()
    for delay in args.delay:
        print(json.dumps(run(args.episodes, args.max_connections, delay, args.turns, args.extra)))


if __name__ == "__main__":
    main()
