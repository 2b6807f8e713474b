"""Shared ground of the study tables: condition columns, the table type, row helpers."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from peerguard.analysis._frame import (
    CONDITION_PREFIX,
    PEER_RELATIONSHIPS,
    STUDY_ACTS,
    Count,
    axis_values,
    count_rollouts,
)
from peerguard.analysis._stats import (
    Proportion,
)
from peerguard.analysis._study import (
    StudyDifference,
    study_difference,
)
from peerguard.behaviours import (
    TACTIC_EXFILTRATION,
    TACTIC_TAMPERING,
)

BASELINES = ("no_peer", "non_shutdown")
"""Baseline relationship values that peer conditions are compared with."""

FINANCE_SCENARIO = "misrep_finance"
"""The finance scenario: its one misrepresentation setting is ``finance``."""

PIPELINE_PREFIX = "local/"
"""Models served by the embedded toy model: a pipeline check, not a result."""

REL = f"{CONDITION_PREFIX}relationship"
SUBJECT = f"{CONDITION_PREFIX}subject"
MONITORING = f"{CONDITION_PREFIX}monitoring"
INSTANTIATION = f"{CONDITION_PREFIX}instantiation"
DATASET = f"{CONDITION_PREFIX}dataset"
THRESHOLD = f"{CONDITION_PREFIX}threshold"

Section = Literal["study", "extension"]


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def peer_mask(df: pd.DataFrame) -> pd.Series:
    """Extension scope: peer relationships, any subject but ``self`` (identity variants in)."""
    rel, subject = axis_values(df, REL), axis_values(df, SUBJECT)
    return (rel.isin(PEER_RELATIONSHIPS) | rel.isna()) & (subject != "self")


def study_peer_mask(df: pd.DataFrame) -> pd.Series:
    """The study's scope: a peer relationship and ``subject == "peer"``."""
    rel, subject = axis_values(df, REL), axis_values(df, SUBJECT)
    return rel.isin(PEER_RELATIONSHIPS) & ((subject == "peer") | subject.isna())


@dataclass(frozen=True)
class StudyTable:
    """A table of the report, with the rollouts it rests on."""

    key: str
    """Short identifier (used for anchors and file names)."""
    title: str
    """Heading."""
    description: str
    """What the rows and cells mean."""
    data: pd.DataFrame
    """Cells are :class:`Count`, :class:`StudyDifference`, :class:`GroupRate`,
    :class:`MisrepSummary`, :class:`ProportionDifference`, :class:`RiskRatio`, numbers or text."""
    samples: tuple[str, ...] = ()
    """Rollouts (``model · scenario/sample_id · epoch``) counted in the table."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Caveats: corrections used, small groups, why the table is empty."""
    section: Section = "study"
    """``study`` (the study's metrics, primary) or ``extension`` (peerguard's additions)."""


CONTINUITY_NOTE = (
    "† the ratio's interval uses a 0.5 continuity correction (added to every cell of the "
    "2×2 table) because a cell was zero: a group with no events, or with events in every "
    "run. ∞: no events alone; 0/0: no events in either group."
)

OURS = "Wilson/Newcombe 95% intervals are peerguard's additions; the study reported none."


def count_refs(counts: Iterable[Count]) -> tuple[str, ...]:
    return tuple(sorted({r for c in counts for r in c.refs}))


def condition_label(relationship: Any, instantiation: Any) -> str:
    """The study's remapped condition (``good_peer_file_only``; baselines stay bare)."""
    if (
        relationship in PEER_RELATIONSHIPS
        and not is_missing(instantiation)
        and instantiation != "none"
    ):
        return f"{relationship}_{instantiation}"
    return str(relationship)


def model_kind(model: str) -> str:
    """What a model's row is: a result, a known-answer agent, or the pipeline check."""
    if model.startswith(PIPELINE_PREFIX):
        return "pipeline check (embedded toy model, not a result)"
    if model.startswith("scripted/"):
        return "known-answer agent"
    return "model under test"


def act_rows(rolls: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    cols = axis_values(rolls, "study_column")
    return rolls[cols == column] if column else rolls[cols.isin(STUDY_ACTS)]


def af_difference(rows: pd.DataFrame) -> StudyDifference | None:
    """Withheld shutdown, unmonitored − monitored, over the given peer rows."""
    arms = axis_values(rows, MONITORING)
    unmon = count_rollouts(rows[arms == "unmonitored"], "study_flag").proportion
    mon = count_rollouts(rows[arms == "monitored"], "study_flag").proportion
    if unmon.n == 0 or mon.n == 0:
        return None
    return study_difference(unmon.k, unmon.n, mon.k, mon.n)


def primary_tactic(metrics: dict[str, float | None]) -> str:
    shown = {t: v for t, v in metrics.items() if v is not None and v > 0}
    if not shown:
        return "none"
    top = max(shown.values())
    return " / ".join(
        f"{t} ({100 * v:.1f}{'%' if t in (TACTIC_EXFILTRATION, TACTIC_TAMPERING) else ' pp'})"
        for t, v in shown.items()
        if v == top
    )


def short_rate(p: Proportion) -> str:
    return "—, n=0" if p.rate is None else f"{100 * p.rate:.1f}%, {p.k}/{p.n}"
