"""``peerguard results DIR``: counts, rates and Wilson intervals from logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from peerguard.analysis import SMALL_N, build_frame, results_rows
from peerguard.report._format import condition_text, pct

__all__ = ["results"]


def render_table(rows: list[dict[str, Any]]) -> Table:
    """A rich table of results rows (as from :func:`results_rows`)."""
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
        ("errors", "right"),
        ("unread", "right"),
        ("", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        ci = "—" if r["rate"] is None else f"[{pct(r['ci_low'])}, {pct(r['ci_high'])}]"
        table.add_row(
            r["model"],
            r["scenario"],
            condition_text(r["condition"]),
            r["behaviour"],
            str(r["n"]),
            str(r["k"]),
            pct(r["rate"]),
            ci,
            str(r["errors"]),
            str(r["unread"]),
            f"[yellow]small n (<{SMALL_N})[/yellow]" if r["small_n"] else "",
        )
    return table


@click.command("results")
@click.argument("log_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the rows as a JSON list.")
def results(log_dir: Path, as_json: bool) -> None:
    """Per model × scenario × condition × behaviour: n, k, rate and Wilson 95% CI.

    Errored runs are excluded from n and counted under "errors"; runs that never
    read the documents are excluded from behaviour rates and counted as "unread".
    """
    rows = results_rows(build_frame(log_dir))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"No peerguard logs found under {log_dir}.")
        return
    Console(width=200).print(render_table(rows))
