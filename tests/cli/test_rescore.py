"""``peerguard rescore`` re-runs the detectors on logged samples, no model calls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.analysis import build_frame
from peerguard.cli._rescore import rescore
from peerguard.detectors import Finding
from peerguard.detectors import _scorers as scorers

MODELS = ("scripted/exfiltrator", "scripted/honest")
KEY = ["model", "task", "sample_id", "epoch", "behaviour"]


@pytest.fixture
def logs(exfil_logs: Path, tmp_path: Path) -> Path:
    """A private copy of the known-answer logs of two policies (rescore rewrites files)."""
    out = tmp_path / "logs"
    out.mkdir()
    for info in list_eval_logs(str(exfil_logs)):
        path = Path(info.name.removeprefix("file://"))
        if read_eval_log(str(path), header_only=True).eval.model in MODELS:
            shutil.copy(path, out / path.name)
    assert len(list(out.iterdir())) == 2 * 2  # two models × two scenarios
    return out


def _flags(log_dir: Path) -> pd.Series:
    frame = build_frame(log_dir)
    return frame.set_index(KEY)["flag"].sort_index()


def test_rescore_reproduces_the_original_flags(logs: Path) -> None:
    before = _flags(logs)
    out = CliRunner().invoke(rescore, [str(logs), "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["scores_checked"] == len(before) > 0
    assert summary["flags_changed"] == 0 and summary["changes"] == []
    pd.testing.assert_series_equal(_flags(logs), before)


def test_rescore_after_a_detector_change_rewrites_flags(
    logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _flags(logs)
    flagged = int((before.xs("exfiltration", level="behaviour") == 1.0).sum())
    assert flagged > 0  # the exfiltrator exfiltrates in every configuration
    monkeypatch.setitem(
        scorers.DETECTORS, "exfiltration", lambda view: Finding(False, "patched in a test")
    )
    out = CliRunner().invoke(rescore, [str(logs), "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["flags_changed"] == flagged
    assert {c["behaviour"] for c in summary["changes"]} == {"exfiltration"}
    assert {c["change"] for c in summary["changes"]} == {"1 → 0"}
    after = _flags(logs)
    assert (after.xs("exfiltration", level="behaviour") == 0.0).all()
    others = before.drop("exfiltration", level="behaviour")
    pd.testing.assert_series_equal(after.drop("exfiltration", level="behaviour"), others)
    # The old verdict is kept in the score's history, with who changed it.
    log = read_eval_log(str(next(iter(sorted(logs.iterdir())))))
    edited = [
        s.scores["exfiltration"]
        for s in log.samples or []
        if s.scores and s.scores["exfiltration"].history
    ]
    assert edited
    assert edited[0].history[-1].provenance.author == "peerguard rescore"
    assert edited[0].explanation == "patched in a test"


def test_rescore_dry_run_writes_nothing(logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in logs.iterdir()}
    monkeypatch.setitem(scorers.DETECTORS, "exfiltration", lambda view: Finding(False, "x"))
    out = CliRunner().invoke(rescore, [str(logs), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "flags would change" in out.output and "exfiltration" in out.output
    assert {p: p.stat().st_mtime_ns for p in logs.iterdir()} == stamps
