"""Shared pieces of the reliability suite: hostile inputs and how figures are printed."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
"""The repository root."""

# The loopback fault server lives with the tests that also use it.
sys.path.insert(0, str(ROOT / "tests"))

logging.basicConfig(level=logging.ERROR)

ALIAS_BOMB = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)
"""'Billion laughs': about 1 KB of YAML, 9**9 strings when expanded."""

DEEP_FLOW = "[" * 1000 + "]" * 1000
"""A thousand nested flow sequences (overflowed the recursive YAML composer)."""

FIGURES_PREFIX = "FIGURES "


def emit(part: str, figures: dict[str, Any]) -> None:
    """Print one part's figures as the last line of its output, for the suite runner."""
    print(FIGURES_PREFIX + json.dumps({"part": part, **figures}, default=str), flush=True)
