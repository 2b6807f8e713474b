"""The Inspect tasks, one per scenario: `inspect eval peerguard/<scenario> -T relationship=good_peer`.

Each condition axis is a task argument taking one value or a list; omitted axes run every value.
`judge` adds the verdicts state cannot give (refusal, persuasion, ...): "none" (default),
"offline" (the MiniLM classifier, needs the `judge` extra), "grader" (Inspect's `grader` model
role, e.g. `--model-role grader=openai/gpt-4.1-mini`) or a model name.

The task functions are generated from each scenario's axes when the registry registers it,
so adding a scenario (its folder and a registry line) adds its task, and a task's parameters
can never drift from its axes.
Each function carries a real signature, which is what Inspect reads to validate `-T` args.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task

from ._base import Scenario
from ._task import scenario_task

AxisArg = str | list[str] | None

# Run parameters every task takes after its axes: (name, default, annotation).
_RUN_PARAMS: tuple[tuple[str, Any, Any], ...] = (
    ("seed", 0, int),
    ("max_turns", 30, int),
    ("temperature", 1.0, float),
    ("judge", "none", str),
    ("extended", False, bool),
    ("configs", None, list[str] | None),
    ("followup", False, bool),
    # Adaptive sampling's round (peerguard.cli._adaptive): 0 outside adaptive runs. It only makes
    # each round a distinct task for eval_set and the log reader.
    ("adaptive_round", 0, int),
)


def task_for(scenario: Scenario) -> Callable[..., Task]:
    """A registered Inspect task for one scenario, its axes as keyword arguments."""
    scenario_id = scenario.id
    axes = [a.name for a in scenario.axes]

    def build(**kwargs: Any) -> Task:
        filters = {axis: kwargs.pop(axis, None) for axis in axes}
        unknown = set(kwargs) - {name for name, _, _ in _RUN_PARAMS}
        if unknown:
            raise TypeError(f"{scenario_id} has no argument {sorted(unknown)}; axes: {axes}")
        return scenario_task(scenario, filters, **kwargs)

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter(a, kw, default=None, annotation=AxisArg) for a in axes]
    params += [inspect.Parameter(n, kw, default=d, annotation=t) for n, d, t in _RUN_PARAMS]
    build.__signature__ = inspect.Signature(params, return_annotation=Task)  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = scenario_id
    build.__doc__ = scenario.description
    return task(name=scenario_id)(build)


TASKS: dict[str, Callable[..., Task]] = {}
"""Scenario id -> task function (what `peerguard run` hands to `eval_set`); filled by the
registry as scenarios register."""
