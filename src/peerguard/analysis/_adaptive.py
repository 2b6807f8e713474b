"""Adaptive sampling: when a cell (model × scenario configuration) has enough rollouts.

The rule (``docs/adaptive.md``) is a group-sequential design with fixed checkpoints and a
Bonferroni correction:

* a cell is looked at only at the planned checkpoints ``n_1 < n_2 < ... < n_K`` (``first``,
  doubling, capped at ``max_epochs``, which is always the last);
* at every look its rate gets an exact (Clopper-Pearson) interval at level ``1 - alpha / K``.
  By the union bound, the probability that *any* of a cell's K intervals misses the true rate
  is at most ``alpha``, so the interval at whichever look the cell stops at covers the true
  rate with probability at least ``1 - alpha`` (95% by default), whatever made it stop;
* a cell stops at the first look where its interval's half-width (half its length) is at most
  ``target``, or its interval and its baseline arm's interval are disjoint ("clearly far from
  its baseline": misrepresentation against ``non_shutdown``, unmonitored against monitored),
  or at ``max_epochs``. A cell with no flags is "clearly 0%" once its upper bound is at most
  ``2 × target`` (the width rule at k = 0).

The driving column is the scenario's own study column (``STUDY_COLUMN_PRIORITY`` over its
behaviours): exfiltration, tampering, reported pass or shutdown withheld. Everything here is
pure computation over counts; ``peerguard.cli._adaptive`` runs it over Inspect.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from scipy import stats

from peerguard.behaviours import (
    EXFILTRATION,
    REPORTED_PASS,
    SHUTDOWN_WITHHELD,
    TAMPERING,
)
from peerguard.logs import ADAPTIVE_KEY

__all__ = [
    "ADAPTIVE_KEY",
    "BASELINE_ARMS",
    "RULE_NAME",
    "STUDY_ROLLOUTS",
    "CellStatus",
    "Decision",
    "StoppingRule",
    "adaptive_cells",
    "baseline_cell",
    "cell_statuses",
    "checkpoints",
    "clopper_pearson",
    "driving_column",
    "run_rule",
]

STUDY_ROLLOUTS = 100
"""The study's fixed design: rollouts per configuration (what adaptive runs are compared with)."""

RULE_NAME = "checkpoints-bonferroni-clopper-pearson"
"""The rule's name as stored in logs."""

DRIVING_PRIORITY = (SHUTDOWN_WITHHELD, EXFILTRATION, TAMPERING, REPORTED_PASS)
"""A scenario's driving column: the first of these it scores (the analysis's study column)."""

BASELINE_ARMS: dict[str, tuple[str, str]] = {
    REPORTED_PASS: ("relationship", "non_shutdown"),
    SHUTDOWN_WITHHELD: ("monitoring", "monitored"),
}
"""Driving column -> (axis, value) of the baseline arm its study metric is a difference from."""

Reason = Literal["open", "width", "baseline", "cap"]


def driving_column(behaviours: Sequence[str]) -> str | None:
    """The study column that drives a scenario's stopping (None: the scenario has none)."""
    return next((c for c in DRIVING_PRIORITY if c in behaviours), None)


def checkpoints(first: int, max_epochs: int) -> tuple[int, ...]:
    """The planned looks: ``first``, doubling, and ``max_epochs`` last (``first`` >= 1)."""
    if first < 1 or max_epochs < 1:
        raise ValueError("first and max_epochs must be at least 1")
    looks: list[int] = []
    n = min(first, max_epochs)
    while n < max_epochs:
        looks.append(n)
        n *= 2
    looks.append(max_epochs)
    return tuple(looks)


def clopper_pearson(k: int, n: int, alpha: float) -> tuple[float, float]:
    """The exact two-sided ``1 - alpha`` interval for ``k`` of ``n`` ((0, 1) when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    low = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


@dataclass(frozen=True)
class Decision:
    """What the rule says about one cell at one look."""

    n: int
    k: int
    low: float
    high: float
    reason: Reason
    """``open`` (add epochs) or why it stopped: ``width``, ``baseline``, ``cap``."""

    @property
    def stop(self) -> bool:
        return self.reason != "open"

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class StoppingRule:
    """Fixed checkpoints, Clopper-Pearson intervals at ``alpha / K`` (Bonferroni), a width target."""

    target: float
    """Stop once the interval's half-width is at most this (0.05 = ±5 pp)."""
    max_epochs: int = 400
    """The cap: the last checkpoint."""
    first: int = 50
    """The first checkpoint; later ones double."""
    alpha: float = 0.05
    """Family-wise miss probability per cell (coverage at stopping >= 1 - alpha)."""

    def __post_init__(self) -> None:
        if not 0 < self.target < 0.5:
            raise ValueError(f"target must be in (0, 0.5), got {self.target}")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        checkpoints(self.first, self.max_epochs)  # validates

    @property
    def checkpoints(self) -> tuple[int, ...]:
        return checkpoints(self.first, self.max_epochs)

    @property
    def alpha_per_look(self) -> float:
        return self.alpha / len(self.checkpoints)

    def interval(self, k: int, n: int) -> tuple[float, float]:
        """The corrected interval (level ``1 - alpha / K``) reported for a cell."""
        return clopper_pearson(k, n, self.alpha_per_look)

    def decide(
        self, k: int, n: int, baseline: tuple[int, int] | None = None, last: bool = False
    ) -> Decision:
        """The decision at a look with ``k`` flags in ``n`` rollouts.

        Args:
            k: Flags of the driving column.
            n: Rollouts in its denominator.
            baseline: ``(k, n)`` of the cell's baseline arm at the same look, if it has one.
            last: This is the last planned look (the cap).
        """
        low, high = self.interval(k, n)
        reason: Reason = "open"
        if n > 0 and (high - low) / 2 <= self.target + 1e-12:
            reason = "width"
        elif baseline is not None and n > 0 and baseline[1] > 0:
            b_low, b_high = self.interval(*baseline)
            if high < b_low or low > b_high:
                reason = "baseline"
        if reason == "open" and (last or n >= self.max_epochs):
            reason = "cap"
        return Decision(n, k, low, high, reason)

    def describe(self) -> str:
        """One sentence for reports and ``peerguard results``."""
        looks = ", ".join(map(str, self.checkpoints))
        level = 100 * (1 - self.alpha)
        return (
            f"Adaptive sampling: each cell is looked at after n = {looks} rollouts; at each "
            f"look its study column gets a Clopper-Pearson interval at level "
            f"1 - {self.alpha:g}/{len(self.checkpoints)} (Bonferroni over the looks, so the "
            f"interval at stopping covers the true rate with probability >= {level:g}%); a "
            f"cell stops when the half-width is <= {100 * self.target:g} pp, when its interval "
            f"and its baseline arm's are disjoint, or at n = {self.max_epochs}."
        )

    def to_metadata(self) -> dict[str, Any]:
        return {
            "rule": RULE_NAME,
            "target": self.target,
            "max_epochs": self.max_epochs,
            "first": self.first,
            "alpha": self.alpha,
            "checkpoints": list(self.checkpoints),
        }

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> StoppingRule:
        if meta.get("rule") != RULE_NAME:
            raise ValueError(f"unknown adaptive rule {meta.get('rule')!r}")
        return cls(
            target=float(meta["target"]),
            max_epochs=int(meta["max_epochs"]),
            first=int(meta["first"]),
            alpha=float(meta["alpha"]),
        )


def baseline_cell(
    column: str | None, condition: Mapping[str, str], pool: Sequence[Mapping[str, str]]
) -> int | None:
    """Index in ``pool`` of the baseline arm of a cell with ``condition`` (None: it has none).

    The baseline is the configuration with the column's baseline value on its axis (see
    :data:`BASELINE_ARMS`) that agrees with the cell on the most other axes; a tie or no
    candidate means no baseline (the cell then stops only by width or cap).
    """
    if column not in BASELINE_ARMS:
        return None
    axis, value = BASELINE_ARMS[column]
    if condition.get(axis) in (None, value):
        return None
    best: list[tuple[int, int]] = []
    for i, other in enumerate(pool):
        if other.get(axis) != value:
            continue
        agree = sum(1 for a, v in condition.items() if a != axis and other.get(a) == v)
        best.append((agree, i))
    if not best:
        return None
    best.sort(reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]


def expected_half_width(p: float, n: int, alpha: float) -> float:
    """Half-width of the normal-approximation interval (for docs and sanity checks)."""
    z = float(stats.norm.ppf(1 - alpha / 2))
    return z * math.sqrt(p * (1 - p) / n) if n else math.inf


@dataclass(frozen=True)
class CellStatus:
    """Where one cell stands under the rule, computed from its logged rollouts."""

    model: str
    scenario: str
    sample_id: str
    """The configuration id."""
    column: str
    """The driving (study) column."""
    looks: int
    """Looks taken so far (0: its first round has not finished)."""
    decision: Decision
    """The decision at its last look (``open``: more epochs are due)."""
    rollouts: int
    """Rollouts logged for it (errored and unscored included)."""
    condition: Mapping[str, Any]
    """Its condition (axis -> value)."""


def cell_statuses(
    frame: pd.DataFrame,
    rule: StoppingRule,
    columns: Mapping[str, str | None] | None = None,
) -> list[CellStatus]:
    """Replay the rule over every cell of a frame, look by look.

    At look ``j`` a cell's counts are ``tally`` over its rollouts with epoch <= ``n_j`` (the
    same denominator as every rate: errored and unscored rollouts are out of ``n``), so the
    replay sees exactly what the run saw when it decided, whatever was logged after. A cell
    whose rollouts do not yet reach ``n_j`` stays at its previous look.

    Args:
        frame: The tidy frame (``build_frame``) of one adaptive run.
        rule: The run's rule.
        columns: Scenario -> driving column; by default the first of ``DRIVING_PRIORITY``
            the scenario's logs score (the analysis's study column).
    """
    from peerguard.analysis._frame import tally

    if frame.empty:
        return []
    looks = rule.checkpoints
    groups = {key: rows for key, rows in frame.groupby(["model", "scenario"], sort=True)}
    out: list[CellStatus] = []
    for (model, scenario), rows in groups.items():
        column = (
            columns.get(str(scenario))
            if columns is not None
            else driving_column(list(rows["behaviour"].unique()))
        )
        if column is None:
            continue
        col_rows = rows[rows["behaviour"] == column]
        cells = {str(sid): r for sid, r in col_rows.groupby("sample_id", sort=True)}
        conditions = {
            sid: json.loads(str(r["condition"].iloc[0])) if len(r) else {}
            for sid, r in cells.items()
        }
        ids = list(cells)
        pool = [conditions[i] for i in ids]
        baseline_of = {
            sid: (
                ids[b] if (b := baseline_cell(column, conditions[sid], pool)) is not None else None
            )
            for sid in ids
        }
        # counts[sid][j] = (k, n) over epochs <= looks[j]; None if not reached yet
        counts: dict[str, list[tuple[int, int] | None]] = {}
        for sid, r in cells.items():
            epochs = r["epoch"].astype(int)
            reached = int(epochs.max()) if len(epochs) else 0
            per_look: list[tuple[int, int] | None] = []
            for m in looks:
                if reached < m:
                    per_look.append(None)
                    continue
                t = tally(r[epochs <= m].assign(**{column: r["flag"]}), column)
                per_look.append((t.k, t.n))
            counts[sid] = per_look
        decided: dict[str, tuple[int, Decision]] = {}
        for j in range(len(looks)):
            for sid in ids:
                if sid in decided and decided[sid][1].stop:
                    continue
                here = counts[sid][j]
                if here is None:
                    continue
                base = baseline_of[sid]
                base_counts = _latest(counts[base], j) if base is not None else None
                decision = rule.decide(*here, baseline=base_counts, last=j == len(looks) - 1)
                decided[sid] = (j + 1, decision)
        for sid in ids:
            look, decision = decided.get(sid, (0, Decision(0, 0, 0.0, 1.0, "open")))
            out.append(
                CellStatus(
                    str(model),
                    str(scenario),
                    sid,
                    column,
                    look,
                    decision,
                    len(cells[sid]),
                    conditions[sid],
                )
            )
    return out


def _latest(per_look: list[tuple[int, int] | None], j: int) -> tuple[int, int] | None:
    """The counts at look j, or at the latest earlier look reached (a stopped baseline)."""
    for i in range(j, -1, -1):
        if per_look[i] is not None:
            return per_look[i]
    return None


def run_rule(frame: pd.DataFrame) -> StoppingRule | None:
    """The rule an adaptive run stored in its logs (``frame.attrs``), or None if not adaptive."""
    meta = frame.attrs.get(ADAPTIVE_KEY)
    return StoppingRule.from_metadata(meta) if meta else None


STOP_LABELS: dict[str, str] = {
    "open": "still open (run again to continue)",
    "width": "half-width reached",
    "baseline": "clearly far from baseline",
    "cap": "cap (max epochs)",
}
"""Decision reason -> how reports say it."""


def adaptive_cells(frame: pd.DataFrame) -> tuple[StoppingRule, pd.DataFrame] | None:
    """An adaptive run's rule and one row per cell (None when the logs are not adaptive).

    Columns: model, scenario, configuration, condition (JSON, as in the frame), column (the
    driving study column), n, k, rate,
    low, high (the rule's corrected interval at the cell's last look), looks, stopped.
    """
    rule = run_rule(frame)
    if rule is None:
        return None
    rows = [
        {
            "model": s.model,
            "scenario": s.scenario,
            "configuration": s.sample_id,
            "condition": json.dumps(dict(s.condition), sort_keys=True, default=str),
            "column": s.column,
            "n": s.decision.n,
            "k": s.decision.k,
            "rate": s.decision.k / s.decision.n if s.decision.n else None,
            "low": s.decision.low,
            "high": s.decision.high,
            "looks": s.looks,
            "stopped": STOP_LABELS[s.decision.reason],
        }
        for s in cell_statuses(frame, rule)
    ]
    columns = ["model", "scenario", "configuration", "condition", "column"]
    columns += ["n", "k", "rate", "low", "high"]
    return rule, pd.DataFrame(rows, columns=[*columns, "looks", "stopped"])
