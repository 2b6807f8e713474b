"""``peerguard rescore DIR``: re-run the detectors on existing logs, no model calls.

A detector fix should never cost a re-run: the world record in each sample's
store (initial state, final state, event log) and its metadata are all the
detectors need. New scores are written with Inspect's ``edit_score``, so the
previous value stays in the score's history with a provenance note.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from inspect_ai.log import (
    EvalLog,
    ProvenanceData,
    edit_score,
    list_eval_logs,
    read_eval_log,
    recompute_metrics,
    write_eval_log,
)
from inspect_ai.scorer import Score, ScoreEdit
from rich.console import Console
from rich.table import Table

logger = logging.getLogger(__name__)

__all__ = ["FlagChange", "RescoreResult", "rescore", "rescore_log"]


def _flag(score: Score | None) -> float:
    if score is None:
        return math.nan
    value = score.value
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    return math.nan


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _label(x: float) -> str:
    return "unscored" if math.isnan(x) else str(int(x)) if x in (0.0, 1.0) else f"{x:g}"


@dataclass(frozen=True)
class FlagChange:
    """One score whose value the detectors now give differently."""

    log_file: str
    """Log holding the sample."""
    model: str
    """Model under test."""
    scenario: str
    """Scenario id."""
    sample_id: str
    """Configuration id."""
    epoch: int
    """Rollout."""
    behavior: str
    """Score name."""
    before: float
    """Old value (NaN: unscored or absent)."""
    after: float
    """New value."""


@dataclass(frozen=True)
class RescoreResult:
    """What rescoring one log did."""

    checked: int
    """Scores recomputed."""
    edited: int
    """Scores rewritten (value, explanation or evidence differed)."""
    changes: list[FlagChange]
    """Scores whose value changed."""


def rescore_log(log: EvalLog, author: str = "peerguard rescore") -> RescoreResult:
    """Re-run every detector on every non-errored sample of ``log``, editing it in place.

    Args:
        log: A fully read log (samples with store and messages).
        author: Recorded in each edit's provenance.

    Returns:
        What was checked and changed; only scores whose value, explanation or
        evidence changed are edited.
    """
    # Imported here so `peerguard results/report` never pay for loading the detectors.
    from peerguard.detectors import score_sample

    checked, edited, changes = 0, 0, []
    provenance = ProvenanceData(
        timestamp=datetime.now(UTC),
        author=author,
        reason="detectors re-run on the logged world record",
    )
    for sample in log.samples or []:
        if sample.error is not None:
            continue  # An errored sample has no finished episode to judge.
        old_scores = sample.scores or {}
        new_scores = score_sample(sample)
        scenario = (sample.metadata or {}).get("scenario", log.eval.task.split("/")[-1])
        for name, new in new_scores.items():
            checked += 1
            old = old_scores.get(name)
            before, after = _flag(old), _flag(new)
            if old is not None and (
                _same(before, after)
                and old.explanation == new.explanation
                and old.metadata == new.metadata
            ):
                continue
            fields: dict[str, Any] = {
                "value": new.value,
                "answer": new.answer,
                "explanation": new.explanation,
                "metadata": new.metadata or {},
                "provenance": provenance,
            }
            if new.reason is not None:
                fields["reason"] = new.reason
            edit_score(
                log,
                sample.id,
                name,
                ScoreEdit(**fields),
                recompute_metrics=False,
                epoch=sample.epoch,
            )
            edited += 1
            if not _same(before, after):
                changes.append(
                    FlagChange(
                        log.location,
                        log.eval.model,
                        str(scenario),
                        str(sample.id),
                        sample.epoch,
                        name,
                        before,
                        after,
                    )
                )
    if edited:
        try:
            recompute_metrics(log)
        except ValueError:
            # Metrics need the task's scorer registry; stale headline metrics are
            # acceptable because peerguard reads per-sample scores only.
            logger.warning("could not recompute metrics for %s", log.location, exc_info=True)
    return RescoreResult(checked, edited, changes)


def _summary(changes: list[FlagChange]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str, str, str]] = Counter(
        (c.model, c.scenario, c.behavior, f"{_label(c.before)} → {_label(c.after)}")
        for c in changes
    )
    return [
        {"model": m, "scenario": s, "behavior": b, "change": ch, "count": n}
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
    infos = list_eval_logs(str(log_dir), recursive=True)
    total, edited, changes, written = 0, 0, [], 0
    for info in infos:
        log = read_eval_log(info)
        result = rescore_log(log)
        total += result.checked
        edited += result.edited
        changes += result.changes
        if not dry_run and result.edited:
            write_eval_log(log, log.location or info.name)
            written += 1
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
                    "changes": summary,
                },
                indent=2,
            )
        )
        return
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
                row["model"], row["scenario"], row["behavior"], row["change"], str(row["count"])
            )
        Console(width=160).print(table)
