"""The tidy frame: one row per sample × behaviour, built only from Inspect logs.

Columns (see docs/architecture.md, "The log contract"):

========================  ==================================================
``model``                 ``log.eval.model`` (e.g. ``scripted/honest``)
``task``                  ``log.eval.task`` as logged
``scenario``              ``sample.metadata["scenario"]`` (else the task name
                          without its ``peerguard/`` prefix)
``scenario_version``      ``sample.metadata["scenario_version"]``
``condition``             the condition as canonical JSON (sorted keys); the
                          grouping key for results
``cond_<axis>``           one column per condition axis seen in any log;
                          ``None`` where a scenario lacks that axis
``sample_id``             ``sample.id`` (the configuration id)
``epoch``                 rollout number
``sample_uuid``           Inspect's unique id of the sample
``behaviour``              the score name (``exfiltration``, ``read``, ...)
``flag``                  1.0 flagged, 0.0 not flagged, NaN unscored/errored
``read``                  the sample's ``read`` check (1/0, NaN if absent)
``errored``               the sample has ``sample.error`` set
``unscored``              not errored but the score is NaN or missing
``input_tokens`` ...      token usage of the model under test, repeated on
``total_tokens``          each behaviour row of the sample
``log_file``              the log the row came from
``prompt_sha256``         hash of the exact rendered prompts
========================  ==================================================

Token columns repeat per behaviour row; deduplicate on
:data:`SAMPLE_KEY` before summing them.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog, EvalSample

from peerguard.behaviours import READ
from peerguard.logs import LoggedSample, is_flagged, iter_samples, read_logs, to_flag

logger = logging.getLogger(__name__)

__all__ = [
    "CONDITION_PREFIX",
    "FRAME_COLUMNS",
    "READ_CHECK",
    "SAMPLE_KEY",
    "build_frame",
    "condition_columns",
    "results_rows",
]

CONDITION_PREFIX = "cond_"
"""Prefix of the flattened condition-axis columns."""

READ_CHECK = READ
"""The score name of the read check (a check, not a behaviour)."""

UNKNOWN_BEHAVIOR = "(errored)"
"""Behaviour label for an errored sample whose log names no behaviours at all."""

SAMPLE_KEY = ["model", "task", "sample_id", "epoch"]
"""Columns that identify one rollout (a sample × epoch of one model)."""

FRAME_COLUMNS = [
    "model",
    "task",
    "scenario",
    "scenario_version",
    "condition",
    "sample_id",
    "epoch",
    "sample_uuid",
    "behaviour",
    "flag",
    READ,
    "errored",
    "error",
    "unscored",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "log_file",
    "log_status",
    "prompt_sha256",
]
"""Fixed columns, in order; ``cond_<axis>`` columns follow ``condition``."""


def _usage(log: EvalLog, sample: EvalSample) -> tuple[float, float, float]:
    """Token usage of the model under test; all models if it is not keyed by name."""
    usage = sample.model_usage or {}
    chosen = [usage[log.eval.model]] if log.eval.model in usage else list(usage.values())
    if not chosen:
        return math.nan, math.nan, math.nan
    return (
        float(sum(u.input_tokens for u in chosen)),
        float(sum(u.output_tokens for u in chosen)),
        float(sum(u.total_tokens for u in chosen)),
    )


def _rows(candidate: LoggedSample, known: list[str]) -> list[dict[str, Any]]:
    log, sample = candidate.log, candidate.sample
    meta = sample.metadata or {}
    condition = meta.get("condition") or {}
    if not isinstance(condition, dict):
        condition = {"value": condition}
    scores = sample.scores or {}
    errored = sample.error is not None
    read = to_flag(scores[READ_CHECK].value) if READ_CHECK in scores else math.nan
    in_tok, out_tok, tot_tok = _usage(log, sample)
    names = list(scores.keys())
    for name in known:
        if name not in names:
            names.append(name)
    if not names:
        names = [UNKNOWN_BEHAVIOR]
    base = {
        "model": log.eval.model,
        "task": log.eval.task,
        "scenario": candidate.scenario,
        "scenario_version": meta.get("scenario_version"),
        "condition": json.dumps(condition, sort_keys=True, default=str),
        "sample_id": str(sample.id),
        "epoch": sample.epoch,
        "sample_uuid": sample.uuid,
        READ: math.nan if errored else read,
        "errored": errored,
        "error": sample.error.message if sample.error else None,
        "input_tokens": in_tok,
        "output_tokens": out_tok,
        "total_tokens": tot_tok,
        "log_file": candidate.file,
        "log_status": log.status,
        "prompt_sha256": meta.get("prompt_sha256"),
        **{f"{CONDITION_PREFIX}{axis}": value for axis, value in condition.items()},
    }
    rows = []
    for name in names:
        flag = math.nan if errored or name not in scores else to_flag(scores[name].value)
        rows.append(
            {**base, "behaviour": name, "flag": flag, "unscored": not errored and math.isnan(flag)}
        )
    return rows


def build_frame(source: str | Path | Sequence[str | Path]) -> pd.DataFrame:
    """Build the tidy frame from a log directory, a log file, or several of either.

    When ``eval_set`` retried a task, the directory holds several logs for it;
    each (task, task args, model, sample id, epoch) is taken once, preferring a
    non-errored copy, then a log that ended in success, then the newest log.
    Errored samples still give rows (``errored=True``, ``flag`` NaN), one per
    behaviour the log scores, so they can be counted.

    Args:
        source: A directory (searched recursively), a log file, or a sequence of them.

    Returns:
        The frame, with the columns described in this module's docstring.
        Empty (with those columns) when there are no logs.
    """
    found = read_logs(source)
    records: list[dict[str, Any]] = []
    for candidate in iter_samples(found):
        known = found.scored.get((candidate.log.eval.task, candidate.log.eval.model), [])
        records.extend(_rows(candidate, known))
    axes = sorted({k for r in records for k in r if k.startswith(CONDITION_PREFIX)})
    columns = [*FRAME_COLUMNS[:5], *axes, *FRAME_COLUMNS[5:]]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for axis in axes:
        # Keep condition values as logged (80 stays an int, not 80.0).
        frame[axis] = pd.Series([r.get(axis) for r in records], dtype=object)
    for col in ("flag", READ, "input_tokens", "output_tokens", "total_tokens"):
        frame[col] = frame[col].astype(float)
    for col in ("errored", "unscored"):
        frame[col] = frame[col].astype(bool)
    frame["epoch"] = frame["epoch"].astype("Int64")
    # What was not read travels with the frame, so every consumer can say what it skipped.
    frame.attrs["skipped"] = [str(s) for s in found.skipped]
    frame.attrs["log_files"] = found.files
    logger.info("built frame: %d rows from %d samples", len(frame), len(found.samples))
    return frame


def condition_columns(frame: pd.DataFrame) -> list[str]:
    """The ``cond_<axis>`` columns of a frame, in order."""
    return [c for c in frame.columns if c.startswith(CONDITION_PREFIX)]


@dataclass(frozen=True)
class Tally:
    """What goes into a rate's denominator, and what is left out of it (and why)."""

    n: int
    """Rollouts counted."""
    k: int
    """Rollouts flagged."""
    errors: int
    """Errored rollouts (never a behaviour rate)."""
    unread: int
    """Rollouts that never read the documents."""
    unscored: int
    """Rollouts that could not be judged."""
    counted: pd.Index
    """Index of the rows counted in ``n``."""


def tally(rows: pd.DataFrame, column: str, read_check: bool = False) -> Tally:
    """The one denominator rule: errored, unread and unscored rollouts are left out of ``n``.

    Args:
        rows: Rows with ``errored``, ``read`` and the flag ``column``.
        column: The flag column (1.0 / 0.0 / NaN).
        read_check: Whether ``column`` is the read check itself, which counts every run.
    """
    errored = rows["errored"].astype(bool)
    ok = rows[~errored]
    unread = pd.Series(False, index=ok.index) if read_check else ok[READ] == 0
    scored = ok[~unread]
    counted = scored[scored[column].notna()]
    return Tally(
        n=len(counted),
        k=int(sum(is_flagged(float(f)) for f in counted[column])),
        errors=int(errored.sum()),
        unread=int(unread.sum()),
        unscored=int(scored[column].isna().sum()),
        counted=counted.index,
    )


def results_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Counts per model × scenario × condition × behaviour.

    * ``errors``: errored rollouts; excluded from ``n``.
    * ``unread``: rollouts whose ``read`` check is 0; excluded from ``n`` for
      every behaviour, but the ``read`` row itself counts all non-errored runs.
    * ``unscored``: rollouts whose score is NaN; excluded from ``n``.
    * ``rate``: ``k / n``, ``None`` when ``n == 0``; ``ci_low``/``ci_high``:
      Wilson 95%; ``small_n``: ``n`` below :data:`peerguard.analysis.SMALL_N`.

    Args:
        frame: A frame from :func:`build_frame`.

    Returns:
        JSON-serialisable rows, sorted by model, scenario, condition, behaviour.
    """
    from peerguard.analysis._stats import wilson

    rows: list[dict[str, Any]] = []
    if frame.empty:
        return rows
    keys = ["model", "scenario", "condition", "behaviour"]
    for (model, scenario, condition, behaviour), group in frame.groupby(keys, sort=True):
        t = tally(group, "flag", read_check=behaviour == READ_CHECK)
        ci = wilson(t.k, t.n)
        rows.append(
            {
                "model": model,
                "scenario": scenario,
                "condition": json.loads(str(condition)),
                "behaviour": behaviour,
                "n": t.n,
                "k": t.k,
                "rate": ci.rate,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "small_n": ci.small_n,
                "errors": t.errors,
                "unread": t.unread,
                "unscored": t.unscored,
            }
        )
    return rows
