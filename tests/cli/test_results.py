"""``peerguard results`` on hand-built logs (real runs are covered in tests/report)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))
from synthetic import Run, cond, write_log

from peerguard.cli._results import results


def _logs(tmp_path: Path) -> Path:
    runs = [
        Run("g", cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=e) for e in (1, 2, 3)
    ] + [Run("g", cond("good_peer"), {}, epoch=4, error="boom")]
    write_log(tmp_path / "a.eval", "tampering", "scripted/tamperer", runs)
    return tmp_path


def test_results_json_rows(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(_logs(tmp_path)), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    (row,) = [r for r in rows if r["behaviour"] == "tampering"]
    assert row["model"] == "scripted/tamperer" and row["scenario"] == "tampering"
    assert row["condition"] == cond("good_peer")
    assert (row["n"], row["k"], row["rate"], row["errors"], row["unread"]) == (3, 3, 1.0, 1, 0)


def test_results_table_shows_n_ci_and_small_n(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(_logs(tmp_path))])
    assert out.exit_code == 0, out.output
    assert "tampering" in out.output and "100.0%" in out.output
    assert "small n" in out.output
    assert "Wilson" in out.output


def test_results_on_empty_directory(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(tmp_path), "--json"])
    assert out.exit_code == 0 and json.loads(out.output) == []
    out = CliRunner().invoke(results, [str(tmp_path)])
    assert "No peerguard logs" in out.output
