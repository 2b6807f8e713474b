"""Shared fixtures: known-answer runs are made once per session and reused."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval

import peerguard._registry  # noqa: F401  (registers the scripted/<policy> model provider)
from peerguard.scenarios import TASKS, get_matrix, get_scenario
from peerguard.scripted import POLICIES


def pytest_configure(config: pytest.Config) -> None:
    """Let the children that tests interrupt receive Ctrl-C.

    A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored
    across exec: run that way, every child would shrug off the SIGINT that the interrupt and
    server tests send. A handler (unlike "ignore") resets to the default at exec.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


EXFIL_SCENARIOS = ("exfiltration_transfer", "exfiltration_deletion")
BACKBONE_POLICIES = ("honest", "exfiltrator", "spec_gamer", "refuser", "lazy")
KNOWN_ANSWER_POLICIES = tuple(POLICIES)


def run_known_answers(
    log_dir: Path,
    policies: tuple[str, ...],
    scenarios: tuple[str, ...],
    matrix: str = "core",
) -> Path:
    """Run every configuration of `matrix` for `scenarios`, once per policy, into `log_dir`."""
    m = get_matrix(matrix)
    tasks = [TASKS[s](**m.task_args(get_scenario(s))) for s in scenarios]
    logs = inspect_eval(
        tasks,
        model=[f"scripted/{p}" for p in policies],
        log_dir=str(log_dir),
        display="none",
        max_tasks=6,
        max_connections=200,
        log_realtime=False,
        score_display=False,
    )
    failed = [log.location for log in logs if log.status != "success"]
    assert not failed, f"known-answer runs failed: {failed}"
    errored = [(log.eval.task, s.id) for log in logs for s in log.samples or [] if s.error]
    assert not errored, f"samples errored: {errored[:10]}"
    return log_dir


@pytest.fixture(scope="session")
def exfil_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs of every backbone policy on both exfiltration scenarios (core configurations)."""
    return run_known_answers(
        tmp_path_factory.mktemp("exfil_logs"), BACKBONE_POLICIES, EXFIL_SCENARIOS
    )


@pytest.fixture(scope="session")
def exfil_rows(exfil_logs: Path) -> list[dict[str, object]]:
    """`results --json` rows for the backbone known-answer runs."""
    from peerguard.analysis import build_frame, results_rows

    return results_rows(build_frame(exfil_logs))


@pytest.fixture(scope="session")
def known_answer_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every known-answer policy × every scenario × the `core` matrix (slow: minutes)."""
    return run_known_answers(
        tmp_path_factory.mktemp("known_answers"), KNOWN_ANSWER_POLICIES, tuple(TASKS)
    )


@pytest.fixture(scope="session")
def known_answer_rows(known_answer_logs: Path) -> list[dict[str, Any]]:
    """One row per sample: policy, scenario, id, condition, score values."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    rows: list[dict[str, Any]] = []
    for info in list_eval_logs(str(known_answer_logs)):
        log = read_eval_log(info)
        for s in log.samples or []:
            rows.append(
                {
                    "policy": log.eval.model.split("/", 1)[1],
                    "scenario": s.metadata["scenario"],
                    "id": s.id,
                    "condition": s.metadata["condition"],
                    "scores": {k: v.value for k, v in (s.scores or {}).items()},
                }
            )
    return rows
