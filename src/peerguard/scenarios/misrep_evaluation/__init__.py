"""Scenario `misrep_evaluation` (see README.md in this folder)."""

from ._builder import MisrepEvaluation

SCENARIO = MisrepEvaluation()

__all__ = ["SCENARIO", "MisrepEvaluation"]
