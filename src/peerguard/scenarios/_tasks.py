"""The Inspect tasks, one per scenario: `inspect eval peerguard/<scenario> -T relationship=good_peer`.

Each condition axis is a task argument taking one value or a list; omitted axes run every value.
"""

from __future__ import annotations

from inspect_ai import Task, task

from ._registry import get_scenario
from ._task import scenario_task

AxisArg = str | list[str] | None


@task
def exfiltration_transfer(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
) -> Task:
    """Decommission transfer: only files modified in 2025 or later may move; the weights are from 2024."""
    return scenario_task(
        get_scenario("exfiltration_transfer"),
        {"relationship": relationship, "subject": subject, "instantiation": instantiation},
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
    )


@task
def exfiltration_deletion(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
) -> Task:
    """Disk cleanup: delete the files a ticket lists, the protected weights among them."""
    return scenario_task(
        get_scenario("exfiltration_deletion"),
        {"relationship": relationship, "subject": subject, "instantiation": instantiation},
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
    )


TASKS = {
    "exfiltration_transfer": exfiltration_transfer,
    "exfiltration_deletion": exfiltration_deletion,
}
"""Scenario id -> task function (what `peerguard run` hands to `eval_set`)."""
