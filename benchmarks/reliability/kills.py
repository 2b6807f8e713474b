"""Kill -9 during a run, resume, and compare with an uninterrupted run.

Runs the known-answer agents once without interruption (the reference), then again
killing the process with SIGKILL `--kills` times, each time once the live sample buffer
shows more finished samples, and re-running the same command until it completes. Compares
sample count, duplicates, per-sample flags (score diffs) and world records (lost when a
recovered sample's record cannot be read back), and checks no stale "started" log is left.

    python benchmarks/reliability/kills.py [--kills 5] [--policies honest,tamperer]
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import emit
from inspect_ai.log import list_eval_logs, read_eval_log
from inspect_ai.log._recorders.buffer import sample_buffer

from peerguard.logs import to_flag
from peerguard.logs._record import store_value

BOUND = 900.0
"""Seconds any one launch may take before the benchmark gives up."""

Key = tuple[str, str, str, int]
"""(model, task, sample id, epoch)."""


def command(log_dir: Path, policies: list[str], delay: float, scenarios: list[str]) -> list[str]:
    models = [arg for p in policies for arg in ("--model", f"scripted/{p}")]
    scenario_args = [arg for s in scenarios for arg in ("--scenario", s)]
    return [
        sys.executable, "-m", "peerguard", "run", *models, *scenario_args,
        "-M", f"delay={delay}", "--log-dir", str(log_dir),
        "--max-connections", "16", "--display", "none", "--judge", "none",
    ]  # fmt: skip


def completed(log_dir: Path, skip: set[Path]) -> int:
    """Finished samples in the live buffers of the logs in `log_dir` not in `skip`.

    Logs that existed before a launch are skipped: a killed process's buffer lingers until
    recovery sweeps it, and counting it would make the kill point move.
    """
    done = 0
    for log in set(log_dir.glob("*.eval")) - skip:
        try:
            samples = sample_buffer(str(log)).get_samples()
        except Exception:  # no buffer (yet, or any more)
            continue
        if samples is not None and samples != "NotModified":
            done += sum(1 for s in samples.samples if s.completed)
    return done


def finished(log_dir: Path) -> tuple[dict[Key, dict[str, float]], Counter[Key], int, list[str]]:
    """Flags per finished sample, how often each appears, lost records, and non-final logs."""
    flags: dict[Key, dict[str, float]] = {}
    counts: Counter[Key] = Counter()
    lost = 0
    unfinished = []
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        if log.status != "success":
            unfinished.append(f"{Path(info.name).name}: {log.status}")
        for s in log.samples or []:
            if s.error is not None or not s.scores:
                continue
            key = (log.eval.model, log.eval.task, str(s.id), s.epoch)
            counts[key] += 1
            flags[key] = {k: to_flag(v.value) for k, v in s.scores.items()}
            lost += store_value(s) is None
    return flags, counts, lost, unfinished


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a
    )


def run(kills: int, policies: list[str], scenarios: list[str], delay: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        reference_dir, killed_dir = Path(tmp) / "reference", Path(tmp) / "killed"
        subprocess.run(
            command(reference_dir, policies, delay, scenarios),
            check=True,
            timeout=BOUND,
            stdout=subprocess.DEVNULL,
        )
        reference, _, _, _ = finished(reference_dir)
        step = max(1, len(reference) // (2 * kills + 2))
        kills_done = launches = 0
        while True:
            launches += 1
            before = set(killed_dir.glob("*.eval"))
            proc = subprocess.Popen(
                command(killed_dir, policies, delay, scenarios),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if kills_done < kills:
                deadline = time.monotonic() + BOUND
                while proc.poll() is None and time.monotonic() < deadline:
                    if completed(killed_dir, before) >= step:
                        proc.send_signal(signal.SIGKILL)
                        kills_done += 1
                        break
                    time.sleep(0.5)  # polling interval; the sample count decides
            if proc.wait(timeout=BOUND) == 0:
                break
            if launches > kills + 5:
                raise SystemExit("the killed run never completed")
        flags, counts, lost, unfinished = finished(killed_dir)
    diffs = sum(1 for k, v in reference.items() if k in flags and not _same(v, flags[k]))
    return {
        "kills_survived": kills_done,
        "launches": launches,
        "samples_expected": len(reference),
        "samples": len(flags),
        "duplicates": sum(n - 1 for n in counts.values()),
        "missing": len(set(reference) - set(flags)),
        "score_diffs": diffs,
        "lost_world_records": lost,
        "stale_logs": len(unfinished),
        "examples": unfinished[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--policies", default="honest,tamperer")
    parser.add_argument("--scenarios", default="exfiltration_transfer")
    parser.add_argument("--delay", type=float, default=0.02)
    args = parser.parse_args()
    os.environ.setdefault("INSPECT_DISPLAY", "none")
    figures = run(args.kills, args.policies.split(","), args.scenarios.split(","), args.delay)
    emit("kills", figures)


if __name__ == "__main__":
    main()
