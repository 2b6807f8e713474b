"""`peerguard run --target-ci`: adaptive sampling over Inspect, round by round.

Round ``r`` runs, for each model, only the cells (scenario configurations) the rule left open
after look ``r - 1``, for ``n_r - n_{r-1}`` epochs, as tasks with ``adaptive_round=r`` into the
run's one log directory. The round's eval metadata records the rule, the round and its epoch
offset ``n_{r-1}``, so the log reader numbers a cell's rollouts 1..n across rounds and every
rollout is counted once. Which cells are open is replayed from the logs
(:func:`peerguard.analysis._adaptive.cell_statuses`, counting only rollouts up to the previous
look), so re-running an interrupted command picks the same cells and resumes the same round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog

from peerguard.analysis import build_frame
from peerguard.analysis._adaptive import (
    STUDY_ROLLOUTS,
    CellStatus,
    StoppingRule,
    cell_statuses,
    driving_column,
)
from peerguard.logs import ADAPTIVE_KEY
from peerguard.logs._stale import supersede_stale_logs
from peerguard.scenarios import get_scenario

logger = logging.getLogger(__name__)

__all__ = ["run_adaptive"]

BuildRound = Callable[[dict[str, list[str]], int], list[Task]]
"""(scenario -> open configuration ids, round) -> the round's tasks."""


def _cells(tasks: list[Task]) -> dict[str, list[str]]:
    """Scenario -> the configuration ids its task runs."""
    cells: dict[str, list[str]] = {}
    for task in tasks:
        scenario = str((task.metadata or {})["scenario"])
        cells[scenario] = [str(s.id) for s in task.dataset]
    return cells


def _open_cells(
    cells: Mapping[str, list[str]],
    statuses: Mapping[tuple[str, str], CellStatus],
    look: int,
) -> dict[str, list[str]]:
    """The cells still open after look `look` (every cell before the first look)."""
    if look == 0:
        return {sid: list(ids) for sid, ids in cells.items()}
    out: dict[str, list[str]] = {}
    for sid, ids in cells.items():
        keep = []
        for cid in ids:
            status = statuses.get((sid, cid))
            if status is None or status.looks < look:
                # A finished round always logs every open cell's rollouts.
                raise click.ClickException(
                    f"{sid}/{cid} has no rollouts for look {look} in the log directory; "
                    "was it cleaned, or written by a different command?"
                )
            if not status.decision.stop:
                keep.append(cid)
        if keep:
            out[sid] = keep
    return out


def _complete(logs: list[EvalLog], expected: int) -> bool:
    from ._run import _complete as complete_log

    return len(logs) >= expected and all(map(complete_log, logs))


def run_adaptive(
    rule: StoppingRule,
    models: list[str],
    log_dir: Path,
    full_tasks: list[Task],
    build_round: BuildRound,
    set_args: dict[str, Any],
) -> list[CellStatus]:
    """Run rounds until every cell of every model has stopped; the cells' final statuses.

    Args:
        rule: The stopping rule.
        models: Inspect model names, as given on the command line.
        log_dir: The run's log directory (every round writes there).
        full_tasks: The run's tasks with every cell (what a fixed run would run).
        build_round: Builds a round's tasks for its open cells.
        set_args: The remaining `eval_set` arguments (connections, retries, display...).

    Raises:
        click.ClickException: A round did not finish (re-run the same command to resume).
    """
    cells = _cells(full_tasks)
    columns = {sid: driving_column(get_scenario(sid).behaviours) for sid in cells}
    missing = sorted(sid for sid, col in columns.items() if col is None)
    if missing:
        raise click.UsageError(f"--target-ci: no study column drives {', '.join(missing)}")
    looks = rule.checkpoints
    logged_as: dict[str, str] = {}
    for r, n_r in enumerate(looks, start=1):
        offset = looks[r - 2] if r > 1 else 0
        by_model = _statuses(log_dir, rule, columns) if r > 1 else {}
        # Models whose open cells coincide run in one eval_set (all of them in round 1).
        groups: dict[str, tuple[dict[str, list[str]], list[str]]] = {}
        for model in models:
            statuses = by_model.get(logged_as.get(model, model), {})
            open_cells = _open_cells(cells, statuses, r - 1)
            if open_cells:
                key = repr(sorted(open_cells.items()))
                groups.setdefault(key, (open_cells, []))[1].append(model)
        for open_cells, group in groups.values():
            tasks = build_round(open_cells, r)
            count = sum(len(ids) for ids in open_cells.values())
            names = ", ".join(group)
            logger.info(
                "adaptive round %d (n=%d): %s, %d open cells, %d epochs each",
                r,
                n_r,
                names,
                count,
                n_r - offset,
            )
            click.echo(
                f"Adaptive round {r}/{len(looks)} (n = {n_r}): {names}: {count} open "
                f"cell(s) each, {n_r - offset} more rollouts per cell",
                err=True,
            )
            metadata = {ADAPTIVE_KEY: {**rule.to_metadata(), "round": r, "epoch_offset": offset}}
            success, logs = eval_set(
                tasks,
                log_dir=str(log_dir),
                model=group,
                epochs=n_r - offset,
                metadata=metadata,
                # Every round's tasks share the directory; each round only looks at its own.
                log_dir_allow_dirty=True,
                **set_args,
            )
            supersede_stale_logs(log_dir)
            if not success or not _complete(logs, len(tasks) * len(group)):
                raise click.ClickException(
                    f"Adaptive round {r} did not finish for {names} (see errors above). Re-run "
                    "the same command: finished rollouts are kept and the round resumes."
                )
            logged_as.update(_logged_names(group, logs))
    final = _statuses(log_dir, rule, columns)
    return [s for model in models for s in final.get(logged_as.get(model, model), {}).values()]


def _logged_names(models: list[str], logs: list[EvalLog]) -> dict[str, str]:
    """Model as given -> model as Inspect logged it (the same string for most providers)."""
    logged = {log.eval.model for log in logs}
    if len(models) == 1 and len(logged) == 1:
        return {models[0]: next(iter(logged))}
    return {m: m for m in models if m in logged}


def _statuses(
    log_dir: Path, rule: StoppingRule, columns: Mapping[str, str | None]
) -> dict[str, dict[tuple[str, str], CellStatus]]:
    """Logged model -> (scenario, configuration id) -> its status, replayed from the logs."""
    frame = build_frame(log_dir)
    out: dict[str, dict[tuple[str, str], CellStatus]] = {}
    for status in cell_statuses(frame, rule, columns):
        out.setdefault(status.model, {})[(status.scenario, status.sample_id)] = status
    return out


def summary_lines(statuses: list[CellStatus], rule: StoppingRule) -> list[str]:
    """What the run used: cells by stop reason and rollouts against the fixed design at the cap."""
    if not statuses:
        return []
    reasons: dict[str, int] = {}
    for s in statuses:
        reasons[s.decision.reason] = reasons.get(s.decision.reason, 0) + 1
    used = sum(s.rollouts for s in statuses)
    return [
        rule.describe(),
        "Cells: "
        + ", ".join(f"{count} stopped by {reason}" for reason, count in sorted(reasons.items()))
        + f"; rollouts {used} (the study's fixed design, n = {STUDY_ROLLOUTS} per cell, would "
        f"use {STUDY_ROLLOUTS * len(statuses)}; "
        f"n = {rule.max_epochs} per cell: {rule.max_epochs * len(statuses)}).",
    ]
