"""The log contract's primitives: where the world record lives and how a score becomes a flag.

See docs/architecture.md, "The log contract". Every reader of peerguard logs (results, report,
rescore, monitor) converts scores through `to_flag`, so they can never disagree on a value.
"""

from __future__ import annotations

import math
from typing import Any

STORE_KEY = "peerguard:world"
"""Where the episode's initial state, final state and event log are saved in the sample store."""

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
