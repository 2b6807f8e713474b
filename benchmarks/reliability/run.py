"""The reliability suite: kills, provider faults, fuzzed tool calls, malicious inputs.

Runs each part in its own process (so each peak RSS is its own), prints the figures and
checks them against the targets of issue 12. Exits 1 if any target is missed.

    python benchmarks/reliability/run.py            # or: make reliability
    python benchmarks/reliability/run.py --quick    # smaller, for a smoke check
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PREFIX = "FIGURES "
RSS_LIMIT_MB = 1024

PARTS: dict[str, tuple[list[str], list[str]]] = {
    # part: (full arguments, quick arguments)
    "kills": (["--kills", "5"], ["--kills", "2", "--policies", "honest"]),
    "faults": (["--rate", "0.3"], ["--rate", "0.3", "--policies", "honest"]),
    "fuzz": (["--calls", "10000"], ["--calls", "2000"]),
    "bombs": ([], []),
}


def targets(part: str, f: dict[str, Any], kills: int, calls: int) -> list[str]:
    """Targets missed by one part's figures (empty: all met)."""
    checks = {
        "kills": [
            (f.get("kills_survived") == kills, f"{kills} kills survived"),
            (f.get("samples") == f.get("samples_expected"), "exact sample count"),
            (f.get("duplicates") == 0, "0 duplicates"),
            (f.get("score_diffs") == 0, "0 score diffs"),
            (f.get("lost_world_records") == 0, "0 lost world records"),
            (f.get("stale_logs") == 0, "0 stale 'started' logs"),
        ],
        "faults": [
            (f.get("mis_scored") == 0, "0 mis-scored"),
            (f.get("unaccounted") == 0, "every sample finished or errored"),
            (f.get("errored_without_reason") == 0, "every error has a reason"),
            (
                all(f.get("fault_kinds", {}).get(k, 0) > 0 for k in ("empty", "malformed")),
                "empty and malformed bodies injected",
            ),
        ],
        "fuzz": [
            (f.get("fuzzed_calls") == calls, f"{calls} fuzzed calls"),
            (f.get("unhandled_exceptions") == 0, "0 unhandled exceptions"),
            (f.get("detector_exceptions") == 0, "0 detector exceptions"),
            (f.get("invariant_violations") == 0, "0 invariant violations"),
            (f.get("host_paths_touched") == 0, "0 host paths touched"),
            (f.get("peak_rss_mb", RSS_LIMIT_MB) < RSS_LIMIT_MB, "peak RSS under 1 GB"),
        ],
        "bombs": [
            (f.get("samples_errored") == 0, "0 samples errored"),
            (f.get("logs_unwritable") == 0, "0 unwritable logs"),
            (f.get("peak_rss_mb", RSS_LIMIT_MB) < RSS_LIMIT_MB, "peak RSS under 1 GB"),
        ],
    }[part]
    return [name for ok, name in checks if not ok]


def run_part(part: str, args: list[str]) -> tuple[dict[str, Any], float]:
    start = time.monotonic()
    # Measure this checkout's code, whatever is installed in the environment.
    src = str(HERE.parents[1] / "src")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, str(HERE / f"{part}.py"), *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        env=env,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(PREFIX)]
    if done.returncode != 0 or not lines:
        tail = (done.stdout + done.stderr)[-2000:]
        return {"part": part, "crashed": True, "output": tail}, time.monotonic() - start
    return json.loads(lines[-1].removeprefix(PREFIX)), time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke check")
    parser.add_argument("--only", action="append", choices=list(PARTS), help="run only these")
    opts = parser.parse_args()
    missed_any = False
    for part in opts.only or list(PARTS):
        args = PARTS[part][1 if opts.quick else 0]
        figures, seconds = run_part(part, args)
        kills = int(args[args.index("--kills") + 1]) if "--kills" in args else 0
        calls = int(args[args.index("--calls") + 1]) if "--calls" in args else 0
        missed = (
            ["the part crashed"] if figures.get("crashed") else targets(part, figures, kills, calls)
        )
        missed_any |= bool(missed)
        shown = {k: v for k, v in figures.items() if k not in ("part", "examples", "output")}
        print(
            f"== {part} ({seconds:.0f} s): {'OK' if not missed else 'MISSED: ' + ', '.join(missed)}"
        )
        for key, value in shown.items():
            print(f"   {key}: {value}")
        for example in figures.get("examples", []) or []:
            print(f"   example: {example}")
        if figures.get("crashed"):
            print(figures["output"])
    sys.exit(1 if missed_any else 0)


if __name__ == "__main__":
    main()
