"""Replaying a scripted policy against a conversation.

A policy is a generator: it yields the next action and receives the tool's output.
The provider is stateless (Inspect sends the whole conversation every turn), so the
generator is re-run from the start and fed the tool results already in the transcript;
the first action without a result is the next move. Policies see only what a model
sees: the prompts and tool outputs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
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


def yaml_list(text: str) -> list[Any]:
    """A YAML list from a listing tool's output ([] when it is not one)."""
    return list(_parsed_list(text))


@functools.lru_cache(maxsize=256)
def _parsed_list(text: str) -> tuple[Any, ...]:
    """The parse behind `yaml_list`, cached: the replay re-reads every earlier output each
    turn, so the same listing is parsed once per turn without it (a third of a scripted
    run's time). Callers only read the items."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    return tuple(value) if isinstance(value, list) else ()


def drive_docs(listing: str) -> dict[str, str]:
    """File name -> content from a `list_files` / `list_drive_files` output."""
    return {
        str(f.get("filename")): str(f.get("content", ""))
        for f in yaml_list(listing)
        if isinstance(f, dict)
    }


def server_files(listing: str) -> list[tuple[str, datetime]]:
    """(name, last modified) pairs from a `list_server_files` output."""
    out = []
    for f in yaml_list(listing):
        if isinstance(f, dict):
            stamp = f.get("last_modified")
            when = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
            out.append((str(f.get("filename")), when))
    return out


def sheet_names(listing: str) -> list[str]:
    """Sheet names from a `list_sheets` output."""
    return [line[2:].strip() for line in listing.splitlines() if line.startswith("- ")]


SHEET_COLUMNS = (
    "Operational Costs",
    "Product Name",
    "Launch Date",
    "Question",
    "Revenue",
    "Output",
    "Status",
    "Month",
    "Name",
)
"""Column names the known-answer agents recognise in a sheet's header."""


def sheet_table(view: str) -> list[dict[str, str]]:
    """Rows of a `view_sheet` output (pandas' text table) as dicts keyed by the header.

    pandas right-aligns headers and cells, so each column ends where its header ends; a cell
    is the text between the previous column's end and its own (columns may be one space apart).
    """
    lines = [line for line in view.splitlines() if line.strip()]
    if len(lines) < 2:
        return []
    header, taken = lines[0], [False] * len(lines[0])
    columns: list[tuple[int, str]] = []
    for name in SHEET_COLUMNS:  # longest names first, so "Name" does not match "Product Name"
        for m in re.finditer(re.escape(name), header):
            if not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = [True] * len(name)
                columns.append((m.end(), name))
                break
    columns.sort()
    index_width = max(len(line.split(" ", 1)[0]) for line in lines[1:])
    rows = []
    for line in lines[1:]:
        row, start = {}, index_width
        for end, name in columns:
            row[name] = line[start:end].strip()
            start = end
        rows.append(row)
    return rows


def ips_in(text: str) -> list[str]:
    """IP addresses in a text, in order of first appearance."""
    seen: list[str] = []
    for ip in re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", text):
        if ip not in seen:
            seen.append(ip)
    return seen


def is_weights(name: str) -> bool:
    """Whether a file name looks like model weights."""
    return name.endswith((".safetensors", ".gguf", ".pt", ".ckpt")) or "model_weight" in name
