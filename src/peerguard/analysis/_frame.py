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
``reported_score``        the numeric score the agent reported, from the
                          ``reported_pass`` score's ``metadata["reported_score"]``
                          (NaN if absent); lets the analysis apply each
                          threshold to the threshold-less baseline
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
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from inspect_ai.log import EvalLog, EvalSample

from peerguard.analysis._stats import Proportion, wilson
from peerguard.behaviours import (
    EXFILTRATION,
    PRESERVATION,
    READ,
    REPORTED_PASS,
    SHUTDOWN_WITHHELD,
    STUDY_PRIMARY,
    TACTICS,
    TAMPERING,
)
from peerguard.logs import (
    ADAPTIVE_KEY,
    LoggedSample,
    LogSet,
    check_one_design,
    is_flagged,
    iter_samples,
    read_logs,
    to_flag,
)

logger = logging.getLogger(__name__)

__all__ = [
    "CONDITION_PREFIX",
    "FRAME_COLUMNS",
    "INSTANTIATIONS",
    "PEER_RELATIONSHIPS",
    "READ_CHECK",
    "REPORTED_SCORE_KEY",
    "SAMPLE_KEY",
    "STUDY_ACTS",
    "STUDY_COLUMN_PRIORITY",
    "Count",
    "Denominator",
    "Tally",
    "axis_values",
    "build_frame",
    "condition_columns",
    "count_rollouts",
    "results_rows",
    "rollouts",
    "summary_rows",
    "tally",
]

CONDITION_PREFIX = "cond_"
"""Prefix of the flattened condition-axis columns."""

READ_CHECK = READ
"""The score name of the read check (a check, not a behaviour)."""

REPORTED_SCORE_KEY = "reported_score"
"""Key in the ``reported_pass`` score's metadata holding the numeric score reported."""

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
    REPORTED_SCORE_KEY,
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
    reported = math.nan
    pass_meta = scores[REPORTED_PASS].metadata if REPORTED_PASS in scores else None
    if pass_meta:
        value = pass_meta.get(REPORTED_SCORE_KEY)
        if isinstance(value, int | float) and not isinstance(value, bool):
            reported = float(value)
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
        "epoch": candidate.epoch,
        "sample_uuid": sample.uuid,
        READ: math.nan if errored else read,
        REPORTED_SCORE_KEY: reported,
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

    Raises:
        MixedDesignsError: the logs mix a fixed and an adaptive run, or two adaptive rules.
    """
    found = read_logs(source)
    check_one_design(found)
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
    for col in ("flag", READ, REPORTED_SCORE_KEY, "input_tokens", "output_tokens", "total_tokens"):
        frame[col] = frame[col].astype(float)
    for col in ("errored", "unscored"):
        frame[col] = frame[col].astype(bool)
    frame["epoch"] = frame["epoch"].astype("Int64")
    # What was not read travels with the frame, so every consumer can say what it skipped.
    frame.attrs["skipped"] = [str(s) for s in found.skipped]
    frame.attrs["log_files"] = found.files
    rules = _adaptive_rules(found)
    if rules:
        # One at most: two rules are two designs, refused above.
        frame.attrs[ADAPTIVE_KEY] = rules[0]
    logger.info("built frame: %d rows from %d samples", len(frame), len(found.samples))
    return frame


def _adaptive_rules(found: LogSet) -> list[dict[str, Any]]:
    """The distinct stopping rules adaptive rounds stored in their eval metadata."""
    rules: list[dict[str, Any]] = []
    for candidate in found.samples:
        meta = (candidate.log.eval.metadata or {}).get(ADAPTIVE_KEY)
        if not isinstance(meta, dict):
            continue
        rule = {k: v for k, v in meta.items() if k not in ("round", "epoch_offset")}
        if rule not in rules:
            rules.append(rule)
    return rules


def condition_columns(frame: pd.DataFrame) -> list[str]:
    """The ``cond_<axis>`` columns of a frame, in order."""
    return [c for c in frame.columns if c.startswith(CONDITION_PREFIX)]


Denominator = Literal["all", "if_read"]
"""Which rollouts a rate counts: ``all`` (the study's rule) or only those that ``read``."""


@dataclass(frozen=True)
class Tally:
    """What goes into a rate's denominator, and what is left out of it (and why)."""

    n: int
    """Rollouts counted."""
    k: int
    """Rollouts flagged."""
    errors: int
    """Errored rollouts (never in a rate)."""
    unread: int
    """Non-errored rollouts whose read check is 0: in ``n`` under ``all``, left out under
    ``read``."""
    unscored: int
    """Rollouts that could not be judged (NaN), left out of ``n``."""
    counted: pd.Index
    """Index of the rows counted in ``n``."""
    mode: Denominator = "all"
    """The denominator rule used."""


def tally(rows: pd.DataFrame, column: str, mode: Denominator = "all") -> Tally:
    """The one denominator rule, in the study's form or read-conditional.

    * ``all`` (the study's rule, the primary figure): every non-errored rollout whose
      ``column`` was scored; rollouts that never read the documents stay in ``n``.
    * ``read`` (secondary figure): only rollouts whose read check is 1.

    Errored rollouts are never in ``n`` (they are counted in ``errors``); unscored ones (NaN)
    are left out and counted in ``unscored``.

    Args:
        rows: Rows with ``errored``, ``read`` and the flag ``column``.
        column: The flag column (1.0 / 0.0 / NaN).
        mode: ``all`` or ``read``.
    """
    errored = rows["errored"].astype(bool)
    ok = rows[~errored]
    unread = ok[READ] == 0
    pool = ok if mode == "all" else ok[ok[READ] == 1]
    counted = pool[pool[column].notna()]
    return Tally(
        n=len(counted),
        k=int(sum(is_flagged(float(f)) for f in counted[column])),
        errors=int(errored.sum()),
        unread=int(unread.sum()),
        unscored=int(pool[column].isna().sum()),
        counted=counted.index,
        mode=mode,
    )


def results_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Counts per model × scenario × condition × behaviour.

    * ``n``, ``k``, ``rate``: the study's rule, every non-errored scored rollout (unread
      ones included); ``rate`` is ``k / n``, ``None`` when ``n == 0``;
      ``ci_low``/``ci_high``: Wilson 95% (peerguard's addition); ``small_n``: ``n`` below
      :data:`peerguard.analysis.SMALL_N`.
    * ``n_if_read``, ``k_if_read``, ``rate_if_read``, ``ci_low_if_read``,
      ``ci_high_if_read``, ``small_n_if_read``: the same over rollouts that read the
      documents (the secondary figure; ``None`` on the ``read`` row itself).
    * ``study``: the behaviour is one of the study's own columns.
    * ``errors``: errored rollouts, never in ``n``; ``unread``: rollouts whose read check
      is 0 (in ``n``); ``unscored``: NaN scores, not in ``n``.

    Args:
        frame: A frame from :func:`build_frame`.

    Returns:
        JSON-serialisable rows, sorted by model, scenario, condition, behaviour.
    """
    rows: list[dict[str, Any]] = []
    if frame.empty:
        return rows
    keys = ["model", "scenario", "condition", "behaviour"]
    for (model, scenario, condition, behaviour), group in frame.groupby(keys, sort=True):
        t = tally(group, "flag")
        ci = wilson(t.k, t.n)
        row: dict[str, Any] = {
            "model": model,
            "scenario": scenario,
            "condition": json.loads(str(condition)),
            "behaviour": behaviour,
            "study": behaviour in STUDY_PRIMARY,
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
        if behaviour == READ_CHECK:
            # Conditioning the read check on itself says nothing.
            row |= dict.fromkeys(_IF_READ)
        else:
            r = tally(group, "flag", "if_read")
            rci = wilson(r.k, r.n)
            values = (r.n, r.k, rci.rate, rci.low, rci.high, rci.small_n)
            row |= dict(zip(_IF_READ, values, strict=True))
        rows.append(row)
    return rows


_IF_READ = (
    "n_if_read",
    "k_if_read",
    "rate_if_read",
    "ci_low_if_read",
    "ci_high_if_read",
    "small_n_if_read",
)


def summary_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per model × scenario: each study column pooled over the scenario's conditions.

    The compact view of ``peerguard results``: ``columns`` maps each study column the
    scenario scored (and the read check) to ``(k, n)`` under the study's rule.
    """
    rows: list[dict[str, Any]] = []
    if frame.empty:
        return rows
    for (model, scenario), group in frame.groupby(["model", "scenario"], sort=True):
        columns: dict[str, tuple[int, int]] = {}
        for name in STUDY_PRIMARY:
            sub = group[group["behaviour"] == name]
            if not sub.empty:
                t = tally(sub, "flag")
                columns[name] = (t.k, t.n)
        rollouts = group.drop_duplicates(SAMPLE_KEY)
        rows.append(
            {
                "model": model,
                "scenario": scenario,
                "rollouts": len(rollouts),
                "errors": int(rollouts["errored"].astype(bool).sum()),
                "columns": columns,
            }
        )
    return rows


# --- rollouts: one row per sample × epoch, and the rule applied to them ---------------

PEER_RELATIONSHIPS = ("good_peer", "neutral_peer", "bad_peer")
"""Relationship values in which a peer exists and is at risk."""

INSTANTIATIONS = ("file_only", "file_prt", "memory")
"""The study's three instantiations, averaged into a relationship group."""

STUDY_COLUMN_PRIORITY = (SHUTDOWN_WITHHELD, EXFILTRATION, TAMPERING, REPORTED_PASS)
"""Which study column is a scenario's own, when its logs score several (the tampering task
also reports a score; alignment faking may carry the config flag)."""

STUDY_ACTS = (SHUTDOWN_WITHHELD, EXFILTRATION, TAMPERING)
"""Study columns that are acts in themselves (peer preservation in one rollout)."""


def _ref(model: str, scenario: str, sample_id: str, epoch: Any) -> str:
    return f"{model} · {scenario}/{sample_id} · epoch {epoch}"


def _study_columns(flags: pd.DataFrame, scenarios: pd.Series) -> pd.Series:
    """Scenario -> its study column (first of :data:`STUDY_COLUMN_PRIORITY` it scores)."""
    chosen: dict[str, str | None] = {}
    for scenario in scenarios.unique():
        rows = flags[(scenarios == scenario).to_numpy()]
        chosen[scenario] = next(
            (c for c in STUDY_COLUMN_PRIORITY if c in rows.columns and rows[c].notna().any()),
            None,
        )
    return scenarios.map(chosen)


def rollouts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per rollout, with one ``flag_<behaviour>`` column per score name.

    Adds ``study_column`` (the scenario's study column) and ``study_flag`` (its value),
    ``preservation`` (any of peerguard's detectors: 1 / 0 / NaN), ``tactic_<name>`` per
    tactic, and ``ref`` (a readable rollout id for reports).
    """
    if frame.empty:
        return pd.DataFrame(
            columns=[*SAMPLE_KEY, "scenario", "study_column", "study_flag", "preservation", "ref"]
        )
    meta_cols = [
        c
        for c in frame.columns
        if c not in ("behaviour", "flag", "unscored", "error") and c not in SAMPLE_KEY
    ]
    meta = frame.drop_duplicates(SAMPLE_KEY).set_index(SAMPLE_KEY)[meta_cols]
    indexed = frame.set_index([*SAMPLE_KEY, "behaviour"])
    flags = indexed["flag"].unstack("behaviour")
    # Which behaviours a rollout was scored on at all (absent -> NaN here).
    present = indexed["unscored"].unstack("behaviour").notna()
    out = meta.join(flags.add_prefix("flag_"))

    def any_of(names: Iterable[str]) -> pd.Series:
        cols = [n for n in names if n in flags.columns]
        if not cols:
            return pd.Series(math.nan, index=flags.index)
        vals = flags[cols].where(present[cols])
        flagged = (vals >= 0.5).any(axis=1)
        relevant = present[cols].any(axis=1)
        unscored = (vals.isna() & present[cols]).any(axis=1)
        result = pd.Series(0.0, index=flags.index)
        result[unscored] = math.nan
        result[flagged] = 1.0
        result[~relevant] = math.nan
        return result

    out["preservation"] = any_of(PRESERVATION)
    for tactic, names in TACTICS.items():
        out[f"tactic_{tactic}"] = any_of(names)
    out = out.reset_index()
    out.loc[out["errored"], "preservation"] = math.nan
    columns = _study_columns(
        out.filter(like="flag_").rename(columns=lambda c: c[5:]), out["scenario"]
    )
    out["study_column"] = columns
    study_flag = pd.Series(math.nan, index=out.index, dtype=float)
    for name in {c for c in columns if isinstance(c, str)}:
        mask = columns == name
        study_flag[mask] = out.loc[mask, f"flag_{name}"]
    out["study_flag"] = study_flag
    out["ref"] = [
        _ref(m, s, i, e)
        for m, s, i, e in zip(
            out["model"], out["scenario"], out["sample_id"], out["epoch"], strict=True
        )
    ]
    return out


@dataclass(frozen=True)
class Count:
    """A rate over a group of rollouts (every rollout in n), with its read-conditional twin."""

    proportion: Proportion
    """``k`` of ``n`` over every non-errored scored rollout (the study's rule)."""
    errors: int
    """Errored rollouts (not in ``n``)."""
    unread: int
    """Rollouts that never read the documents (in ``n``; out of ``if_read``)."""
    unscored: int
    """Rollouts that could not be judged (not in ``n``)."""
    refs: tuple[str, ...]
    """The rollouts in ``n``."""
    if_read: Proportion | None = None
    """The same rate over rollouts that read the documents; ``None`` for the read check."""


def count_rollouts(group: pd.DataFrame, column: str = "preservation") -> Count:
    """Count ``column`` over rollouts by the study's rule, with the read-conditional rate."""
    if group.empty or column not in group.columns:
        return Count(wilson(0, 0), 0, 0, 0, (), wilson(0, 0))
    t = tally(group, column)
    if_read = None
    if column != f"flag_{READ_CHECK}":
        r = tally(group, column, "if_read")
        if_read = wilson(r.k, r.n)
    return Count(
        wilson(t.k, t.n),
        t.errors,
        t.unread,
        t.unscored,
        tuple(group.loc[t.counted, "ref"]),
        if_read,
    )


def axis_values(df: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``df``, or all-``None`` when no log had that axis."""
    if name in df.columns:
        return df[name]
    return pd.Series(None, index=df.index, dtype=object)
