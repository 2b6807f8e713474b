"""The local llama.cpp server process: start, wait until it answers, stop.

One server process per (GGUF file, settings), on a free loopback port. A server this
process started is stopped when the run ends: on `stop()`/context exit, at
interpreter exit (an atexit hook registered when the first server starts, which also
runs after Ctrl-C), and by the kernel when the parent dies any other way
(`PR_SET_PDEATHSIG`, see `_server_child.py`). The child runs in its own session so
that Ctrl-C reaches only us: we stop it in order rather than racing its own shutdown.

Which server a provider uses (shared, attached, restarted) is `_lease.py`; the state
file of `peerguard serve` is `_state.py`.
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
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from ._gguf import require_llama_cpp, training_context

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
"""Loopback only: the server has no API key and must not be reachable from the network."""

AUTO_N_CTX = 0
"""`n_ctx` value meaning: the model's training context, capped at `MAX_AUTO_N_CTX`."""

DEFAULT_N_CTX = 8192
"""Context when the GGUF file does not state its training context (and SmolLM2's own).
An episode that outgrows the context is cut there and recorded as such (`_provider.py`)."""

MAX_AUTO_N_CTX = 32768
"""Cap on the automatic context. The KV cache grows linearly with it (Qwen2.5-0.5B: 12 KB
per token, 0.4 GB at 32k; SmolLM2-135M: 23 KB per token) and a model rarely has good
quality beyond its training context; `-M n_ctx=...` sets any value."""

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
    n_ctx: int = AUTO_N_CTX
    """Context size in tokens; `AUTO_N_CTX` (0) resolves to `auto_n_ctx(model_path)`."""
    n_threads: int | None = None
    """CPU threads (default: half the cores; see `_server_child.py` for why)."""
    chat_format: str | None = None
    """llama_cpp chat format; None is peerguard's tool-calling ChatML (`_chat_handler.py`)."""
    seed: int = 0
    """Server default seed (requests carry their own seed when Inspect sets one)."""

    def __post_init__(self) -> None:
        # Resolved here, not in the server, so that the state file, the sharing key and
        # error messages all carry the real size.
        if self.n_ctx == AUTO_N_CTX:
            object.__setattr__(self, "n_ctx", auto_n_ctx(self.model_path))


def auto_n_ctx(model_path: Path) -> int:
    """The default context for a GGUF file: its training context, at most `MAX_AUTO_N_CTX`.

    Args:
        model_path: The GGUF file.

    Returns:
        Context size in tokens (`DEFAULT_N_CTX` when the file does not say).
    """
    return min(training_context(model_path) or DEFAULT_N_CTX, MAX_AUTO_N_CTX)


def free_port() -> int:
    """A currently free loopback TCP port (the server binds it moments later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


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
        _stop_all_at_exit()
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
_ATEXIT_LOCK = threading.Lock()
_atexit_registered = False


def _stop_all_at_exit() -> None:
    """Make sure interpreter exit stops every server this process started.

    Registered before the first server is spawned rather than at import, so importing
    peerguard (as Inspect does for every run, whatever the model) changes nothing.
    """
    global _atexit_registered
    with _ATEXIT_LOCK:
        if not _atexit_registered:
            atexit.register(stop_all)
            _atexit_registered = True


def stop_all() -> None:
    """Stop every server this process started (run at interpreter exit)."""
    for server in list(_LIVE):
        try:
            server.stop(timeout=5.0)
        except Exception as ex:  # at exit, stopping the others matters more
            logger.warning("could not stop local model server: %s", ex)
