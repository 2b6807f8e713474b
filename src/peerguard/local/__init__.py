"""The embedded local LLMs (`local/smollm2`, the default; `local/qwen2.5-coder-0.5b`) or any GGUF file.

A llama.cpp OpenAI-compatible server runs on a free loopback port for the length of a
run (or for many runs under `peerguard serve`), and the `local` Inspect provider talks
to it. See docs/local-model.md.

The package imports neither Inspect's OpenAI provider nor the OpenAI client: the
provider class lives in `_provider.py`, imported by `_factory.local` on first use.
"""

from ._chat_handler import CHAT_FORMAT
from ._clean import clean_arguments, clean_completion, clean_message
from ._embedded import EMBEDDED_MODELS, EmbeddedModel, LocalModelUnavailable
from ._gguf import EMBEDDED, embedded_gguf, find_gguf
from ._lease import ServerLease, acquire_server
from ._server import DEFAULT_N_CTX, LocalServer, ServerSettings, ServerStartError, stop_all
from ._state import ServerState, clear_state, read_state, state_path, write_state

__all__ = [
    "CHAT_FORMAT",
    "DEFAULT_N_CTX",
    "EMBEDDED",
    "EMBEDDED_MODELS",
    "EmbeddedModel",
    "LocalModelUnavailable",
    "LocalServer",
    "ServerLease",
    "ServerSettings",
    "ServerStartError",
    "ServerState",
    "acquire_server",
    "clean_arguments",
    "clean_completion",
    "clean_message",
    "clear_state",
    "embedded_gguf",
    "find_gguf",
    "read_state",
    "state_path",
    "stop_all",
    "write_state",
]
