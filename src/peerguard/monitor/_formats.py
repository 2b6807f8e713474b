"""Trace formats beyond OpenAI/Anthropic chat: the study's transcript JSON and OpenTelemetry spans.

Both are turned into OpenAI chat-format messages and then go through Inspect's converter, so
every format ends as the same `Transcript`.

The study (Peer-Preservation in Frontier Models) publishes one JSON object per rollout with a
`conversation` (or `full_conversation`, when follow-up questions were asked afterwards) list.
Its tool calls are a mapping `{tool_name: arguments}` without ids, and each tool result repeats
that mapping to say which call it answers; ids are synthesised here to pair them.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from typing import Any

CONVERSATION_KEYS = ("full_conversation", "conversation")
"""Keys holding the study's message list; the follow-up version is the longer one, read first."""


class RecordError(ValueError):
    """A record is not a trace; the message says which part of it is wrong."""


def is_study_record(record: Any) -> bool:
    """Whether `record` looks like a study transcript (a dict with a conversation list)."""
    return isinstance(record, Mapping) and any(
        isinstance(record.get(k), list) for k in CONVERSATION_KEYS
    )


def _calls(raw: Any, where: str) -> list[tuple[str, Any]]:
    """(name, arguments) pairs from the study's `{name: args}` mapping or an OpenAI-style list."""
    if raw in (None, {}, []):
        return []
    if isinstance(raw, Mapping):
        return [(str(k), v) for k, v in raw.items()]
    if isinstance(raw, list):
        out: list[tuple[str, Any]] = []
        for n, c in enumerate(raw):
            if not isinstance(c, Mapping):
                raise RecordError(f"{where}.tool_calls[{n}]: expected an object")
            inner = c.get("function")
            fn: Mapping[str, Any] = inner if isinstance(inner, Mapping) else c
            out.append((str(fn.get("name", "")), fn.get("arguments", fn.get("args", {}))))
        return out
    raise RecordError(f"{where}.tool_calls: expected an object or a list")


def study_to_openai(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The study's conversation as OpenAI chat messages with synthesised tool-call ids.

    Raises:
        RecordError: the conversation is malformed (the message names the offending entry).
    """
    key = next(k for k in CONVERSATION_KEYS if isinstance(record.get(k), list))
    pending: dict[str, deque[str]] = defaultdict(deque)
    order: deque[tuple[str, str]] = deque()
    out: list[dict[str, Any]] = []
    for n, m in enumerate(record[key]):
        where = f"{key}[{n}]"
        if not isinstance(m, Mapping):
            raise RecordError(f"{where}: expected an object, got {type(m).__name__}")
        role = m.get("role")
        if role not in ("system", "user", "assistant", "tool", "developer"):
            raise RecordError(f"{where}: unknown role {role!r}")
        content = m.get("content")
        if content is not None and not isinstance(content, str | list):
            raise RecordError(f"{where}.content: expected text")
        if role == "assistant":
            calls = []
            for k, (name, args) in enumerate(_calls(m.get("tool_calls"), where)):
                call_id = f"call_{n}_{k}"
                pending[name].append(call_id)
                order.append((name, call_id))
                calls.append(
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": args},
                    }
                )
            msg: dict[str, Any] = {"role": "assistant", "content": content or ""}
            if calls:
                msg["tool_calls"] = calls
            out.append(msg)
        elif role == "tool":
            named = [name for name, _ in _calls(m.get("tool_calls"), where)]
            call_id = _pair(named, pending, order)
            out.append({"role": "tool", "tool_call_id": call_id, "content": content or ""})
        else:
            out.append({"role": role, "content": content or ""})
    return out


def _pair(named: list[str], pending: dict[str, deque[str]], order: deque[tuple[str, str]]) -> str:
    """The id of the oldest unanswered call of the named tool (else the oldest unanswered call)."""
    for name in named:
        if pending.get(name):
            call_id = pending[name].popleft()
            order.remove((name, call_id))
            return call_id
    while order:
        name, call_id = order.popleft()
        if call_id in pending.get(name, ()):
            pending[name].remove(call_id)
            return call_id
    return ""


# -- OpenTelemetry GenAI spans (OTLP JSON export) ------------------------------------------------


def is_otel_export(record: Any) -> bool:
    """Whether `record` is an OTLP JSON export (`resourceSpans`)."""
    return isinstance(record, Mapping) and isinstance(record.get("resourceSpans"), list)


def _attr_value(v: Mapping[str, Any]) -> Any:
    for key in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if key in v:
            return v[key]
    if "arrayValue" in v:
        return [_attr_value(x) for x in v["arrayValue"].get("values", [])]
    return None


def _attrs(items: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {str(a.get("key")): _attr_value(a.get("value") or {}) for a in items or []}


def _otel_message(m: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One GenAI semantic-convention message (`role` + `parts`) as OpenAI message(s)."""
    role = str(m.get("role", "user"))
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for p in m.get("parts") or []:
        kind = p.get("type")
        if kind == "text":
            texts.append(str(p.get("content", "")))
        elif kind == "tool_call":
            calls.append(
                {
                    "id": str(p.get("id", "")),
                    "type": "function",
                    "function": {"name": p.get("name", ""), "arguments": p.get("arguments", {})},
                }
            )
        elif kind == "tool_call_response":
            response = p.get("response", p.get("result", ""))
            results.append(
                {
                    "role": "tool",
                    "tool_call_id": str(p.get("id", "")),
                    "content": response if isinstance(response, str) else json.dumps(response),
                }
            )
    if results:
        return results
    if role == "assistant":
        msg: dict[str, Any] = {"role": "assistant", "content": "\n".join(texts)}
        if calls:
            msg["tool_calls"] = calls
        return [msg]
    return [{"role": "tool" if role == "tool" else role, "content": "\n".join(texts)}]


def otel_to_openai(record: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Conversations from an OTLP JSON export, one per trace id.

    Each GenAI chat span carries the conversation so far in `gen_ai.input.messages` and the
    model's reply in `gen_ai.output.messages` (JSON text); the span with the longest input,
    plus its output, is the trace's conversation.

    Raises:
        RecordError: no span carries GenAI messages, or they are not valid JSON.
    """
    best: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    for r, rs in enumerate(record["resourceSpans"]):
        for s, ss in enumerate(rs.get("scopeSpans") or []):
            for k, span in enumerate(ss.get("spans") or []):
                attrs = _attrs(span.get("attributes"))
                raw_in, raw_out = (
                    attrs.get("gen_ai.input.messages"),
                    attrs.get("gen_ai.output.messages"),
                )
                if raw_in is None and raw_out is None:
                    continue
                where = f"resourceSpans[{r}].scopeSpans[{s}].spans[{k}]"
                try:
                    msgs_in = json.loads(raw_in) if raw_in else []
                    msgs_out = json.loads(raw_out) if raw_out else []
                except (TypeError, json.JSONDecodeError) as exc:
                    raise RecordError(f"{where}: gen_ai messages are not JSON ({exc})") from exc
                conv = [x for m in [*msgs_in, *msgs_out] for x in _otel_message(m)]
                trace = str(span.get("traceId", "trace"))
                if len(msgs_in) >= best.get(trace, (-1, []))[0]:
                    best[trace] = (len(msgs_in), conv)
    if not best:
        raise RecordError("no span carries gen_ai.input.messages / gen_ai.output.messages")
    return {trace: conv for trace, (_, conv) in best.items()}
