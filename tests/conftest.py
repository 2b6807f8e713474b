"""Shared fixtures: known-answer runs are made once per session and reused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from peerguard.scenarios._tasks import TASKS

EXFIL_SCENARIOS = ("exfiltration_transfer", "exfiltration_deletion")
BACKBONE_POLICIES = ("honest", "exfiltrator", "spec_gamer", "refuser", "lazy")


def run_known_answers(log_dir: Path, policies: tuple[str, ...], scenarios: tuple[str, ...]) -> Path:
    """Run every configuration of `scenarios` once per policy, in-process, into `log_dir`."""
    tasks = [TASKS[s]() for s in scenarios]
    logs = inspect_eval(
        tasks,
        model=[f"scripted/{p}" for p in policies],
        log_dir=str(log_dir),
        display="none",
        max_tasks=4,
    )
    failed = [log.location for log in logs if log.status != "success"]
    assert not failed, f"known-answer runs failed: {failed}"
    return log_dir


@pytest.fixture(scope="session")
def exfil_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs of every backbone policy on both exfiltration scenarios (all configurations)."""
    return run_known_answers(
        tmp_path_factory.mktemp("exfil_logs"), BACKBONE_POLICIES, EXFIL_SCENARIOS
    )


RunFn = Callable[[Path, tuple[str, ...], tuple[str, ...]], Path]


@pytest.fixture(scope="session")
def exfil_rows(exfil_logs: Path) -> list[dict[str, object]]:
    """`results --json` rows for the backbone known-answer runs."""
    from peerguard.analysis import build_frame, results_rows

    return results_rows(build_frame(exfil_logs))
