"""Making a small model's chat completion well-formed before Inspect reads it.

A 135M model (or a server with a looser chat format) produces junk: tool-call
arguments with HTML entities (`&quot;`), arguments as a JSON string inside a string,
wrapped in code fences or followed by chatter, a tool name with a `functions.` prefix
or a trailing colon, missing or repeated call ids, and tool calls written as text in
the message content instead of `tool_calls`. This module repairs what can be repaired
without guessing intent, and leaves the rest for Inspect, which answers unknown tools
and unparseable arguments with an error message the model reads on its next turn.

Everything here works on the plain dict of an OpenAI chat completion, so the unit
tests feed it recorded junk directly.
"""

from __future__ import annotations

import copy
import html
import json
import re
import uuid
from typing import Any

from ._chat_handler import TOOL_CALL_OPEN, parse_tool_call_text

_ENTITY_RE = re.compile(r"&(?:quot|apos|amp|lt|gt|#\d+|#x[0-9a-fA-F]+);")
_FENCE_RE = re.compile(r"^```[a-zA-Z]*\s*(?P<body>.*?)\s*```$", re.DOTALL)


def _unescape_values(value: Any) -> Any:
    """HTML-unescape every string in a parsed JSON value (keys included)."""
    if isinstance(value, str):
        return html.unescape(value) if _ENTITY_RE.search(value) else value
    if isinstance(value, list):
        return [_unescape_values(v) for v in value]
    if isinstance(value, dict):
        return {_unescape_values(k): _unescape_values(v) for k, v in value.items()}
    return value


def _first_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text` (ignoring anything after it), or None."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            obj, _end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return obj if isinstance(obj, dict) else None
    return None


def clean_arguments(arguments: str | None) -> str:
    """Tool-call arguments as a JSON object text, repaired where the intent is unambiguous.

    Repairs: empty -> `{}`; code fences; HTML entities (in the raw text when that makes
    it parse, else inside string values); a JSON object encoded as a JSON string; a
    complete object followed by chatter. Anything else is returned unchanged so that
    Inspect reports the parse error to the model.

    Note that a literal `&amp;` the model meant is unescaped too: for a small model,
    copying escaped text is far more common than meaning an entity.

    Args:
        arguments: The raw `function.arguments` text.

    Returns:
        Arguments text (valid JSON object text if it could be repaired).
    """
    raw = (arguments or "").strip()
    if not raw:
        return "{}"
    fenced = _FENCE_RE.match(raw)
    if fenced:
        raw = fenced.group("body")
    candidates = [raw]
    if _ENTITY_RE.search(raw):
        candidates.append(html.unescape(raw))
    for text in candidates:
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, str):
            # Arguments double-encoded as a JSON string holding the object.
            inner = clean_arguments(value)
            return inner if inner.startswith("{") else raw
        if isinstance(value, dict):
            return json.dumps(_unescape_values(value), ensure_ascii=False)
        return raw
    for text in candidates:
        obj = _first_object(text)
        if obj is not None and text.lstrip().startswith("{"):
            return json.dumps(_unescape_values(obj), ensure_ascii=False)
    return raw


def clean_name(name: str | None, tool_names: set[str]) -> str:
    """A tool name without the decorations small models and loose formats add.

    Strips whitespace, a `functions.` prefix, trailing colons/parentheses and quotes.
    A name that is still unknown is returned as is: Inspect tells the model so.

    Args:
        name: The raw tool name.
        tool_names: The tools offered on this turn.
    """
    raw = (name or "").strip()
    if raw in tool_names:
        return raw
    stripped = raw.strip("\"'` ")
    stripped = stripped.removeprefix("functions.").removesuffix("()").rstrip(":").strip()
    return stripped if stripped in tool_names or not raw else raw


def _calls_from_content(content: str, tool_names: set[str]) -> tuple[list[tuple[str, str]], str]:
    """Tool calls written as text in the message content, and the remaining text."""
    if TOOL_CALL_OPEN in content:
        calls = parse_tool_call_text(content)
        if calls:
            return calls, content.split(TOOL_CALL_OPEN, 1)[0].strip()
    fenced = _FENCE_RE.match(content.strip())
    body = fenced.group("body") if fenced else content
    obj = _first_object(body)
    if obj is not None:
        name = obj.get("name") or obj.get("tool") or obj.get("function")
        args = obj.get("arguments", obj.get("parameters", {}))
        if isinstance(name, str) and clean_name(name, tool_names) in tool_names:
            text = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
            return [(name, text)], ""
    return [], content


def clean_message(message: dict[str, Any], tool_names: set[str]) -> dict[str, Any]:
    """A repaired copy of an assistant message dict (OpenAI chat completion format).

    Args:
        message: `choices[i].message` of a chat completion.
        tool_names: The tools offered on this turn (empty: no tools, nothing to repair).

    Returns:
        The repaired message. Tool calls always have a unique id, a cleaned name and
        cleaned arguments; calls found in the content text become `tool_calls`.
    """
    out = copy.deepcopy(message)
    # The legacy field; some formats fill it with junk (llama_cpp's chatml-function-calling
    # puts "read_file:" there). Inspect reads `tool_calls` only.
    out.pop("function_call", None)
    if not tool_names:
        return out
    calls = out.get("tool_calls") or []
    if not calls and isinstance(out.get("content"), str):
        found, rest = _calls_from_content(out["content"], tool_names)
        if found:
            calls = [
                {"id": None, "type": "function", "function": {"name": n, "arguments": a}}
                for n, a in found
            ]
            out["content"] = rest or None
    seen: set[str] = set()
    cleaned = []
    for call in calls:
        fn = call.get("function") or {}
        call_id = call.get("id")
        if not call_id or call_id in seen:
            call_id = f"call_{uuid.uuid4().hex[:24]}"
        seen.add(call_id)
        cleaned.append(
            {
                **call,
                "id": call_id,
                "type": "function",
                "function": {
                    "name": clean_name(fn.get("name"), tool_names),
                    "arguments": clean_arguments(fn.get("arguments")),
                },
            }
        )
    out["tool_calls"] = cleaned or None
    return out


def clean_completion(completion: dict[str, Any], tool_names: set[str]) -> dict[str, Any]:
    """A repaired copy of a chat completion dict (every choice's message cleaned).

    A choice that gained tool calls gets `finish_reason` `tool_calls`; `length` is kept
    (Inspect then records that the turn was cut short).

    Args:
        completion: The chat completion as a dict (`ChatCompletion.model_dump()`).
        tool_names: The tools offered on this turn.

    Returns:
        The repaired completion.
    """
    out = copy.deepcopy(completion)
    for choice in out.get("choices") or []:
        message = choice.get("message") or {}
        had_calls = bool(message.get("tool_calls"))
        choice["message"] = clean_message(message, tool_names)
        gained = bool(choice["message"].get("tool_calls")) and not had_calls
        if gained and choice.get("finish_reason") in (None, "stop"):
            choice["finish_reason"] = "tool_calls"
    return out
