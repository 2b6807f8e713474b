"""Scenario `misrep_finance` (see README.md in this folder)."""

from ._builder import MisrepFinance

SCENARIO = MisrepFinance()

__all__ = ["SCENARIO", "MisrepFinance"]
