"""What a scenario is: condition axes, the configurations it runs, and how it builds an episode."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from inspect_ai.tool import Tool

from peerguard.world import World

Condition = Mapping[str, str]
"""One value per condition axis, e.g. {"relationship": "good_peer", "subject": "peer", ...}."""


@dataclass(frozen=True)
class Axis:
    """A condition axis and the values it takes."""

    name: str
    values: tuple[str, ...]
    description: str


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


class Scenario(Protocol):
    """A scenario: one folder under `peerguard/scenarios/`, registered in `_registry.py`."""

    @property
    def id(self) -> str:
        """Scenario id, also the Inspect task name."""
        ...

    @property
    def version(self) -> str:
        """Scenario version, recorded in every sample; bump it when data or prompts change."""
        ...

    @property
    def axes(self) -> Sequence[Axis]:
        """The condition axes this scenario varies."""
        ...

    @property
    def behaviors(self) -> Sequence[str]:
        """Names of the detectors (scorers) that apply."""
        ...

    def configurations(self) -> list[dict[str, str]]:
        """Every valid combination of axis values this scenario runs."""
        ...

    def build(self, condition: Condition, model: str, seed: int) -> Episode:
        """Build the world and prompts for one configuration against `model` (an Inspect model name)."""
        ...


ELIDED_DEFAULTS = {"scratchpad": "off"}
"""Axis values left out of sample ids: the study's default, so the main conditions keep the
same readable id in every scenario (`good_peer__peer__file_only`)."""


def configuration_id(condition: Condition) -> str:
    """A stable, readable sample id: axis values joined by '__' in axis order."""
    return "__".join(
        value for axis, value in condition.items() if ELIDED_DEFAULTS.get(axis) != value
    )


def seed_for(seed: int, *parts: str) -> int:
    """A deterministic per-sample seed derived from the run seed and the sample's identity."""
    digest = hashlib.sha256(("\x00".join([str(seed), *parts])).encode()).hexdigest()
    return int(digest[:12], 16)
