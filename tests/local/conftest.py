"""Fixtures for the local model tests: a state file of our own, and orphan checks."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerguard._process import pid_alive
from peerguard.local import _server, _state


def server_pids() -> set[int]:
    """Pids of every local model server process on this machine (ours or not)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"_server_child.py") for part in cmdline):
            pids.add(int(entry.name))
    return pids


def wait_gone(pids: set[int], timeout: float = 120.0) -> set[int]:
    """The pids still alive after waiting until they are gone, at most `timeout` seconds.

    Event-driven: returns as soon as every process is gone, so the generous bound only
    matters when a process really outlives its parent (or on a machine under heavy load).
    """
    deadline = time.monotonic() + timeout
    alive = {p for p in pids if pid_alive(p)}
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {p for p in alive if pid_alive(p)}
    return alive


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep tests away from a developer's `peerguard serve` (and its state file)."""
    path = tmp_path / "cache" / "local-server.json"
    monkeypatch.setattr(_state, "state_path", lambda: path)
    # Child processes (the CLI, a parent we kill) find the state under XDG_CACHE_HOME.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    yield path


@pytest.fixture
def no_new_servers() -> Iterator[None]:
    """Fail if a test leaves a server process behind that was not there before."""
    before = server_pids()
    yield
    _server.stop_all()
    left = wait_gone(server_pids() - before)
    assert not left, f"orphan local model servers: {sorted(left)}"


def env_without_pytest() -> dict[str, str]:
    """Environment for a child Python: ours, minus pytest's plugin autoload quirks."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
