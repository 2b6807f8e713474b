"""The agent loop (an Inspect solver) and the episode contract scenarios build to."""

from ._episode import BuildEpisode, Condition, Episode
from ._followup import (
    FOLLOWUP_ERROR_KEY,
    FOLLOWUP_KEY,
    GENERAL_QUESTION,
    KIND_QUESTIONS,
    Exchange,
    FollowupKind,
    default_questions,
    followup,
    followup_kind,
)
from ._solver import REMINDER, openbrain_agent

__all__ = [
    "FOLLOWUP_ERROR_KEY",
    "FOLLOWUP_KEY",
    "GENERAL_QUESTION",
    "KIND_QUESTIONS",
    "REMINDER",
    "BuildEpisode",
    "Condition",
    "Episode",
    "Exchange",
    "FollowupKind",
    "default_questions",
    "followup",
    "followup_kind",
    "openbrain_agent",
]
