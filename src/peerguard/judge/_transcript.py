"""One internal trace type for every source: Inspect messages, OpenAI and Anthropic chat JSON.

The judge and the monitor both read a `Transcript`, so a verdict means the same thing whether
it came from a benchmark log or a production trace.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from inspect_ai.model import messages_from_anthropic, messages_from_openai

T = TypeVar("T")

Role = Literal["system", "user", "assistant", "tool"]
SegmentKind = Literal["message", "scratchpad", "final", "reply", "document", "submission"]

# Tools whose free-text arguments are the agent's own words (reasoning, reports, summaries).
SCRATCHPAD_TOOLS = frozenset({"reasoning_scratchpad", "scratchpad", "think"})
DOCUMENT_TOOLS = frozenset(
    {"create_file", "append_to_file", "write_file", "create_drive_file", "append_to_drive_file"}
)
END_TOOLS = frozenset({"end_task", "finish", "submit", "task_complete", "attempt_completion"})
STATEMENT_KINDS: frozenset[str] = frozenset({"final", "reply", "document", "submission"})
"""Segments addressed to the user or the organisation (judged for refusal, persuasion, ethics)."""
# Inspect fills an assistant message that only calls a tool with this text; it is not the agent's.
_PLACEHOLDER = re.compile(r"^\s*tool call for tool \w+\s*$")


@dataclass(frozen=True)
class ToolCallRecord:
    """One tool call made by the agent."""

    id: str
    """Provider id of the call (used to pair the call with its result)."""
    name: str
    """Tool (function) name."""
    arguments: Mapping[str, Any]
    """Parsed arguments; `{"_raw": text}` when the provider sent unparseable JSON."""


@dataclass(frozen=True)
class Step:
    """One message of a trace, in source order."""

    index: int
    """Index of the message in its source (what evidence points to)."""
    role: Role
    """Who produced it; tool results are `tool` whatever the source called them."""
    text: str = ""
    """Visible text content."""
    tool_calls: tuple[ToolCallRecord, ...] = ()
    """Tool calls made in this (assistant) message."""
    tool_call_id: str | None = None
    """For tool results: the id of the call this answers."""
    tool_name: str | None = None
    """For tool results: the tool's name, when the source records it."""
    error: bool = False
    """For tool results: the tool reported an error."""


@dataclass(frozen=True)
class Segment:
    """A piece of the agent's own words that a judge classifies."""

    kind: SegmentKind
    """Where the words appeared: visible message, scratchpad, final statement, a written file,
    or free text in a submission."""
    step_index: int
    """Source message index of the step that holds the words."""
    text: str
    """The words themselves."""
    tool: str | None = None
    """The tool whose argument held the words, if any."""


@dataclass(frozen=True)
class Transcript:
    """A normalised agent trace."""

    steps: tuple[Step, ...]
    """Messages in source order."""
    trace_id: str = ""
    """Where the trace came from (log sample id, JSONL line), for reports."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Source-specific extras (e.g. the sample's condition)."""

    def tool_results(self) -> dict[str, Step]:
        """Tool results keyed by the id of the call they answer."""
        return {s.tool_call_id: s for s in self.steps if s.role == "tool" and s.tool_call_id}

    def calls(self) -> list[tuple[Step, ToolCallRecord]]:
        """Every tool call with the step that made it, in order."""
        return [(s, c) for s in self.steps for c in s.tool_calls]

    def segments(self) -> list[Segment]:
        """The agent's own words, each tagged with where it appeared.

        The final statement is what the agent says to the user at the end: the text of the last
        assistant message when that message takes no further action (no tool call, or only an
        end tool), else the summary passed to an end tool. An answer to the user in a dialogue
        (a message that takes no action and is followed by the user's next turn) is a `reply`,
        also a statement. Text written mid-task, before more actions follow, is deliberation
        (`message`), not a statement, however long it is.
        """
        out: list[Segment] = []
        last_assistant = max((s.index for s in self.steps if s.role == "assistant"), default=None)
        for n, step in enumerate(self.steps):
            if step.role != "assistant":
                continue
            no_action = all(c.name.lower() in END_TOOLS for c in step.tool_calls)
            closing = step.index == last_assistant and no_action
            answered = (
                no_action
                and n + 1 < len(self.steps)
                and self.steps[n + 1].role == "user"
                and n > 0
                and self.steps[n - 1].role == "user"
            )
            kind: SegmentKind = "final" if closing else "reply" if answered else "message"
            if step.text.strip() and not _PLACEHOLDER.match(step.text):
                out.append(Segment(kind, step.index, step.text.strip()))
            for call in step.tool_calls:
                text = _free_text(call.arguments)
                if not text:
                    continue
                name = call.name.lower()
                if name in SCRATCHPAD_TOOLS:
                    out.append(Segment("scratchpad", step.index, text, call.name))
                elif name in DOCUMENT_TOOLS:
                    out.append(Segment("document", step.index, text, call.name))
                elif name in END_TOOLS:
                    out.append(Segment("final", step.index, text, call.name))
                elif name.startswith("submit"):
                    out.append(Segment("submission", step.index, text, call.name))
        return out

    def final_segment(self) -> Segment | None:
        """The final statement, if the agent made one."""
        finals = [s for s in self.segments() if s.kind == "final"]
        return finals[-1] if finals else None


def _free_text(arguments: Mapping[str, Any]) -> str:
    """Prose found in tool arguments (strings with spaces; not paths, ids or numbers)."""
    parts: list[str] = []
    for value in arguments.values():
        if isinstance(value, str) and " " in value.strip():
            parts.append(value.strip())
    return "\n".join(parts)


def parse_arguments(raw: Any) -> dict[str, Any]:
    """Tool-call arguments as a dict, whatever the provider sent (dict or JSON text)."""
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return {"_raw": raw}
        return dict(value) if isinstance(value, Mapping) else {"_raw": raw}
    return {} if raw is None else {"_raw": str(raw)}


def content_text(content: Any) -> str:
    """Plain text of a message content in OpenAI/Anthropic/Inspect shapes."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        texts: list[str] = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, Mapping):
                kind = part.get("type")
                if kind in ("text", "input_text", "output_text"):
                    texts.append(str(part.get("text", "")))
                elif kind == "tool_result":
                    texts.append(content_text(part.get("content")))
            else:
                text = getattr(part, "text", None)
                if isinstance(text, str):
                    texts.append(text)
        return "\n".join(t for t in texts if t)
    return str(content)


def transcript_from_inspect(messages: Iterable[Any], trace_id: str = "") -> Transcript:
    """Normalise Inspect `ChatMessage`s (from a `TaskState` or an `EvalSample`).

    Args:
        messages: Inspect chat messages, in order.
        trace_id: Label for reports (e.g. the sample id).

    Returns:
        The transcript.
    """
    steps: list[Step] = []
    for i, m in enumerate(messages):
        role = getattr(m, "role", "user")
        if role == "assistant":
            calls = tuple(
                ToolCallRecord(str(c.id), str(c.function), parse_arguments(c.arguments))
                for c in (getattr(m, "tool_calls", None) or [])
            )
            steps.append(Step(i, "assistant", m.text, calls))
        elif role == "tool":
            steps.append(
                Step(
                    i,
                    "tool",
                    m.text,
                    tool_call_id=getattr(m, "tool_call_id", None),
                    tool_name=getattr(m, "function", None),
                    error=getattr(m, "error", None) is not None,
                )
            )
        else:
            steps.append(Step(i, "system" if role == "system" else "user", m.text))
    return Transcript(tuple(steps), trace_id)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, inside or outside an event loop.

    Inspect's message converters are async; the loaders that call them are plain generators that
    may themselves run inside `asyncio.run` (the CLI), where a nested `asyncio.run` is refused.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _openai_tool_call(call: Mapping[str, Any]) -> dict[str, Any]:
    # Inspect's converter insists on `type: function` and JSON-text arguments; exports often
    # omit the type or send the arguments as an object.
    fn = dict(call.get("function") or {})
    args = fn.get("arguments")
    if isinstance(args, str):
        try:
            json.loads(args or "{}")
        except json.JSONDecodeError:
            # Keep what the model sent: a shell command in broken JSON is still evidence.
            fn["arguments"] = json.dumps({"_raw": args})
    else:
        fn["arguments"] = json.dumps(args if args is not None else {})
    return {"id": str(call.get("id", "")), "type": "function", "function": fn}


def transcript_from_openai(messages: Sequence[Mapping[str, Any]], trace_id: str = "") -> Transcript:
    """Normalise OpenAI chat-format messages with Inspect's `messages_from_openai`.

    Step indices are positions in the source list (tool-call messages are given empty text so
    that Inspect's codex-style folding does not move a final statement before its actions).

    Args:
        messages: Chat messages as dicts.
        trace_id: Label for reports.

    Returns:
        The transcript.
    """
    cleaned: list[dict[str, Any]] = []
    for m in messages:
        d = dict(m)
        if d.get("role") == "function":
            d["role"] = "tool"
        if d.get("tool_calls"):
            d["tool_calls"] = [_openai_tool_call(c) for c in d["tool_calls"]]
            # Inspect folds `assistant[tool_calls, no content] -> tool -> assistant[text]` into
            # one message (a codex-CLI repair). A monitor needs the source order: text written
            # after the last action is the final statement. Empty content keeps them apart.
            d["content"] = d.get("content") or ""
        elif "tool_calls" in d:
            del d["tool_calls"]
        if d.get("role") == "tool":
            d.setdefault("tool_call_id", "")
            d["content"] = content_text(d.get("content"))
        cleaned.append(d)
    chat = run_sync(messages_from_openai(cleaned))  # type: ignore[arg-type]
    return transcript_from_inspect(chat, trace_id)


def transcript_from_anthropic(
    messages: Sequence[Mapping[str, Any]], system: Any = None, trace_id: str = ""
) -> Transcript:
    """Normalise Anthropic messages with Inspect's `messages_from_anthropic`.

    A user message carrying several `tool_result` blocks becomes one tool step per block;
    step indices are positions in Inspect's conversion.

    Args:
        messages: Messages as dicts.
        system: The top-level `system` field, if any.
        trace_id: Label for reports.

    Returns:
        The transcript.
    """
    chat = run_sync(
        messages_from_anthropic(
            # MessageParam is a TypedDict of the optional anthropic package: whether mypy sees
            # it depends on the environment, so the plain dicts are passed as Any.
            cast(Any, [dict(m) for m in messages]),
            system_message=content_text(system) if system else None,
        )
    )
    return transcript_from_inspect(chat, trace_id)


def transcript_from_text(text: str, kind: SegmentKind = "message") -> Transcript:
    """A one-message transcript holding `text` as the given kind of segment (for tests and corpora).

    Args:
        text: The agent's words.
        kind: Where they appeared. `scratchpad` wraps them in a `reasoning_scratchpad` call;
            `document` in a `create_file` call; `submission` in a submit call; `message` and
            `final` as plain assistant text (a lone message is always the final one).

    Returns:
        The transcript.
    """
    if kind in ("message", "final"):
        return Transcript((Step(0, "assistant", text),))
    tool = {"scratchpad": "reasoning_scratchpad", "document": "create_file"}.get(
        kind, "submit_evaluation"
    )
    arg = {"scratchpad": "thoughts", "document": "content"}.get(kind, "notes")
    call = ToolCallRecord("call_0", tool, {arg: text})
    return Transcript((Step(0, "assistant", "", (call,)),))
