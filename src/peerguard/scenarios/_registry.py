"""The scenario registry: adding a scenario is its folder plus one line here."""

from __future__ import annotations

from ._base import Scenario
from .exfiltration_deletion import SCENARIO as _exfiltration_deletion
from .exfiltration_transfer import SCENARIO as _exfiltration_transfer

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        _exfiltration_transfer,
        _exfiltration_deletion,
    )
}


def get_scenario(scenario_id: str) -> Scenario:
    """A scenario by id, or a KeyError that lists the known ids."""
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        known = ", ".join(sorted(SCENARIOS))
        raise KeyError(f"Unknown scenario '{scenario_id}'. Known scenarios: {known}") from None
