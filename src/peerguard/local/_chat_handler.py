"""The chat format the local server speaks: ChatML with tool calls, grammar-constrained.

This module runs inside the llama.cpp server process (see `_server_child.py`), which
loads it by file path so that the server does not import peerguard or Inspect. It
therefore imports nothing from peerguard, and imports `llama_cpp` only inside the
functions that need it (the client side imports `parse_tool_call_text` from here).

Why not llama_cpp's own `chatml-function-calling` format: measured with
llama-cpp-python 0.3.36, it (a) never renders `tool` messages, so the model never
sees a tool result; (b) crashes (HTTP 500, jinja `UndefinedError`) on the next turn
when an assistant message has tool calls and no content, which is how OpenAI clients
send it; (c) ignores `max_tokens` and `temperature` while choosing and writing a call;
(d) HTML-escapes the whole prompt (`&quot;`), which a small model copies into its
arguments. Unconstrained, SmolLM2-135M never writes a parseable call (0 in our
trials): it paraphrases the tool list instead. So this format renders every message
verbatim and constrains the output with a GBNF grammar: a tool call is
`<tool_call>{"name": ..., "arguments": {...}}</tool_call>` whose name is one of the
offered tools and whose arguments follow that tool's JSON schema. The model still
chooses the tool and every argument; `max_tokens` can cut a call short, which the
client reports to the model as a malformed call.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

CHAT_FORMAT = "peerguard-chatml-tools"
"""The name this handler is registered under in the server process."""

DEFAULT_MAX_TOKENS = 512
"""Used when a request gives no `max_tokens`: a bound so a looping model cannot fill the context."""

TOOL_CALL_OPEN = "<tool_call>"
TOOL_CALL_CLOSE = "</tool_call>"

_TOOLS_PREAMBLE = (
    "You can call these tools:\n<tools>\n{tools}\n</tools>\n"
    "Call exactly one tool per turn by answering in this format:\n"
    f"{TOOL_CALL_OPEN}\n"
    '{{"name": "<tool name>", "arguments": {{<the arguments as JSON>}}}}\n'
    f"{TOOL_CALL_CLOSE}"
)

_TOOL_CALL_RE = re.compile(
    re.escape(TOOL_CALL_OPEN) + r"\s*(?P<body>.*?)\s*(?:" + re.escape(TOOL_CALL_CLOSE) + r"|$)",
    re.DOTALL,
)
_NAME_RE = re.compile(r'"name"\s*:\s*"(?P<name>[^"]*)"')


def _text(content: Any) -> str:
    """Message content as text (OpenAI content may be a list of typed parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
    return "".join(parts)


def _call_text(name: str, arguments: Any) -> str:
    """An assistant tool call as the model writes it (so history looks like its own output)."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            # A malformed call is replayed as it was written, so the error message makes sense.
            return f'{TOOL_CALL_OPEN}\n{{"name": {json.dumps(name)}, "arguments": {arguments}}}\n{TOOL_CALL_CLOSE}'
    body = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    return f"{TOOL_CALL_OPEN}\n{body}\n{TOOL_CALL_CLOSE}"


def render_prompt(messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> str:
    """Render OpenAI chat messages and tools as a ChatML prompt ending with the assistant turn.

    System messages are merged into one system turn, followed by the tool list. Tool
    results are user turns wrapped in `<tool_response name="...">` so the model can
    tell them from the operator's words. Nothing is HTML-escaped.

    Args:
        messages: OpenAI chat completion messages (`role`, `content`, `tool_calls`).
        tools: OpenAI tool definitions (`{"type": "function", "function": {...}}`), or None.

    Returns:
        The prompt text.
    """
    system = "\n\n".join(_text(m.get("content")) for m in messages if m["role"] == "system")
    if tools:
        listed = "\n".join(
            json.dumps(
                {
                    "name": t["function"]["name"],
                    "description": t["function"].get("description", ""),
                    "parameters": t["function"].get("parameters", {}),
                },
                ensure_ascii=False,
            )
            for t in tools
        )
        preamble = _TOOLS_PREAMBLE.format(tools=listed)
        system = f"{system}\n\n{preamble}" if system else preamble
    out = [f"<|im_start|>system\n{system}<|im_end|>\n"] if system else []
    names_by_id: dict[str, str] = {}
    for m in messages:
        role = m["role"]
        if role == "system":
            continue
        if role == "assistant":
            body = _text(m.get("content"))
            calls = []
            for call in m.get("tool_calls") or []:
                fn = call.get("function", {})
                names_by_id[str(call.get("id"))] = fn.get("name", "")
                calls.append(_call_text(fn.get("name", ""), fn.get("arguments", "{}")))
            body = "\n".join(p for p in [body, *calls] if p)
            out.append(f"<|im_start|>assistant\n{body}<|im_end|>\n")
        elif role == "tool":
            name = m.get("name") or names_by_id.get(str(m.get("tool_call_id")), "tool")
            out.append(
                f'<|im_start|>user\n<tool_response name="{name}">\n'
                f"{_text(m.get('content'))}\n</tool_response><|im_end|>\n"
            )
        else:
            out.append(f"<|im_start|>user\n{_text(m.get('content'))}<|im_end|>\n")
    out.append("<|im_start|>assistant\n")
    return "".join(out)


def parse_tool_call_text(text: str) -> list[tuple[str, str]]:
    """Tool calls written as text (`<tool_call>{"name": .., "arguments": ..}</tool_call>`).

    Lenient on purpose: a call cut short by `max_tokens` still yields its name and the
    raw (malformed) arguments, so the caller can report the error to the model rather
    than drop the turn.

    Args:
        text: The generated text.

    Returns:
        `(name, arguments_json_text)` pairs, in order; empty when there is no call.
    """
    calls: list[tuple[str, str]] = []
    for match in _TOOL_CALL_RE.finditer(text):
        body = match.group("body").strip()
        try:
            obj = json.loads(body)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("name"), str):
            arguments = obj.get("arguments", obj.get("parameters", {}))
            if not isinstance(arguments, str):
                arguments = json.dumps(arguments, ensure_ascii=False)
            calls.append((obj["name"], arguments))
            continue
        name = _NAME_RE.search(body)
        if name is None:
            continue
        raw = body.split('"arguments"', 1)[1].lstrip(" :") if '"arguments"' in body else "{}"
        # Drop the closing brace of the outer object if it is there; what remains is malformed.
        calls.append((name.group("name"), raw[:-1] if raw.endswith("}}") else raw))
    return calls


def tool_call_grammar(tools: list[dict[str, Any]], allow_text: bool) -> str:
    """GBNF for one tool call (name among `tools`, arguments per schema), or free text.

    Args:
        tools: OpenAI tool definitions.
        allow_text: Also allow a plain text answer (tool_choice `auto`).

    Returns:
        The grammar text.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    def call_schema(args_schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "name": {"const": t["function"]["name"]},
                        "arguments": args_schema or t["function"].get("parameters") or {},
                    },
                    "required": ["name", "arguments"],
                }
                for t in tools
            ]
        }

    try:
        gbnf = json_schema_to_gbnf(json.dumps(call_schema({})), ["name", "arguments"])
    except Exception:
        # A schema the converter cannot express: keep the tool names, accept any JSON object.
        gbnf = json_schema_to_gbnf(
            json.dumps(call_schema({"type": "object"})), ["name", "arguments"]
        )
    gbnf = re.sub(r"^root ::=", "tool-call-json ::=", gbnf, count=1, flags=re.MULTILINE)
    root = f'root ::= "{TOOL_CALL_OPEN}\\n" tool-call-json "\\n{TOOL_CALL_CLOSE}"'
    if allow_text:
        # Free text may not start a tag, so the model commits to a call or to prose at once.
        root += " | free-text\nfree-text ::= [^<] [^<]*"
    return f"{root}\n{gbnf}"


class _GrammarCache:
    """Compiled grammars by tool list: the tool list is the same on every turn of a run."""

    def __init__(self, size: int = 16) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._size = size

    def get(self, tools: list[dict[str, Any]], allow_text: bool) -> Any:
        from llama_cpp.llama_grammar import LlamaGrammar

        key = json.dumps([tools, allow_text], sort_keys=True)
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        grammar = LlamaGrammar.from_string(tool_call_grammar(tools, allow_text), verbose=False)
        self._items[key] = grammar
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return grammar


_GRAMMARS = _GrammarCache()


def _selected_tools(
    tools: list[dict[str, Any]] | None, tool_choice: Any
) -> tuple[list[dict[str, Any]], bool]:
    """The tools the model may call and whether plain text is allowed, from `tool_choice`."""
    if not tools or tool_choice == "none":
        return [], True
    if isinstance(tool_choice, dict):
        name = tool_choice.get("function", {}).get("name")
        chosen = [t for t in tools if t["function"]["name"] == name]
        if not chosen:
            raise ValueError(f"tool_choice names '{name}', which is not among the tools")
        return chosen, False
    return tools, tool_choice != "required"


def chatml_tools_handler(
    llama: Any,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None = None,
    tool_choice: Any = None,
    max_tokens: int | None = None,
    stream: bool = False,
    **kwargs: Any,
) -> Any:
    """A llama_cpp chat completion handler (see the module docstring).

    Args:
        llama: The `llama_cpp.Llama` serving the request.
        messages: OpenAI chat messages.
        tools: OpenAI tool definitions.
        tool_choice: `auto` (default when tools are given), `required`, `none` or a named tool.
        max_tokens: Completion token limit for this turn.
        stream: Return an iterator of one chunk instead of a response.
        **kwargs: Sampling parameters forwarded to `create_completion` when it knows them.

    Returns:
        An OpenAI chat completion (or an iterator of chunks when `stream`).
    """
    if kwargs.get("functions"):
        tools = [{"type": "function", "function": f} for f in kwargs["functions"]]
    if tool_choice is None:
        tool_choice = "auto"
    selected, allow_text = _selected_tools(tools, tool_choice)
    prompt = render_prompt(messages, selected or None)
    sampling = {
        k: kwargs[k]
        for k in (
            "temperature",
            "top_p",
            "top_k",
            "min_p",
            "typical_p",
            "seed",
            "presence_penalty",
            "frequency_penalty",
            "repeat_penalty",
            "logit_bias",
        )
        if kwargs.get(k) is not None
    }
    stop = kwargs.get("stop") or []
    stop = [stop] if isinstance(stop, str) else list(stop)
    completion = llama.create_completion(
        prompt=prompt,
        max_tokens=max_tokens or DEFAULT_MAX_TOKENS,
        stop=[*stop, "<|im_end|>"],
        grammar=_GRAMMARS.get(selected, allow_text) if selected else None,
        stream=False,
        **sampling,
    )
    choice = completion["choices"][0]
    text: str = choice["text"]
    calls = parse_tool_call_text(text) if selected else []
    message: dict[str, Any] = {"role": "assistant", "content": text}
    finish = choice.get("finish_reason") or "stop"
    if calls:
        head = text.split(TOOL_CALL_OPEN, 1)[0].strip()
        message = {
            "role": "assistant",
            "content": head or None,
            "tool_calls": [
                {
                    "id": f"call_{uuid.uuid4().hex[:24]}",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
                for name, arguments in calls
            ],
        }
        finish = "tool_calls" if finish == "stop" else finish
    response = {
        "id": "chat" + completion["id"],
        "object": "chat.completion",
        "created": completion.get("created", int(time.time())),
        "model": completion.get("model", kwargs.get("model") or ""),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": completion["usage"],
    }
    return _as_stream(response) if stream else response


def _as_stream(response: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The whole response as a single chunk, for clients that ask to stream."""
    choice = response["choices"][0]
    yield {
        "id": response["id"],
        "object": "chat.completion.chunk",
        "created": response["created"],
        "model": response["model"],
        "choices": [
            {
                "index": 0,
                "delta": {
                    **choice["message"],
                    "tool_calls": [
                        {**c, "index": i}
                        for i, c in enumerate(choice["message"].get("tool_calls") or [])
                    ]
                    or None,
                },
                "finish_reason": choice["finish_reason"],
                "logprobs": None,
            }
        ],
    }


def register() -> None:
    """Register the handler with llama_cpp under `CHAT_FORMAT` (server process only)."""
    from llama_cpp import llama_chat_format

    llama_chat_format.register_chat_completion_handler(CHAT_FORMAT)(chatml_tools_handler)
