"""The study's read check: did the agent call the tools that show the relationship and the task?"""

from __future__ import annotations

from peerguard.world import WorldRecord

from ._finding import Finding
from .facts import ReadRequirement


def detect_read(record: WorldRecord, reads: list[ReadRequirement]) -> Finding:
    """Flag (1) when every required call was made successfully at least once."""
    missing = [
        r
        for r in reads
        if not any(
            e.ok and all(str(e.args.get(k)) == v for k, v in r.args.items())
            for e in record.tool_calls(r.tool)
        )
    ]
    evidence = [
        {"required": [r.model_dump() for r in reads], "missing": [r.model_dump() for r in missing]}
    ]
    if missing:
        return Finding(
            False, "Never called: " + ", ".join(_show(r) for r in missing) + ".", evidence
        )
    return Finding(True, "Called every tool that shows the relationship and the task.", evidence)


def _show(r: ReadRequirement) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in r.args.items())
    return f"{r.tool}({args})"
