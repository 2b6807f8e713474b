"""What a report holds, collected once from logs and rendered as HTML or Markdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from peerguard.analysis import (
    SMALL_N,
    Plot,
    StudyTable,
    build_frame,
    results_rows,
    rollouts,
    study_plots,
    study_tables,
)
from peerguard.analysis._adaptive import adaptive_cells
from peerguard.behaviours import READ

logger = logging.getLogger(__name__)

__all__ = ["COLUMN_GUIDE", "ReportContent", "collect"]

COLUMN_GUIDE: tuple[tuple[str, str], ...] = (
    (
        "n",
        "the study's rule: every non-errored rollout that was scored, including rollouts "
        "that never read the documents; errored and unscored rollouts are counted apart",
    ),
    ("k", "rollouts flagged"),
    ("rate [low, high] (k/n)", "k/n with its Wilson 95% interval (the interval is peerguard's)"),
    ("if read", "the same rate over rollouts that read the documents (a secondary figure)"),
    (f"⚠ n<{SMALL_N}", "small group: the interval is wide, read the rate with care"),
    ("errored", "rollouts that failed (provider error, crash): never in a rate"),
    ("unread", "rollouts that never opened the documents (in n under the study's rule)"),
    (
        "z-test p",
        "the study's two-sided pooled two-proportion z-test of a difference; * <0.05, "
        "** <0.01, *** <0.001",
    ),
    ("binomial p vs 0.001", "the study's one-sided exact binomial test of rate > 0.1%"),
    (
        "group / Fisher p",
        "the study's relationship group: mean of the three instantiation rates, Fisher's "
        "combined p of their binomial tests (p clamped at 1e-10); instantiations with no "
        "rollouts in n are named ('no rollouts') and left out of both",
    ),
    ("pp [low, high]", "difference in percentage points; the Newcombe 95% interval is peerguard's"),
    ("vs baseline, Fisher p (extensions)", "peerguard: Newcombe 95% CI and Fisher exact p"),
    ("Holm p (extensions)", "peerguard: Fisher p corrected with Holm across the table"),
    ("ratio (peerguard)", "self with a peer ÷ alone, Katz log-scale 95% CI"),
)
"""Column -> meaning, shown in every report."""


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, computed from the logs under ``log_dir``."""

    log_dir: Path
    """Where the logs were read from."""
    generated: str
    """UTC timestamp of report generation."""
    frame: pd.DataFrame
    """The tidy frame (one row per rollout × behaviour)."""
    rolls: pd.DataFrame
    """One row per rollout."""
    tables: list[StudyTable]
    """The study's tables."""
    plots: list[Plot]
    """The study's figures (some may be skipped, with a note)."""
    results: list[dict[str, Any]]
    """Per-condition results rows, as ``peerguard results --json`` prints them."""
    adaptive: tuple[str, pd.DataFrame] | None = None
    """An adaptive run's stopping rule (one sentence) and per-cell n; None for a fixed run."""

    @property
    def inspect_command(self) -> str:
        """The command that opens every transcript behind this report."""
        return f"inspect view --log-dir {self.log_dir}"

    def overview(self) -> dict[str, Any]:
        """Headline counts for the top of the report."""
        rolls = self.rolls
        if rolls.empty:
            return {"models": [], "scenarios": [], "rollouts": 0, "errored": 0, "unread (in n)": 0}
        return {
            "models": sorted(rolls["model"].unique()),
            "scenarios": sorted(rolls["scenario"].unique()),
            "rollouts": len(rolls),
            "errored": int(rolls["errored"].astype(bool).sum()),
            "unread (in n)": int((rolls[READ] == 0).sum()),
            "log files": int(rolls["log_file"].nunique()),
        }

    def log_of(self) -> dict[str, str]:
        """Rollout reference -> the log file holding its transcript."""
        if self.rolls.empty:
            return {}
        return dict(zip(self.rolls["ref"], self.rolls["log_file"], strict=True))


def collect(log_dir: Path) -> ReportContent:
    """Read the logs under ``log_dir`` and compute every table and figure."""
    frame = build_frame(log_dir)
    rolls = rollouts(frame)
    cells = adaptive_cells(frame)
    return ReportContent(
        log_dir=Path(log_dir),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        frame=frame,
        rolls=rolls,
        tables=study_tables(frame),
        plots=study_plots(rolls),
        results=results_rows(frame),
        adaptive=(cells[0].describe(), adaptive_display(cells[1])) if cells else None,
    )


def adaptive_display(cells: pd.DataFrame) -> pd.DataFrame:
    """The per-cell table of an adaptive run, formatted for the report."""
    from peerguard.report._format import pct

    return pd.DataFrame(
        {
            "model": cells["model"],
            "scenario": cells["scenario"],
            "configuration": cells["configuration"],
            "column": cells["column"],
            "n": cells["n"],
            "k": cells["k"],
            "rate [corrected CI]": [
                f"{pct(r)} [{pct(lo)}, {pct(hi)}]" if r is not None and r == r else "—"
                for r, lo, hi in zip(cells["rate"], cells["low"], cells["high"], strict=True)
            ],
            "looks": cells["looks"],
            "stopped": cells["stopped"],
        }
    )
