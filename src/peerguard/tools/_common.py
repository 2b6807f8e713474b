"""Shared plumbing for world tools: logging every call and turning world errors into tool errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from inspect_ai.tool import ToolError

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
