"""`peerguard run` resumes: interrupt a run midway, re-run the command, every sample exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.scenarios import SCENARIOS

SCENARIO = "exfiltration_transfer"


def command(log_dir: Path) -> list[str]:
    # The delay makes each scripted turn slow enough that the interrupt lands mid-run.
    return [
        sys.executable, "-m", "peerguard", "run",
        "--model", "scripted/honest", "-M", "delay=0.4",
        "--scenario", SCENARIO, "--log-dir", str(log_dir),
        "--max-connections", "4", "--display", "plain", "--judge", "none",
    ]  # fmt: skip


def samples_in(log_dir: Path) -> list[tuple[str, str, int, str]]:
    """(log status, sample id, epoch, start time) for every finished sample in every log.

    A cancelled log also holds the samples the interrupt cut short (with an error and no
    scores); those are not finished and are expected to run again.
    """
    out = []
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        for s in log.samples or []:
            if s.error is None and s.scores:
                out.append((log.status, str(s.id), s.epoch, str(s.started_at)))
    return out


def test_interrupted_run_resumes_without_redoing_samples(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    total = len(SCENARIOS[SCENARIO].configurations())
    env = {**os.environ, "INSPECT_DISPLAY": "plain"}

    proc = subprocess.Popen(
        command(log_dir), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    # Interrupt a few seconds after the task's log appears, i.e. mid-run whatever the start-up time.
    deadline = time.monotonic() + 120
    while not list(log_dir.glob("*.eval")) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(8)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0, out.decode()[-2000:]

    before = samples_in(log_dir)
    finished_before = {(sid, epoch): uuid for _, sid, epoch, uuid in before}
    assert 0 < len(finished_before) < total, f"interrupt did not land midway: {len(before)} samples"

    rerun = subprocess.run(command(log_dir), env=env, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout.decode()[-3000:] + rerun.stderr.decode()[-3000:]

    after = samples_in(log_dir)
    counts = Counter((sid, epoch) for _, sid, epoch, _ in after)
    assert len(counts) == total
    assert set(counts.values()) == {1}, f"duplicated samples: {counts}"
    assert {status for status, *_ in after} == {"success"}
    # Samples finished before the interrupt were carried over, not run again.
    uuids_after = {(sid, epoch): uuid for _, sid, epoch, uuid in after}
    for key, uuid in finished_before.items():
        assert uuids_after[key] == uuid, f"sample {key} was redone"
