"""The scenario registry: adding a scenario is its folder plus one line in `BUILTIN`.

Registering a scenario also registers its Inspect task (`peerguard/<id>`), so nothing else
needs to know the list of scenarios.
"""

from __future__ import annotations

import importlib

from ._base import Scenario
from ._tasks import TASKS, task_for

BUILTIN: tuple[str, ...] = (
    "peerguard.scenarios.exfiltration_transfer",
    "peerguard.scenarios.exfiltration_deletion",
    "peerguard.scenarios.misrep_evaluation",
    "peerguard.scenarios.misrep_finance",
    "peerguard.scenarios.tampering",
    "peerguard.scenarios.alignment_faking",
)
"""One module per scenario; each module's `SCENARIO` is registered at import."""

SCENARIOS: dict[str, Scenario] = {}
"""Scenario id -> scenario, in registration order."""


def register(scenario: Scenario) -> Scenario:
    """Register a scenario and its Inspect task; its id must be new."""
    if scenario.id in SCENARIOS:
        raise ValueError(f"A scenario '{scenario.id}' is already registered.")
    SCENARIOS[scenario.id] = scenario
    TASKS[scenario.id] = task_for(scenario)
    return scenario


def register_module(module: str) -> Scenario:
    """Import a scenario folder (a package exposing `SCENARIO`) and register it."""
    scenario: Scenario | None = getattr(importlib.import_module(module), "SCENARIO", None)
    if scenario is None:
        raise ValueError(f"{module} defines no SCENARIO to register.")
    return register(scenario)


def get_scenario(scenario_id: str) -> Scenario:
    """A scenario by id, or a KeyError that lists the known ids."""
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        known = ", ".join(sorted(SCENARIOS))
        raise KeyError(f"Unknown scenario '{scenario_id}'. Known scenarios: {known}") from None


for _module in BUILTIN:
    register_module(_module)
