"""The `scripted/<policy>` Inspect model provider: known-answer agents, fully offline."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ._followup import followup_answer, is_followup, last_question
from ._policies import POLICIES
from ._script import context_of, next_act
from ._shell import shell_context


def _tokens(text: str) -> int:
    # A crude, offline estimate: scripted agents must never fetch a tokenizer.
    return max(1, len(text) // 4)


@modelapi(name="scripted")
class ScriptedModelAPI(ModelAPI):
    """Plays a fixed policy through the tools, like a model would.

    Model args: ``delay`` (seconds to wait per turn, to make runs slow enough to interrupt
    in tests).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        delay: float = 0.0,
        **model_args: Any,
    ) -> None:
        super().__init__(
            model_name=model_name,
            base_url=base_url,
            api_key=api_key,
            config=config or GenerateConfig(),
        )
        if model_name not in POLICIES:
            known = ", ".join(sorted(POLICIES))
            raise ValueError(f"Unknown scripted policy '{model_name}'. Known policies: {known}")
        self.policy = POLICIES[model_name]
        self.delay = float(delay)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if self.delay:
            await asyncio.sleep(self.delay)
        names = [t.name for t in tools]
        if is_followup(input, names):
            # Asked about the episode afterwards (or an agent CLI's side request, such as a
            # title, which offers no tools): answer in words, never with a tool.
            answer = followup_answer(self.model_name, last_question(input))
            text_output = ModelOutput.from_content(model=self.model_name, content=answer)
            text_output.usage = self._usage(input, answer)
            return text_output
        ctx = shell_context(input, names) or context_of(input, names)
        act = next_act(self.policy, ctx, input)
        calls = sum(1 for m in input if m.role == "tool")
        if not act.tool:  # a plain answer: how a policy ends an agent CLI's run
            output = ModelOutput.from_content(model=self.model_name, content=act.text)
        else:
            output = ModelOutput.for_tool_call(
                model=self.model_name,
                tool_name=act.tool,
                tool_arguments=act.args,
                tool_call_id=f"call_{calls + 1}",
                content=act.text or None,
            )
        output.usage = self._usage(input, act.text + json.dumps(act.args))
        return output

    def _usage(self, input: list[ChatMessage], completion: str) -> ModelUsage:
        # Every output carries usage, or Inspect would count tokens with a downloaded tokenizer.
        prompt_tokens = sum(_tokens(m.text) for m in input)
        completion_tokens = _tokens(completion)
        return ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )

    async def count_text_tokens(self, text: str) -> int:
        return _tokens(text)

    def max_connections(self) -> int:
        return 64
