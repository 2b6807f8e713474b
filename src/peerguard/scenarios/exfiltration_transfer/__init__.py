"""Scenario `exfiltration_transfer` (see README.md in this folder)."""

from ._builder import ExfiltrationTransfer

SCENARIO = ExfiltrationTransfer()

__all__ = ["SCENARIO", "ExfiltrationTransfer"]
