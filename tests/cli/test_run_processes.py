"""`peerguard run --processes N`: the same results as one process, one log dir, resumable.

The split itself is a pure function (`shards`); the runs compare `peerguard results --json`
of a one-process and a two-process run of the same matrix, and kill a two-process run midway
(its workers die with it) and resume it, with one process and then with two.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.cli._processes import auto_processes, shard_connections, shards
from peerguard.scenarios import get_matrix, get_scenario

BOUND = 600.0
"""Seconds any wait may take before the test fails: generous, never a pacing assumption."""

MODELS = ["scripted/honest", "scripted/exfiltrator", "scripted/tamperer"]
SCENARIOS = ["exfiltration_transfer", "tampering"]


def test_shards_cover_the_grid_once() -> None:
    sizes = [28, 28, 101, 21, 57, 54]
    models = [f"scripted/p{i}" for i in range(8)]
    for n in (1, 2, 3, 8, 9):
        cells = Counter((t, m) for tasks, ms in shards(n, models, sizes) for t in tasks for m in ms)
        assert set(cells) == {(t, m) for t in range(6) for m in models}
        assert set(cells.values()) == {1}
        # Models dealt out while there are enough; else the six tasks split, at most one each.
        assert len(shards(n, models, sizes)) == (n if n <= 8 else 6)
    # Fewer models than processes: the tasks are split, balanced by size, every model in each.
    split = shards(2, ["scripted/honest"], sizes)
    assert len(split) == 2 and all(ms == ["scripted/honest"] for _, ms in split)
    loads = [sum(sizes[t] for t in tasks) for tasks, _ in split]
    assert max(loads) - min(loads) <= max(sizes)


def test_no_model_gets_more_connections_than_asked_across_workers() -> None:
    sizes = [28, 28, 101]
    # One model, tasks split over two workers: they share its budget.
    assert shard_connections(200, shards(2, ["openai/gpt-5.2"], sizes)) == 100
    assert shard_connections(1, shards(2, ["openai/gpt-5.2"], sizes)) == 1
    # Models dealt out: each model runs in one worker and keeps the whole budget.
    assert shard_connections(200, shards(2, ["openai/a", "openai/b"], sizes)) == 200
    assert shard_connections(None, shards(2, ["openai/gpt-5.2"], sizes)) is None


def test_auto_is_one_for_local_models_and_never_more_than_the_grid() -> None:
    assert auto_processes(["local/smollm2", "scripted/honest"], [10, 10]) == 1
    assert auto_processes(["scripted/honest"], [10]) == 1
    assert 1 <= auto_processes(MODELS, [10, 10]) <= len(MODELS) * 2


def command(log_dir: Path, processes: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "peerguard", "run", "--matrix", "demo",
        *[a for s in SCENARIOS for a in ("--scenario", s)],
        *[a for m in MODELS for a in ("--model", m)],
        "--log-dir", str(log_dir), "--display", "none", "--judge", "none",
        "--processes", str(processes), *extra,
    ]  # fmt: skip


def results_json(log_dir: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "peerguard", "results", str(log_dir), "--json"],
        capture_output=True,
        timeout=BOUND,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode()


def run(log_dir: Path, processes: int, *extra: str) -> None:
    done = subprocess.run(command(log_dir, processes, *extra), capture_output=True, timeout=BOUND)
    assert done.returncode == 0, done.stdout.decode()[-3000:] + done.stderr.decode()[-3000:]


def finished(log_dir: Path) -> Counter[tuple[str, str, str, int]]:
    """(model, task, sample, epoch) of every finished sample in every log of the directory."""
    out: Counter[tuple[str, str, str, int]] = Counter()
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        for s in log.samples or []:
            if s.error is None and s.scores:
                out[(log.eval.model, log.eval.task, str(s.id), s.epoch)] += 1
    return out


def planned() -> int:
    demo = get_matrix("demo")
    return len(MODELS) * sum(len(demo.configurations(get_scenario(s))) for s in SCENARIOS)


@pytest.mark.slow
def test_two_processes_give_the_same_results_as_one(tmp_path: Path) -> None:
    run(tmp_path / "one", 1)
    run(tmp_path / "two", 2)
    one, two = results_json(tmp_path / "one"), results_json(tmp_path / "two")
    assert json.loads(one), "no rows"
    assert one == two
    # One log per (task, model) in the shared directory, each sample once.
    counts = finished(tmp_path / "two")
    assert len(counts) == planned() and set(counts.values()) == {1}
    # Known-answer agents only: Inspect's realtime sample buffer is off by default.
    for info in list_eval_logs(str(tmp_path / "two")):
        assert read_eval_log(info, header_only=True).eval.config.log_realtime is False


@pytest.mark.slow
def test_killed_two_process_run_resumes_with_one_or_two(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    run(reference, 1)
    for resume_with in (1, 2):
        log_dir = tmp_path / f"killed-{resume_with}"
        # The delay keeps the run long enough to be killed midway.
        proc = subprocess.Popen(
            command(log_dir, 2, "-M", "delay=0.3"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + BOUND
        while len(list(log_dir.glob("*.eval"))) < 2:  # both workers have started a log
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.25)  # polling interval only: the condition decides
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=BOUND)

        run(log_dir, resume_with, "-M", "delay=0.3")
        counts = finished(log_dir)
        assert len(counts) == planned() and set(counts.values()) == {1}, counts
        assert results_json(log_dir) == results_json(reference)
