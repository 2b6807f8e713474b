"""Starting, finding and stopping the local llama.cpp server.

One server process per (GGUF file, settings), on a free loopback port. A server this
process started is stopped when the run ends: on `stop()`/context exit, at
interpreter exit (atexit, which also runs after Ctrl-C), and by the kernel when the
parent dies any other way (`PR_SET_PDEATHSIG`, see `_server_child.py`). The child
runs in its own session so that Ctrl-C reaches only us: we stop it in order rather
than racing its own shutdown.

`peerguard serve` records its server in a state file (`state_path()`); runs that find
a live server there for the same GGUF file attach to it instead of starting one.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import platformdirs

from ._gguf import require_llama_cpp

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
"""Loopback only: the server has no API key and must not be reachable from the network."""

DEFAULT_N_CTX = 8192
"""SmolLM2's training context. ~30 turns of tool calls with short tool results fit in it;
a longer episode gets `model_length` from the server (an honest stop, not a crash)."""

DEFAULT_STARTUP_TIMEOUT = 120.0
"""Seconds to wait for the server to answer. Loading the 98 MB model takes ~1 s; importing
llama_cpp's server ~2 s; the margin is for a busy 2-core CI machine."""

_CHILD = Path(__file__).with_name("_server_child.py")
_STDERR_TAIL_LINES = 30


class ServerStartError(RuntimeError):
    """The server did not come up. The message carries the end of its output."""


@dataclass(frozen=True)
class ServerSettings:
    """What identifies a server: two runs with equal settings can share one."""

    model_path: Path
    """The GGUF file."""
    n_ctx: int = DEFAULT_N_CTX
    """Context size in tokens."""
    n_threads: int | None = None
    """CPU threads (default: half the cores; see `_server_child.py` for why)."""
    chat_format: str | None = None
    """llama_cpp chat format; None is peerguard's tool-calling ChatML (`_chat_handler.py`)."""
    seed: int = 0
    """Server default seed (requests carry their own seed when Inspect sets one)."""


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


def free_port() -> int:
    """A currently free loopback TCP port (the server binds it moments later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (and is not a zombie we could reap)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def answers(base_url: str, timeout: float = 2.0) -> bool:
    """Whether an OpenAI-compatible server answers `GET {base_url}/models`."""
    try:
        return httpx.get(f"{base_url}/models", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


class LocalServer:
    """A llama.cpp OpenAI-compatible server process serving one GGUF file on loopback.

    Use as a context manager, or call `start()` and `stop()`. Servers still running
    at interpreter exit are stopped then.

    Args:
        settings: Model file and server settings.
        port: Port to listen on; 0 picks a free one.
        startup_timeout: Seconds to wait until the server answers.
    """

    def __init__(
        self,
        settings: ServerSettings,
        port: int = 0,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
    ) -> None:
        self.settings = settings
        self.port = port
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL (`http://127.0.0.1:PORT/v1`)."""
        return f"http://{HOST}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        """The server's pid, or None before start."""
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        """Whether the server process is running."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> LocalServer:
        """Start the server and wait until it answers.

        Returns:
            self, running.

        Raises:
            LocalModelUnavailable: llama-cpp-python's server is not installed.
            ServerStartError: the process exited or did not answer in time (with its output).
        """
        require_llama_cpp()
        if self.alive():
            return self
        # A port picked as free can be taken before the server binds it: try a few.
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            port = self.port or free_port()
            try:
                self._spawn(port)
                self._wait_ready()
                logger.info("local model server %s ready at %s", self.pid, self.base_url)
                return self
            except ServerStartError as ex:
                in_use = "address already in use" in str(ex).lower()
                self.stop()
                if not in_use or attempt == attempts - 1:
                    raise
                logger.info("port %d was taken; retrying on another port", port)
            except BaseException:
                # Ctrl-C or any error while waiting: never leave the process behind.
                self.stop()
                raise
        raise AssertionError("unreachable")

    def _spawn(self, port: int) -> None:
        self.port = port
        config: dict[str, Any] = {
            "model": str(self.settings.model_path),
            "alias": self.settings.model_path.stem,
            "port": port,
            "n_ctx": self.settings.n_ctx,
            "n_threads": self.settings.n_threads,
            "chat_format": self.settings.chat_format,
            "seed": self.settings.seed,
            # The kernel ties the child to the *thread* that forked it; only the main
            # thread lives as long as the process, so only then is that safe.
            "parent_pid": os.getpid()
            if threading.current_thread() is threading.main_thread()
            else 0,
        }
        fd, log_name = tempfile.mkstemp(prefix="peerguard-local-server-", suffix=".log")
        self._log_path = Path(log_name)
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server, and
        # the file keeps the output for error messages.
        with os.fdopen(fd, "wb") as log:
            env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
            self.process = subprocess.Popen(
                [sys.executable, str(_CHILD), json.dumps(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        _LIVE.add(self)
        logger.debug("started local model server pid %d on port %d", self.process.pid, port)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerStartError(
                    f"The local model server exited during startup (code "
                    f"{self.process.returncode if self.process else '?'}).\n{self.output_tail()}"
                )
            if answers(self.base_url, timeout=1.0):
                return
            time.sleep(0.2)
        raise ServerStartError(
            f"The local model server did not answer at {self.base_url} within "
            f"{self.startup_timeout:.0f}s.\n{self.output_tail()}"
        )

    def output_tail(self, lines: int = _STDERR_TAIL_LINES) -> str:
        """The last lines of the server's stdout/stderr."""
        if self._log_path is None or not self._log_path.exists():
            return "(no server output)"
        text = self._log_path.read_text(errors="replace").splitlines()[-lines:]
        return "Server output (last lines):\n" + "\n".join(text) if text else "(no server output)"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after `timeout`) and remove its log file."""
        process, self.process = self.process, None
        _LIVE.discard(self)
        if process is not None:
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
                    process.wait(timeout=timeout)
            logger.debug("stopped local model server pid %d", process.pid)
        if self._log_path is not None:
            with contextlib.suppress(OSError):
                self._log_path.unlink()
            self._log_path = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    # The child leads its own session; signal the group in case it ever forks helpers.
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        process.send_signal(sig)


_LIVE: set[LocalServer] = set()


def stop_all() -> None:
    """Stop every server this process started (registered with atexit)."""
    for server in list(_LIVE):
        try:
            server.stop(timeout=5.0)
        except Exception as ex:  # at exit, stopping the others matters more
            logger.warning("could not stop local model server: %s", ex)


atexit.register(stop_all)


# -- the state file of `peerguard serve` --------------------------------------------------


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
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)))
    tmp.replace(path)
    return path


def clear_state(pid: int, path: Path | None = None) -> None:
    """Remove the state file if it still describes the server `pid`."""
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
    """
    path = path or state_path()
    try:
        state = ServerState(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if check_alive and not (pid_alive(state.pid) and answers(state.base_url)):
        return None
    return state


class ServerLease:
    """A server a model provider uses: one it started (shared in-process) or an attached one."""

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
    """Start a dead owned server again (same settings, new port). No-op when attached or alive."""
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
