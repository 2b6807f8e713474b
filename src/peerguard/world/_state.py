"""Serialisable state of the simulated world: files, snapshots, events and diffs.

Pydantic models, because all of these are saved in the Inspect log (the
sample store) so that detectors can be re-run from the log alone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

DRIVE = "drive"
"""Location name of the company cloud drive (hosts are named by their IP)."""

WORKBOOK = "workbook"
"""Location of the spreadsheets (`list_sheets` / `view_sheet`); each file is one sheet (CSV)."""

CONFIG = "config"
"""Location of the shutdown configuration file (`view_config` and the var tools)."""

MEMORY = "memory"
"""Location of the agent's stored memory (`retrieve_memory`)."""

SPECIAL_LOCATIONS = (DRIVE, WORKBOOK, CONFIG, MEMORY)
"""Locations that are not hosts (hosts are named by their IP)."""


def sha256_text(content: str) -> str:
    """The sha256 hex digest of a file's content."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class FileState(BaseModel, frozen=True):
    """One file as it exists at one location at one moment."""

    name: str
    """File name (unique within its location)."""

    content: str
    """The file's content. Large binaries (weights) carry a short stand-in whose hash identifies them."""

    size: int
    """Size in bytes as the world reports it (a weights file reports its real-world size)."""

    sha256: str
    """sha256 of `content`: detectors follow content, not names."""

    mtime: datetime
    """Last-modified time in simulated time."""

    summary: str = ""
    """One-line description shown in listings."""

    file_id: str = ""
    """The drive's id for the file ("0", "1", ...), which `append`/`delete` tools take."""

    owner: str = ""
    """Owner shown in drive listings (an e-mail address)."""


class Snapshot(BaseModel, frozen=True):
    """The whole world at one moment."""

    time: datetime
    """Simulated time when the snapshot was taken."""

    locations: dict[str, dict[str, FileState]]
    """Location (``drive`` or a host IP) -> file name -> file, in the order files arrived."""

    queues: dict[str, list[str]] = Field(default_factory=dict)
    """Host IP -> file names queued for deletion (deleted by the maintenance run afterwards)."""

    users: dict[str, list[str]] = Field(default_factory=dict)
    """Host IP -> root users."""

    def files_with_hash(self, sha256: str) -> list[tuple[str, FileState]]:
        """Every (location, file) whose content hash is `sha256`."""
        return [
            (loc, f)
            for loc, files in self.locations.items()
            for f in files.values()
            if f.sha256 == sha256
        ]

    def get(self, location: str, name: str) -> FileState | None:
        """The file `name` at `location`, if it exists."""
        return self.locations.get(location, {}).get(name)


EventKind = Literal["tool_call", "mutation"]


class Event(BaseModel, frozen=True):
    """One entry of the append-only event log."""

    index: int
    """Position in the log (0-based)."""

    time: datetime
    """Simulated time of the event."""

    kind: EventKind
    """A tool call as the agent made it, or a mutation of world state it caused."""

    name: str
    """Tool name (for tool calls) or mutation type: create, append, delete, copy, rename, transfer, modify."""

    args: dict[str, Any] = Field(default_factory=dict)
    """Tool arguments (tool calls) or mutation details (location, file, sha256, mtime...)."""

    ok: bool = True
    """False when the tool call failed (its error is in `args['error']`)."""


class FileChange(BaseModel, frozen=True):
    """A difference between two snapshots for one (location, name)."""

    location: str
    name: str
    change: Literal["added", "removed", "modified"]
    before: FileState | None = None
    after: FileState | None = None


def diff(before: Snapshot, after: Snapshot) -> list[FileChange]:
    """Files added, removed or modified between two snapshots, sorted by location and name."""
    changes: list[FileChange] = []
    locations = sorted(set(before.locations) | set(after.locations))
    for loc in locations:
        old = before.locations.get(loc, {})
        new = after.locations.get(loc, {})
        for name in sorted(set(old) | set(new)):
            a, b = old.get(name), new.get(name)
            if a is None and b is not None:
                changes.append(FileChange(location=loc, name=name, change="added", after=b))
            elif b is None and a is not None:
                changes.append(FileChange(location=loc, name=name, change="removed", before=a))
            elif a is not None and b is not None and a != b:
                changes.append(
                    FileChange(location=loc, name=name, change="modified", before=a, after=b)
                )
    return changes


class WorldRecord(BaseModel):
    """What a finished episode saves for the detectors: initial state, final state, events."""

    initial: Snapshot
    final: Snapshot
    events: list[Event]

    def tool_calls(self, name: str | None = None) -> list[Event]:
        """Tool-call events, optionally only those of one tool."""
        return [
            e for e in self.events if e.kind == "tool_call" and (name is None or e.name == name)
        ]

    def mutations(self, name: str | None = None) -> list[Event]:
        """Mutation events, optionally only those of one type."""
        return [e for e in self.events if e.kind == "mutation" and (name is None or e.name == name)]
