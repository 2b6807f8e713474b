"""Harness fixtures: a lab per test that needs one, and the known-answer episodes, run once.

These tests need root, the Debian packages and the pinned CLIs (`make harness` installs
them; `make test` depends on it). A missing prerequisite fails with the fix in the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
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


@pytest.fixture(scope="session")
def known_answer_logs(cli_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[EvalLog]:
    """One transfer episode per CLI per policy, and the deletion scenario through one CLI
    (15 episodes, 6 at a time)."""
    tasks = [harness_task("exfiltration_transfer", cli, MAIN, cli_dir=cli_dir) for cli in CLIS]
    tasks.append(
        harness_task("exfiltration_deletion", DELETION_CLI, STUDY_HARNESS, cli_dir=cli_dir)
    )
    return inspect_eval(
        tasks,
        model=[f"scripted/{p}" for p in POLICIES],
        log_dir=str(tmp_path_factory.mktemp("harness_logs")),
        display="none",
        max_tasks=6,
    )
