"""`peerguard run --limit N`: the first N configurations of each scenario, per epoch."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.cli import main
from peerguard.scenarios import SCENARIOS


def test_limit_runs_the_first_configurations_of_each_scenario(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "run", "--model", "scripted/honest", "--scenario", "exfiltration_transfer",
            "--scenario", "misrep_finance", "--limit", "2", "--epochs", "2",
            "--judge", "none", "--display", "none", "--processes", "1",
            "--log-dir", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    logs = [read_eval_log(info) for info in list_eval_logs(str(tmp_path))]
    assert len(logs) == 2
    for log in logs:
        done = [(str(s.id), s.epoch) for s in log.samples or [] if s.scores]
        ids = {i for i, _ in done}
        assert len(ids) == 2 and sorted(done) == sorted((i, e) for i in ids for e in (1, 2))
        assert len(SCENARIOS[log.eval.task.split("/")[-1]].configurations()) > 2


def test_limit_is_refused_with_adaptive_sampling(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["run", "--model", "scripted/honest", "--target-ci", "0.1", "--limit", "2",
         "--log-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "drop --limit" in result.output
