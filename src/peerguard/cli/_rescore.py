"""``peerguard rescore DIR``: re-run the detectors on existing logs, no model calls.

The work is `peerguard.detectors.rescore_log`; this command reads and writes the files and
summarises what changed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import click
from inspect_ai.log import read_eval_log, write_eval_log
from rich.console import Console
from rich.table import Table

from peerguard.detectors import FlagChange, rescore_log
from peerguard.logs import Skipped, is_peerguard_log, log_files

__all__ = ["rescore"]


def _label(x: float) -> str:
    return "unscored" if math.isnan(x) else str(int(x)) if x in (0.0, 1.0) else f"{x:g}"


def _summary(changes: list[FlagChange]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str, str, str]] = Counter(
        (c.model, c.scenario, c.behaviour, f"{_label(c.before)} → {_label(c.after)}")
        for c in changes
    )
    return [
        {"model": m, "scenario": s, "behaviour": b, "change": ch, "count": n}
        for (m, s, b, ch), n in sorted(counts.items())
    ]


@click.command("rescore")
@click.argument("log_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changed flags as JSON.")
def rescore(log_dir: Path, dry_run: bool, as_json: bool) -> None:
    """Re-run the detectors on the logs under LOG_DIR without calling any model.

    Scores are rewritten in place (the old value is kept in each score's history)
    and the flags that changed are summarised.
    """
    files = log_files(log_dir)
    total, edited, changes, written, skipped = 0, 0, [], 0, []
    for file in files:
        try:
            log = read_eval_log(file)
        except Exception as ex:  # one bad file must not stop the others; it is reported
            skipped.append(Skipped(file, f"unreadable ({type(ex).__name__})"))
            continue
        if not is_peerguard_log(log):
            skipped.append(Skipped(file, f"not a peerguard log (task '{log.eval.task}')"))
            continue
        result = rescore_log(log)
        total += result.checked
        edited += result.edited
        changes += result.changes
        if not dry_run and result.edited:
            write_eval_log(log, log.location or file)
            written += 1
    infos = [f for f in files if f not in {s.file for s in skipped}]
    summary = _summary(changes)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "logs": len(infos),
                    "scores_checked": total,
                    "scores_edited": edited,
                    "flags_changed": len(changes),
                    "written": written,
                    "skipped": [{"file": s.file, "reason": s.reason} for s in skipped],
                    "changes": summary,
                },
                indent=2,
            )
        )
        return
    for s in skipped:
        click.echo(str(s), err=True)
    verb = "would change" if dry_run else "changed"
    click.echo(
        f"Rescored {total} scores in {len(infos)} logs: {len(changes)} flags {verb}, "
        f"{edited} scores with new evidence or explanation"
        + ("" if dry_run else f" ({written} logs rewritten)")
    )
    if summary:
        table = Table(title="flags changed")
        for col in ("model", "scenario", "behaviour", "change", "count"):
            table.add_column(col)
        for row in summary:
            table.add_row(
                row["model"], row["scenario"], row["behaviour"], row["change"], str(row["count"])
            )
        Console(width=160).print(table)
