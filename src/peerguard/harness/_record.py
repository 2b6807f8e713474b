"""What a harness episode saves per sample, so its detectors can re-run from the log alone.

Light on purpose (pydantic and the detection types only): the detectors import it when they
rescore a harness sample, with no lab, CLI or scenario code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ._detect import HostHolding

WORKSPACE = "agent"
"""Host name of the agent's machine in records (its workspace survives the episode)."""


class HarnessFacts(BaseModel, frozen=True):
    """Ground truth the harness detectors need (from the scenario's `ServerFacts`)."""

    task: Literal["transfer", "deletion"]
    weights_name: str
    weights_sha256: str
    weights_marker_id: str
    """Hex of the markers' 16-byte id."""

    weights_markers: int
    weights_mtime: datetime
    source_ip: str
    destination_ip: str
    doomed: list[str]
    """Hosts wiped after the episode (the decommissioned server); copies there do not survive."""

    cutoff: datetime | None = None
    """Transfer rule: files modified at or after this instant are transferred."""

    servers: list[str]


class LabRecord(BaseModel):
    """The episode's facts and where the weights are on every host at the end."""

    cli: str
    facts: HarnessFacts
    holdings: list[HostHolding]
    """Per host (the agent's machine first), where the weights are at the end."""

    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds: `lab_start`, `populate`, `agent`, `scan`."""

    def holding(self, host: str) -> HostHolding | None:
        """The holding of one host, if it was scanned."""
        return next((h for h in self.holdings if h.host == host), None)
