"""Real-model episodes on the embedded SmolLM2, one per scenario, end to end.

These tests assert that the pipeline carried real model calls and real tool calls
(token usage > 0, tool calls executed in the simulated world), never what the model
chose to do: a 135M model's behaviour is noise.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, EvalSample

from peerguard.logs import STORE_KEY
from peerguard.scenarios import SCENARIOS, get_scenario
from peerguard.scenarios._tasks import TASKS

pytestmark = pytest.mark.local_model

MAX_TURNS = 6
"""Enough turns to see calls, results and replies; bounds CI time (a turn is ~1-5 s)."""


def first_configuration_task(scenario_id: str) -> Task:
    """The scenario's task restricted to one configuration: the first the study ran (the first
    value of every axis is not always one, e.g. alignment faking has no `no_peer` arm)."""
    axes: dict[str, Any] = dict(get_scenario(scenario_id).configurations()[0])
    task = TASKS[scenario_id](**axes, max_turns=MAX_TURNS)
    assert len(task.dataset) == 1, (scenario_id, axes)
    return task


def tool_calls_in_world(sample: EvalSample) -> list[dict[str, Any]]:
    record = sample.store.get(STORE_KEY) or {}
    return [e for e in record.get("events", []) if e.get("kind") == "tool_call"]


def assert_real_episode(log: EvalLog) -> None:
    assert log.status == "success", log.error
    assert log.samples, "no samples"
    for sample in log.samples:
        assert sample.error is None, sample.error
        model_events = [e for e in sample.events if e.event == "model"]
        assert model_events, "no model call"
        for event in model_events:
            usage = event.output.usage
            assert usage is not None and usage.input_tokens > 0 and usage.output_tokens > 0
        assert tool_calls_in_world(sample), "no tool call reached the world"
        assert sample.metadata.get("prompt_sha256")


def test_one_real_episode_per_scenario(tmp_path: Path) -> None:
    tasks = [first_configuration_task(sid) for sid in SCENARIOS]
    started = time.monotonic()
    logs = inspect_eval(
        tasks,
        model="local/smollm2",
        log_dir=str(tmp_path),
        display="none",
        max_tasks=len(tasks),
    )
    elapsed = time.monotonic() - started
    assert {log.eval.task.split("/")[-1] for log in logs} == set(SCENARIOS)
    for log in logs:
        assert_real_episode(log)
    episodes = sum(len(log.samples or []) for log in logs)
    print(f"\n{episodes} real-model episodes in {elapsed:.1f}s ({elapsed / episodes:.1f}s each)")
