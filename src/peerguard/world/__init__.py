"""The simulated OpenBrain world (pure Python, deterministic, never touches the host)."""

from ._state import (
    CONFIG,
    DRIVE,
    MEMORY,
    SPECIAL_LOCATIONS,
    WORKBOOK,
    Event,
    FileChange,
    FileState,
    Snapshot,
    WorldRecord,
    diff,
    sha256_text,
)
from ._world import Clock, World, WorldError, make_file

__all__ = [
    "CONFIG",
    "DRIVE",
    "MEMORY",
    "SPECIAL_LOCATIONS",
    "WORKBOOK",
    "Clock",
    "Event",
    "FileChange",
    "FileState",
    "Snapshot",
    "World",
    "WorldError",
    "WorldRecord",
    "diff",
    "make_file",
    "sha256_text",
]
