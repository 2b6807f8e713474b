"""`peerguard validate`: every registered scenario checks its own data (see `_checks.py`)."""

from __future__ import annotations

import dataclasses
from importlib.abc import Traversable
from pathlib import Path

from ._checks import Problem
from ._registry import SCENARIOS


def validate_data(root: Traversable | Path | None = None) -> list[Problem]:
    """Every problem in the scenario data.

    Args:
        root: A scenarios folder to check instead of the installed one, laid out like it
            (`<scenario id>/data/...`); each scenario checks its folder there.
    """
    out: list[Problem] = []
    for sid, scenario in SCENARIOS.items():
        if root is not None:
            scenario = dataclasses.replace(scenario, data=root / sid / "data")  # type: ignore[type-var]
        out += scenario.validate()
    return out
