"""`peerguard run` resumes: interrupt or kill a run midway, re-run, every sample exactly once.

Event-driven, so a loaded machine cannot make the interrupt miss: the run is interrupted
once its sample buffer reports N finished samples (not after a sleep), and every wait has
a generous bound (issue 12, failure 10). The kill -9 variant checks crash recovery: samples
that finished but were not flushed come back with their world records (failure 4).
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from inspect_ai.log import EvalSample, list_eval_logs, read_eval_log
from inspect_ai.log._recorders.buffer import sample_buffer

from peerguard.detectors import score_sample
from peerguard.logs import to_flag
from peerguard.logs._record import store_value
from peerguard.scenarios import SCENARIOS

SCENARIO = "exfiltration_transfer"
BOUND = 300.0
"""Seconds any wait may take before the test fails: generous, never a pacing assumption."""


def command(log_dir: Path, delay: float) -> list[str]:
    # The delay only keeps the run long relative to noticing N finished samples.
    # --realtime-log: the sample buffer these tests watch, and recover from after a kill, is
    # off by default for scripted/ models (tests/cli/test_run_processes.py covers that case).
    return [
        sys.executable, "-m", "peerguard", "run",
        "--model", "scripted/honest", "-M", f"delay={delay}",
        "--scenario", SCENARIO, "--log-dir", str(log_dir), "--realtime-log",
        "--max-connections", "4", "--display", "plain", "--judge", "none",
    ]  # fmt: skip


def completed_in_buffer(log_dir: Path) -> int:
    """Samples the running task has finished (scored), per Inspect's live sample buffer."""
    done = 0
    for log in log_dir.glob("*.eval"):
        try:
            samples = sample_buffer(str(log)).get_samples()
        except Exception:  # the buffer appears a little after the log file
            continue
        if samples is not None and samples != "NotModified":
            done += sum(1 for s in samples.samples if s.completed)
    return done


def wait_for_completed(proc: subprocess.Popen[bytes], log_dir: Path, n: int) -> int:
    """Block until the run has finished `n` samples; fail if it exits first or BOUND passes."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        done = completed_in_buffer(log_dir)
        if done >= n:
            return done
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.25)  # polling interval only: the condition, not the clock, decides
    raise AssertionError(f"no {n} finished samples within {BOUND}s")


def finished_samples(log_dir: Path) -> list[tuple[str, EvalSample]]:
    """(log status, sample) for every finished (scored, not errored) sample in every log.

    A cancelled log also holds the samples the interrupt cut short (with an error and no
    scores); those are not finished and are expected to run again.
    """
    out = []
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        out += [(log.status, s) for s in log.samples or [] if s.error is None and s.scores]
    return out


def rerun(log_dir: Path, delay: float) -> None:
    """The same command again (the model args are part of each task's identity)."""
    env = {**os.environ, "INSPECT_DISPLAY": "plain"}
    done = subprocess.run(command(log_dir, delay), env=env, capture_output=True, timeout=BOUND * 2)
    assert done.returncode == 0, done.stdout.decode()[-3000:] + done.stderr.decode()[-3000:]


def assert_each_sample_once(log_dir: Path) -> list[EvalSample]:
    after = finished_samples(log_dir)
    counts = Counter((str(s.id), s.epoch) for _, s in after)
    assert len(counts) == len(SCENARIOS[SCENARIO].configurations())
    assert set(counts.values()) == {1}, f"duplicated samples: {counts}"
    assert {status for status, _ in after} == {"success"}
    return [s for _, s in after]


def test_interrupted_run_resumes_without_redoing_samples(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    env = {**os.environ, "INSPECT_DISPLAY": "plain"}
    proc = subprocess.Popen(
        command(log_dir, 0.4), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    wait_for_completed(proc, log_dir, 2)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=BOUND)
    assert proc.returncode != 0, out.decode()[-2000:]

    finished_before = {(str(s.id), s.epoch): s.uuid for _, s in finished_samples(log_dir)}
    total = len(SCENARIOS[SCENARIO].configurations())
    assert 0 < len(finished_before) < total, f"interrupt did not land midway: {finished_before}"

    rerun(log_dir, 0.4)
    after = {(str(s.id), s.epoch): s.uuid for s in assert_each_sample_once(log_dir)}
    # Samples finished before the interrupt were carried over, not run again.
    for key, uuid in finished_before.items():
        assert after[key] == uuid, f"sample {key} was redone"


def test_killed_run_recovers_every_sample_with_its_world_record(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    proc = subprocess.Popen(
        command(log_dir, 0.2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_completed(proc, log_dir, 3)
    proc.kill()  # SIGKILL: nothing is flushed, the log stays "started"
    proc.wait(timeout=BOUND)

    rerun(log_dir, 0.2)
    samples = assert_each_sample_once(log_dir)
    assert not list(log_dir.glob("*.eval")) or all(
        read_eval_log(str(p), header_only=True).status == "success" for p in log_dir.glob("*.eval")
    ), "a stale 'started' log is still listed"
    for sample in samples:
        assert store_value(sample) is not None, f"world record lost for {sample.id}"
        logged = {k: to_flag(v.value) for k, v in (sample.scores or {}).items()}
        again = {k: to_flag(v.value) for k, v in score_sample(sample).items()}
        assert logged == again and not any(math.isnan(v) for v in again.values())
