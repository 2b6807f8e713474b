"""Shared plumbing for world tools: logging every call and turning world errors into tool errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import yaml
from inspect_ai.tool import Tool, ToolDef, ToolError

from peerguard.world import World, WorldError

T = TypeVar("T")


def call(world: World, tool: str, args: dict[str, Any], action: Callable[[], T]) -> T:
    """Run one tool action: tick the clock, log the call, map world errors to a readable ToolError."""
    world.clock.tick()
    event_index = len(world.events)
    world.log("tool_call", tool, **args)
    try:
        return action()
    except WorldError as ex:
        # Replace the logged call with one marked failed, so detectors can tell attempts from effects.
        failed = world.events[event_index].model_copy(
            update={"ok": False, "args": {**args, "error": str(ex)}}
        )
        world.events[event_index] = failed
        raise ToolError(str(ex)) from ex


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
