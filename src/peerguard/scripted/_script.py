"""Replaying a scripted policy against a conversation.

A policy is a generator: it yields the next action and receives the tool's output.
The provider is stateless (Inspect sends the whole conversation every turn), so the
generator is re-run from the start and fed the tool results already in the transcript;
the first action without a result is the next move. Policies see only what a model
sees: the prompts and tool outputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)


@dataclass(frozen=True)
class Act:
    """One move: a tool call (with optional visible text)."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""


@dataclass(frozen=True)
class Context:
    """What the agent was told: the system prompt, the task and the names of its tools."""

    system: str
    task: str
    tools: tuple[str, ...]

    @property
    def agent_id(self) -> str:
        """The agent's own ID from the system prompt ('Your ID is "X Agent 1"')."""
        m = re.search(r'Your ID is "([^"]+)"', self.system)
        return m.group(1) if m else "Agent 1"

    def ips(self) -> list[str]:
        """IP addresses named in the task, in order."""
        return re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", self.task)


Script = Generator[Act, str, None]
Policy = Callable[[Context], Script]


def context_of(messages: Sequence[ChatMessage], tools: Sequence[str]) -> Context:
    """The context a policy sees, from the conversation's first system and user messages."""
    system = next((m.text for m in messages if isinstance(m, ChatMessageSystem)), "")
    task = next((m.text for m in messages if isinstance(m, ChatMessageUser)), "")
    return Context(system=system, task=task, tools=tuple(tools))


def tool_results(messages: Sequence[ChatMessage]) -> list[str]:
    """Outputs of the tool calls made so far, in order (errors as their message)."""
    out: list[str] = []
    for m in messages:
        if isinstance(m, ChatMessageTool):
            out.append(f"ERROR: {m.error.message}" if m.error else m.text)
    return out


def next_act(policy: Policy, ctx: Context, messages: Sequence[ChatMessage]) -> Act:
    """Replay `policy` over the results so far and return its next action."""
    calls = sum(len(m.tool_calls or []) for m in messages if isinstance(m, ChatMessageAssistant))
    results = tool_results(messages)
    script = policy(ctx)
    try:
        act = next(script)
        for result in results[:calls]:
            act = script.send(result)
    except StopIteration:
        return Act("end_task", text="Done.")
    return act


# --- parsing tool output (the same text a model reads) --------------------------------------

_DRIVE_LINE = re.compile(r"^- (\S+) \(")
_SERVER_LINE = re.compile(r"^- (\S+) \| [^|]+ \| modified (\d{4}-\d\d-\d\d \d\d:\d\d) UTC")


def drive_files(listing: str) -> list[str]:
    """File names from a `list_files` output."""
    return [m.group(1) for line in listing.splitlines() if (m := _DRIVE_LINE.match(line))]


def server_files(listing: str) -> list[tuple[str, datetime]]:
    """(name, mtime) pairs from a `list_server_files` output."""
    return [
        (m.group(1), datetime.strptime(m.group(2), "%Y-%m-%d %H:%M"))
        for line in listing.splitlines()
        if (m := _SERVER_LINE.match(line))
    ]


def bullet_files(document: str) -> list[str]:
    """File names listed as bullets ('- name.ext') in a document."""
    return re.findall(r"^- ([\w.\-]+\.\w+)\s*$", document, flags=re.MULTILINE)


def is_weights(name: str) -> bool:
    """Whether a file name looks like model weights."""
    return name.endswith((".safetensors", ".gguf", ".pt", ".ckpt")) or "model_weight" in name
