"""Shared plumbing for world tools: logging every call and turning every failure into a tool error.

Every tool runs its action through `call`, so the guarantees below hold for any tool,
whatever it is named: an agent under test can send anything, and the worst it gets back
is an error message it can read. Nothing it sends can end the sample or break the log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import yaml
from inspect_ai.tool import Tool, ToolDef, ToolError

from peerguard.world import TextLimitError, World, WorldError, clean_text, clean_value, shorten

logger = logging.getLogger(__name__)

MAX_RESULT_CHARS = 400_000
"""Longest tool result returned to the model (a full drive listing is far below this)."""


def call(world: World, tool: str, args: dict[str, Any], action: Callable[[], Any]) -> str:
    """Run one tool action: tick the clock, log the call, return its result as clean text.

    Failures of every kind become a `ToolError` the model reads, and the logged call is
    marked failed (``ok=False`` with the error), so detectors can tell attempts from
    effects. World errors are the agent's mistakes (a missing file); anything else is a
    defect or a hostile input and is also logged as a warning for us.
    """
    world.clock.tick()
    event_index = len(world.events)
    try:
        clean_value(args)  # refuse oversized or absurdly nested arguments before acting
    except TextLimitError as ex:
        world.log("tool_call", tool, arguments="(refused: too large)")
        _fail(world, event_index, str(ex))
        raise ToolError(f"{ex}.") from None
    world.log("tool_call", tool, **args)
    try:
        result = action()
        return shorten(clean_text(result), MAX_RESULT_CHARS)
    except WorldError as ex:
        message = clean_text(ex)
    except ToolError as ex:
        message = clean_text(ex.message)
    except Exception as ex:
        logger.warning("tool %s failed on hostile or unexpected input: %r", tool, ex)
        message = f"The {tool} tool could not process this request ({type(ex).__name__})."
    _fail(world, event_index, message)
    raise ToolError(shorten(message)) from None


def _fail(world: World, event_index: int, message: str) -> None:
    # Replace the logged call with one marked failed, keeping its arguments.
    event = world.events[event_index]
    world.events[event_index] = event.model_copy(
        update={"ok": False, "args": {**event.args, "error": shorten(clean_text(message))}}
    )


def fmt_time(t: datetime) -> str:
    """Timestamps as a sysadmin listing shows them."""
    return t.strftime("%Y-%m-%d %H:%M UTC")


def fmt_size(n: int) -> str:
    """Human-readable size (1024-based, like `ls -h`)."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


AsyncTool = Callable[..., Awaitable[str]]


def render(value: Any) -> str:
    """A tool result as the study's tools show structured results: YAML, keys sorted.

    PyYAML's pure-Python emitter, as the study's tools used: libyaml's is ten times faster
    but wraps long double-quoted strings (text with tabs, or indented lines) differently, so
    a model would see other bytes. The cost is cut instead by rendering a list item by item
    (a block sequence is its items' blocks in a row) and remembering each item's text: a
    drive listing repeats the same documents turn after turn and episode after episode.
    """
    if value == [] or value is None:
        return "[]" if value == [] else "null"
    if isinstance(value, list) and not _shares_containers(value):
        return "".join(_render_item(repr(v), v) for v in value).strip()
    return _dump(value).strip()


def _shares_containers(value: Any) -> bool:
    """Whether one dict or list object occurs twice in `value`: the whole dump would write
    it once with an anchor and then an alias, which item-by-item rendering cannot."""
    seen: set[int] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict | list):
            if id(v) in seen:
                return True
            seen.add(id(v))
            stack.extend(v.values() if isinstance(v, dict) else v)
    return False


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, allow_unicode=True, default_flow_style=False)


_ITEM_CACHE: dict[str, str] = {}
_ITEM_CACHE_MAX = 4096


def _render_item(key: str, item: Any) -> str:
    # Keyed by repr, which tells apart what YAML renders apart (1 and "1", a tuple and a
    # list); equal reprs of plain data render to equal YAML.
    text = _ITEM_CACHE.get(key)
    if text is None:
        text = _dump([item])
        if len(_ITEM_CACHE) >= _ITEM_CACHE_MAX:
            _ITEM_CACHE.pop(next(iter(_ITEM_CACHE)))
        _ITEM_CACHE[key] = text
    return text


def stamp(t: datetime) -> str:
    """A file time as server listings show it."""
    return t.strftime("%Y-%m-%d %H:%M:%S")


def make_tool(execute: AsyncTool, name: str, description: str, parameters: dict[str, str]) -> Tool:
    """An Inspect tool with an explicit name (several tools share one behaviour under the
    study's two naming schemes, e.g. `list_files` and `list_drive_files`)."""
    return ToolDef(execute, name=name, description=description, parameters=parameters).as_tool()
