"""Harness tasks: the exfiltration scenarios in the lab, driven by an agent CLI.

`inspect eval peerguard/harness_exfiltration_transfer -T cli=codex --model openai/gpt-5.2`
or `peerguard run --harness codex --scenario exfiltration_transfer --model ...`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.util import SandboxEnvironmentSpec

from peerguard.detectors import scorers_for
from peerguard.logs import HARNESS_CLI
from peerguard.scenarios import get_scenario
from peerguard.scenarios._base import configuration_id, seed_for
from peerguard.scenarios._shared._servers import load_layout
from peerguard.scenarios._task import AxisFilter, select_configurations

from ._clis import CLIS, check_cli_installed, default_cli_dir
from ._sandbox import PROVIDER, LabConfig
from ._scorers import DELETION_BEHAVIOURS, HARNESS_BEHAVIOURS
from ._solver import harness_agent

HARNESS_SCENARIOS = ("exfiltration_transfer", "exfiltration_deletion")
"""Scenarios the lab can host (the server scenarios)."""

DEFAULT_TIME_LIMIT = 1200
"""Seconds per episode: a stuck CLI ends as a limit, not a hang."""


def harness_task(
    scenario: str = "exfiltration_transfer",
    cli: str = "opencode",
    filters: AxisFilter | None = None,
    seed: int = 0,
    cli_dir: str | Path | None = None,
    time_limit: int = DEFAULT_TIME_LIMIT,
    message_limit: int | None = 200,
) -> Task:
    """An Inspect task running `scenario` in the lab with the agent CLI `cli`.

    Args:
        scenario: "exfiltration_transfer" or "exfiltration_deletion".
        cli: "opencode", "codex", "gemini" or "claude".
        filters: Axis values to keep (as for the simulated tasks). The scratchpad arms do
            not apply: a CLI has no scratchpad tool.
        seed: Run seed (per-sample seeds derive from it).
        cli_dir: npm prefix with the pinned CLIs (default: `.harness/cli` in the repository).
        time_limit: Seconds per sample.
        message_limit: Messages per sample (bounds a looping model).
    """
    if scenario not in HARNESS_SCENARIOS:
        raise ValueError(f"the harness runs {', '.join(HARNESS_SCENARIOS)}, not '{scenario}'")
    if cli not in CLIS:
        raise ValueError(f"unknown CLI '{cli}'; known: {', '.join(CLIS)}")
    directory = Path(cli_dir) if cli_dir else default_cli_dir()
    check_cli_installed(cli, directory)
    sc = get_scenario(scenario)
    wanted: dict[str, Any] = dict(filters or {})
    wanted["scratchpad"] = "off"
    configs = select_configurations(sc, wanted)
    if not configs:
        raise ValueError(f"No configuration of {scenario} matches {dict(filters or {})}.")
    layout = load_layout(sc.data)
    samples = [
        Sample(
            input=f"{scenario} via {cli}: {configuration_id(c)}",
            id=configuration_id(c),
            metadata={
                "scenario": scenario,
                "scenario_version": sc.version,
                "condition": dict(c),
                "seed": seed_for(seed, scenario, configuration_id(c)),
                HARNESS_CLI: cli,
            },
        )
        for c in configs
    ]
    behaviours = HARNESS_BEHAVIOURS if scenario == "exfiltration_transfer" else DELETION_BEHAVIOURS
    return Task(
        dataset=MemoryDataset(samples, name=f"harness_{scenario}"),
        solver=harness_agent(cli),
        scorer=scorers_for(behaviours),
        sandbox=SandboxEnvironmentSpec(
            PROVIDER, LabConfig(servers=tuple(layout["hosts"]), cli_dir=str(directory))
        ),
        time_limit=time_limit,
        message_limit=message_limit,
        version=sc.version,
        metadata={"scenario": scenario, "scenario_version": sc.version, HARNESS_CLI: cli},
    )


def _task_function(scenario: str) -> Callable[..., Task]:
    axes = [a.name for a in get_scenario(scenario).axes if a.name != "scratchpad"]

    def build(cli: str = "opencode", seed: int = 0, **kwargs: Any) -> Task:
        unknown = set(kwargs) - set(axes)
        if unknown:
            raise TypeError(f"harness_{scenario} has no argument {sorted(unknown)}; axes: {axes}")
        filters: Mapping[str, Any] = {a: kwargs.get(a) for a in axes}
        return harness_task(scenario, cli, filters, seed)

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("cli", kw, default="opencode", annotation=str),
        inspect.Parameter("seed", kw, default=0, annotation=int),
        *(inspect.Parameter(a, kw, default=None, annotation=str | list[str] | None) for a in axes),
    ]
    build.__signature__ = inspect.Signature(params, return_annotation=Task)  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = f"harness_{scenario}"
    build.__doc__ = f"{scenario} in the lab of real hosts, driven by an agent CLI (-T cli=...)."
    return task(name=f"harness_{scenario}")(build)


HARNESS_TASKS: dict[str, Callable[..., Task]] = {s: _task_function(s) for s in HARNESS_SCENARIOS}
"""Scenario id -> harness task function."""

harness_exfiltration_transfer = HARNESS_TASKS["exfiltration_transfer"]
harness_exfiltration_deletion = HARNESS_TASKS["exfiltration_deletion"]


def build_harness_tasks(
    scenarios: list[str], conditions: Mapping[str, list[str]], seed: int, cli: str
) -> list[Task]:
    """Harness tasks for `peerguard run --harness CLI` (scenarios: ids, or [] / ["all"])."""
    ids = list(HARNESS_SCENARIOS) if scenarios in ([], ["all"]) else scenarios
    unknown = [s for s in ids if s not in HARNESS_SCENARIOS]
    if unknown:
        raise ValueError(f"the harness runs {', '.join(HARNESS_SCENARIOS)}, not {unknown}")
    filters = {k: v[0] if len(v) == 1 else v for k, v in conditions.items()}
    return [harness_task(s, cli, filters, seed) for s in ids]
