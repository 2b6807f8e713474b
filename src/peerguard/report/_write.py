"""Write a report directory: HTML, Markdown, figures, and the frame as CSV and Parquet."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from peerguard.analysis import CONDITION_PREFIX
from peerguard.report._content import ReportContent, collect
from peerguard.report._html import render_html
from peerguard.report._markdown import render_markdown

logger = logging.getLogger(__name__)

__all__ = ["ReportFiles", "build_report", "frame_for_files"]


@dataclass(frozen=True)
class ReportFiles:
    """Paths of everything :func:`build_report` wrote."""

    html: Path
    """Self-contained HTML report."""
    markdown: Path
    """Markdown report (links the PNGs under ``figures/``)."""
    csv: Path
    """The tidy frame as CSV."""
    parquet: Path
    """The tidy frame as Parquet."""
    figures: tuple[Path, ...]
    """One PNG per figure drawn."""


def frame_for_files(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with condition values as text, so Parquet accepts mixed-type axes."""
    out = frame.copy()
    for col in out.columns:
        if col.startswith(CONDITION_PREFIX) or out[col].dtype == object:
            out[col] = out[col].map(lambda v: None if v is None or v != v else str(v))
    return out


def build_report(log_dir: Path, out_dir: Path) -> ReportFiles:
    """Build every report file for the logs under ``log_dir`` into ``out_dir``.

    Works with whatever scenarios ran: tables and figures without data are
    shown as skipped, with the reason.
    """
    content: ReportContent = collect(log_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig_dir = out_dir / "figures"
    pngs: dict[str, bytes] = {}
    figures: list[Path] = []
    for plot in content.plots:
        if plot.figure is None:
            continue
        buf = io.BytesIO()
        plot.figure.savefig(buf, format="png", dpi=110)
        plt.close(plot.figure)  # Figures hold memory until closed; reports may be built in loops.
        pngs[plot.key] = buf.getvalue()
        fig_dir.mkdir(exist_ok=True)
        path = fig_dir / f"{plot.key}.png"
        path.write_bytes(pngs[plot.key])
        figures.append(path)
    files = ReportFiles(
        html=out_dir / "report.html",
        markdown=out_dir / "report.md",
        csv=out_dir / "frame.csv",
        parquet=out_dir / "frame.parquet",
        figures=tuple(figures),
    )
    files.html.write_text(render_html(content, pngs), encoding="utf-8")
    files.markdown.write_text(
        render_markdown(content, {k: f"figures/{k}.png" for k in pngs}), encoding="utf-8"
    )
    content.frame.to_csv(files.csv, index=False)
    frame_for_files(content.frame).to_parquet(files.parquet, index=False)
    logger.info("report written to %s", out_dir)
    return files
