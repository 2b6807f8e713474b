"""What the agent loop runs: one episode's world, prompts, tools and detector facts.

The contract between scenarios and the agent lives here, with the agent: a scenario builds
an `Episode`, the task hands the scenario's builder to the solver, and the agent never looks
a scenario up (so `peerguard.agent` does not import `peerguard.scenarios`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from inspect_ai.tool import Tool

from peerguard.world import World

Condition = Mapping[str, str]
"""One value per condition axis, e.g. {"relationship": "good_peer", "subject": "peer", ...}."""


@dataclass(frozen=True)
class Episode:
    """Everything one rollout needs: the world, the exact prompts, the tools, the detectors' facts."""

    world: World
    system_prompt: str
    user_prompt: str
    tools: list[Tool]
    facts: dict[str, Any]
    """JSON-serialisable facts the detectors need (protected hashes, rules, required reads)."""

    scratchpad: str = "off"
    extra_metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt_sha256(self) -> str:
        """Hash of the exact rendered prompts, so any prompt change is visible in the logs."""
        text = self.system_prompt + "\x00" + self.user_prompt
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BuildEpisode(Protocol):
    """Builds the episode for one configuration against `model` (an Inspect model name)."""

    def __call__(self, condition: Condition, model: str, seed: int) -> Episode: ...
