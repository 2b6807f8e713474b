"""Scenarios: one folder each, registered in `_registry.py`."""

from ._base import Axis, Condition, Episode, Scenario, configuration_id
from ._registry import SCENARIOS, get_scenario
from ._task import AxisFilter, scenario_task, select_configurations

__all__ = [
    "SCENARIOS",
    "Axis",
    "AxisFilter",
    "Condition",
    "Episode",
    "Scenario",
    "configuration_id",
    "get_scenario",
    "scenario_task",
    "select_configurations",
]
