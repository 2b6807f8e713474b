"""Wall time and samples/s of a matrix run with the known-answer agents, at 1 and at N processes.

Runs the same `peerguard run` twice in fresh log directories (one process, then
`--processes N`), checks that `peerguard results --json` is byte-identical, and prints wall
time, samples/s, CPU seconds per sample and the speed-up measured in this run, with the
machine's load average (other work on the machine slows both runs).

    python benchmarks/matrix_speed.py                       # the full study matrix x 8 policies
    python benchmarks/matrix_speed.py --scenario tampering  # a slice, for quick iteration
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peerguard.scripted import POLICIES  # the Makefile's KNOWN_ANSWER agents


def peerguard(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "peerguard", *args], capture_output=True)


def timed_run(log_dir: Path, processes: int, scenarios: list[str], matrix: str) -> dict:
    cmd = [
        "run", "--matrix", matrix, *[a for p in POLICIES for a in ("--model", f"scripted/{p}")],
        *[a for s in scenarios for a in ("--scenario", s)],
        "--judge", "none", "--display", "none", "--log-dir", str(log_dir),
        "--processes", str(processes),
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.monotonic()
    done = peerguard(*cmd)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode()[-3000:])
    rows = peerguard("results", str(log_dir), "--json")
    samples = _count(log_dir)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "processes": processes,
        "samples": samples,
        "wall_s": round(wall, 1),
        "samples_per_s": round(samples / wall, 2),
        "cpu_ms_per_sample": round(1000 * cpu / samples, 1),
        "load_avg_1m_at_start": round(load, 2),
        "results": rows.stdout,
    }


def _count(log_dir: Path) -> int:
    """Samples completed in the directory's logs (headers only)."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    total = 0
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info, header_only=True)
        total += log.results.completed_samples if log.results else 0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", default=[])
    parser.add_argument("--matrix", default="study")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = timed_run(Path(tmp) / "one", 1, args.scenario, args.matrix)
        many = timed_run(Path(tmp) / "many", args.processes, args.scenario, args.matrix)
    identical = one.pop("results") == many.pop("results")
    print(json.dumps({"one": one, "many": many}))
    print(
        json.dumps(
            {
                "speedup_wall": round(one["wall_s"] / many["wall_s"], 2),
                "results_identical": identical,
                "cpu_count": os.cpu_count(),
            }
        )
    )
    if not identical:
        raise SystemExit("results differ between 1 and N processes")


if __name__ == "__main__":
    main()
