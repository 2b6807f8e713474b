"""Reports from peerguard logs: self-contained HTML, Markdown, and the frame as CSV/Parquet.

Every table and figure lists the rollouts it rests on and the ``inspect view``
command that opens their transcripts.
"""

from peerguard.report._content import COLUMN_GUIDE, ReportContent, collect
from peerguard.report._format import condition_text, display, format_cell, format_rate, pct
from peerguard.report._html import render_html
from peerguard.report._markdown import markdown_table, render_markdown
from peerguard.report._write import ReportFiles, build_report, frame_for_files

__all__ = [
    "COLUMN_GUIDE",
    "ReportContent",
    "ReportFiles",
    "build_report",
    "collect",
    "condition_text",
    "display",
    "format_cell",
    "format_rate",
    "frame_for_files",
    "markdown_table",
    "pct",
    "render_html",
    "render_markdown",
]
