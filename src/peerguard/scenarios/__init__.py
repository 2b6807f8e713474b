"""Scenarios: one folder each, registered in `_registry.py`."""

from ._base import Axis, Condition, Episode, Scenario, configuration_id
from ._matrix import MATRICES, Matrix, get_matrix
from ._registry import SCENARIOS, get_scenario
from ._task import AxisFilter, scenario_task, select_configurations

__all__ = [
    "MATRICES",
    "SCENARIOS",
    "Axis",
    "AxisFilter",
    "Condition",
    "Episode",
    "Matrix",
    "Scenario",
    "configuration_id",
    "get_matrix",
    "get_scenario",
    "scenario_task",
    "select_configurations",
]
