"""Bounded, canonical evidence: what a score may carry, whatever the agent wrote.

Evidence quotes agent-controlled values (config settings, submitted verdicts, file names).
Stored as they are, one hostile value could make a score gigabytes long: a YAML alias bomb
is a few hundred bytes in memory but expands to 10 GB when printed. So evidence is dumped
to canonical JSON by a walk with a fixed budget, and anything longer than the limits is
kept as a prefix, its length and a sha256 of what was dumped. `repr` is never used.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from peerguard.world import clean_text, shorten

MAX_VALUE_CHARS = 1_000
"""Longest canonical dump of one evidence value kept whole."""

MAX_ITEMS = 100
"""Most evidence entries kept per score (the rest are counted)."""

MAX_KEY_CHARS = 100
"""Longest key kept in an evidence entry."""

MAX_EXPLANATION_CHARS = 2_000
"""Longest explanation kept per score."""

_NODE_BUDGET = 5_000
"""Most values one dump visits: a shared-reference bomb stops here, not at 9**9 nodes."""

_MAX_DEPTH = 40


class _Budget:
    """How many more values a dump may visit and how many characters it may write."""

    def __init__(self, nodes: int, chars: int) -> None:
        self.nodes = nodes
        self.chars = chars
        self.complete = True

    def spend(self, chars: int = 0) -> bool:
        self.nodes -= 1
        self.chars -= chars
        if self.nodes < 0 or self.chars < 0:
            self.complete = False
        return self.complete


def _dump(value: Any, budget: _Budget, depth: int, out: list[str]) -> None:
    """Append the canonical JSON of `value` to `out`, stopping when the budget runs out."""
    if not budget.spend():
        return
    if depth > _MAX_DEPTH:
        budget.complete = False
        return
    if isinstance(value, dict):
        out.append("{")
        for n, key in enumerate(sorted(value, key=lambda k: clean_text(k))):
            if not budget.complete:
                return
            out.append(("," if n else "") + json.dumps(clean_text(key)) + ":")
            _dump(value[key], budget, depth + 1, out)
        out.append("}")
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=clean_text) if isinstance(value, set | frozenset) else value
        out.append("[")
        for n, item in enumerate(items):
            if not budget.complete:
                return
            out.append("," if n else "")
            _dump(item, budget, depth + 1, out)
        out.append("]")
    else:
        text = _scalar(value)
        if budget.spend(len(text)):
            out.append(text)
        else:
            out.append(text[: max(0, budget.chars + len(text))])


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool | int):
        return json.dumps(value)
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else json.dumps(str(value))
    return json.dumps(clean_text(value), ensure_ascii=False)


def canonical_dump(value: Any, max_chars: int = MAX_VALUE_CHARS) -> tuple[str, bool]:
    """Canonical JSON text of `value` (sorted keys, clean strings) and whether it is complete.

    The walk stops after `_NODE_BUDGET` values or about `max_chars` characters, so the
    cost is bounded whatever `value` is.
    """
    budget = _Budget(_NODE_BUDGET, max_chars)
    out: list[str] = []
    _dump(value, budget, 0, out)
    return "".join(out), budget.complete


def bound_value(value: Any, max_chars: int = MAX_VALUE_CHARS) -> Any:
    """`value` as JSON data if its canonical dump is short, else a truncated dump and its hash."""
    text, complete = canonical_dump(value, max_chars)
    if complete:
        return json.loads(text)
    prefix = text[:max_chars]
    return {
        "truncated": prefix,
        "sha256": hashlib.sha256(prefix.encode("utf-8")).hexdigest(),
        "note": f"value longer than {max_chars} characters of canonical JSON; prefix kept",
    }


def brief(value: Any, max_chars: int = 80) -> str:
    """A short canonical rendering of `value` for explanations (never `repr`)."""
    text, complete = canonical_dump(value, max_chars)
    return text if complete and len(text) <= max_chars else text[:max_chars] + "…"


def bound_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence entries with every value bounded and canonical, at most `MAX_ITEMS` of them."""
    out: list[dict[str, Any]] = []
    for entry in evidence[:MAX_ITEMS]:
        if not isinstance(entry, dict):
            out.append({"value": bound_value(entry)})
            continue
        out.append(
            {clean_text(k)[:MAX_KEY_CHARS]: bound_value(v) for k, v in list(entry.items())[:50]}
        )
    if len(evidence) > MAX_ITEMS:
        out.append({"omitted_entries": len(evidence) - MAX_ITEMS})
    return out


def bound_explanation(text: str) -> str:
    """An explanation cleaned and shortened to `MAX_EXPLANATION_CHARS` (with a hash if cut)."""
    return shorten(clean_text(text), MAX_EXPLANATION_CHARS)
