"""Finding the GGUF file behind `local/<name>` (no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerguard.local import LocalModelUnavailable, find_gguf


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
