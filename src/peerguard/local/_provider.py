"""The `local` Inspect model provider's API class (registered lazily by `_factory.py`): `--model local/smollm2` or `--model local/PATH.gguf`.

The provider starts (or attaches to) a llama.cpp server for the GGUF file and talks
to it through Inspect's OpenAI-compatible API class, so transcripts, usage and errors
look like any other OpenAI-compatible model's. Model args (`-M key=value`):

- `server_url`: use this OpenAI-compatible server (`http://HOST:PORT/v1`); start nothing.
  (Not `base_url`: Inspect passes its own `base_url` beside the model args, and the two
  collide. From Python, `get_model("local/x", base_url=...)` does the same.)
- `attach` (default true): use a live `peerguard serve` server for the same file.
- `port` (default 0 = free port), `n_ctx` (the model's training context, at most 32,768;
  SmolLM2: 8,192), `n_threads` (half the cores),
  `startup_timeout` (120 s), `chat_format` (default: peerguard's tool-calling ChatML).
- `force_tools` (default true): ask for a tool call on every turn (see `resolve_tools`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    GenerateConfig,
    ModelCall,
    ModelOutput,
    RetryDecision,
)

# Inspect exports no public name for its OpenAI-compatible provider class; subclassing
# it is how a provider reuses Inspect's OpenAI message conversion, retries and usage.
from inspect_ai.model._providers.openai_compatible import OpenAICompatibleAPI
from inspect_ai.tool import ToolChoice, ToolInfo
from inspect_ai.util import LimitExceededError
from openai import APIStatusError
from openai.types.chat import ChatCompletion
from typing_extensions import override

from ._clean import clean_completion
from ._gguf import find_gguf
from ._lease import ServerLease, acquire_server, restart
from ._server import AUTO_N_CTX, DEFAULT_STARTUP_TIMEOUT, ServerSettings

logger = logging.getLogger(__name__)

DEFAULT_MAX_TOKENS = 256
"""Completion tokens per turn. A tool call from this model is 20-60 tokens and a report
with per-item verdicts fits in ~250; a small model that rambles otherwise writes until the
context is full (minutes per turn on 2 cores). A call cut short reaches the model as a
malformed-call error, which is honest junk, not a crash."""

MAX_RESTARTS = 3
"""Times a run restarts a dead server it owns before every further turn errors."""


_OVERFLOW = re.compile(r"maximum context length is (\d+) tokens.*?requested (\d+) tokens", re.S)
"""llama_cpp's server's `context_length_exceeded` message: the window, then what was asked."""


def context_full(message: str) -> LimitExceededError:
    """The limit that ends an episode whose conversation no longer fits the context window.

    Inspect stops the sample at a `LimitExceededError`, records it as the sample's limit
    (type `custom`, with this message) and scores the state reached, exactly as for a
    turn limit. The alternative, a `model_length` output, would leave the agent loop
    sending the same over-long conversation every remaining turn.

    Args:
        message: The server's error message (it states the window and the request).

    Returns:
        The error to raise.
    """
    match = _OVERFLOW.search(message)
    window, requested = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    size = f"{window:,} tokens" if window else "its size"
    need = f" (this turn needed {requested:,} with its reply)" if requested else ""
    return LimitExceededError(
        "custom",
        value=requested,
        limit=window,
        message=(
            f"Local model context window full: the conversation outgrew {size}{need}. "
            "The episode ends here and is scored on the state it reached; "
            "-M n_ctx=... sets a larger window."
        ),
    )


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class LocalModelAPI(OpenAICompatibleAPI):
    """A GGUF model served by a local llama.cpp server (see the module docstring for args)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        port = int(model_args.pop("port", 0))
        n_ctx = int(model_args.pop("n_ctx", AUTO_N_CTX))
        n_threads = model_args.pop("n_threads", None)
        startup_timeout = float(model_args.pop("startup_timeout", DEFAULT_STARTUP_TIMEOUT))
        attach = _as_bool(model_args.pop("attach", True))
        chat_format = model_args.pop("chat_format", None)
        self.force_tools = _as_bool(model_args.pop("force_tools", True))
        base_url = base_url or model_args.pop("server_url", None)
        if base_url:
            self.lease = ServerLease(str(base_url))
        else:
            settings = ServerSettings(
                model_path=find_gguf(model_name),
                n_ctx=n_ctx,
                n_threads=int(n_threads) if n_threads else None,
                chat_format=str(chat_format) if chat_format else None,
            )
            self.lease = acquire_server(
                settings, attach=attach, port=port, startup_timeout=startup_timeout
            )
        self._restarts = 0
        super().__init__(
            model_name=model_name,
            base_url=self.lease.base_url,
            # The server is loopback-only and has no key; the OpenAI client wants one.
            api_key=api_key or "peerguard-local",
            config=config or GenerateConfig(),
            service="local",
            stream=False,
            strict_tools=False,
            **model_args,
        )

    @override
    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    @override
    def max_connections(self) -> int:
        # llama.cpp's server computes one request at a time; more connections only queue
        # there, where Inspect's timeouts and retries cannot see them.
        return 1

    @override
    def connection_key(self) -> str:
        return self.lease.base_url

    @override
    def resolve_tools(
        self, tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> tuple[list[ToolInfo], ToolChoice, GenerateConfig]:
        # The study's agent must call a tool every turn. Left to choose ("auto"),
        # SmolLM2-135M answered in prose on every turn we measured and never acted, so
        # by default we ask for a call ("any"); the model still picks which tool and
        # every argument. `-M force_tools=false` restores "auto".
        if self.force_tools and tools and tool_choice == "auto":
            tool_choice = "any"
        return tools, tool_choice, config

    @override
    def chat_choices_from_completion(
        self, completion: ChatCompletion, tools: list[ToolInfo]
    ) -> list[ChatCompletionChoice]:
        cleaned = clean_completion(completion.model_dump(), {t.name for t in tools})
        return super().chat_choices_from_completion(ChatCompletion.model_validate(cleaned), tools)

    @override
    def handle_bad_request(self, ex: APIStatusError) -> ModelOutput | Exception:
        handled = super().handle_bad_request(ex)
        if isinstance(handled, ModelOutput) and handled.stop_reason == "model_length":
            # End the episode cleanly (see `context_full`), not one failed turn at a time.
            raise context_full(str(handled.message.text or ex)) from ex
        return handled

    @override
    def should_retry(self, ex: BaseException) -> bool | RetryDecision:
        # A dead server does not come back by waiting: fail this turn (the sample is an
        # error, never a behaviour) and let the next turn start a new server.
        if self.lease.alive() is False:
            return RetryDecision.no()
        return super().should_retry(ex)

    @override
    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput | tuple[ModelOutput | Exception, ModelCall]:
        # One request at a time per server. `max_connections()` alone does not hold:
        # under Inspect's default adaptive concurrency it is not consulted, and a dozen
        # requests would queue inside the server, where a dead server fails them all.
        async with _request_lock(self.lease):
            await self._ensure_server()
            if self.base_url != self.lease.base_url:
                # The server was restarted (by this or another instance) on a new port.
                self.base_url = self.lease.base_url
                self.initialize()
            return await super().generate(input, tools, tool_choice, config)

    async def _ensure_server(self) -> None:
        if not self.lease.owned or self.lease.alive():
            return
        if self._restarts >= MAX_RESTARTS:
            raise RuntimeError(
                f"The local model server died {self._restarts + 1} times; not restarting it."
            )
        self._restarts += 1
        await anyio.to_thread.run_sync(restart, self.lease)

    @override
    async def aclose(self) -> None:
        # The server is shared by every instance in this process for the same file; it
        # is stopped at interpreter exit (or by whoever started it with `LocalServer`).
        await super().aclose()


_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[object, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _request_lock(lease: ServerLease) -> asyncio.Lock:
    """The lock serialising requests to `lease`'s server, within the running event loop.

    Per loop because an asyncio lock belongs to the loop that first waits on it, and
    each `eval()` call in a process may run its own loop.
    """
    locks = _LOCKS.setdefault(asyncio.get_running_loop(), {})
    key: object = lease.server if lease.server is not None else lease.base_url
    return locks.setdefault(key, asyncio.Lock())
