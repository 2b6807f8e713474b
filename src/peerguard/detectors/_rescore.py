"""Re-running the detectors on logged samples, editing scores in place with provenance.

A detector fix should never cost a re-run: the world record in each sample's store (initial
state, final state, event log) and its metadata are all the detectors need. New scores are
written with Inspect's ``edit_score``, so the previous value stays in the score's history.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inspect_ai.log import EvalLog, ProvenanceData, edit_score, recompute_metrics
from inspect_ai.scorer import Score, ScoreEdit

from peerguard.logs import to_flag

from ._scorers import score_sample

logger = logging.getLogger(__name__)

__all__ = ["FlagChange", "RescoreResult", "rescore_log"]


def _flag(score: Score | None) -> float:
    return math.nan if score is None else to_flag(score.value)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


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
    behaviour: str
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
