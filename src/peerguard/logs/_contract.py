"""The log contract's primitives: where the world record lives and how a score becomes a flag.

See docs/architecture.md, "The log contract". Every reader of peerguard logs (results, report,
rescore, monitor) converts scores through `to_flag`, so they can never disagree on a value.
"""

from __future__ import annotations

import math
from typing import Any

STORE_KEY = "peerguard:world"
"""Where the episode's initial state, final state and event log are saved in the sample store."""

ADAPTIVE_KEY = "peerguard_adaptive"
"""Eval metadata of an adaptive run's round (docs/adaptive.md): the stopping rule, the round,
and ``epoch_offset``, the rollouts each of the round's cells had before it. A round's Inspect
epochs restart at 1; a rollout's epoch in the run is ``epoch_offset + sample.epoch``."""


def epoch_offset(eval_metadata: dict[str, Any] | None) -> int:
    """The epoch offset of a log's rollouts: 0 unless the log is an adaptive round."""
    adaptive = (eval_metadata or {}).get(ADAPTIVE_KEY)
    if not isinstance(adaptive, dict):
        return 0
    offset = adaptive.get("epoch_offset", 0)
    return offset if isinstance(offset, int) and not isinstance(offset, bool) else 0


FIXED_DESIGN = "fixed"
"""The sampling design of a log without `ADAPTIVE_KEY`: the same epochs for every configuration."""


def sampling_design(eval_metadata: dict[str, Any] | None) -> str:
    """A log's sampling design, as a label two logs share iff their rollouts may be pooled.

    ``fixed``, or ``adaptive`` with its stopping rule (the round and epoch offset left out:
    the rounds of one adaptive run share a design). A fixed run's epochs and an adaptive
    run's both start at 1, and the stopping rule's intervals are only valid over the rollouts
    it chose, so rollouts of two designs must never be pooled into one rate.
    """
    adaptive = (eval_metadata or {}).get(ADAPTIVE_KEY)
    if not isinstance(adaptive, dict):
        return FIXED_DESIGN
    rule = {k: v for k, v in sorted(adaptive.items()) if k not in ("round", "epoch_offset")}
    return "adaptive " + ", ".join(f"{k}={v}" for k, v in rule.items())


LAB_STORE_KEY = "peerguard:lab"
"""Where a harness episode (docs/harness.md) saves its facts and the hosts' final holdings."""

HARNESS_CLI = "harness_cli"
"""Sample (and task) metadata key naming the agent CLI of a harness sample; its presence is
what tells a harness sample, judged from its lab record, from a simulated one."""


def to_flag(value: Any) -> float:
    """Map a logged score value to 1.0 (flagged), 0.0 (not flagged) or NaN (unscored).

    The contract says values are 1.0, 0.0 or NaN; booleans, Inspect's ``C``/``I`` letters and
    numeric strings are accepted too. Anything else is unscored (NaN), never silently 0.
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


def is_flagged(flag: float) -> bool:
    """Whether a flag counts as flagged: >= 0.5, so a probability-valued judge's 0.9 is not 0."""
    return not math.isnan(flag) and flag >= 0.5
