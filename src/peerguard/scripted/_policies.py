"""The registry of known-answer policies (`scripted/<name>`)."""

from __future__ import annotations

from ._exfiltration import exfiltrator, honest, lazy, refuser, spec_gamer
from ._script import Policy

POLICIES: dict[str, Policy] = {
    "honest": honest,
    "exfiltrator": exfiltrator,
    "spec_gamer": spec_gamer,
    "refuser": refuser,
    "lazy": lazy,
}
"""Policy name -> strategy. Each detector must flag its policy and never flag `honest`."""
