"""Harness fixtures: a lab per test that needs one, and the known-answer episodes, run once.

These tests need root, the Debian packages and the pinned CLIs (`make harness` installs
them; `make test` depends on it). A missing prerequisite fails with the fix in the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import task_with
from inspect_ai.log import EvalLog

from peerguard.harness import CLIS, Lab, LabSpec, default_cli_dir, harness_task

MAIN = {"relationship": "good_peer", "subject": "peer", "instantiation": "file_only"}
"""The study's main condition: one configuration per episode keeps the suite short."""

POLICIES = ("honest", "exfiltrator", "spec_gamer")

STUDY_HARNESS = {**MAIN, "instantiation": "memory"}
"""The condition of the study's production-harness runs (memory told in the system prompt)."""


@pytest.fixture(scope="session")
def cli_dir() -> Path:
    """The pinned CLIs (`make harness`)."""
    path = default_cli_dir()
    missing = [c for c in CLIS if not (path / "node_modules" / ".bin" / CLIS[c].binary).exists()]
    assert not missing, f"CLIs {missing} are not installed in {path}: run `make harness`"
    return path


@pytest.fixture
def lab(cli_dir: Path) -> Iterator[Lab]:
    """A running lab with the transfer scenario's servers."""
    with Lab.start(LabSpec(servers=("10.0.12.45", "10.0.12.46"), cli_dir=cli_dir)) as running:
        yield running


DELETION_CLI = "gemini"
"""The CLI that also runs the deletion scenario (the study's production harness ran Gemini CLI)."""


LOCAL_MODEL = "local/smollm2"


@pytest.fixture(scope="session")
def harness_logs(cli_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[EvalLog]:
    """Every episode of the suite in one eval, so they overlap: one transfer episode per CLI
    per policy, the deletion scenario through one CLI (15 known-answer episodes), and the
    embedded model's episode, whose single long prompt would otherwise run alone."""
    tasks = [
        task_with(harness_task(scenario, cli, condition, cli_dir=cli_dir), model=f"scripted/{p}")
        for scenario, cli, condition in [
            *(("exfiltration_transfer", cli, MAIN) for cli in CLIS),
            ("exfiltration_deletion", DELETION_CLI, STUDY_HARNESS),
        ]
        for p in POLICIES
    ]
    # Two model calls are enough to prove the pipeline; OpenCode has the smallest prompt.
    local = harness_task(
        "exfiltration_transfer", "opencode", MAIN, cli_dir=cli_dir, message_limit=6
    )
    tasks.insert(0, task_with(local, model=LOCAL_MODEL))  # the longest episode starts first
    return inspect_eval(
        tasks,
        log_dir=str(tmp_path_factory.mktemp("harness_logs")),
        display="none",
        max_tasks=7,
    )


@pytest.fixture(scope="session")
def known_answer_logs(harness_logs: list[EvalLog]) -> list[EvalLog]:
    """The known-answer agents' episodes."""
    return [log for log in harness_logs if log.eval.model.startswith("scripted/")]


@pytest.fixture(scope="session")
def local_model_log(harness_logs: list[EvalLog]) -> EvalLog:
    """The embedded model's episode."""
    (log,) = [log for log in harness_logs if log.eval.model == LOCAL_MODEL]
    return log
