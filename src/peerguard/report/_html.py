"""A self-contained HTML report: CSS inline, figures as base64 PNG, no network."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from peerguard.analysis import Plot, StudyTable
from peerguard.report._content import COLUMN_GUIDE, ReportContent
from peerguard.report._format import condition_text, display, format_rate, pct

__all__ = ["render_html", "results_frame"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1200px; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
.meta { color: #555; }
code, pre { background: #f4f4f6; padding: .1rem .3rem; border-radius: 3px; }
table { border-collapse: collapse; font-size: .82rem; margin: .6rem 0; }
th, td { border: 1px solid #d0d0d6; padding: .25rem .45rem; text-align: left;
         vertical-align: top; white-space: nowrap; }
th { background: #f0f0f4; }
.scroll { overflow-x: auto; }
#overview td, #guide td { white-space: normal; }
.note { color: #7a4b00; background: #fff7e6; padding: .3rem .6rem; border-radius: 4px; }
.skipped { color: #666; font-style: italic; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9rem; color: #333; }
details { margin: .4rem 0 1rem; } summary { cursor: pointer; color: #0b57d0; }
details ul { font-family: ui-monospace, monospace; font-size: .78rem; max-height: 24rem;
             overflow-y: auto; }
"""


def _table_html(df: pd.DataFrame, table_id: str) -> str:
    html = df.to_html(index=False, escape=True, na_rep="—", border=0, table_id=table_id)
    return f'<div class="scroll">{html}</div>'


def _samples_html(refs: Sequence[str], content: ReportContent, what: str) -> str:
    logs = content.log_of()
    items = "".join(
        f"<li>{escape(r)} <span class='meta'>— {escape(Path(logs.get(r, '')).name)}</span></li>"
        for r in refs
    )
    return (
        f"<details class='samples'><summary>{escape(what)} rests on {len(refs)} rollouts "
        f"(sample ids; open the transcripts with <code>{escape(content.inspect_command)}</code>)"
        f"</summary><ul>{items}</ul></details>"
    )


def _notes_html(notes: Sequence[str]) -> str:
    return "".join(f"<p class='note'>{escape(n)}</p>" for n in notes if n)


SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "study",
        "The study's metrics",
        "The primary figures: the study's own metric definitions, denominators (every "
        "rollout) and tests. Intervals are peerguard's additions.",
    ),
    (
        "extension",
        "peerguard extensions",
        "peerguard's broader detectors (any copy of the weights, any config change, answer-key "
        "misrepresentation, false claims, judge verdicts) and its extra statistics (Fisher "
        "exact, Holm). These are not the study's numbers.",
    ),
)
"""Report sections in order: key, heading, what the section holds."""


def _study_table_html(table: StudyTable, content: ReportContent) -> str:
    head = f"<h3 id='table-{escape(table.key)}'>{escape(table.title)}</h3>"
    if table.data.empty:
        reason = "; ".join(table.notes) or "no data"
        return head + f"<p class='skipped'>Table skipped: {escape(reason)}.</p>"
    return (
        head
        + f"<p>{escape(table.description)}</p>"
        + _notes_html(table.notes)
        + _table_html(display(table), f"t-{table.key}")
        + _samples_html(table.samples, content, "This table")
    )


def _plot_html(plot: Plot, png: bytes | None, content: ReportContent) -> str:
    head = f"<h3 id='figure-{escape(plot.key)}'>{escape(plot.title)}</h3>"
    if png is None:
        return head + f"<p class='skipped'>Figure skipped: {escape(plot.note)}.</p>"
    data = base64.b64encode(png).decode("ascii")
    return (
        head + f"<figure><img class='figure' alt='{escape(plot.title)}' "
        f"src='data:image/png;base64,{data}'>"
        + f"<figcaption>{escape(plot.title)}. {escape(plot.caption)}</figcaption></figure>"
        + _samples_html(plot.samples, content, "This figure")
    )


def _if_read(row: Mapping[str, Any]) -> str:
    if row.get("n_if_read") is None:
        return "—"
    return f"{pct(row['rate_if_read'])} ({row['k_if_read']}/{row['n_if_read']})"


def results_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """`results --json` rows as the report's display table (shared by HTML and Markdown)."""
    return pd.DataFrame(
        [
            {
                "model": r["model"],
                "scenario": r["scenario"],
                "condition": condition_text(r["condition"]),
                "behaviour": r["behaviour"],
                "n": r["n"],
                "k": r["k"],
                "study column": "yes" if r.get("study") else "",
                "rate [95% CI]": format_rate(r["rate"], r["ci_low"], r["ci_high"], r["small_n"]),
                "if read": _if_read(r),
                "errored": r["errors"],
                "unread": r["unread"],
                "unscored": r["unscored"],
            }
            for r in rows
        ]
    )


def _results_html(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    df = results_frame(rows)
    return (
        "<h2 id='results'>Every condition</h2>"
        "<details><summary>Per model × scenario × condition × behaviour "
        f"({len(rows)} rows; the same rows as <code>peerguard results --json</code>)</summary>"
        + _table_html(df, "t-results")
        + "</details>"
    )


def _adaptive_html(content: ReportContent) -> str:
    if content.adaptive is None:
        return ""
    rule_text, cells = content.adaptive
    return (
        f"<h2 id='adaptive'>Adaptive sampling</h2><p>{escape(rule_text)}</p>"
        f"<details><summary>Per-cell n and stopping ({len(cells)} cells)</summary>"
        + _table_html(cells, "t-adaptive")
        + "</details>"
    )


def render_html(content: ReportContent, pngs: Mapping[str, bytes]) -> str:
    """Render the report as one self-contained HTML page.

    Args:
        content: What the report shows.
        pngs: Figure key -> PNG bytes, for the figures that were drawn.

    Returns:
        The page; it loads nothing from the network or the file system.
    """
    overview = content.overview()
    overview_rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(', '.join(v) if isinstance(v, list) else str(v))}"
        "</td></tr>"
        for k, v in overview.items()
    )
    guide = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in COLUMN_GUIDE)
    toc = "".join(
        f"<li>{escape(heading)}<ul>"
        + "".join(
            f"<li><a href='#table-{escape(t.key)}'>{escape(t.title)}</a></li>"
            for t in content.tables
            if t.section == key
        )
        + "".join(
            f"<li><a href='#figure-{escape(p.key)}'>{escape(p.title)}</a></li>"
            for p in content.plots
            if p.section == key
        )
        + "</ul></li>"
        for key, heading, _ in SECTIONS
    )
    body = [
        "<h1>peerguard report</h1>",
        f"<p class='meta'>Logs: <code>{escape(str(content.log_dir))}</code> · generated "
        f"{escape(content.generated)} · transcripts: "
        f"<code>{escape(content.inspect_command)}</code></p>",
        f"<table id='overview'>{overview_rows}</table>",
        _adaptive_html(content),
        "<h2>How to read the numbers</h2>",
        f"<table id='guide'>{guide}</table>",
        f"<ul id='toc'>{toc}</ul>",
    ]
    for key, heading, about in SECTIONS:
        body.append(f"<h2 id='section-{key}'>{escape(heading)}</h2><p>{escape(about)}</p>")
        body += [_study_table_html(t, content) for t in content.tables if t.section == key]
        body += [_plot_html(p, pngs.get(p.key), content) for p in content.plots if p.section == key]
    body.append(_results_html(content.results))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # An empty data: icon stops the browser asking the file system for favicon.ico.
        "<link rel='icon' href='data:,'>"
        f"<title>peerguard report — {escape(str(content.log_dir))}</title>"
        f"<style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )
