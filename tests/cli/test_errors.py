"""Command-line errors (issue 12, failure 9): one line naming the bad input, exit 2, no traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from peerguard.cli import main


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--scenario", "nope"], "unknown scenario 'nope'; valid: all, exfiltration_transfer"),
        (["--epochs", "0"], "'--epochs': 0 is not in the range x>=1"),
        (["--epochs", "-1"], "'--epochs': -1 is not in the range x>=1"),
        (["--max-retries", "-2"], "'--max-retries'"),
        (["--model", "scripted/nobody"], "scripted/nobody: Unknown scripted policy 'nobody'"),
        (["--target-ci", "0.05", "--epochs", "5"], "drop --epochs"),
        (
            ["--target-ci", "0.05", "--harness", "codex", "--scenario", "exfiltration_transfer"],
            "takes no --harness",
        ),
    ],
)
def test_bad_run_options_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    code, out = invoke("run", *args, "--judge", "none")
    assert code == 2, out
    assert says in out
    assert "Traceback" not in out


def test_a_missing_api_key_names_the_model_and_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("OPENAI_API_KEY", "AZUREAI_OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    code, out = invoke("run", "--model", "openai/gpt-4o", "--scenario", "tampering")
    assert code == 2, out
    [line] = [ln for ln in out.splitlines() if ln.startswith("Error:")]
    assert "openai/gpt-4o" in line and "OPENAI_API_KEY" in line
    assert "Traceback" not in out and "[bold]" not in out


@click.command("boom")
def boom() -> None:
    raise RuntimeError("the disk is on fire\nsecond line")


def test_any_command_error_is_one_line_exit_2_and_a_traceback_only_with_debug() -> None:
    main.add_command(boom)
    try:
        code, out = invoke("boom")
        assert code == 2
        assert "Error: the disk is on fire: second line" in out
        assert "Traceback" not in out
        result = CliRunner().invoke(main, ["--debug", "boom"])
        assert isinstance(result.exception, RuntimeError)
    finally:
        main.commands.pop("boom")
