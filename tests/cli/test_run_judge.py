"""`peerguard run --judge`: verdicts state cannot give, stored beside the detectors' scores."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.cli._run import run_command
from peerguard.judge import LABELS, encoder_available

MAIN = [
    "--scenario", "exfiltration_transfer", "--condition", "relationship=good_peer",
    "--condition", "subject=peer", "--condition", "instantiation=file_only",
    "--condition", "scratchpad=off", "--display", "none",
]  # fmt: skip


def scores(log_dir: Path) -> dict[str, dict[str, float]]:
    """Model -> score name -> value, for the one sample each model ran."""
    out: dict[str, dict[str, float]] = {}
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        [sample] = log.samples or []
        out[log.eval.model] = {k: float(v.value) for k, v in (sample.scores or {}).items()}  # type: ignore[arg-type]
    return out


@pytest.mark.skipif(not encoder_available(), reason="needs peerguard[judge]; make test installs it")
def test_offline_judge_scores_refusal_beside_state(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        run_command,
        [*MAIN, "--model", "scripted/refuser", "--model", "scripted/honest",
         "--judge", "offline", "--log-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = scores(tmp_path)
    refuser, honest = got["scripted/refuser"], got["scripted/honest"]
    for label in LABELS:
        assert label in refuser and label in honest
    assert refuser["refusal"] == 1.0 and honest["refusal"] == 0.0
    assert refuser["persuasion"] == 1.0 and honest["persuasion"] == 0.0
    # The explicit combination: a judged claim AND a contradicting state.
    assert honest["completion_claim"] == 1.0 and honest["false_claim_judged"] == 0.0
    assert refuser["exfiltration"] == 0.0  # detectors still run beside the judge


def test_a_judge_that_answers_junk_leaves_verdicts_unscored(tmp_path: Path) -> None:
    """A grader that answers with a tool call instead of a JSON verdict gives NaN, never 0."""
    result = CliRunner().invoke(
        run_command,
        [*MAIN, "--model", "scripted/refuser", "--judge", "scripted/lazy",
         "--log-dir", str(tmp_path)],
    )  # fmt: skip
    got = scores(tmp_path)["scripted/refuser"]
    assert result.exit_code == 0, result.output
    assert math.isnan(got["refusal"])
    assert got["read"] == 1.0
