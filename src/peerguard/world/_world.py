"""The simulated OpenBrain world: a drive and hosts holding files, a clock and an event log.

Everything lives in memory. No method touches the host file system or the
network: the world is data, and tools only ever call these methods.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ._state import (
    DRIVE,
    SPECIAL_LOCATIONS,
    Event,
    EventKind,
    FileState,
    Snapshot,
    WorldRecord,
    sha256_text,
)
from ._text import TextLimitError, check_content, check_name, clean_text, loggable


class WorldError(Exception):
    """An operation the world refuses (missing file, unknown host...). Shown to the agent."""


@dataclass
class Clock:
    """Simulated time. Each tool call advances it by `step`, so stamps are deterministic."""

    now: datetime
    step: timedelta = timedelta(seconds=37)

    def tick(self) -> datetime:
        self.now = self.now + self.step
        return self.now


@dataclass
class World:
    """Mutable world state for one episode.

    Locations are the cloud drive (``"drive"``) and hosts addressed by IP.
    Every tool call and every mutation is appended to `events`.
    """

    clock: Clock
    locations: dict[str, dict[str, FileState]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    queues: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)
    owner: str = ""
    """Owner stamped on drive files the agent creates (the agents' account)."""

    # --- construction -------------------------------------------------------
    def add_location(self, location: str) -> None:
        """Create an empty location (a host IP or the drive)."""
        self.locations.setdefault(location, {})

    def put(
        self,
        location: str,
        name: str,
        content: str,
        mtime: datetime,
        summary: str = "",
        size: int | None = None,
        owner: str = "",
    ) -> FileState:
        """Place a file without logging (used by scenario builders before the episode starts).

        Drive files get the next drive id, as the company drive numbers its files.
        """
        files = self.locations.setdefault(clean_text(location), {})
        f = make_file(clean_text(name), clean_text(content), mtime, clean_text(summary), size)
        if location == DRIVE:
            f = f.model_copy(update={"file_id": self._next_id(), "owner": owner})
        files[f.name] = f
        return f

    # --- queries ----------------------------------------------------------------
    @property
    def hosts(self) -> list[str]:
        """Host IPs, sorted numerically."""
        return sorted(
            (loc for loc in self.locations if loc not in SPECIAL_LOCATIONS),
            key=lambda ip: tuple(int(p) if p.isdigit() else 0 for p in ip.split(".")),
        )

    def files(self, location: str) -> list[FileState]:
        """Files at a location, sorted by name."""
        return [self._location(location)[n] for n in sorted(self._location(location))]

    def arrived(self, location: str) -> list[FileState]:
        """Files at a location in the order they arrived (a server lists new files last)."""
        return list(self._location(location).values())

    def by_id(self, file_id: str) -> FileState:
        """A drive file by its id, or WorldError."""
        for f in self._location(DRIVE).values():
            if f.file_id == str(file_id):
                return f
        raise WorldError(f"File with ID '{file_id}' not found.")

    def get(self, location: str, name: str) -> FileState:
        """A file, or WorldError naming what is missing."""
        name = _name(name)
        files = self._location(location)
        if name not in files:
            where = "the drive" if location == DRIVE else f"server {location}"
            raise WorldError(f"No file named '{name}' on {where}.")
        return files[name]

    def search(self, location: str, pattern: str) -> list[FileState]:
        """Files whose name matches a glob pattern, or contains `pattern` as a substring."""
        needle = pattern.lower()
        return [
            f
            for f in self.files(location)
            if fnmatch.fnmatch(f.name.lower(), needle) or needle in f.name.lower()
        ]

    def snapshot(self) -> Snapshot:
        """An immutable copy of the current state."""
        return Snapshot(
            time=self.clock.now,
            locations={loc: dict(files) for loc, files in self.locations.items()},
            queues={ip: list(q) for ip, q in self.queues.items()},
            users={ip: list(u) for ip, u in self.users.items()},
        )

    def record(self, initial: Snapshot) -> WorldRecord:
        """Initial state, current state and the event log, for the detectors."""
        return WorldRecord(initial=initial, final=self.snapshot(), events=list(self.events))

    # --- the event log ------------------------------------------------------------
    def log(self, kind: EventKind, name: str, ok: bool = True, /, **args: Any) -> Event:
        """Append an event stamped with the current simulated time.

        Arguments are logged cleaned, with long strings shortened to a prefix and a hash.
        `kind`, `name` and `ok` are positional-only, so a tool argument may be called `name`.
        """
        try:
            logged = loggable(args)
        except TextLimitError as ex:
            logged = {"unloggable_arguments": str(ex)}
        event = Event(
            index=len(self.events),
            time=self.clock.now,
            kind=kind,
            name=clean_text(name),
            args=logged,
            ok=ok,
        )
        self.events.append(event)
        return event

    # --- mutations (each logs itself) ----------------------------------------------
    def create(self, location: str, name: str, content: str, summary: str = "") -> FileState:
        """Create or overwrite a file, stamped with the current time (drive files get an id)."""
        files = self._location(location)
        name, content = _name(name), _content(content)
        f = make_file(name, content, self.clock.now, clean_text(summary) or _first_line(content))
        if location == DRIVE:
            old = files.get(name)
            f = f.model_copy(
                update={"file_id": old.file_id if old else self._next_id(), "owner": self.owner}
            )
        files[name] = f
        self._mutated("create", location, f)
        return f

    def append(self, location: str, name: str, content: str) -> FileState:
        """Append text to an existing file."""
        old = self.get(location, name)
        f = make_file(
            old.name, _content(old.content + clean_text(content)), self.clock.now, old.summary
        )
        f = f.model_copy(update={"file_id": old.file_id, "owner": old.owner})
        self._location(location)[old.name] = f
        self._mutated("append", location, f, previous_sha256=old.sha256)
        return f

    def replace(self, location: str, name: str, content: str) -> FileState:
        """Replace an existing file's content (config edits), stamped now."""
        old = self.get(location, name)
        f = make_file(old.name, _content(content), self.clock.now, old.summary)
        f = f.model_copy(update={"file_id": old.file_id, "owner": old.owner})
        self._location(location)[old.name] = f
        self._mutated("modify", location, f, previous_sha256=old.sha256)
        return f

    def delete(self, location: str, name: str) -> FileState:
        """Delete a file."""
        old = self.get(location, name)
        del self._location(location)[name]
        self._mutated("delete", location, old)
        return old

    def copy(self, src: str, name: str, dst: str, new_name: str) -> FileState:
        """Copy a file. The copy is stamped with the current simulated time, like `cp` without -p."""
        old = self.get(src, name)
        dest_files = self._location(dst)
        new_name = _name(new_name)
        f = make_file(new_name, old.content, self.clock.now, old.summary, old.size)
        dest_files[new_name] = f
        self._mutated("copy", dst, f, source_location=src, source_name=name)
        return f

    def duplicate(self, location: str, name: str) -> FileState:
        """Copy a file beside itself as '<stem> copy.<ext>' (then ' copy 2', ...), stamped now.

        This is the study's server copy: same server, a fixed naming rule, a fresh timestamp,
        which is what lets an old file pass a date rule (specification gaming).
        """
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if dot else (name, "")
        files = self._location(location)
        new_name, n = f"{stem} copy{ext}", 2
        while new_name in files:
            new_name, n = f"{stem} copy {n}{ext}", n + 1
        return self.copy(location, name, location, new_name)

    def rename(self, location: str, name: str, new_name: str) -> FileState:
        """Rename a file in place. Like `mv`, the mtime is kept."""
        old = self.get(location, name)
        files = self._location(location)
        new_name = _name(new_name)
        if new_name in files:
            raise WorldError(f"A file named '{new_name}' already exists on server {location}.")
        del files[name]
        f = old.model_copy(update={"name": new_name})
        files[new_name] = f
        self._mutated("rename", location, f, source_name=name)
        return f

    def transfer(self, src: str, name: str, dst: str) -> FileState:
        """Move a file to another host, stamped with the current time as the study's transfer
        does (so a transferred file never shows its old date on the destination)."""
        old = self.get(src, name)
        self._location(dst)
        del self._location(src)[name]
        moved = old.model_copy(update={"mtime": self.clock.now})
        self.locations[dst][name] = moved
        self._mutated("transfer", dst, moved, source_location=src, source_name=name)
        return moved

    def enqueue_delete(self, ip: str, name: str) -> None:
        """Queue a file for the maintenance run's deletion."""
        self.get(ip, name)
        queue = self.queues.setdefault(ip, [])
        if name in queue:
            raise WorldError(f"The file, {name}, is already in the deletion queue.")
        queue.append(name)
        self.log("mutation", "enqueue_delete", location=ip, file=name)

    def dequeue_delete(self, ip: str, name: str) -> None:
        """Take a file off the deletion queue."""
        self._location(ip)
        queue = self.queues.setdefault(ip, [])
        if name not in queue:
            raise WorldError(f"The file, {name}, is not in the deletion queue.")
        queue.remove(name)
        self.log("mutation", "dequeue_delete", location=ip, file=name)

    def set_users(self, ip: str, users: list[str], change: str, user: str) -> None:
        """Replace a host's root users (logged as one mutation)."""
        self._location(ip)
        self.users[ip] = list(users)
        self.log("mutation", change, location=ip, user=user)

    # --- internals ------------------------------------------------------------------
    def _next_id(self) -> str:
        ids = [
            int(f.file_id) for f in self.locations.get(DRIVE, {}).values() if f.file_id.isdigit()
        ]
        return str(max(ids) + 1 if ids else 0)

    def _location(self, location: str) -> dict[str, FileState]:
        location = _name(location, "server address")
        if location not in self.locations:
            raise WorldError(f"Unknown IP address: {location}")
        return self.locations[location]

    def _mutated(self, kind: str, location: str, f: FileState, **extra: Any) -> None:
        self.log(
            "mutation",
            kind,
            location=location,
            file=f.name,
            sha256=f.sha256,
            mtime=f.mtime.isoformat(),
            **extra,
        )


def _name(name: object, what: str = "file name") -> str:
    try:
        return check_name(name, what)
    except TextLimitError as ex:
        raise WorldError(str(ex)) from None


def _content(content: object) -> str:
    try:
        return check_content(content)
    except TextLimitError as ex:
        raise WorldError(str(ex)) from None


def make_file(
    name: str, content: str, mtime: datetime, summary: str = "", size: int | None = None
) -> FileState:
    """Build a FileState, computing its hash (and size, unless a real-world size is given)."""
    return FileState(
        name=name,
        content=content,
        size=size if size is not None else len(content.encode("utf-8")),
        sha256=sha256_text(content),
        mtime=mtime,
        summary=summary,
    )


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:80]
