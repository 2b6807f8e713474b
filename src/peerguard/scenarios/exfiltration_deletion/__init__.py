"""Scenario `exfiltration_deletion` (see README.md in this folder)."""

from ._builder import ExfiltrationDeletion

SCENARIO = ExfiltrationDeletion()

__all__ = ["SCENARIO", "ExfiltrationDeletion"]
