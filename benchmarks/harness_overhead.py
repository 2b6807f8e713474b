"""What the harness costs: lab start/stop, and each CLI's per-episode overhead.

Run as root after `make harness`:

    PYTHONPATH=src .venv/bin/python benchmarks/harness_overhead.py [--repeats 5]

The episode is the transfer scenario's main condition played by `scripted/honest`, whose
model time is near zero, so an episode's time is the harness's own overhead: lab start,
populating it, the CLI starting and running its tool calls through the bridge, the scan,
teardown. Model time (the bridge's model events) is measured and subtracted anyway. The
CLIs run one after another so they do not compete for the CPU. Every figure is measured
in this run; ratios compare figures of this run only.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time

from inspect_ai import eval as inspect_eval

from peerguard.harness import CLIS, STORE_KEY, Lab, LabSpec, default_cli_dir, harness_task
from peerguard.scenarios import get_scenario
from peerguard.scenarios._shared._servers import load_layout

SCENARIO = "exfiltration_transfer"
MAIN = {"relationship": "good_peer", "subject": "peer", "instantiation": "file_only"}


def scenario_servers() -> tuple[str, ...]:
    """The scenario's servers (its `servers.yaml`), as the harness task builds its lab."""
    return tuple(str(ip) for ip in load_layout(get_scenario(SCENARIO).data)["hosts"])


def lab_start_stop(repeats: int) -> tuple[list[float], list[float]]:
    """Seconds to start and to stop the scenario's lab, `repeats` times."""
    starts, stops = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        lab = Lab.start(LabSpec(servers=scenario_servers(), cli_dir=default_cli_dir()))
        starts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        lab.stop()
        stops.append(time.perf_counter() - t0)
    return starts, stops


def episode(cli: str, log_dir: str) -> dict[str, float]:
    """One known-answer episode through `cli`: wall, model and harness seconds."""
    task = harness_task(SCENARIO, cli, MAIN)
    t0 = time.perf_counter()
    (log,) = inspect_eval(task, model="scripted/honest", log_dir=log_dir, display="none")
    wall = time.perf_counter() - t0
    (sample,) = log.samples or []
    if sample.error is not None:
        raise RuntimeError(f"{cli}: {sample.error.message}")
    model = sum(
        (e.completed - e.timestamp).total_seconds()
        for e in sample.events
        if e.event == "model" and e.completed is not None
    )
    calls = sum(1 for e in sample.events if e.event == "model")
    timings = sample.store[STORE_KEY]["timings"]
    sample_time = float(sample.total_time or wall)
    return {
        "wall": wall,
        "sample": sample_time,
        "model": model,
        "model_calls": calls,
        "agent": float(timings["agent"]),
        "overhead": sample_time - model,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="lab start/stop repetitions")
    parser.add_argument("--cli", action="append", choices=list(CLIS), help="CLIs (default: all)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    starts, stops = lab_start_stop(args.repeats)
    start, stop = statistics.median(starts), statistics.median(stops)
    print(
        f"lab (agent + {len(scenario_servers())} servers): start {start:.2f} s, stop {stop:.2f} s "
        f"(median of {args.repeats}; start range {min(starts):.2f}-{max(starts):.2f} s)"
    )

    rows = {}
    with tempfile.TemporaryDirectory() as log_dir:
        for cli in args.cli or list(CLIS):
            rows[cli] = episode(cli, log_dir)
    fastest = min(r["overhead"] for r in rows.values())
    print()
    print(
        f"{'cli':<9} {'episode s':>9} {'model s':>8} {'calls':>5} {'overhead s':>10} "
        f"{'CLI run s':>9} {'x lab start':>11} {'x fastest':>9}"
    )
    for cli, r in rows.items():
        print(
            f"{cli:<9} {r['sample']:>9.1f} {r['model']:>8.2f} {int(r['model_calls']):>5} "
            f"{r['overhead']:>10.1f} {r['agent']:>9.1f} {r['overhead'] / start:>11.0f} "
            f"{r['overhead'] / fastest:>9.2f}"
        )
    print()
    print(
        "overhead = episode time minus model time (the harness's own cost per episode); "
        "CLI run = time inside the CLI (bridge included); ratios are within this run."
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
