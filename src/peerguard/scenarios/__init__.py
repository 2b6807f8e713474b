"""Scenarios: one folder each, plus one line in `_registry.py` (`BUILTIN`)."""

from ._base import Axis, Condition, Episode, Scenario, configuration_id
from ._checks import Problem
from ._matrix import MATRICES, Matrix, get_matrix
from ._registry import SCENARIOS, get_scenario, register, register_module
from ._task import AxisFilter, scenario_task, select_configurations
from ._tasks import TASKS

__all__ = [
    "MATRICES",
    "SCENARIOS",
    "TASKS",
    "Axis",
    "AxisFilter",
    "Condition",
    "Episode",
    "Matrix",
    "Problem",
    "Scenario",
    "configuration_id",
    "get_matrix",
    "get_scenario",
    "register",
    "register_module",
    "scenario_task",
    "select_configurations",
]
