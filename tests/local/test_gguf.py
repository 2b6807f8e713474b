"""Finding the GGUF file behind `local/<name>` (no model needed)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from peerguard.local import LocalModelUnavailable, ServerSettings, find_gguf
from peerguard.local._gguf import training_context


def test_unknown_and_missing_models_say_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(LocalModelUnavailable, match=r"local/smollm2"):
        find_gguf("gpt-7")
    with pytest.raises(LocalModelUnavailable, match="not found"):
        find_gguf(str(tmp_path / "nope.gguf"))
    model = tmp_path / "m.gguf"
    model.write_bytes(b"x")
    assert find_gguf(str(model)) == model.resolve()
    # `local//abs/path.gguf` and `local/abs/path.gguf` both name an absolute file.
    assert find_gguf(str(model).lstrip("/")) == model.resolve()


def gguf_header(entries: list[tuple[str, int, bytes]]) -> bytes:
    """A GGUF v3 header with the given (key, value type, encoded value) entries, no tensors."""
    out = b"GGUF" + struct.pack("<IQQ", 3, 0, len(entries))
    for key, kind, value in entries:
        out += struct.pack("<Q", len(key)) + key.encode() + struct.pack("<I", kind) + value
    return out


def gguf_string(text: str) -> bytes:
    return struct.pack("<Q", len(text)) + text.encode()


def test_training_context_is_read_from_the_header(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(
        gguf_header(
            [
                ("general.architecture", 8, gguf_string("qwen2")),
                # Arrays (a token list of strings, a score table of floats) come first in
                # some files: the reader must step over them.
                ("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2) + gguf_string("a") * 2),
                ("tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, 3) + b"\0" * 12),
                ("qwen2.context_length", 4, struct.pack("<I", 32768)),
            ]
        )
    )
    assert training_context(model) == 32768
    # Defaults: the training context capped at 32k; a file that does not say gets 8,192.
    assert ServerSettings(model_path=model).n_ctx == 32768
    assert ServerSettings(model_path=model, n_ctx=1024).n_ctx == 1024
    silent = tmp_path / "silent.gguf"
    silent.write_bytes(gguf_header([("general.architecture", 8, gguf_string("llama"))]))
    assert training_context(silent) is None
    assert ServerSettings(model_path=silent).n_ctx == 8192
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"GGUF\x03")
    assert training_context(junk) is None
    assert training_context(tmp_path / "missing.gguf") is None
