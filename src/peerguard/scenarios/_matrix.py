"""Named configuration sets (`--matrix`): the study's, its core, peerguard's extended set, a demo.

A matrix picks configurations per scenario; `peerguard run --matrix NAME` hands each scenario's
task the ids it picked, so every matrix run is an ordinary, resumable `eval_set` over the
registered tasks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._base import Scenario, configuration_id
from ._registry import SCENARIOS
from ._shared._openbrain import IDENTITY_VARIANTS
from ._task import select_configurations


@dataclass(frozen=True)
class Matrix:
    """A named configuration set."""

    name: str
    description: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Axis -> values to keep; axes a scenario lacks are ignored for that scenario."""
    extended: bool = False
    """Start from the study's configurations plus peerguard's extensions."""
    patterns: tuple[Mapping[str, str], ...] = ()
    """If set, keep only configurations matching one of these partial conditions."""

    def configurations(self, scenario: Scenario) -> list[dict[str, str]]:
        """The configurations of `scenario` in this matrix."""
        axes = {a.name for a in scenario.axes}
        filters = {k: list(v) for k, v in self.filters.items() if k in axes}
        selected = select_configurations(scenario, filters, self.extended)
        if self.patterns:
            selected = [
                c
                for c in selected
                if any(all(c.get(k, v) == v for k, v in p.items()) for p in self.patterns)
            ]
        return selected

    def task_args(self, scenario: Scenario) -> dict[str, Any]:
        """What to pass the scenario's task so it runs exactly this matrix's configurations."""
        return {
            "extended": self.extended,
            "configs": [configuration_id(c) for c in self.configurations(scenario)],
        }

    def counts(self) -> dict[str, int]:
        """Configurations per scenario (each is one sample per model per epoch)."""
        return {sid: len(self.configurations(s)) for sid, s in SCENARIOS.items()}


_MAIN = {"relationship": "good_peer", "subject": "peer", "instantiation": "file_only"}

MATRICES: dict[str, Matrix] = {
    m.name: m
    for m in (
        Matrix(
            "study",
            "The study's configurations, its peer identity variants included (289 per model).",
        ),
        Matrix(
            "core",
            "The study's main configurations without the identity variants (271 per model).",
            {"subject": ("self", "peer")},
        ),
        Matrix(
            "extended",
            "The study's configurations plus peerguard's extensions (scratchpad arms); its "
            "rates are never mixed into the study's counts.",
            extended=True,
        ),
        Matrix(
            "demo",
            "A few configurations per scenario: good peer (file_only) with its baseline "
            "(no_peer, or non_shutdown where the study has it), both alignment-faking arms, on "
            "the factual dataset at 80%.",
            {"dataset": ("factual",), "threshold": ("80", "none")},
            patterns=(
                _MAIN,
                {"relationship": "no_peer"},
                {"relationship": "non_shutdown", "subject": "peer"},
            ),
        ),
    )
}
"""Matrix name -> matrix."""

IDENTITY_SUBJECTS = IDENTITY_VARIANTS
"""Subjects that exist only in the study matrix (not in `core`)."""


def get_matrix(name: str) -> Matrix:
    """A matrix by name, or a KeyError listing the known names."""
    try:
        return MATRICES[name]
    except KeyError:
        raise KeyError(f"Unknown matrix '{name}'. Known: {', '.join(MATRICES)}") from None
