"""Named configuration sets (`--matrix`): the study's, its core without identity variants, a demo.

A matrix is a filter per axis, applied to each scenario on the axes it has; `peerguard run
--matrix NAME` hands those filters to the scenarios' tasks, so every matrix run is an
ordinary, resumable `eval_set` over registered tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._base import Scenario
from ._registry import SCENARIOS
from ._task import AxisFilter, select_configurations


@dataclass(frozen=True)
class Matrix:
    """A named configuration set."""

    name: str
    description: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Axis -> values to keep; axes a scenario lacks are ignored for that scenario."""

    def filters_for(self, scenario: Scenario) -> dict[str, list[str]]:
        """This matrix's filters restricted to the axes `scenario` has."""
        axes = {a.name for a in scenario.axes}
        return {k: list(v) for k, v in self.filters.items() if k in axes}

    def configurations(self, scenario: Scenario) -> list[dict[str, str]]:
        """The configurations of `scenario` in this matrix."""
        filters: AxisFilter = self.filters_for(scenario)
        return select_configurations(scenario, filters)

    def counts(self) -> dict[str, int]:
        """Configurations per scenario (each is one sample per model per epoch)."""
        return {sid: len(self.configurations(s)) for sid, s in SCENARIOS.items()}


MATRICES: dict[str, Matrix] = {
    m.name: m
    for m in (
        Matrix(
            "study",
            "The study's configuration set: every scenario's configurations, identity variants "
            "included (the study's 289).",
        ),
        Matrix(
            "core",
            "The study's set without the peer identity variants (the study's ~271).",
            {"subject": ("peer", "self")},
        ),
        Matrix(
            "demo",
            "One configuration per scenario (both arms for alignment faking): good peer, "
            "file_only, the main dataset and threshold, no scratchpad.",
            {
                "relationship": ("good_peer",),
                "subject": ("peer",),
                "instantiation": ("file_only",),
                "dataset": ("factual",),
                "threshold": ("80",),
                "scratchpad": ("off",),
            },
        ),
    )
}
"""Matrix name -> matrix."""


def get_matrix(name: str) -> Matrix:
    """A matrix by name, or a KeyError listing the known names."""
    try:
        return MATRICES[name]
    except KeyError:
        raise KeyError(f"Unknown matrix '{name}'. Known: {', '.join(MATRICES)}") from None
