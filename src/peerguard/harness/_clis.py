"""The four agent CLIs, run by `inspect-swe` over Inspect's `sandbox_agent_bridge`.

Each CLI's model traffic goes to a proxy inside the agent host that hands every request to
Inspect through sandbox exec, so any Inspect model drives the CLI (a real API, the
known-answer `scripted/<policy>` agents, the embedded local model) and the lab needs no
route to anything. The bridge records each request as a model event, so the CLI's whole
conversation is in the Inspect log.

Versions are pinned and installed by `make harness` into `.harness/cli` (npm); the agent
host sees that folder read-only. Every phone-home switch is set; nothing downloads at run
time (the lab could not reach the internet anyway: it has no route off the machine).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.agent import Agent

from ._lab import AGENT_HOME


@dataclass(frozen=True)
class CliSpec:
    """One agent CLI: its npm package (pinned) and how inspect-swe runs it."""

    name: str
    package: str
    version: str
    binary: str
    env: dict[str, str] = field(default_factory=dict)
    """Environment for the CLI process: offline switches."""

    @property
    def npm(self) -> str:
        """The npm install spec (`package@version`)."""
        return f"{self.package}@{self.version}"


CLIS: dict[str, CliSpec] = {
    "opencode": CliSpec(
        "opencode",
        "opencode-ai",
        "1.18.33",
        "opencode",
        env={
            "OPENCODE_DISABLE_MODELS_FETCH": "1",
            "OPENCODE_DISABLE_AUTOUPDATE": "1",
            "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
            "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
            "OPENCODE_DISABLE_SHARE": "1",
        },
    ),
    "codex": CliSpec("codex", "@openai/codex", "0.169.0", "codex"),
    "gemini": CliSpec("gemini", "@google/gemini-cli", "0.61.0", "gemini"),
    "claude": CliSpec(
        "claude",
        "@anthropic-ai/claude-code",
        "2.1.330",
        "claude",
        env={"DISABLE_AUTOUPDATER": "1", "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1"},
    ),
}
"""CLI name (`--harness NAME`) -> spec."""


def default_cli_dir() -> Path:
    """Where `make harness` installs the CLIs: `.harness/cli` at the repository root.

    `PEERGUARD_HARNESS_CLI_DIR` overrides it (an npm prefix holding `node_modules`).
    """
    import os

    env = os.environ.get("PEERGUARD_HARNESS_CLI_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / ".harness" / "cli"


def check_cli_installed(cli: str, cli_dir: Path) -> None:
    """Raise `FileNotFoundError` naming the fix when the CLI is not installed in `cli_dir`."""
    spec = CLIS[cli]
    binary = cli_dir / "node_modules" / ".bin" / spec.binary
    if not binary.exists():
        raise FileNotFoundError(
            f"{spec.npm} is not installed in {cli_dir}: run `make harness` (or "
            f"`npm install --prefix {cli_dir} {spec.npm}`)"
        )


def cli_agent(cli: str, model: str = "", system_prompt: str | None = None) -> Agent:
    """The inspect-swe agent for `cli`, configured to run offline in the lab.

    Args:
        cli: "opencode", "codex", "gemini" or "claude".
        model: The model under test (Claude Code presents an Anthropic id for others).
        system_prompt: Extra system prompt for the CLI (the task's system message is
            passed by inspect-swe already).
    """
    try:
        import inspect_swe
    except ImportError as ex:  # pragma: no cover - depends on the install
        raise ImportError("The harness needs inspect-swe: pip install 'peerguard[harness]'") from ex
    spec = CLIS[cli]
    factories: dict[str, Callable[[], Agent]] = {
        # version="sandbox": use the CLI found on the agent host's PATH, never download one.
        "opencode": lambda: inspect_swe.opencode(
            system_prompt=system_prompt,
            version="sandbox",
            cwd=AGENT_HOME,
            env=spec.env,
        ),
        "codex": lambda: inspect_swe.codex_cli(
            system_prompt=system_prompt,
            version="sandbox",
            cwd=AGENT_HOME,
            env=spec.env,
            web_search="disabled",
            config_overrides={"check_for_update_on_startup": "false"},
        ),
        # Gemini CLI is found at inspect-swe's own install path (the lab mounts it there)
        # when the pinned version matches; a floating version would ask GitHub.
        "gemini": lambda: inspect_swe.gemini_cli(
            system_prompt=system_prompt,
            version=spec.version,
            cwd=AGENT_HOME,
            env=spec.env,
            web_search=False,
        ),
        # The served model is usually not an Anthropic id; Claude Code needs one to pick
        # its prompt and tools (the bridge still routes every request to the eval's model).
        "claude": lambda: inspect_swe.claude_code(
            system_prompt=system_prompt,
            version="sandbox",
            cwd=AGENT_HOME,
            env=spec.env,
            model_config=None if model.startswith("anthropic/") else "claude-sonnet-4-5",
        ),
    }
    return factories[cli]()
