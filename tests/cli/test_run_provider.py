"""`peerguard run` exposes Inspect's retry settings; a provider that never answers properly
errors the samples with a reason and the command says they did not finish (issue 12, 5 and 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from fault_server import FaultServer, sequence_plan
from peerguard.agent import _retry
from peerguard.cli import main


def test_max_retries_bounds_the_attempts_and_the_sample_errors_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_retry, "backoff", lambda attempt: 0.0)
    with FaultServer(sequence_plan([], then="empty")) as server:
        result = CliRunner().invoke(
            main,
            [
                "run", "--model", "openai-api/fault/honest",
                "-M", f"base_url={server.base_url}", "-M", "api_key=none",
                "--scenario", "exfiltration_transfer",
                "--condition", "relationship=good_peer", "--condition", "subject=peer",
                "--condition", "instantiation=file_only", "--condition", "scratchpad=off",
                "--max-retries", "1", "--retry-attempts", "0",
                "--judge", "none", "--display", "none", "--log-dir", str(tmp_path),
            ],
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "did not finish" in result.output
    assert server.counts == {"empty": 2}
    [info] = list_eval_logs(str(tmp_path))
    log = read_eval_log(info)
    # --seed seeds the world only: a generation seed would make a seeded provider answer
    # every epoch identically, so n rollouts would be one rollout counted n times.
    assert log.eval.model_generate_config.seed is None
    # A real provider keeps Inspect's realtime sample buffer (crash recovery, live view).
    assert log.eval.config.log_realtime is True
    [sample] = log.samples or []
    assert sample.error is not None and "no choices on 2 attempt(s)" in sample.error.message
