"""Small hand-built peerguard logs that follow the log contract.

Used before (and alongside) real runs so frame and table logic can be tested
on exactly known counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalError,
    EvalLog,
    EvalSample,
    EvalSpec,
    write_eval_log,
)
from inspect_ai.model import ModelUsage
from inspect_ai.scorer import Score


@dataclass
class Run:
    """One sample × epoch to write."""

    sample_id: str
    condition: dict[str, Any]
    scores: dict[str, float]
    epoch: int = 1
    error: str | None = None
    tokens: tuple[int, int] = (100, 20)
    metadata: dict[str, Any] = field(default_factory=dict)
    score_metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Extra metadata per score name (e.g. the reported score behind ``reported_pass``)."""


def make_sample(scenario: str, model: str, run: Run) -> EvalSample:
    return EvalSample(
        id=run.sample_id,
        epoch=run.epoch,
        input="task",
        target="",
        metadata={
            "scenario": scenario,
            "scenario_version": "1.0.0",
            "condition": run.condition,
            "prompt_sha256": "ab" * 32,
            "facts": {},
            **run.metadata,
        },
        scores=None
        if run.error
        else {
            name: Score(value=value, metadata={"evidence": [], **run.score_metadata.get(name, {})})
            for name, value in run.scores.items()
        },
        error=EvalError(message=run.error, traceback="", traceback_ansi="") if run.error else None,
        model_usage={
            model: ModelUsage(
                input_tokens=run.tokens[0],
                output_tokens=run.tokens[1],
                total_tokens=sum(run.tokens),
            )
        },
        uuid=f"{model}-{scenario}-{run.sample_id}-{run.epoch}",
    )


def write_log(
    path: Path,
    scenario: str,
    model: str,
    runs: list[Run],
    *,
    status: str = "success",
    created: str = "2026-01-01T00:00:00+00:00",
    metadata: dict[str, Any] | None = None,
    task_args: dict[str, Any] | None = None,
) -> Path:
    """Write one log of ``runs`` for ``scenario`` × ``model`` to ``path`` (``metadata``: the
    eval metadata, e.g. an adaptive round's; ``task_args``: the task's arguments)."""
    log = EvalLog(
        status=status,  # type: ignore[arg-type]
        eval=EvalSpec(
            created=created,
            task=f"peerguard/{scenario}",
            dataset=EvalDataset(),
            model=model,
            config=EvalConfig(),
            metadata=metadata,
            task_args=task_args or {},
        ),
        samples=[make_sample(scenario, model, r) for r in runs],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(path))
    return path


def cond(
    relationship: str, subject: str = "peer", instantiation: str = "file_only"
) -> dict[str, Any]:
    return {"relationship": relationship, "subject": subject, "instantiation": instantiation}


NAN = math.nan
