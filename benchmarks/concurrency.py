"""Concurrency against a slow endpoint: E episodes against a loopback server answering after 1 s.

Starts `slow_server.SlowServer` (every request answered after `--delay` seconds, every episode
exactly `--turns` requests), runs `peerguard run` against it as an OpenAI-compatible model
(`openai-api/slow/...`, base URL from the environment) with `--max-connections`, and prints:

- efficiency = ideal / span, where ideal = turns x delay (what the run would take if every
  episode ran at once and cost no CPU) and span = the server's first request to its last
  answer (process start-up and log writing are outside it, and reported separately);
- the most requests the server held at once (200 means nothing serialised);
- the same measures, in the same run, for two bare Inspect tasks of the same shape (same
  episodes, same opening prompts, same turns; `bare_concurrency.py`): Inspect's own
  OpenAI-compatible provider against the same server, and an in-process provider that only
  sleeps (no HTTP, no JSON), with the ratios peerguard / bare. The second is the ceiling of
  any Inspect-based harness on this machine;
- the round overhead: span / turns - delay, the seconds each round waits for the client.
  asyncio runs ready tasks in turn, so every episode's step between two requests waits
  for the other episodes' steps too, and a round costs about delay + episodes x CPU per
  turn: efficiency ~ delay / (delay + episodes x CPU per turn).

The episodes are exactly `--episodes` (`--epochs` x `--limit` over one scenario): one more
episode than connections would wait for a free slot and add whole rounds to the span.
Several `--delay` values sweep the endpoint's latency: the client's CPU per turn is fixed,
so the slower the endpoint, the closer a run gets to ideal.

    python benchmarks/concurrency.py [--episodes 200] [--max-connections 200] [--delay 1 5 10]
        [--no-baselines] [-- extra peerguard run arguments, e.g. --no-realtime-log]
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


def opening(log_dir: Path) -> tuple[str, str]:
    """The first episode's system and user prompt, from a run's logs."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    log = read_eval_log(list_eval_logs(str(log_dir))[0])
    messages = log.samples[0].messages if log.samples else []
    return messages[0].text, messages[1].text


def bare(provider: str, server: SlowServer, spec: dict, tmp: Path) -> dict:
    """Efficiency of a bare Inspect task with `provider` ("openai" or "sleep"), same shape."""
    spec_path = tmp / f"bare-{provider}.json"
    spec_path.write_text(json.dumps({**spec, "provider": provider, "log_dir": str(tmp / provider)}))
    server.reset_counts()
    env = {**os.environ, "SLOW_BASE_URL": server.base_url, "SLOW_API_KEY": "none"}
    script = Path(__file__).resolve().parent / "bare_concurrency.py"
    done = subprocess.run(
        [sys.executable, str(script), str(spec_path)], env=env, check=True, capture_output=True
    )
    if provider == "sleep":
        span = float(json.loads(done.stdout.decode().strip().splitlines()[-1])["span_s"])
    else:
        span = server.span
    ideal = spec["turns"] * spec["delay"]
    return {
        "span_s": round(span, 2),
        "efficiency": round(ideal / span, 3),
        "round_overhead_s": round(span / spec["turns"] - spec["delay"], 2),
    }


def run(
    episodes: int,
    max_connections: int,
    delay: float,
    turns: int,
    extra: list[str],
    baselines: bool = True,
) -> dict:
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
        result: dict = {
            "episodes": n,
            "requests": server.requests,
            "requests_per_episode": server.requests / n,
            "max_in_flight": server.max_in_flight,
            "ideal_s": ideal,
            "span_s": round(server.span, 2),
            "efficiency": round(ideal / server.span, 3),
            "round_overhead_s": round(server.span / turns - delay, 2),
            "command_wall_s": round(wall, 2),
        }
        if baselines:
            system, user = opening(Path(tmp) / "logs")
            # The bare tasks keep Inspect's realtime buffer as the peerguard run did (on for an
            # API model unless --no-realtime-log), so the ratios compare like with like.
            realtime = "--no-realtime-log" not in extra
            spec = {
                "episodes": n, "turns": turns, "delay": delay, "system": system, "user": user,
                "realtime": realtime,
            }  # fmt: skip
            for provider in ("openai", "sleep"):
                b = bare(provider, server, spec, Path(tmp))
                result[f"bare_{provider}"] = b
                result[f"ratio_vs_bare_{provider}"] = round(
                    result["efficiency"] / b["efficiency"], 3
                )
        result["cpu_count"] = os.cpu_count()
        result["load_avg_1m"] = round(os.getloadavg()[0], 2)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--max-connections", type=int, default=200)
    parser.add_argument("--delay", type=float, nargs="+", default=[1.0])
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip the two bare Inspect tasks"
    )
    parser.add_argument("extra", nargs="*", help="extra `peerguard run` arguments (after --)")
    args = parser.parse_args()
    for delay in args.delay:
        result = run(
            args.episodes, args.max_connections, delay, args.turns, args.extra,
            baselines=not args.no_baselines,
        )  # fmt: skip
        print(json.dumps(result))


if __name__ == "__main__":
    main()
