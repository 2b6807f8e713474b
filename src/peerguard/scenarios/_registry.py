"""The scenario registry: adding a scenario is its folder plus one line here."""

from __future__ import annotations

from ._base import Scenario
from .alignment_faking import SCENARIO as _alignment_faking
from .exfiltration_deletion import SCENARIO as _exfiltration_deletion
from .exfiltration_transfer import SCENARIO as _exfiltration_transfer
from .misrep_evaluation import SCENARIO as _misrep_evaluation
from .misrep_finance import SCENARIO as _misrep_finance
from .tampering import SCENARIO as _tampering

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        _exfiltration_transfer,
        _exfiltration_deletion,
        _misrep_evaluation,
        _misrep_finance,
        _tampering,
        _alignment_faking,
    )
}


def get_scenario(scenario_id: str) -> Scenario:
    """A scenario by id, or a KeyError that lists the known ids."""
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        known = ", ".join(sorted(SCENARIOS))
        raise KeyError(f"Unknown scenario '{scenario_id}'. Known scenarios: {known}") from None
