"""The report as Markdown (figures linked as PNG files next to it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from peerguard.report._content import COLUMN_GUIDE, ReportContent
from peerguard.report._format import display
from peerguard.report._html import SECTIONS, results_frame

__all__ = ["markdown_table", "render_markdown"]


def _cell(value: object) -> str:
    text = "—" if value is None or (isinstance(value, float) and value != value) else str(value)
    # A pipe would end the cell; a newline would end the row.
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of ``df`` (cells already formatted)."""
    header = "| " + " | ".join(_cell(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def _samples(refs: Sequence[str], content: ReportContent, what: str) -> str:
    logs = content.log_of()
    lines = "\n".join(f"- `{r}` — {Path(logs.get(r, '')).name}" for r in refs)
    return (
        f"<details><summary>{what} rests on {len(refs)} rollouts "
        f"(open the transcripts with <code>{content.inspect_command}</code>)</summary>\n\n"
        f"{lines}\n\n</details>"
    )


def render_markdown(content: ReportContent, figure_files: Mapping[str, str]) -> str:
    """Render the report as Markdown.

    Args:
        content: What the report shows.
        figure_files: Figure key -> path of its PNG, relative to the Markdown file.
    """
    out = [
        "# peerguard report",
        "",
        f"Logs: `{content.log_dir}` · generated {content.generated} · transcripts: "
        f"`{content.inspect_command}`",
        "",
    ]
    out += [
        f"- **{k}**: {', '.join(v) if isinstance(v, list) else v}"
        for k, v in content.overview().items()
    ]
    if content.adaptive is not None:
        rule_text, cells = content.adaptive
        out += ["", "## Adaptive sampling", "", rule_text, ""]
        out += [
            f"<details><summary>Per-cell n and stopping ({len(cells)} cells)</summary>",
            "",
            markdown_table(cells),
            "",
            "</details>",
        ]
    out += ["", "## How to read the numbers", ""]
    out.append(markdown_table(pd.DataFrame(COLUMN_GUIDE, columns=["column", "meaning"])))
    for key, heading, about in SECTIONS:
        out += ["", f"## {heading}", "", about]
        for table in (t for t in content.tables if t.section == key):
            out += ["", f"### {table.title}", ""]
            if table.data.empty:
                out.append(f"*Table skipped: {'; '.join(table.notes) or 'no data'}.*")
                continue
            out += [table.description, ""]
            out += [f"> {n}" for n in table.notes] + ([""] if table.notes else [])
            out += [
                markdown_table(display(table)),
                "",
                _samples(table.samples, content, "This table"),
            ]
        for plot in (p for p in content.plots if p.section == key):
            out += ["", f"### {plot.title}", ""]
            if plot.key not in figure_files:
                out.append(f"*Figure skipped: {plot.note}.*")
                continue
            out += [
                f"![{plot.title}]({figure_files[plot.key]})",
                "",
                plot.caption,
                "",
                _samples(plot.samples, content, "This figure"),
            ]
    if content.results:
        # The Markdown keeps its narrower table: no unscored column.
        rows = results_frame(content.results).drop(columns=["unscored"])
        out += [
            "",
            "## Every condition",
            "",
            "<details><summary>Per model × scenario × "
            f"condition × behaviour ({len(rows)} rows)</summary>",
            "",
            markdown_table(rows),
            "",
            "</details>",
        ]
    return "\n".join(out) + "\n"
