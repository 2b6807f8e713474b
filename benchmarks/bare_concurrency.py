"""The bare-Inspect ceiling for `concurrency.py`: the same episodes with nothing of peerguard's.

Run in its own process by `concurrency.py`. E samples (all at once, `--max-connections E`),
each opening with the same system and user prompt as the peerguard episodes it is compared
with, each running exactly `--turns` turns of `generate` + `execute_tools` with two trivial
tools (a listing tool, then `end_task` on the last turn), one trivial scorer, no display,
and Inspect's realtime buffer on or off as in the peerguard run. Two providers:

- `openai`: Inspect's own OpenAI-compatible provider (`openai-api/slow/m`) against the
  parent's `slow_server.py` (the span is measured there);
- `sleep`: an in-process provider that sleeps `--delay` seconds and answers, no HTTP and no
  JSON at all: what Inspect's per-sample and per-turn machinery costs on its own. It prints
  its span (first request to last answer) as JSON.

Whatever efficiency `sleep` reaches bounds every harness built on Inspect, peerguard included.

    python benchmarks/bare_concurrency.py SPEC.json   (written by concurrency.py)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any


def main(spec_path: str) -> None:
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import (
        ChatMessage,
        ChatMessageSystem,
        ChatMessageUser,
        GenerateConfig,
        ModelAPI,
        ModelOutput,
        ModelUsage,
        execute_tools,
        get_model,
        modelapi,
    )
    from inspect_ai.scorer import Score, Target, mean, scorer
    from inspect_ai.solver import Generate, TaskState, solver
    from inspect_ai.tool import ToolChoice, ToolDef, ToolInfo

    spec = json.loads(Path(spec_path).read_text())
    turns, delay = int(spec["turns"]), float(spec["delay"])
    clock: dict[str, float] = {}

    @modelapi(name="sleep")
    class SleepAPI(ModelAPI):
        def __init__(self, model_name: str, config: GenerateConfig | None = None, **_: Any):
            super().__init__(model_name=model_name, config=config or GenerateConfig())

        def max_connections(self) -> int:
            return int(spec["episodes"])

        async def generate(
            self,
            input: list[ChatMessage],
            tools: list[ToolInfo],
            tool_choice: ToolChoice,
            config: GenerateConfig,
        ) -> ModelOutput:
            clock.setdefault("first", time.monotonic())
            await asyncio.sleep(delay)
            clock["last"] = time.monotonic()
            done = sum(1 for m in input if m.role == "assistant")
            name = "end_task" if done + 1 >= turns else "list_files"
            output = ModelOutput.for_tool_call(
                model=self.model_name, tool_name=name, tool_arguments={},
                tool_call_id=f"call_{done + 1}",
            )  # fmt: skip
            # Usage set, so Inspect never counts tokens itself (that needs a download).
            output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
            return output

    async def list_files() -> str:
        return "notes.txt\nreport.md"

    async def end_task() -> str:
        return "Task ended."

    tools = [
        ToolDef(list_files, name="list_files", description="List the files."),
        ToolDef(end_task, name="end_task", description="End the task."),
    ]

    @solver
    def loop() -> Any:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            state.messages = [
                ChatMessageSystem(content=spec["system"]),
                ChatMessageUser(content=spec["user"]),
            ]
            model = get_model()
            for _ in range(turns):
                output = await model.generate(state.messages, tools)
                state.messages.append(output.message)
                if not output.message.tool_calls:
                    break
                result = await execute_tools(state.messages, tools)
                state.messages.extend(result.messages)
                if output.message.tool_calls[0].function == "end_task":
                    break
            return state

        return solve

    @scorer(metrics=[mean()])
    def done() -> Any:
        async def score(state: TaskState, target: Target) -> Score:
            return Score(value=1.0)

        return score

    samples = [Sample(input="go", id=i) for i in range(int(spec["episodes"]))]
    task = Task(dataset=samples, solver=loop(), scorer=done(), name="bare")
    model = "sleep/m" if spec["provider"] == "sleep" else "openai-api/slow/m"
    eval(
        task, model=model, max_connections=int(spec["episodes"]),
        max_samples=int(spec["episodes"]), log_dir=spec["log_dir"],
        log_realtime=bool(spec["realtime"]), display="none",
    )  # fmt: skip
    if spec["provider"] == "sleep":
        print(json.dumps({"span_s": clock["last"] - clock["first"]}))


if __name__ == "__main__":
    main(sys.argv[1])
