"""Time the offline judge on a folder of traces: batched + cached against unbatched, same run.

Usage::

    python benchmarks/monitor_judge_speed.py DIR [--cli]

*Unbatched* (the baseline, as before issue 13): every transcript judged on its own, its windows
embedded in one call per transcript with no cache, long texts embedded whole *and* in
half-overlapping windows. *Batched* (what `peerguard monitor` does): every window of every trace
deduplicated and embedded in one length-sorted batch, then each trace judged from the cache;
non-overlapping windows. *Warm* re-scans the same traces with the cache filled (a `--follow`
monitor or a re-run in one process). All three reuse one trained classifier (training is timed
separately) and run in this process one after the other, so machine load affects them alike.

`--cli` also times the whole command a user runs, `peerguard monitor DIR --judge offline`, in a
subprocess (imports, model load, training and the scan): the figure the issue's target is about.
Prints wall and CPU seconds (CPU includes every thread of the process) and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from peerguard.judge import _offline
from peerguard.judge._embed import default_encoder
from peerguard.judge._offline import _WINDOW_WORDS, OfflineJudge
from peerguard.monitor import iter_paths


def old_windows(text: str) -> list[str]:
    """The windowing before issue 13: the whole text plus half-overlapping sentence windows."""
    if len(text.split()) <= _WINDOW_WORDS:
        return [text]
    sentences = re.split(r"(?<=[.!?。])\s+|\n+", text)
    out: list[str] = [text]
    cur: list[str] = []
    for s in sentences:
        cur.append(s)
        if len(" ".join(cur).split()) >= _WINDOW_WORDS // 2:
            out.append(" ".join(cur))
            cur = cur[-1:]
    if len(cur) > 1:
        out.append(" ".join(cur))
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    now = _clock()
    return now[0] - start[0], now[1] - start[1]


def time_cli(root: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of `peerguard monitor ROOT --judge offline --json`, and its exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "peerguard", "monitor", str(root), "--judge", "offline", "--json"],
        capture_output=True,
        env=os.environ.copy(),
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--cli", action="store_true", help="also time the CLI end to end")
    args = parser.parse_args()
    traces = [t.transcript for t in iter_paths([args.root])]
    windows = {w for t in traces for s in t.segments() for w in _offline._windows(s.text)}
    print(f"{len(traces)} traces, {len(windows)} distinct windows; load {os.getloadavg()[0]:.1f}")
    judge = OfflineJudge()
    start = _clock()
    judge._ensure()  # the model load and training are the same for every path
    wall, cpu = _since(start)
    print(f"classifier loaded and trained: {wall:6.1f} s wall {cpu:6.1f} s CPU")
    cache = default_encoder()._cache  # type: ignore[attr-defined]

    new_windows = _offline._windows
    _offline._windows = old_windows  # type: ignore[assignment]
    start = _clock()
    for t in traces:
        cache.clear()
        await judge(t)
    old_wall, old_cpu = _since(start)
    _offline._windows = new_windows  # type: ignore[assignment]

    cache.clear()
    start = _clock()
    await judge.prime(traces)
    for t in traces:
        await judge(t)
    new_wall, new_cpu = _since(start)

    start = _clock()
    for t in traces:
        await judge(t)
    warm_wall, warm_cpu = _since(start)
    n = len(traces)
    for name, w, c in (
        ("unbatched, uncached", old_wall, old_cpu),
        ("batched, cached (cold)", new_wall, new_cpu),
        ("warm cache (re-scan)", warm_wall, warm_cpu),
    ):
        print(f"{name:<24} {w:6.1f} s wall {c:6.1f} s CPU  ({c / n:.2f} s CPU per trace)")
    print(
        f"speed-up batched vs unbatched: {old_wall / new_wall:.1f}x wall, {old_cpu / new_cpu:.1f}x CPU"
    )
    if args.cli:
        wall, cpu, code = time_cli(args.root)
        print(
            f"CLI end to end (`peerguard monitor DIR --judge offline`, exit {code}): "
            f"{wall:.1f} s wall {cpu:.1f} s CPU; load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
