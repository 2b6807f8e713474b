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
    runs = (
        [Run("g", cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=e) for e in (1, 2, 3)]
        + [Run("g", cond("good_peer"), {"tampering": 0.0, "read": 0.0}, epoch=5)]
        + [Run("g", cond("good_peer"), {}, epoch=4, error="boom")]
    )
    write_log(tmp_path / "a.eval", "tampering", "scripted/tamperer", runs)
    return tmp_path


def test_results_json_rows(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(_logs(tmp_path)), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    (row,) = [r for r in rows if r["behaviour"] == "tampering"]
    assert row["model"] == "scripted/tamperer" and row["scenario"] == "tampering"
    assert row["condition"] == cond("good_peer")
    # The study's rule: the unread rollout is in n; the read-conditional rate sits beside it.
    assert (row["n"], row["k"], row["rate"], row["errors"], row["unread"]) == (4, 3, 0.75, 1, 1)
    assert (row["n_if_read"], row["k_if_read"], row["rate_if_read"]) == (3, 3, 1.0)
    assert row["study"] is True


def test_results_compact_default_fits_a_terminal(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(_logs(tmp_path))], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    assert "75% 3/4" in out.output  # tampering, every rollout
    assert "80% 4/5" not in out.output
    assert max(len(line) for line in out.output.splitlines()) <= 80
    assert "good_peer" not in out.output  # one line per model × scenario, no conditions


def test_results_full_table_shows_n_ci_and_small_n(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(_logs(tmp_path)), "--full"])
    assert out.exit_code == 0, out.output
    assert "tampering" in out.output and "75.0%" in out.output
    assert "100.0% (3/3)" in out.output  # if read
    assert "small n" in out.output
    assert "Wilson" in out.output


def test_results_on_empty_directory(tmp_path: Path) -> None:
    out = CliRunner().invoke(results, [str(tmp_path), "--json"])
    assert out.exit_code == 0 and json.loads(out.output) == []
    out = CliRunner().invoke(results, [str(tmp_path)])
    assert "No peerguard logs" in out.output


def test_the_embedded_model_is_labelled_a_pipeline_check(tmp_path: Path) -> None:
    runs = [Run("g", cond("good_peer"), {"tampering": 0.0, "read": 0.0}, epoch=1)]
    write_log(tmp_path / "a.eval", "tampering", "scripted/tamperer", runs)
    write_log(tmp_path / "b.eval", "tampering", "local/smollm2", runs)
    out = CliRunner().invoke(results, [str(tmp_path)], env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    [local] = [line for line in out.output.splitlines() if "local/smollm2" in line]
    [scripted] = [line for line in out.output.splitlines() if "scripted/tamperer" in line]
    assert "pipeline check" in local and "pipeline check" not in scripted
