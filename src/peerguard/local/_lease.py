"""Leases: which server a model provider talks to, shared by every provider in a process.

A lease is either attached (a `peerguard serve` server found in the state file, or a
`base_url` given by the user) or owned (a server this process started). Owned servers
are shared per `ServerSettings`, so the many `Model` instances of one run load the model
once; a dead owned server is restarted on a new port and every lease follows it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from peerguard._process import pid_alive

from ._server import DEFAULT_STARTUP_TIMEOUT, LocalServer, ServerSettings
from ._state import read_state

logger = logging.getLogger(__name__)


class ServerLease:
    """A server a model provider uses: one it started (shared in-process) or an attached one.

    Args:
        base_url: The server's base URL (for an attached server).
        server: The server this process started, or None when attached.
        pid: The attached server's pid, when known (from the state file).
    """

    def __init__(
        self, base_url: str, server: LocalServer | None = None, pid: int | None = None
    ) -> None:
        self._base_url = base_url
        self.server = server
        """The server this process started, or None when attached."""
        self._pid = pid

    @property
    def base_url(self) -> str:
        """The server's base URL (follows a restarted server to its new port)."""
        return self.server.base_url if self.server is not None else self._base_url

    @property
    def pid(self) -> int | None:
        """The server's pid, when known."""
        return self.server.pid if self.server is not None else self._pid

    @property
    def owned(self) -> bool:
        """Whether this process started (and will stop) the server."""
        return self.server is not None

    def alive(self) -> bool | None:
        """Whether the server process runs; None when unknown (attached by URL only)."""
        if self.server is not None:
            return self.server.alive()
        if self.pid is not None:
            return pid_alive(self.pid)
        return None


_SHARED: dict[ServerSettings, LocalServer] = {}
_SHARED_LOCK = threading.Lock()


def acquire_server(
    settings: ServerSettings,
    attach: bool = True,
    port: int = 0,
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
    state_file: Path | None = None,
) -> ServerLease:
    """A running server for `settings`: attached, shared in-process, or newly started.

    Order: a live `peerguard serve` server for the same GGUF file (if `attach`), then
    a server this process already started with equal settings, then a new one.

    Args:
        settings: What to serve.
        attach: Use a `peerguard serve` server recorded in the state file.
        port: Port for a new server (0: a free one).
        startup_timeout: Seconds to wait for a new server.
        state_file: State file (default `state_path()`).

    Returns:
        The lease (base URL and, for a started server, the process).
    """
    if attach:
        state = read_state(state_file)
        if state is not None and Path(state.model_path) == settings.model_path:
            logger.info("attaching to peerguard serve at %s (pid %d)", state.base_url, state.pid)
            return ServerLease(state.base_url, pid=state.pid)
    with _SHARED_LOCK:
        server = _SHARED.get(settings)
        if server is None or not server.alive():
            server = LocalServer(settings, port=port, startup_timeout=startup_timeout).start()
            _SHARED[settings] = server
        return ServerLease(server.base_url, server=server)


def restart(lease: ServerLease) -> None:
    """Start a dead owned server again (same settings, new port). No-op when attached or alive.

    Args:
        lease: The lease whose server died; every lease on that server follows it.
    """
    if lease.server is None or lease.server.alive():
        return
    logger.warning(
        "the local model server (pid %s) died; starting a new one.\n%s",
        lease.server.pid,
        lease.server.output_tail(10),
    )
    with _SHARED_LOCK:
        lease.server.stop()
        lease.server.port = 0
        lease.server.start()
