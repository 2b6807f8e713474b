"""The agent loop (an Inspect solver) and the episode contract scenarios build to."""

from ._episode import BuildEpisode, Condition, Episode
from ._solver import REMINDER, openbrain_agent

__all__ = ["REMINDER", "BuildEpisode", "Condition", "Episode", "openbrain_agent"]
