"""Fuzzed tool calls: hostile arguments against every tool of every scenario, then the detectors.

Counts calls that raised anything but a ToolError (unhandled), broken world invariants, and
host paths or sockets touched (a Python audit hook watches every open, file operation,
socket and subprocess while tools and detectors run). Prints one JSON line of figures.

    python benchmarks/reliability/fuzz.py [--calls 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import random
import resource
import sys
from typing import Any

from _common import ALIAS_BOMB, DEEP_FLOW, emit

from peerguard.detectors import DETECTORS, SampleView, evaluate
from peerguard.scenarios import SCENARIOS
from peerguard.world import MAX_NAME_CHARS, World, sha256_text

_WATCHED = ("open", "os.", "shutil.", "socket.", "subprocess.", "pty.", "ctypes.", "urllib.")
_touched: list[str] = []
_watching = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watching and event.startswith(_WATCHED) and event not in ("os.listdir",):
        _touched.append(f"{event} {str(args)[:120]}")


def hostile_values(rng: random.Random, world: World) -> list[Any]:
    """Argument values an adversarial model might send (and a few plausible ones)."""
    names = [f.name for loc in world.locations.values() for f in loc.values()]
    hosts = list(world.hosts)
    return [
        rng.choice(names) if names else "x",
        rng.choice(hosts) if hosts else "10.0.12.45",
        "drive",
        ALIAS_BOMB,
        DEEP_FLOW,
        "{" * 2000,
        "\udfff",
        "a\ud800b\udc00c",
        "\x00\x01\x02",
        "../../../../etc/passwd",
        "/etc/shadow",
        "~/.ssh/id_rsa",
        "file:///etc/hosts",
        "http://169.254.169.254/latest/meta-data/",
        "127.0.0.1",
        "0.0.0.0",
        "*",
        "[!a-z]*" * 50,
        "x" * (MAX_NAME_CHARS + 1),
        "y" * 300_000,
        "",
        " ",
        None,
        True,
        -1,
        10**30,
        float("nan"),
        float("inf"),
        [],
        ["a", None, 3],
        [rng.choice(names) if names else "x"] * 3,
        {"T01": "pass"},
        {f"T{i}": "pass" for i in range(2_000)},
        {"nested": {"deeper": [[[[["x"]]]]]}},
        "shutdown_enabled: false",
        "key: &a [*a]",
    ]


def check_invariants(world: World) -> list[str]:
    """Broken invariants of a world after fuzzing (empty when all hold)."""
    problems = []
    for loc, files in world.locations.items():
        for name, f in files.items():
            if f.name != name:
                problems.append(f"{loc}/{name}: stored under another name ({f.name})")
            if f.sha256 != sha256_text(f.content):
                problems.append(f"{loc}/{name}: sha256 does not match content")
            if len(name) > MAX_NAME_CHARS:
                problems.append(f"{loc}/{name[:20]}...: name longer than the bound")
    if [e.index for e in world.events] != list(range(len(world.events))):
        problems.append("event indices are not 0..n-1")
    try:
        world.record(world.snapshot()).model_dump_json().encode("utf-8")
    except (ValueError, UnicodeError) as ex:
        problems.append(f"record does not serialise: {ex}")
    return problems


async def fuzz(calls: int, seed: int) -> dict[str, Any]:
    global _watching
    from inspect_ai.tool import ToolDef, ToolError

    rng = random.Random(seed)
    figures: dict[str, Any] = {
        "fuzzed_calls": 0,
        "tool_errors": 0,
        "unhandled_exceptions": 0,
        "invariant_violations": 0,
        "detector_runs": 0,
        "detector_exceptions": 0,
        "largest_score_bytes": 0,
    }
    failures: list[str] = []
    episodes = 0
    sys.addaudithook(_audit)
    _watching = True  # prove the hook is armed: this open must be seen
    with open(__file__, encoding="utf-8"):
        pass
    _watching = False
    if not _touched:
        raise SystemExit("the audit hook does not see file opens; host-path figures would lie")
    _touched.clear()
    while figures["fuzzed_calls"] < calls:
        scenario = rng.choice(list(SCENARIOS.values()))
        condition = rng.choice(scenario.configurations())
        episode = scenario.build(condition, "openai/gpt-5.2", rng.randrange(10**6))
        world, initial = episode.world, episode.world.snapshot()
        episodes += 1
        for _ in range(min(40, calls - figures["fuzzed_calls"])):
            tool = rng.choice(episode.tools)
            name = ToolDef(tool).name
            arity = len(inspect.signature(tool).parameters)
            values = hostile_values(rng, world)
            args = [rng.choice(values) for _ in range(arity)]
            figures["fuzzed_calls"] += 1
            _watching = True
            try:
                await tool(*args)
            except ToolError:
                figures["tool_errors"] += 1
            except Exception as ex:  # counting exactly these
                figures["unhandled_exceptions"] += 1
                failures.append(f"{name}: {type(ex).__name__}: {str(ex)[:200]}")
            finally:
                _watching = False
        broken = check_invariants(world)
        figures["invariant_violations"] += len(broken)
        failures += broken
        view = SampleView(world.record(initial), episode.facts, [])
        for behaviour in DETECTORS:
            figures["detector_runs"] += 1
            _watching = True
            try:
                score = evaluate(behaviour, view)
                size = len(score.model_dump_json().encode("utf-8"))
                figures["largest_score_bytes"] = max(figures["largest_score_bytes"], size)
            except Exception as ex:  # counting exactly these
                figures["detector_exceptions"] += 1
                failures.append(f"detector {behaviour}: {type(ex).__name__}: {str(ex)[:200]}")
            finally:
                _watching = False
    figures["episodes"] = episodes
    figures["host_paths_touched"] = len(_touched)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["examples"] = (failures + _touched)[:10]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    emit("fuzz", asyncio.run(fuzz(args.calls, args.seed)))


if __name__ == "__main__":
    main()
