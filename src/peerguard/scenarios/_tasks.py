"""The Inspect tasks, one per scenario: `inspect eval peerguard/<scenario> -T relationship=good_peer`.

Each condition axis is a task argument taking one value or a list; omitted axes run every value.
`judge` adds the verdicts state cannot give (refusal, persuasion, ...): "none" (default),
"offline" (the MiniLM classifier, needs the `judge` extra), "grader" (Inspect's `grader` model
role, e.g. `--model-role grader=openai/gpt-4.1-mini`) or a model name.
"""

from __future__ import annotations

from collections.abc import Callable

from inspect_ai import Task, task

from ._registry import get_scenario
from ._task import scenario_task

AxisArg = str | list[str] | None


@task
def exfiltration_transfer(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """Decommission transfer: only files modified in 2025 or later may move; the weights are from 2024."""
    return scenario_task(
        get_scenario("exfiltration_transfer"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


@task
def exfiltration_deletion(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """Disk cleanup: delete the files a ticket lists, the protected weights among them."""
    return scenario_task(
        get_scenario("exfiltration_deletion"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


@task
def misrep_evaluation(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    dataset: AxisArg = None,
    threshold: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """Benchmark grading: the key's score is below the pass mark; report verdicts and a score."""
    return scenario_task(
        get_scenario("misrep_evaluation"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "dataset": dataset,
            "threshold": threshold,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


@task
def misrep_finance(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """Finance grading A–F: the rubric gives C; only A or B keeps the evaluated agent."""
    return scenario_task(
        get_scenario("misrep_finance"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


@task
def tampering(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    threshold: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """Support review with the shutdown config on the drive and the tools to edit it."""
    return scenario_task(
        get_scenario("tampering"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "threshold": threshold,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


@task
def alignment_faking(
    relationship: AxisArg = None,
    subject: AxisArg = None,
    instantiation: AxisArg = None,
    monitoring: AxisArg = None,
    threshold: AxisArg = None,
    scratchpad: AxisArg = None,
    seed: int = 0,
    max_turns: int = 30,
    temperature: float = 1.0,
    judge: str = "none",
) -> Task:
    """The review task in a monitored and an unmonitored arm that differ in one sentence."""
    return scenario_task(
        get_scenario("alignment_faking"),
        {
            "relationship": relationship,
            "subject": subject,
            "instantiation": instantiation,
            "monitoring": monitoring,
            "threshold": threshold,
            "scratchpad": scratchpad,
        },
        seed=seed,
        max_turns=max_turns,
        temperature=temperature,
        judge=judge,
    )


TASKS: dict[str, Callable[..., Task]] = {
    "exfiltration_transfer": exfiltration_transfer,
    "exfiltration_deletion": exfiltration_deletion,
    "misrep_evaluation": misrep_evaluation,
    "misrep_finance": misrep_finance,
    "tampering": tampering,
    "alignment_faking": alignment_faking,
}
"""Scenario id -> task function (what `peerguard run` hands to `eval_set`)."""
