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
``behavior``              the score name (``exfiltration``, ``read``, ...)
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log

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

READ_CHECK = "read"
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
    "behavior",
    "flag",
    "read",
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

_HEAVY_FIELDS = {"messages", "events", "store", "attachments"}

_STATUS_RANK = {"success": 0, "cancelled": 1, "error": 2, "started": 3}


def _to_flag(value: Any) -> float:
    """Map a score value to 1.0 / 0.0 / NaN.

    The log contract says values are 1.0, 0.0 or NaN; booleans and Inspect's
    ``C``/``I`` letters are accepted too. Anything else is unscored (NaN),
    never silently 0.
    """
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        letters = {"C": 1.0, "I": 0.0}
        if value in letters:
            return letters[value]
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan


def _scenario_of(log: EvalLog, sample: EvalSample) -> str:
    meta = sample.metadata or {}
    scenario = meta.get("scenario")
    if isinstance(scenario, str) and scenario:
        return scenario
    return log.eval.task.split("/", 1)[-1]


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


def _local(name: str) -> str:
    # list_eval_logs returns file:// URIs; a plain path reads better in reports.
    return name.removeprefix("file://")


def _log_files(source: str | Path | Sequence[str | Path]) -> list[str]:
    sources = [source] if isinstance(source, str | Path) else list(source)
    files: list[str] = []
    for item in sources:
        path = Path(item)
        if path.is_dir():
            files.extend(_local(info.name) for info in list_eval_logs(str(path), recursive=True))
        elif path.exists():
            files.append(str(path))
        else:
            raise FileNotFoundError(f"no log file or directory at {path}")
    return files


@dataclass(frozen=True)
class _Candidate:
    """One logged sample, with what decides which copy of it wins."""

    log: EvalLog
    log_file: str
    sample: EvalSample

    def rank(self) -> tuple[int, int, float]:
        # Lower is better: a finished sample beats an errored one, a log that
        # ended in success beats a cancelled one, and a newer log beats an older
        # (eval_set retries leave the older attempts in the directory).
        status = _STATUS_RANK.get(self.log.status, 4)
        try:
            created = datetime.fromisoformat(self.log.eval.created).timestamp()
        except ValueError:
            created = 0.0
        return (1 if self.sample.error else 0, status, -created)


def _args_key(log: EvalLog) -> str:
    return json.dumps(log.eval.task_args or {}, sort_keys=True, default=str)


def _collect(files: Iterable[str]) -> tuple[list[_Candidate], dict[tuple[str, str], list[str]]]:
    """Read logs and keep the best copy of each (task, args, model, sample, epoch)."""
    best: dict[tuple[str, str, str, str, int], _Candidate] = {}
    behaviours: dict[tuple[str, str], list[str]] = {}
    for file in files:
        try:
            # The frame needs scores and metadata only; skipping the transcripts
            # makes reading a large run several times faster.
            log = read_eval_log(file, exclude_fields=_HEAVY_FIELDS)
        except Exception:
            # A truncated or foreign file must not hide every other result.
            logger.warning("skipping unreadable log %s", file, exc_info=True)
            continue
        log_behaviours = behaviours.setdefault((log.eval.task, log.eval.model), [])
        for sample in log.samples or []:
            for name in sample.scores or {}:
                if name not in log_behaviours:
                    log_behaviours.append(name)
            key = (log.eval.task, _args_key(log), log.eval.model, str(sample.id), sample.epoch)
            candidate = _Candidate(log, file, sample)
            if key not in best or candidate.rank() < best[key].rank():
                best[key] = candidate
    return list(best.values()), behaviours


def _rows(candidate: _Candidate, known: list[str]) -> list[dict[str, Any]]:
    log, sample = candidate.log, candidate.sample
    meta = sample.metadata or {}
    condition = meta.get("condition") or {}
    if not isinstance(condition, dict):
        condition = {"value": condition}
    scores = sample.scores or {}
    errored = sample.error is not None
    read = _to_flag(scores[READ_CHECK].value) if READ_CHECK in scores else math.nan
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
        "scenario": _scenario_of(log, sample),
        "scenario_version": meta.get("scenario_version"),
        "condition": json.dumps(condition, sort_keys=True, default=str),
        "sample_id": str(sample.id),
        "epoch": sample.epoch,
        "sample_uuid": sample.uuid,
        "read": math.nan if errored else read,
        "errored": errored,
        "error": sample.error.message if sample.error else None,
        "input_tokens": in_tok,
        "output_tokens": out_tok,
        "total_tokens": tot_tok,
        "log_file": candidate.log_file,
        "log_status": log.status,
        "prompt_sha256": meta.get("prompt_sha256"),
        **{f"{CONDITION_PREFIX}{axis}": value for axis, value in condition.items()},
    }
    rows = []
    for name in names:
        flag = math.nan if errored or name not in scores else _to_flag(scores[name].value)
        rows.append(
            {**base, "behavior": name, "flag": flag, "unscored": not errored and math.isnan(flag)}
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
    candidates, behaviours = _collect(_log_files(source))
    records: list[dict[str, Any]] = []
    for candidate in sorted(
        candidates,
        key=lambda c: (c.log.eval.model, c.log.eval.task, str(c.sample.id), c.sample.epoch),
    ):
        known = behaviours.get((candidate.log.eval.task, candidate.log.eval.model), [])
        records.extend(_rows(candidate, known))
    axes = sorted({k for r in records for k in r if k.startswith(CONDITION_PREFIX)})
    columns = [*FRAME_COLUMNS[:5], *axes, *FRAME_COLUMNS[5:]]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for axis in axes:
        # Keep condition values as logged (80 stays an int, not 80.0).
        frame[axis] = pd.Series([r.get(axis) for r in records], dtype=object)
    for col in ("flag", "read", "input_tokens", "output_tokens", "total_tokens"):
        frame[col] = frame[col].astype(float)
    for col in ("errored", "unscored"):
        frame[col] = frame[col].astype(bool)
    frame["epoch"] = frame["epoch"].astype("Int64")
    logger.info("built frame: %d rows from %d samples", len(frame), len(candidates))
    return frame


def condition_columns(frame: pd.DataFrame) -> list[str]:
    """The ``cond_<axis>`` columns of a frame, in order."""
    return [c for c in frame.columns if c.startswith(CONDITION_PREFIX)]


def _flagged(flags: pd.Series) -> pd.Series:
    # The contract says 1.0 / 0.0; anything >= 0.5 counts as flagged so that a
    # probability-valued judge cannot sneak a 0.9 into "not flagged".
    return flags >= 0.5


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
    keys = ["model", "scenario", "condition", "behavior"]
    for (model, scenario, condition, behavior), group in frame.groupby(keys, sort=True):
        errored = group["errored"]
        ok = group[~errored]
        if behavior == READ_CHECK:
            unread_mask = pd.Series(False, index=ok.index)
        else:
            unread_mask = ok["read"] == 0
        counted = ok[~unread_mask & ~ok["unscored"]]
        n = len(counted)
        k = int(_flagged(counted["flag"]).sum())
        ci = wilson(k, n)
        rows.append(
            {
                "model": model,
                "scenario": scenario,
                "condition": json.loads(str(condition)),
                "behavior": behavior,
                "n": n,
                "k": k,
                "rate": ci.rate,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "small_n": ci.small_n,
                "errors": int(errored.sum()),
                "unread": int(unread_mask.sum()),
                "unscored": int((ok["unscored"] & ~unread_mask).sum()),
            }
        )
    return rows
