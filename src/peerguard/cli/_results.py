"""``peerguard results DIR``: the study's columns per model × scenario, or every row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from peerguard.analysis import SMALL_N, build_frame, results_rows, summary_rows
from peerguard.analysis._adaptive import StoppingRule, adaptive_cells
from peerguard.analysis._table_base import PIPELINE_PREFIX
from peerguard.behaviours import EXFILTRATION, READ, REPORTED_PASS, SHUTDOWN_WITHHELD, TAMPERING
from peerguard.report._format import condition_text, pct

__all__ = ["results"]

COMPACT_COLUMNS: tuple[tuple[str, str], ...] = (
    (READ, READ),
    (EXFILTRATION, "exfil"),
    (TAMPERING, "tamper"),
    (REPORTED_PASS, "pass"),
    (SHUTDOWN_WITHHELD, "withheld"),
)
"""The study's columns in the compact view, with short headers so a line fits 80 columns."""

FULL_WIDTH = 200
"""Width of the ``--full`` table: one row per condition × behaviour does not fit less."""


def is_pipeline(model: str) -> bool:
    """Whether the model is the embedded toy model (`analysis.model_kind`'s pipeline check)."""
    return model.startswith(PIPELINE_PREFIX)


def _short_rate(k: int, n: int) -> str:
    # Whole percent keeps a cell at most 12 characters ("100% 999/999").
    return "—" if n == 0 else f"{round(100 * k / n)}% {k}/{n}"


def render_summary(rows: list[dict[str, Any]]) -> Table:
    """The compact table: one line per model × scenario, the study columns' rates and n."""
    shown = [
        (name, head) for name, head in COMPACT_COLUMNS if any(name in r["columns"] for r in rows)
    ]
    table = Table(
        title="peerguard results (the study's columns, pooled over conditions)",
        caption="rate k/n over every non-errored rollout, read or not · --full: every "
        "condition × behaviour · peerguard report: the study's metrics",
        box=box.SIMPLE,
        pad_edge=False,
        collapse_padding=True,
    )
    # One line per model, then its scenarios under it: names never fold in 80 columns.
    table.add_column("model / scenario", no_wrap=True)
    for _, head in shown:
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column("err", justify="right")
    model = None
    for r in rows:
        if r["model"] != model:
            model = r["model"]
            # The embedded toy model's rows only show the pipeline works: say so on its line.
            note = " [dim](pipeline check, not a result)[/dim]" if is_pipeline(model) else ""
            table.add_row(f"[bold]{model}[/bold]{note}", *([""] * (len(shown) + 1)))
        cells = [
            _short_rate(*r["columns"][name]) if name in r["columns"] else "" for name, _ in shown
        ]
        table.add_row("  " + _short_scenario(r["scenario"]), *cells, str(r["errors"]))
    return table


def _short_scenario(scenario: str) -> str:
    """A scenario id short enough for an 80-column table (exfiltration_ -> exfil_)."""
    return scenario.replace("exfiltration_", "exfil_").replace("_evaluation", "_eval")


def render_table(rows: list[dict[str, Any]]) -> Table:
    """The full table of results rows (as from :func:`results_rows`)."""
    table = Table(title="peerguard results", show_lines=False)
    for name, justify in [
        ("model", "left"),
        ("scenario", "left"),
        ("condition", "left"),
        ("behaviour", "left"),
        ("n", "right"),
        ("k", "right"),
        ("rate", "right"),
        ("95% CI (Wilson)", "right"),
        ("if read (k/n)", "right"),
        ("errors", "right"),
        ("unread", "right"),
        ("", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        ci = "—" if r["rate"] is None else f"[{pct(r['ci_low'])}, {pct(r['ci_high'])}]"
        if_read = (
            "—"
            if r["n_if_read"] is None
            else f"{pct(r['rate_if_read'])} ({r['k_if_read']}/{r['n_if_read']})"
        )
        table.add_row(
            r["model"],
            r["scenario"],
            condition_text(r["condition"]),
            r["behaviour"] + (" *" if r["study"] else ""),
            str(r["n"]),
            str(r["k"]),
            pct(r["rate"]),
            ci,
            if_read,
            str(r["errors"]),
            str(r["unread"]),
            f"[yellow]small n (<{SMALL_N})[/yellow]" if r["small_n"] else "",
        )
    table.caption = "* the study's own column; n counts every non-errored rollout, read or not"
    return table


@click.command("results")
@click.argument("log_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print every row as a JSON list.")
@click.option("--full", is_flag=True, help="One row per condition × behaviour (wide).")
def results(log_dir: Path, as_json: bool, full: bool) -> None:
    """The study's columns per model × scenario: rate and n (k/n).

    n counts every non-errored rollout, whether or not it read the documents (the study's
    rule); errored rollouts are counted under "err" and never in a rate. --full adds Wilson
    95% intervals and the read-conditional rate for every condition × behaviour.
    """
    frame = build_frame(log_dir)
    adaptive = adaptive_cells(frame)
    if as_json:
        rows = results_rows(frame)
        if adaptive is not None:
            _mark_adaptive(rows, *adaptive)
        click.echo(json.dumps(rows, indent=2))
        return
    if frame.empty:
        click.echo(f"No peerguard logs found under {log_dir}.")
        return
    if full:
        Console(width=FULL_WIDTH).print(render_table(results_rows(frame)))
    else:
        Console().print(render_summary(summary_rows(frame)))
    if adaptive is not None:
        rule, cells = adaptive
        Console().print(rule.describe())
        # One line per cell: configuration ids are long, so this table is wide like --full.
        Console(width=FULL_WIDTH).print(render_adaptive(cells))


def render_adaptive(cells: pd.DataFrame) -> Table:
    """Per-cell n of an adaptive run: its driving column's count, corrected interval, stop."""
    table = Table(title="adaptive sampling: per-cell n", box=box.SIMPLE, pad_edge=False)
    for name in ("model", "scenario", "configuration", "column", "k/n", "corrected CI", "stopped"):
        justify = "right" if name in ("k/n", "corrected CI") else "left"
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for r in cells.to_dict("records"):
        table.add_row(
            str(r["model"]),
            _short_scenario(str(r["scenario"])),
            str(r["configuration"]),
            str(r["column"]),
            f"{r['k']}/{r['n']}",
            f"[{pct(float(r['low']))}, {pct(float(r['high']))}]",
            str(r["stopped"]),
        )
    return table


def _mark_adaptive(rows: list[dict[str, Any]], rule: StoppingRule, cells: pd.DataFrame) -> None:
    """Add the stopping record to the driving column's rows (only in adaptive runs, so a fixed
    run's JSON is unchanged): the rule, the cell's looks, corrected interval and stop reason."""
    by_cell = {
        (r["model"], r["scenario"], r["condition"], r["column"]): r
        for r in cells.to_dict("records")
    }
    for row in rows:
        condition = json.dumps(row["condition"], sort_keys=True, default=str)
        cell = by_cell.get((row["model"], row["scenario"], condition, row["behaviour"]))
        if cell is None:
            continue
        row["adaptive"] = {
            **rule.to_metadata(),
            "configuration": str(cell["configuration"]),
            "looks": int(cell["looks"]),
            "n": int(cell["n"]),
            "corrected_low": float(cell["low"]),
            "corrected_high": float(cell["high"]),
            "stopped": str(cell["stopped"]),
        }
