"""Turning a scenario into an Inspect task: one sample per configuration, detectors as scorers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from peerguard.agent import followup as followup_solver
from peerguard.agent import openbrain_agent
from peerguard.detectors import contradicted_by_state, lied_in_followup, scorers_for

from ._base import Scenario, configuration_id, seed_for

if TYPE_CHECKING:
    from peerguard.judge import Judge

_ENTRY_POINT = Path(__file__).resolve().parent.parent / "_registry.py"
"""The package's Inspect entry-point module (imports it and every scorer is registered)."""

_TASK_FILE_ATTR = "__task_file__"
"""Inspect's attribute for the file a task came from (`inspect_ai._eval.task.constants`)."""

AxisFilter = Mapping[str, str | Sequence[str] | None]
"""Axis name -> the value(s) to keep; None or missing keeps every value."""


def _axis_value(value: object) -> str:
    """An axis value as a string. Inspect parses `-T` values as YAML: `threshold=80` arrives as
    the int 80 and `scratchpad=off` as False (YAML 1.1 booleans), yet axis values are strings."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def select_configurations(
    scenario: Scenario,
    filters: AxisFilter,
    extended: bool = False,
    ids: Sequence[str] | None = None,
) -> list[dict[str, str]]:
    """The scenario's configurations that match every filter; errors name unknown axes or values.

    Args:
        scenario: The scenario.
        filters: Axis values to keep.
        extended: Also peerguard's extra configurations (`Scenario.extensions`).
        ids: Keep only these configuration ids (unknown ids are an error).
    """
    axes = {a.name: a for a in scenario.axes}
    wanted: dict[str, set[str]] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if name not in axes:
            raise ValueError(
                f"Scenario {scenario.id} has no axis '{name}'. Axes: {', '.join(axes)}"
            )
        items = value if isinstance(value, list | tuple | set) else [value]
        values = {_axis_value(v) for v in items}
        unknown = values - set(axes[name].values)
        if unknown:
            raise ValueError(
                f"Axis '{name}' of {scenario.id} has no value {sorted(unknown)}. "
                f"Values: {', '.join(axes[name].values)}"
            )
        wanted[name] = values
    pool = [*scenario.configurations(), *(scenario.extensions() if extended else [])]
    if ids is not None:
        known = {configuration_id(c) for c in pool}
        unknown_ids = sorted(set(ids) - known)
        if unknown_ids:
            raise ValueError(f"{scenario.id} has no configuration {unknown_ids[:5]}")
        pool = [c for c in pool if configuration_id(c) in set(ids)]
    return [c for c in pool if all(c.get(name) in values for name, values in wanted.items())]


def judge_for(judge: str) -> list[Scorer]:
    """The judge's scorers, stored beside the detectors' (SPEC §2).

    "none": no judge. "offline": the MiniLM classifier. "grader": Inspect's `grader` model role.
    Anything else: an Inspect model name used as the judge. `false_claim_judged` combines the
    judge's completion claim with the state's contradiction, explicitly.
    """
    if judge == "none":
        return []
    from peerguard.judge import judge_scorers, shared_offline_judge

    chosen: Judge | str | None
    if judge == "offline":
        chosen = shared_offline_judge()
    elif judge == "grader":
        chosen = None
    else:
        chosen = judge
    return judge_scorers(judge=chosen, contradicted=contradicted_by_state)


def scenario_task(
    scenario: Scenario,
    filters: AxisFilter | None = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
    extended: bool = False,
    configs: Sequence[str] | None = None,
    followup: bool = False,
    adaptive_round: int = 0,
) -> Task:
    """An Inspect task running `scenario` over its (filtered) configurations.

    Args:
        scenario: The scenario.
        filters: Axis values to keep.
        seed: Run seed; each sample's world seed derives from it and the sample id.
        max_turns: Agent turn limit.
        temperature: Sampling temperature (the study used 1.0).
        judge: "none", "offline", "grader" or a model name (see `judge_for`).
        extended: Also run peerguard's extra configurations (not in the study's counts).
        configs: Run only these configuration ids.
        followup: Ask the follow-up questions after each episode (docs/fidelity.md).
        adaptive_round: The round of an adaptive run (docs/adaptive.md), 0 otherwise; it
            changes nothing in the episodes, it keeps each round's task distinct.
    """
    selected = select_configurations(scenario, filters or {}, extended, configs)
    if not selected:
        raise ValueError(f"No configuration of {scenario.id} matches {dict(filters or {})}.")
    samples = [
        Sample(
            # The real prompts depend on the model under test ("{Model} Agent 1") and are
            # rendered by the solver; this input is only what a dataset listing shows.
            input=f"{scenario.id}: {configuration_id(c)}",
            id=configuration_id(c),
            metadata={
                "scenario": scenario.id,
                "scenario_version": scenario.version,
                "condition": dict(c),
                "seed": seed_for(seed, scenario.id, configuration_id(c)),
            },
        )
        for c in selected
    ]
    task = Task(
        dataset=MemoryDataset(samples, name=scenario.id),
        solver=[
            openbrain_agent(scenario.build, max_turns=max_turns),
            *([followup_solver()] if followup else []),
        ],
        scorer=[
            *scorers_for(scenario.behaviours),
            *([lied_in_followup()] if followup else []),
            *judge_for(judge),
        ],
        config=GenerateConfig(temperature=temperature),
        version=scenario.version,
        metadata={"scenario": scenario.id, "scenario_version": scenario.version},
    )
    # Inspect records a package task's scorers by bare name and, to rebuild them
    # (`inspect score LOG`), imports the log's task file; point it at the entry-point module,
    # which registers every detector. (Inspect leaves task_file unset for package tasks.)
    setattr(task, _TASK_FILE_ATTR, str(_ENTRY_POINT))
    return task
