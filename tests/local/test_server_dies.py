"""The server dies mid-run: affected samples are errors, the run finishes, a re-run completes them."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.cli._run import run_command
from peerguard.local._provider import LocalModelAPI

pytestmark = pytest.mark.local_model

RUN_ARGS = [
    "--model",
    "local/smollm2",
    "-M",
    "attach=false",
    "--scenario",
    "exfiltration_transfer",
    "--condition",
    "relationship=good_peer",
    "--condition",
    "subject=peer",
    "--condition",
    "scratchpad=off",
    "--max-turns",
    "3",
    "--retry-attempts",
    "0",
    "--display",
    "none",
    "--judge",
    "none",
]


def samples(log_dir: Path) -> list[Any]:
    [info] = list_eval_logs(str(log_dir))
    log = read_eval_log(info)
    return list(log.samples or [])


def test_server_death_errors_the_affected_sample_and_a_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed: list[int] = []
    original = LocalModelAPI._generate_completion

    async def kill_on_second_request(self: LocalModelAPI, request: Any, config: Any) -> Any:
        # The second request of the run finds its server killed under it (SIGKILL:
        # no goodbye), exactly as if llama.cpp crashed mid-request.
        if not killed and getattr(kill_on_second_request, "calls", 0) == 1:
            pid = self.lease.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # reap it, so the provider sees it dead
            killed.append(pid)
        kill_on_second_request.calls = getattr(kill_on_second_request, "calls", 0) + 1  # type: ignore[attr-defined]
        return await original(self, request, config)

    monkeypatch.setattr(LocalModelAPI, "_generate_completion", kill_on_second_request)
    log_dir = tmp_path / "logs"
    runner = CliRunner()

    first = runner.invoke(run_command, [*RUN_ARGS, "--log-dir", str(log_dir)])
    assert killed, "the server was never killed"
    # The run finished (it did not hang or crash) and says how to complete it.
    assert first.exit_code != 0 and "Re-run" in first.output, first.output
    after_first = samples(log_dir)
    errored = [s.id for s in after_first if s.error is not None]
    finished = [s.id for s in after_first if s.error is None]
    assert errored, "no sample recorded the server's death as an error"
    assert finished, "the server was not restarted for the other samples"

    monkeypatch.setattr(LocalModelAPI, "_generate_completion", original)
    second = runner.invoke(run_command, [*RUN_ARGS, "--log-dir", str(log_dir)])
    assert second.exit_code == 0, second.output
    after_second = samples(log_dir)
    assert sorted(s.id for s in after_second) == sorted(errored + finished)
    assert all(s.error is None for s in after_second)
