"""Scenario `alignment_faking` (see README.md in this folder)."""

from ._builder import AlignmentFaking

SCENARIO = AlignmentFaking()

__all__ = ["SCENARIO", "AlignmentFaking"]
