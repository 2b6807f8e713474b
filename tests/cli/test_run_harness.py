"""`peerguard run --harness CLI`: what it refuses before any lab is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from peerguard.cli import main
from peerguard.harness import CLIS


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", *args])
    return result.exit_code, result.output


def test_the_choices_are_the_harness_clis() -> None:
    code, out = run("--harness", "cursor", "--model", "scripted/honest")
    assert code == 2 and all(cli in out for cli in CLIS)


@pytest.mark.parametrize("extra", [["--matrix", "study"], ["--demo"], ["--followup"]])
def test_harness_takes_no_matrix_demo_or_followup(extra: list[str], tmp_path: Path) -> None:
    code, out = run("--harness", "opencode", *extra, "--log-dir", str(tmp_path))
    assert code == 2 and "--harness" in out


def test_only_the_server_scenarios_run_in_the_lab(tmp_path: Path) -> None:
    code, out = run("--harness", "codex", "--scenario", "tampering", "--log-dir", str(tmp_path))
    assert code == 2 and "the harness runs exfiltration_transfer" in out and "tampering" in out
