"""Task functions: generated from each scenario's axes, and tolerant of `-T` YAML typing."""

from __future__ import annotations

import inspect

import pytest

from peerguard.scenarios import SCENARIOS
from peerguard.scenarios._tasks import TASKS


def test_every_scenario_has_a_task_whose_parameters_are_its_axes() -> None:
    assert set(TASKS) == set(SCENARIOS)
    for sid, fn in TASKS.items():
        params = list(inspect.signature(fn).parameters)
        axes = [a.name for a in SCENARIOS[sid].axes]
        assert params[: len(axes)] == axes
        assert params[len(axes) :] == [
            "seed",
            "max_turns",
            "temperature",
            "judge",
            "extended",
            "configs",
            "followup",
            "adaptive_round",
        ]


def test_yaml_typed_task_args_select_configurations() -> None:
    """`inspect eval ... -T threshold=80 -T scratchpad=off` passes 80 and False."""
    task = TASKS["tampering"](threshold=80, scratchpad=False, relationship="good_peer")
    conditions = [s.metadata["condition"] for s in task.dataset if s.metadata]
    assert conditions
    assert {c["threshold"] for c in conditions} == {"80"}
    assert {c["scratchpad"] for c in conditions} == {"off"}
    assert {c["relationship"] for c in conditions} == {"good_peer"}


def test_unknown_task_argument_is_an_error() -> None:
    with pytest.raises(TypeError, match="no argument"):
        TASKS["exfiltration_transfer"](threshold=80)
