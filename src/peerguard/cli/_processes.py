"""`peerguard run --processes N`: the matrix split across worker processes, one log directory.

Inspect runs an eval set on one core (its per-turn bookkeeping is Python on one event loop),
so a CPU-bound run — the known-answer agents, a fast local endpoint — uses one core however
many are free. Here the run's (task, model) pairs are split into N shards; each shard runs in
its own process as an ordinary `eval_set` over the same log directory, under the same eval
set id, each ignoring the other shards' logs. A shard's logs are exactly the logs a
one-process run writes for those pairs (a task's identity does not depend on the process
that ran it), so:

- resume works with any N, including 1: each shard reuses the finished samples of its pairs,
  whoever wrote them;
- after the shards, the caller runs the whole eval set once more in its own process, as a
  one-process run would. When the shards finished everything, that pass only confirms it;
  when one failed or was killed, it finishes what is left, so the result never depends on N.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Shard = tuple[list[int], list[str]]
"""Indices of the tasks (in `build_tasks` order) and the models one worker runs."""


def usable_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def auto_processes(models: Sequence[str], task_sizes: Sequence[int]) -> int:
    """The default for `--processes`: one per usable core, one when a local model serves.

    An embedded or local server answers one request at a time (more processes only compete
    for it), and never more processes than there are (task, model) pairs.
    """
    if any(m.startswith("local/") for m in models):
        return 1
    return max(1, min(usable_cores(), len(task_sizes) * len(models)))


def shards(n: int, models: Sequence[str], task_sizes: Sequence[int]) -> list[Shard]:
    """Split the (task, model) grid into at most `n` rectangular shards of similar size.

    With at least `n` models, the models are dealt out and every shard runs every task; with
    fewer, the tasks are (largest first, each to the lightest shard) and every shard runs
    every model. A shard is a rectangle so that it is one `eval_set` call.
    """
    tasks = list(range(len(task_sizes)))
    if n <= 1:
        return [(tasks, list(models))]
    if len(models) >= n:
        groups = [list(models[k::n]) for k in range(n)]
        return [(tasks, g) for g in groups if g]
    loads = [0] * n
    picked: list[list[int]] = [[] for _ in range(n)]
    for t in sorted(tasks, key=lambda i: -task_sizes[i]):
        k = loads.index(min(loads))
        picked[k].append(t)
        loads[k] += task_sizes[t]
    return [(sorted(p), list(models)) for p in picked if p]


def shard_connections(max_connections: int | None, shard_list: Sequence[Shard]) -> int | None:
    """`--max-connections` for each worker, so that no model gets more than was asked.

    Models dealt out run in one shard each and keep the whole budget; when the tasks are
    split instead, every shard runs every model and they share it. Inspect's own per-provider
    default (no `--max-connections`) cannot be divided: it then applies in every worker.
    """
    if max_connections is None:
        return None
    every_model = {m for _, models in shard_list for m in models}
    per_model = max(sum(1 for _, models in shard_list if m in models) for m in every_model)
    return max(1, max_connections // per_model)


def run_shards(
    shard_list: list[Shard],
    task_args: dict[str, Any],
    eval_args: dict[str, Any],
) -> list[int]:
    """Run each shard in its own `python` process; wait for all. Returns their exit codes.

    A Ctrl-C reaches the workers too (same process group): each drains as a one-process run
    does, and KeyboardInterrupt is re-raised here once they have exited.
    """
    with tempfile.TemporaryDirectory(prefix="peerguard-shards-") as tmp:
        procs = []
        for k, (task_ids, models) in enumerate(shard_list):
            spec = Path(tmp) / f"shard-{k}.json"
            spec.write_text(
                json.dumps(
                    {
                        "task_args": task_args,
                        "task_ids": task_ids,
                        "models": models,
                        "eval_args": eval_args,
                        "log_level": logging.getLogger().getEffectiveLevel(),
                    }
                )
            )
            cmd = [sys.executable, "-c", "from peerguard.cli._processes import worker; worker()"]
            procs.append(subprocess.Popen([*cmd, str(spec)], preexec_fn=_die_with_parent))
        try:
            return [p.wait() for p in procs]
        except KeyboardInterrupt:
            for p in procs:
                p.wait()
            raise


def _die_with_parent() -> None:
    """In the child before it starts: on Linux, be killed when the parent dies, so a killed run
    leaves no worker writing into the log directory while it is resumed (the worker's own
    unfinished log is then recovered like any killed run's)."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    # Without prctl in this libc, workers may outlive a kill -9 of the parent.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def worker() -> None:
    """A shard's process: build the same tasks, run its rectangle of the grid."""
    from inspect_ai import eval_set

    from ._run import build_tasks
    from ._runtime import tune_gc

    spec = json.loads(Path(sys.argv[1]).read_text())
    logging.basicConfig(level=spec["log_level"], format="%(levelname)s %(name)s: %(message)s")
    tasks = build_tasks(**spec["task_args"])
    tune_gc()
    chosen = [tasks[i] for i in spec["task_ids"]]
    success, _logs = eval_set(
        chosen,
        model=spec["models"],
        # The other shards' logs share the directory.
        log_dir_allow_dirty=True,
        **spec["eval_args"],
    )
    sys.exit(0 if success else 1)
