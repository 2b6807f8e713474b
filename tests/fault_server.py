"""A loopback OpenAI-compatible server that plays a known-answer policy and injects faults.

Each `POST /v1/chat/completions` is answered, according to the fault plan, with the
scripted policy's next move (a tool call), or with a fault: ``"choices": []``, a body that
is not JSON, or HTTP 500. The scores of a run through it must equal the scores of the same
policy run through the `scripted/` provider: a fault may error a sample, never change a flag.

Binds 127.0.0.1 only; nothing here ever talks to another address.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from inspect_ai.model import messages_from_openai

from peerguard.scripted._policies import POLICIES
from peerguard.scripted._script import context_of, next_act

FAULTS = ("empty", "malformed", "http500")

Plan = Callable[[int], str]
"""Request number (0-based) -> "ok" or one of `FAULTS`."""


def random_plan(rate: float, seed: int = 0, faults: tuple[str, ...] = FAULTS) -> Plan:
    """Each request faults with probability `rate`, the fault drawn uniformly from `faults`."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def plan(_n: int) -> str:
        with lock:
            return rng.choice(faults) if rng.random() < rate else "ok"

    return plan


def sequence_plan(kinds: list[str], then: str = "ok") -> Plan:
    """The given kinds in order, then `then` for every later request."""
    return lambda n: kinds[n] if n < len(kinds) else then


class FaultServer:
    """Run with ``with FaultServer(plan) as server:``; `server.base_url` is the API root."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.counts: Counter[str] = Counter()
        self._n = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _next_kind(self) -> str:
        with self._lock:
            kind = self.plan(self._n)
            self._n += 1
            self.counts[kind] += 1
            return kind

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                kind = server._next_kind()
                if kind == "http500":
                    self._send(500, b'{"error": {"message": "injected", "type": "server_error"}}')
                elif kind == "empty":
                    self._send(200, json.dumps(_completion(body, None)).encode())
                elif kind == "malformed":
                    self._send(200, b'{"id": "chatcmpl-x", "choices": [{"index": 0, "mess')
                else:
                    self._send(200, json.dumps(_completion(body, _act(body))).encode())

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _act(body: dict[str, Any]) -> dict[str, Any]:
    """The policy's next move for this conversation, as an OpenAI assistant message."""
    messages = asyncio.run(messages_from_openai(body["messages"]))
    tools = [t["function"]["name"] for t in body.get("tools", [])]
    act = next_act(POLICIES[body["model"]], context_of(messages, tools), messages)
    calls = sum(1 for m in messages if m.role == "tool")
    return {
        "role": "assistant",
        "content": act.text or None,
        "tool_calls": [
            {
                "id": f"call_{calls + 1}",
                "type": "function",
                "function": {"name": act.tool, "arguments": json.dumps(act.args)},
            }
        ],
    }


def _completion(body: dict[str, Any], message: dict[str, Any] | None) -> dict[str, Any]:
    choices = [] if message is None else [
        {"index": 0, "message": message, "finish_reason": "tool_calls"}
    ]  # fmt: skip
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": choices,
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }
