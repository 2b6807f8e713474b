"""Entry point of the llama.cpp server process (run by file path, not as a package module).

`_server.py` runs `python _server_child.py CONFIG_JSON`. Run by path, this file does
not import peerguard or Inspect (their import time would slow every server start);
it loads `_chat_handler.py` from its own folder, registers the tool-calling chat
format, and serves llama_cpp's OpenAI-compatible app with uvicorn.

When the parent asks for it, the process dies with its parent (Linux
`PR_SET_PDEATHSIG`), so even a parent killed by SIGKILL leaves no orphan server.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Get SIGTERM when the parent dies; exit now if it is already gone."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # The parent may have died between our fork and the prctl call.
    if os.getppid() != parent_pid:
        sys.exit(0)


def main(config: dict[str, Any]) -> None:
    """Serve one GGUF model on 127.0.0.1 with the tool-calling chat format."""
    if config.get("parent_pid"):
        _die_with_parent(int(config["parent_pid"]))

    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    # This file's folder is sys.path[0] when run by path, so the sibling module loads alone.
    _chat_handler = importlib.import_module("_chat_handler")
    _chat_handler.register()
    chat_format = config.get("chat_format") or _chat_handler.CHAT_FORMAT
    # Half the cores by default: llama.cpp's threads spin-wait on each other, and when
    # the machine is busy (Inspect itself, other jobs) a descheduled thread stalls the
    # rest. Measured on 2 busy cores: 40 turns in 71 s with 1 thread, over 9 min with 2.
    threads = int(config.get("n_threads") or max(1, (os.cpu_count() or 2) // 2))
    model = ModelSettings(
        model=config["model"],
        model_alias=config.get("alias") or None,
        n_ctx=int(config["n_ctx"]),
        n_threads=threads,
        n_threads_batch=threads,
        chat_format=chat_format,
        # The server's default (True) computes the 49k-token output layer for every prompt
        # token and keeps it (n_ctx x n_vocab floats, 1.6 GB at 8k): measured 43 s for a
        # 1,200-token turn. Only the last position's logits are needed to sample.
        logits_all=False,
        # Inspect interleaves samples, so consecutive requests rarely share a prefix and
        # the KV cache would be recomputed from scratch each turn (10-40 s for a
        # 2,000-token prompt on a busy core). The RAM cache keeps KV states by prompt
        # prefix (~23 KB per token for SmolLM2) and restores the longest match.
        cache=True,
        cache_type="ram",
        cache_size=int(config.get("cache_bytes") or 2 << 30),
        seed=int(config.get("seed", 0)),
        verbose=bool(config.get("verbose", False)),
    )
    server = ServerSettings(host="127.0.0.1", port=int(config["port"]))
    app = create_app(server_settings=server, model_settings=[model])
    # Explicit host and port: llama_cpp's own __main__ would let $HOST/$PORT override them.
    uvicorn.run(app, host="127.0.0.1", port=int(config["port"]), log_level="warning")


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
