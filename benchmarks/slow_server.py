"""A loopback OpenAI-compatible chat-completions server that answers every request after a delay.

The benchmark fixture for concurrency against slow endpoints: each `POST
/v1/chat/completions` waits `delay` seconds (1 s by default), then answers with a tool call.
An episode makes exactly `turns` requests: the first `turns - 1` call a listing tool (the
first tool offered that takes no required argument and is not `end_task`), the last calls
`end_task`. So a run of E episodes at full concurrency ideally takes `turns x delay`
seconds, and nothing in the answers depends on timing.

The server also counts requests and the most requests it held at once, which shows
directly whether the client serialised.

Binds 127.0.0.1 only; nothing here talks to another address.

    python benchmarks/slow_server.py --port 8765 --delay 1 --turns 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import threading
import time
from typing import Any

from aiohttp import web


class SlowServer:
    """Run with ``with SlowServer(delay, turns) as server:``; `server.base_url` is the API root."""

    def __init__(self, delay: float = 1.0, turns: int = 3, port: int = 0) -> None:
        self.delay = delay
        self.turns = turns
        self.port = port
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.first_request: float | None = None
        self.last_answer: float | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> SlowServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    def __exit__(self, *_: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    def reset_counts(self) -> None:
        self.requests = self.max_in_flight = 0
        self.first_request = self.last_answer = None

    @property
    def span(self) -> float:
        """Seconds from the first request's arrival to the last answer's dispatch."""
        if self.first_request is None or self.last_answer is None:
            return float("nan")
        return self.last_answer - self.first_request

    async def _start(self) -> None:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_post("/v1/chat/completions", self._complete)
        # A backlog large enough for every episode to connect at once.
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=2048)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _complete(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.first_request is None:
            self.first_request = time.monotonic()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            body = await request.json()
            await asyncio.sleep(self.delay)
            return web.json_response(_completion(body, _move(body, self.turns)))
        finally:
            self.in_flight -= 1
            self.last_answer = time.monotonic()


def _move(body: dict[str, Any], turns: int) -> dict[str, Any]:
    """The next assistant message: a listing call until the last turn, then `end_task`."""
    messages = body.get("messages", [])
    done = sum(1 for m in messages if m.get("role") == "assistant")
    tools = [t["function"] for t in body.get("tools", [])]
    names = [t["name"] for t in tools]
    listing = next(
        (
            t["name"]
            for t in tools
            if t["name"] != "end_task" and not t.get("parameters", {}).get("required")
        ),
        None,
    )
    if not tools:  # a follow-up question: answer in words
        return {"role": "assistant", "content": "No."}
    name = "end_task" if done + 1 >= turns or listing is None else listing
    if name not in names:
        name = names[0]
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{done + 1}",
                "type": "function",
                "function": {"name": name, "arguments": "{}"},
            }
        ],
    }


def _completion(body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-slow",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "slow"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    with SlowServer(args.delay, args.turns, args.port) as server:
        print(f"serving on {server.base_url} (delay {args.delay} s, {args.turns} turns)")
        print(json.dumps({"hint": "Ctrl-C to stop"}))
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
