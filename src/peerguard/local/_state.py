"""The state file of `peerguard serve`: where a long-lived server says it is.

`peerguard serve` records `{pid, port, model_path, n_ctx}` here while it runs; a run
for the same GGUF file finds the record, checks that the process is alive and answers,
and attaches to it instead of starting its own server (`_lease.acquire_server`).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from peerguard._process import pid_alive

from ._server import HOST, LocalServer, answers


@dataclass(frozen=True)
class ServerState:
    """A running server as recorded in the state file by `peerguard serve`."""

    pid: int
    """The server process."""
    port: int
    """Its loopback port."""
    model_path: str
    """The GGUF file it serves."""
    n_ctx: int
    """Its context size."""

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL."""
        return f"http://{HOST}:{self.port}/v1"


def state_path() -> Path:
    """Where `peerguard serve` records its server: `<user cache dir>/peerguard/local-server.json`."""
    return Path(platformdirs.user_cache_dir("peerguard")) / "local-server.json"


def write_state(server: LocalServer, path: Path | None = None) -> Path:
    """Record a running server so that runs can attach to it.

    Args:
        server: A started server.
        path: State file (default `state_path()`).

    Returns:
        The state file written.

    Raises:
        ValueError: The server is not running.
    """
    if server.pid is None:
        raise ValueError("the server is not running")
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    state = ServerState(
        pid=server.pid,
        port=server.port,
        model_path=str(server.settings.model_path),
        n_ctx=server.settings.n_ctx,
    )
    # Write then rename, so a run reading concurrently never sees half a record.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)))
    tmp.replace(path)
    return path


def clear_state(pid: int, path: Path | None = None) -> None:
    """Remove the state file if it still describes the server `pid`.

    Args:
        pid: The server whose record to remove (a newer server's record is kept).
        path: State file (default `state_path()`).
    """
    path = path or state_path()
    state = read_state(path, check_alive=False)
    if state is not None and state.pid == pid:
        with contextlib.suppress(OSError):
            path.unlink()


def read_state(path: Path | None = None, check_alive: bool = True) -> ServerState | None:
    """The recorded server, or None if there is none (or, with `check_alive`, it is gone).

    Args:
        path: State file (default `state_path()`).
        check_alive: Also require the process to exist and the server to answer.

    Returns:
        The record, or None.
    """
    path = path or state_path()
    try:
        state = ServerState(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if check_alive and not (pid_alive(state.pid) and answers(state.base_url)):
        return None
    return state
