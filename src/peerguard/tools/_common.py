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
    """A tool result as the study's tools show structured results: YAML, keys sorted."""
    if value == [] or value is None:
        return "[]" if value == [] else "null"
    return yaml.safe_dump(
        value, sort_keys=True, allow_unicode=True, default_flow_style=False
    ).strip()


def stamp(t: datetime) -> str:
    """A file time as server listings show it."""
    return t.strftime("%Y-%m-%d %H:%M:%S")


def make_tool(execute: AsyncTool, name: str, description: str, parameters: dict[str, str]) -> Tool:
    """An Inspect tool with an explicit name (several tools share one behaviour under the
    study's two naming schemes, e.g. `list_files` and `list_drive_files`)."""
    return ToolDef(execute, name=name, description=description, parameters=parameters).as_tool()
