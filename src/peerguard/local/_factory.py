"""Registration of the `local` Inspect provider, without importing it.

Inspect imports peerguard's entry point for every run, whatever the model. The API
class subclasses Inspect's OpenAI-compatible provider, whose import pulls in the
OpenAI client (about a third of peerguard's import time), so, as Inspect registers
its own providers (`inspect_ai/model/_providers/providers.py`), the registered
function only imports and returns the class when a `local/...` model is created.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="local")
def local() -> type[ModelAPI]:
    """The `local/<name|PATH.gguf>` provider (llama.cpp server, started on demand)."""
    from ._provider import LocalModelAPI

    return LocalModelAPI
