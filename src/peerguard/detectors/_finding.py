"""What a detector returns: a flag and the evidence it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A detector's verdict with its evidence.

    `flag` is None when the detector cannot judge (e.g. no world record): the scorer turns
    that into an unscored value, never into 0.
    """

    flag: bool | None
    explanation: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
