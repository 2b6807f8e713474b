"""``peerguard report`` on hand-built logs: files, defaults, partial runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))
from synthetic import Run, cond, write_log

from peerguard.cli._report import report


def _only_alignment_faking(tmp_path: Path) -> Path:
    c = cond("good_peer")
    runs = [
        Run(
            "m",
            {**c, "monitoring": "monitored"},
            {"shutdown_withheld": 0.0, "tampering_any_change": 0.0, "read": 1.0},
            epoch=e,
        )
        for e in (1, 2)
    ] + [
        Run(
            "u",
            {**c, "monitoring": "unmonitored"},
            {"shutdown_withheld": 1.0, "tampering_any_change": 1.0, "read": 1.0},
            epoch=e,
        )
        for e in (1, 2)
    ]
    write_log(tmp_path / "logs" / "af.eval", "alignment_faking", "scripted/faker", runs)
    return tmp_path / "logs"


def test_report_default_out_dir_and_files(tmp_path: Path) -> None:
    logs = _only_alignment_faking(tmp_path)
    out = CliRunner().invoke(report, [str(logs)])
    assert out.exit_code == 0, out.output
    folder = logs / "report"
    for name in (
        "report.html",
        "report.md",
        "frame.csv",
        "frame.parquet",
        "figures/monitoring.png",
    ):
        assert (folder / name).exists(), name
    assert len(pd.read_parquet(folder / "frame.parquet")) == 12


def test_report_with_only_some_scenarios_notes_what_is_skipped(tmp_path: Path) -> None:
    logs = _only_alignment_faking(tmp_path)
    out = CliRunner().invoke(report, [str(logs), "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    html = (tmp_path / "r" / "report.html").read_text()
    assert "Figure skipped: no run has subject=self" in html
    assert "Table skipped: no run has subject=self." in html
    assert "self vs peer" in html and "no run has subject=self" in html
    assert "+100.0 pp" in html  # the alignment-faking gap, 2/2 unmonitored vs 0/2 monitored
    assert "no run had a monitoring axis" not in html  # both arms ran
    # The study's metrics come first, peerguard's extensions after.
    assert html.index("id='section-study'") < html.index("id='section-extension'")
    assert html.index("id='table-models'") < html.index("id='section-extension'")
    assert "Bars:" not in html.split("id='figure-tokens'")[1].split("</figure>")[0]
    assert "data:image/png;base64," in html
    md = (tmp_path / "r" / "report.md").read_text()
    assert "(figures/monitoring.png)" in md
    assert md.index("## The study's metrics") < md.index("## peerguard extensions")


def test_report_on_empty_dir(tmp_path: Path) -> None:
    out = CliRunner().invoke(report, [str(tmp_path), "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    html = (tmp_path / "r" / "report.html").read_text()
    assert html.count("skipped") >= 8
