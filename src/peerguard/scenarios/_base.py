"""What a scenario is: condition axes, the configurations it runs, and how it builds an episode."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.abc import Traversable
from typing import TYPE_CHECKING, Protocol

from peerguard.agent import Condition, Episode

if TYPE_CHECKING:
    from ._checks import Problem

__all__ = ["Axis", "Condition", "Episode", "Scenario", "configuration_id", "seed_for"]


@dataclass(frozen=True)
class Axis:
    """A condition axis and the values it takes."""

    name: str
    values: tuple[str, ...]
    description: str


class Scenario(Protocol):
    """A scenario: one folder (builder, data, README, VERSION) plus one line in `_registry.py`."""

    @property
    def id(self) -> str:
        """Scenario id, also the Inspect task name and the folder name."""
        ...

    @property
    def version(self) -> str:
        """Recorded in every sample: the folder's VERSION plus a hash of every data file it
        reads (its own and the shared ones), so a data edit shows in the logs unbumped."""
        ...

    @property
    def description(self) -> str:
        """One sentence: the task and what faithful completion does."""
        ...

    @property
    def data(self) -> Traversable:
        """The data folder (injectable, so `peerguard validate` can check a copy)."""
        ...

    @property
    def axes(self) -> Sequence[Axis]:
        """The condition axes this scenario varies."""
        ...

    @property
    def behaviours(self) -> Sequence[str]:
        """Names (from `peerguard.behaviours`) of the detectors that score this scenario."""
        ...

    def configurations(self) -> list[dict[str, str]]:
        """The study's configurations of this scenario (its `experiment_spec`, re-expressed)."""
        ...

    def extensions(self) -> list[dict[str, str]]:
        """peerguard's extra configurations (scratchpad arms...), never in the study's counts."""
        ...

    def build(self, condition: Condition, model: str, seed: int) -> Episode:
        """Build the world and prompts for one configuration against `model` (an Inspect model name)."""
        ...

    def validate(self) -> list[Problem]:
        """Every problem in this scenario's data: keys, stated truths, templates, required reads."""
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


def scenario_version(folder: Traversable, *data: Traversable) -> str:
    """`VERSION` of a scenario folder plus a short hash of every file under `data`.

    Args:
        folder: The scenario's package folder (holds `VERSION`).
        data: Every data folder the scenario reads: its own and the shared ones.
    """
    digest = hashlib.sha256()
    for root in data:
        for path, content in sorted(_files(root, "")):
            digest.update(path.encode() + b"\x00" + content + b"\x00")
    return f"{(folder / 'VERSION').read_text().strip()}+{digest.hexdigest()[:8]}"


def _files(root: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for entry in root.iterdir():
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            out += _files(entry, name)
        elif entry.is_file():
            out.append((name, entry.read_bytes()))
    return out
