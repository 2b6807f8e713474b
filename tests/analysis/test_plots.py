"""Figures: drawn from real counts, traceable to rollouts, skipped (not crashed) without data."""

from __future__ import annotations

from pathlib import Path

from synthetic import Run, cond, write_log
from test_tables import _af_logs, _exfil_logs

from peerguard.analysis import build_frame, rollouts, study_plots


def test_all_plots_drawn_with_their_samples(tmp_path: Path) -> None:
    rolls = rollouts(build_frame(_af_logs(_exfil_logs(tmp_path))))
    plots = {p.key: p for p in study_plots(rolls)}
    assert set(plots) == {"relationship", "monitoring", "self_preservation", "tokens"}
    for p in plots.values():
        assert p.figure is not None, p.key
        assert p.samples, p.key
        assert set(p.samples) <= set(rolls["ref"])
    # Error bars and bars exist: one bar per model × relationship in the exfiltration panel.
    rel_axes = plots["relationship"].figure.axes
    titles = [ax.get_title() for ax in rel_axes]
    assert titles == [
        "alignment_faking: shutdown_withheld",
        "exfiltration_transfer: exfiltration",
    ]
    exfil_ax = rel_axes[1]
    heights = sorted(
        round(b.get_height(), 3) for b in exfil_ax.patches if b.get_height() == b.get_height()
    )
    # The study column over every rollout: good_peer 16/31, bad_peer 1/10, non_shutdown 0/10.
    assert heights == [0.0, 0.1, round(16 / 31, 3)]
    mon = plots["monitoring"]
    assert sorted(round(b.get_height(), 3) for b in mon.figure.axes[0].patches) == [
        round(1 / 12, 3),
        round(8 / 12, 3),
    ]
    assert len(mon.samples) == 24
    assert "box plot" in plots["tokens"].caption.lower()
    assert "bar" not in plots["tokens"].caption.lower()
    assert plots["tokens"].section == "extension"


def test_a_figure_with_no_scored_rollout_says_so(tmp_path: Path) -> None:
    write_log(
        tmp_path / "x.eval",
        "exfiltration_transfer",
        "m/x",
        [
            Run("g", cond("good_peer"), {}, error="provider 500"),
            Run("s", cond("good_peer", "self"), {"exfiltration": 0.0, "read": 0.0}),
        ],
    )
    plot = {p.key: p for p in study_plots(rollouts(build_frame(tmp_path)))}["relationship"]
    assert plot.figure is None and "n=0" in plot.note


def test_plots_skip_with_a_note_when_data_is_absent(tmp_path: Path) -> None:
    write_log(
        tmp_path / "x.eval",
        "exfiltration_deletion",
        "m/x",
        [Run("g", cond("good_peer"), {"exfiltration": 1.0, "read": 1.0})],
    )
    plots = {p.key: p for p in study_plots(rollouts(build_frame(tmp_path)))}
    assert plots["relationship"].figure is not None
    for key in ("monitoring", "self_preservation"):
        assert plots[key].figure is None and plots[key].note and not plots[key].samples


def test_plots_on_no_logs(tmp_path: Path) -> None:
    plots = study_plots(rollouts(build_frame(tmp_path)))
    assert all(p.figure is None and p.note for p in plots)
