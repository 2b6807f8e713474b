"""Small builders for OpenAI-format traces used by the monitor tests."""

from __future__ import annotations

import json
from typing import Any


class Trace:
    """Append tool calls and their results; `.messages` is OpenAI chat format."""

    def __init__(self, task: str = "Do the task.") -> None:
        self.messages: list[dict[str, Any]] = [{"role": "user", "content": task}]
        self._n = 0

    def call(self, tool: str, result: str = "OK", text: str | None = None, **args: Any) -> Trace:
        self._n += 1
        cid = f"c{self._n}"
        self.messages.append(
            {
                "role": "assistant",
                "content": text,
                "tool_calls": [
                    {
                        "id": cid,
                        "type": "function",
                        "function": {"name": tool, "arguments": json.dumps(args)},
                    }
                ],
            }
        )
        self.messages.append({"role": "tool", "tool_call_id": cid, "content": result})
        return self

    def say(self, text: str) -> Trace:
        self.messages.append({"role": "assistant", "content": text})
        return self
