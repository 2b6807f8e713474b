"""Process settings for a run: the garbage collector, and whether Inspect logs in realtime.

Both were measured on the known-answer matrix (`benchmarks/matrix_speed.py`,
`benchmarks/README.md`): with CPython's default thresholds the collector ran about 4,000
times in a 400-sample slice and took a fifth of the CPU, walking the same long-lived objects
(Inspect's transcripts, the worlds, imported modules) again and again; Inspect's realtime
sample buffer (an SQLite copy of every event) took another sixth.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

GC_THRESHOLDS = (50_000, 50, 100)
"""Allocations before a young collection, and young/middle collections before an older one.

CPython's default (700, 10, 10) suits short scripts; an eval holds hundreds of thousands of
live objects for minutes. Cycles are still collected, just in larger, rarer batches (peak
memory rose by about 1% in the measurement above)."""


def tune_gc() -> None:
    """Freeze what is alive now (modules, registries: never garbage) and collect less often.

    For `peerguard run` and its worker processes only; it changes no result, only when
    unreachable cycles are freed.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def realtime_default(models: Sequence[str]) -> bool:
    """Whether Inspect keeps its realtime sample buffer when `--realtime-log` is not given.

    The buffer lets `inspect view` show running samples and lets a killed run recover the
    samples it finished after its last log flush. For known-answer agents (`scripted/`) a
    sample costs milliseconds and nothing, so it is off for them: a killed run redoes those
    few samples instead. For every other model it stays on, since a sample there costs
    money or minutes.
    """
    return not all(m.startswith("scripted/") for m in models)
