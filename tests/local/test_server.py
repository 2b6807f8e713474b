"""The local model server: starts, answers, stops, and never outlives its parent."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from peerguard.local import (
    LocalServer,
    ServerSettings,
    ServerStartError,
    acquire_server,
    embedded_gguf,
    read_state,
    write_state,
)

from .conftest import wait_gone

pytestmark = pytest.mark.local_model

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "read_file",
            "description": "Read a file from the drive.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}},
                "required": ["path"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "end_task",
            "description": "End the task.",
            "parameters": {"type": "object", "properties": {}},
        },
    },
]


def settings() -> ServerSettings:
    return ServerSettings(model_path=embedded_gguf("smollm2"), n_ctx=2048)


def ask(base_url: str, tool_choice: str = "required") -> dict:
    body = {
        "model": "smollm2",
        "messages": [
            {"role": "system", "content": "You are Agent 1. Use the tools."},
            {"role": "user", "content": "Read policy.md, then end the task."},
        ],
        "tools": TOOLS,
        "tool_choice": tool_choice,
        "max_tokens": 64,
        "temperature": 1.0,
        "seed": 1,
    }
    response = httpx.post(f"{base_url}/chat/completions", json=body, timeout=120)
    response.raise_for_status()
    return response.json()


PARENT_BOUND = 300.0
"""Upper bound on any one wait for a parent process (start-up with a server, exit).
Every wait returns as soon as its event happens; the bound only turns a hang into a
failure, so it is generous enough for a 2-core machine shared with other builds."""


def start_parent(script: str) -> tuple[subprocess.Popen[str], int]:
    """Run `script` in a child Python that starts a server, prints its pid, then runs `script`.

    Returns once the parent has said so, i.e. once its server answers and its own signal
    handling is in place (it runs Python code): a signal sent after this is never early.
    """
    code = textwrap.dedent(
        f"""
        import sys, time
        from peerguard.local import ServerSettings, acquire_server, embedded_gguf
        lease = acquire_server(ServerSettings(model_path=embedded_gguf("smollm2"), n_ctx=2048), attach=False)
        print(lease.pid, flush=True)
        {script}
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    ready, _, _ = select.select([parent.stdout], [], [], PARENT_BOUND)
    line = parent.stdout.readline() if ready else ""
    if not line.strip():
        parent.kill()
        _, err = parent.communicate(timeout=PARENT_BOUND)
        pytest.fail(f"the parent did not start a server within {PARENT_BOUND:.0f}s: {err}")
    return parent, int(line)


def stop_and_wait(parent: subprocess.Popen[str], sig: int | None) -> int:
    """Send `sig` (None: nothing) to `parent`, wait for it to exit, and return its exit code."""
    if sig is not None:
        parent.send_signal(sig)
    try:
        return parent.wait(PARENT_BOUND)
    finally:
        if parent.poll() is None:  # only when the wait failed: leave nothing behind
            parent.kill()
        parent.communicate()


def test_server_starts_answers_with_a_real_tool_call_and_stops(no_new_servers: None) -> None:
    with LocalServer(settings()) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        pid = server.pid
        assert pid is not None
        models = httpx.get(f"{server.base_url}/models", timeout=10).json()
        assert models["data"]
        out = ask(server.base_url)
        [choice] = out["choices"]
        assert out["usage"]["completion_tokens"] > 0
        [call] = choice["message"]["tool_calls"]
        assert call["function"]["name"] in {"read_file", "end_task"}
        json.loads(call["function"]["arguments"])  # well-formed: the grammar guarantees it
    assert not server.alive()
    assert not wait_gone({pid})


def test_server_stops_when_the_code_using_it_raises(no_new_servers: None) -> None:
    with pytest.raises(RuntimeError, match="boom"), LocalServer(settings()) as server:
        pid = server.pid
        raise RuntimeError("boom")
    assert pid is not None and not wait_gone({pid})


def test_server_stops_when_the_parent_exits_on_an_exception() -> None:
    parent, pid = start_parent("raise RuntimeError('crash in the parent')")
    assert stop_and_wait(parent, None) != 0
    assert not wait_gone({pid}), "the server outlived a crashed parent"


def test_server_stops_when_the_parent_gets_ctrl_c() -> None:
    # Event-driven, so machine load cannot fail it: the signal goes out only once the
    # parent has reported a ready server, and each wait ends when its event happens.
    parent, pid = start_parent("time.sleep(3600)")
    code = stop_and_wait(parent, signal.SIGINT)
    assert code != 0, "the parent was not interrupted"
    assert not wait_gone({pid}), "the server outlived a parent stopped with Ctrl-C"


def test_server_dies_with_a_parent_killed_outright() -> None:
    # SIGKILL runs no Python code at all: only PR_SET_PDEATHSIG can stop the server.
    parent, pid = start_parent("time.sleep(3600)")
    assert stop_and_wait(parent, signal.SIGKILL) == -signal.SIGKILL
    assert not wait_gone({pid}), "the server outlived a parent killed with SIGKILL"


def test_a_broken_model_file_gives_a_readable_error_with_the_server_output(
    tmp_path: Path, no_new_servers: None
) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"this is not a gguf file" * 100)
    with pytest.raises(ServerStartError) as err:
        LocalServer(ServerSettings(model_path=bad), startup_timeout=60).start()
    message = str(err.value)
    assert "exited during startup" in message
    assert "Server output" in message


def test_runs_attach_to_a_recorded_server_instead_of_starting_one(
    tmp_path: Path, no_new_servers: None
) -> None:
    state = tmp_path / "state.json"
    with LocalServer(settings()) as server:
        write_state(server, state)
        recorded = read_state(state)
        assert recorded is not None and recorded.pid == server.pid
        lease = acquire_server(settings(), attach=True, state_file=state)
        assert not lease.owned
        assert lease.base_url == server.base_url and lease.pid == server.pid
        # Another GGUF file is not served there: that run would start its own server.
    assert read_state(state) is None  # the server is gone, so the record is stale


def test_serve_command_records_its_server_and_cleans_up_on_ctrl_c(tmp_path: Path) -> None:
    state = tmp_path / "serve.json"
    code = "from peerguard.cli._serve import serve; serve()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--n-ctx", "2048", "--state-file", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + PARENT_BOUND
        recorded = None
        while recorded is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            recorded = read_state(state)
        assert recorded is not None, proc.stdout.read() if proc.stdout else ""
        assert ask(recorded.base_url)["usage"]["completion_tokens"] > 0
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=PARENT_BOUND)
    assert proc.returncode == 0, out
    assert "Serving" in out and "Server stopped." in out
    assert not state.exists()
    assert not wait_gone({recorded.pid})
