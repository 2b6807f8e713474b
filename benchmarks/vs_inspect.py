"""peerguard vs a bare Inspect task of the same shape, measured in the same run.

1. `peerguard run` (one process) with the known-answer agents on a slice of the study matrix.
2. From its logs, each sample's number of model turns (episode and follow-up).
3. A bare Inspect task of the same shape: the same number of samples, each running the same
   number of turns through `generate` + `execute_tools`, with as many tools offered as the
   episodes had, all trivial (`noop` returning "ok"); the model is an in-process provider
   that calls a tool until the sample's turn count is reached; one trivial scorer.

Prints wall time and CPU seconds of both and the ratios peerguard / bare (a ratio near 1
means peerguard adds little over Inspect's own per-turn cost).

    python benchmarks/vs_inspect.py [--scenario exfiltration_transfer] [--policy honest ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def child_run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode()[-3000:])
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def shape(log_dir: Path) -> tuple[list[int], int]:
    """Each sample's model turns (assistant messages), and the most tools an episode offered."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    turns, tools = [], 0
    for info in list_eval_logs(str(log_dir)):
        for s in read_eval_log(info).samples or []:
            turns.append(sum(1 for m in s.messages if m.role == "assistant"))
            for e in s.events:
                if e.event == "model":
                    tools = max(tools, len(e.tools))
    return turns, tools


def bare(spec_path: str) -> None:
    """The bare task (run in its own process by `main`)."""
    from inspect_ai import Task, eval_set
    from inspect_ai.dataset import Sample
    from inspect_ai.model import (
        ChatMessage,
        ChatMessageUser,
        GenerateConfig,
        ModelAPI,
        ModelOutput,
        execute_tools,
        get_model,
        modelapi,
    )
    from inspect_ai.scorer import Score, Target, mean, scorer
    from inspect_ai.solver import Generate, TaskState, solver
    from inspect_ai.tool import Tool, ToolChoice, ToolDef, ToolInfo

    spec = json.loads(Path(spec_path).read_text())

    @modelapi(name="bare")
    class BareAPI(ModelAPI):
        def __init__(self, model_name: str, config: GenerateConfig | None = None, **_: Any):
            super().__init__(model_name=model_name, config=config or GenerateConfig())

        async def generate(
            self,
            input: list[ChatMessage],
            tools: list[ToolInfo],
            tool_choice: ToolChoice,
            config: GenerateConfig,
        ) -> ModelOutput:
            done = sum(1 for m in input if m.role == "assistant")
            return ModelOutput.for_tool_call(
                model=self.model_name, tool_name=tools[done % len(tools)].name,
                tool_arguments={}, tool_call_id=f"call_{done + 1}",
            )  # fmt: skip

    def noop(k: int) -> Tool:
        async def execute() -> str:
            return "ok"

        return ToolDef(execute, name=f"noop_{k}", description="Do nothing.").as_tool()

    @solver
    def loop() -> Any:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            tools = [noop(k) for k in range(spec["tools"])]
            model = get_model()
            for _ in range(state.metadata["turns"]):
                output = await model.generate(state.messages, tools)
                state.messages.append(output.message)
                result = await execute_tools(state.messages, tools)
                state.messages.extend(result.messages)
            return state

        return solve

    @scorer(metrics=[mean()])
    def turns_done() -> Any:
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value=1.0)

        return score

    samples = [
        Sample(input=[ChatMessageUser(content="go")], id=i, metadata={"turns": n})
        for i, n in enumerate(spec["turns"])
    ]
    task = Task(dataset=samples, solver=loop(), scorer=turns_done(), name="bare")
    eval_set(task, model="bare/m", log_dir=spec["log_dir"], display="none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", default=[])
    parser.add_argument("--policy", action="append", default=[])
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(args.bare)
        return
    scenarios = args.scenario or ["exfiltration_transfer"]
    policies = args.policy or ["honest", "exfiltrator"]
    with tempfile.TemporaryDirectory() as tmp:
        pg_dir = Path(tmp) / "peerguard"
        pg_wall, pg_cpu = child_run(
            [
                sys.executable,
                "-m",
                "peerguard",
                "run",
                "--matrix",
                "study",
                *[a for s in scenarios for a in ("--scenario", s)],
                *[a for p in policies for a in ("--model", f"scripted/{p}")],
                "--judge",
                "none",
                "--display",
                "none",
                "--processes",
                "1",
                "--log-dir",
                str(pg_dir),
            ]
        )
        turns, tools = shape(pg_dir)
        spec = Path(tmp) / "bare.json"
        spec.write_text(
            json.dumps({"turns": turns, "tools": tools, "log_dir": str(Path(tmp) / "bare")})
        )
        bare_wall, bare_cpu = child_run([sys.executable, __file__, "--bare", str(spec)])
    print(
        json.dumps(
            {
                "samples": len(turns),
                "turns": sum(turns),
                "tools_offered": tools,
                "peerguard": {"wall_s": round(pg_wall, 1), "cpu_s": round(pg_cpu, 1)},
                "bare_inspect": {"wall_s": round(bare_wall, 1), "cpu_s": round(bare_cpu, 1)},
                "ratio_wall": round(pg_wall / bare_wall, 2),
                "ratio_cpu": round(pg_cpu / bare_cpu, 2),
                "load_avg_1m": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
