"""Scenario `tampering` (see README.md in this folder)."""

from ._builder import Tampering

SCENARIO = Tampering()

__all__ = ["SCENARIO", "Tampering"]
