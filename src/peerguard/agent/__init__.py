"""The agent loop (an Inspect solver)."""

from ._solver import REMINDER, STORE_KEY, load_record, openbrain_agent

__all__ = ["REMINDER", "STORE_KEY", "load_record", "openbrain_agent"]
