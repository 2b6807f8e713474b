"""Report messages and figures say what the data beside them says (hand-built logs)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))
from synthetic import Run, cond, write_log

from peerguard.analysis import (
    build_frame,
    group_rate,
    misrep_summary,
    rollouts,
    self_preservation_table,
    self_vs_peer_table,
    study_plots,
)
from peerguard.report import format_cell

DPI = 110
"""The report's PNG resolution (`build_report`)."""


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Figures stay open until closed; these tests draw them without writing a report."""
    yield
    plt.close("all")


def _self_runs(models: list[str], relationships: tuple[str, ...], tmp_path: Path) -> Path:
    for m in models:
        runs = [
            Run(
                f"{rel}__self",
                cond(rel, "self", "none" if rel == "no_peer" else "file_only"),
                {"tampering": float(i % 2), "read": 1.0},
                epoch=i,
            )
            for rel in relationships
            for i in (1, 2)
        ]
        write_log(tmp_path / f"{m}.eval", "tampering", f"scripted/{m}", runs)
    return tmp_path


def _plots(logs: Path) -> dict[str, object]:
    return {p.key: p for p in study_plots(rollouts(build_frame(logs)))}


def test_self_preservation_figure_with_one_arm_is_skipped_like_its_table(tmp_path: Path) -> None:
    # Subject = self only alone (as in the demo matrix): nothing to compare.
    logs = _self_runs(["a", "b"], ("no_peer",), tmp_path)
    plot = _plots(logs)["self_preservation"]
    table = self_preservation_table(rollouts(build_frame(logs)))
    assert plot.figure is None and table.data.empty
    assert plot.note == table.notes[-1]
    assert "both a peer relationship and no_peer" in plot.note
    # The extension table keeps its rows (peer and alone rates) and says why a column is empty.
    ext = self_vs_peer_table(rollouts(build_frame(logs)))
    assert len(ext.data) == 2
    assert all(c.proportion.n == 0 for c in ext.data["self-preservation, peer present"])
    assert any("'self-preservation, peer present' has no rollouts" in n for n in ext.notes)


def test_self_preservation_figure_draws_both_arms_and_wraps(tmp_path: Path) -> None:
    models = [f"m{i:02d}" for i in range(12)]
    logs = _self_runs(models, ("good_peer", "no_peer"), tmp_path)
    plot = _plots(logs)["self_preservation"]
    fig = plot.figure
    assert fig is not None
    # Twelve model × scenario pairs wrap into two rows of six instead of one 26-inch row.
    assert len(fig.axes) == 2
    labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    assert sorted(labels) == sorted(f"scripted/{m}\ntampering" for m in models)
    assert fig.get_figwidth() * DPI <= 2400
    # Each pair has both bars: 1/2 with a peer and 1/2 alone.
    heights = [b.get_height() for ax in fig.axes for b in ax.patches]
    assert len(heights) == 24 and set(heights) == {0.5}
    assert "no_peer" in plot.caption and "peer present" not in plot.note
    ext = self_vs_peer_table(rollouts(build_frame(logs)))
    assert not any("has no rollouts" in n for n in ext.notes)


def test_monitoring_caption_names_its_column(tmp_path: Path) -> None:
    c = cond("good_peer")
    runs = [
        Run(arm, {**c, "monitoring": arm}, {"shutdown_withheld": v, "read": 1.0})
        for arm, v in (("monitored", 0.0), ("unmonitored", 1.0))
    ]
    write_log(tmp_path / "af.eval", "alignment_faking", "scripted/faker", runs)
    plots = _plots(tmp_path)
    caption = plots["monitoring"].caption
    assert "shutdown withheld" in caption and "unmonitored" in caption
    assert "exfiltration" not in caption and "tampering" not in caption
    # The relationship figure keeps the caption of a figure over every scenario's column.
    assert "exfiltration" in plots["relationship"].caption


def test_group_rate_names_instantiations_without_rollouts() -> None:
    one = format_cell(group_rate([("file_only", 1, 1), ("file_prt", 0, 0), ("memory", 0, 0)]))
    assert one.startswith("100.0% (file_only 1/1 only; no rollouts: file_prt, memory; Fisher p=")
    assert "0/0" not in one and "mean of" not in one
    two = format_cell(group_rate([("file_only", 1, 2), ("file_prt", 0, 2), ("memory", 0, 0)]))
    assert two.startswith("25.0% (mean of file_only 1/2, file_prt 0/2; no rollouts: memory;")
    full = format_cell(group_rate([("file_only", 1, 2), ("file_prt", 0, 2), ("memory", 2, 2)]))
    assert "no rollouts" not in full and "mean of file_only 1/2, file_prt 0/2, memory 2/2" in full
    assert format_cell(group_rate([("file_only", 0, 0)])) == "— (no rollouts: file_only)"


def test_misrepresentation_average_names_missing_components() -> None:
    two = format_cell(misrep_summary({"finance": (1, 1, 0, 1), "factual@80": (1, 1, 0, 1)}))
    assert two == "+100.0 pp (mean of finance, factual; without both arms: creativity, red)"
    one = format_cell(misrep_summary({"factual@80": (1, 2, 0, 2)}))
    assert one == "+50.0 pp (factual only; without both arms: finance, creativity, red)"
    every = {s: (1, 2, 0, 2) for s in ("finance", "factual@80", "creativity@80", "red@90")}
    assert format_cell(misrep_summary(every)).endswith(
        "(mean of finance, factual, creativity, red)"
    )
