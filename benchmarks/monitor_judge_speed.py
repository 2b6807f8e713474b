"""Time the offline judge on a folder of traces: the old path against the current one, same run.

Usage::

    python benchmarks/monitor_judge_speed.py DIR [--repeat 1]

*Old path* (as before this change): every transcript judged on its own, its windows embedded in
one call per transcript with no cache, long texts embedded whole *and* in overlapping windows.
*New path* (what `peerguard monitor` does now): every window of every trace deduplicated and
embedded in one length-sorted batch, then each trace judged from the cache; non-overlapping
windows. Both paths reuse one trained classifier (training is timed separately), and both run
in this process one after the other, so machine load affects them alike. Prints wall and CPU
seconds and their ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from pathlib import Path

from peerguard.judge import _offline
from peerguard.judge._embed import default_encoder
from peerguard.judge._offline import _WINDOW_WORDS, OfflineJudge
from peerguard.monitor import iter_paths


def old_windows(text: str) -> list[str]:
    """The windowing before this change: the whole text plus half-overlapping sentence windows."""
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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    traces = [t.transcript for t in iter_paths([args.root])]
    judge = OfflineJudge()
    w0, c0 = _clock()
    judge._ensure()  # training (and the model load) is the same for both paths
    w1, c1 = _clock()
    print(f"{len(traces)} traces; classifier trained in {w1 - w0:.1f} s wall / {c1 - c0:.1f} s CPU")
    cache = default_encoder()._cache  # type: ignore[attr-defined]

    new_windows = _offline._windows
    _offline._windows = old_windows  # type: ignore[assignment]
    cache.clear()
    w0, c0 = _clock()
    for t in traces:
        cache.clear()
        await judge(t)
    old_wall, old_cpu = (a - b for a, b in zip(_clock(), (w0, c0), strict=True))
    _offline._windows = new_windows  # type: ignore[assignment]

    cache.clear()
    w0, c0 = _clock()
    await judge.prime(traces)
    for t in traces:
        await judge(t)
    new_wall, new_cpu = (a - b for a, b in zip(_clock(), (w0, c0), strict=True))
    print(f"old path: {old_wall:6.1f} s wall {old_cpu:6.1f} s CPU")
    print(f"new path: {new_wall:6.1f} s wall {new_cpu:6.1f} s CPU")
    print(f"speed-up: {old_wall / new_wall:.1f}x wall, {old_cpu / new_cpu:.1f}x CPU")


if __name__ == "__main__":
    asyncio.run(main())
