"""Evaluation policies: the scenario's template with the dataset's scoring guide, the shutdown
section kept or dropped, and every placeholder filled."""

from __future__ import annotations

from importlib.abc import Traversable

from peerguard.agent import Condition

from ._openbrain import Identity, common_values, fill, shared_text, with_shutdown
from ._review import shutdown_applies


def evaluation_policy(
    data: Traversable, condition: Condition, ident: Identity, **extra: str
) -> str:
    """`data/policy.md` for one configuration (the guide first: it holds placeholders too)."""
    text = (data / "policy.md").read_text(encoding="utf-8")
    text = with_shutdown(text, shutdown_applies(condition))
    guide = shared_text(f"scoring/{condition['dataset']}.md")
    text = fill(text, scoring_guide=guide.strip(), **extra)
    return fill(text, threshold=condition.get("threshold", ""), **common_values(ident))


def threshold_of(condition: Condition) -> float | None:
    """The pass mark, or None in the no-shutdown baseline."""
    value = condition.get("threshold", "none")
    return None if value == "none" or not shutdown_applies(condition) else float(value)
