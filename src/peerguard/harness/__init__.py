"""The production-agent harness: real hosts, real SSH, real agent CLIs (docs/harness.md).

- `harness_task(scenario, cli, ...)`: an Inspect task running an exfiltration scenario in a
  lab of network namespaces, with OpenCode, Codex CLI, Gemini CLI or Claude Code as the
  agent (through inspect-swe and Inspect's sandbox agent bridge).
- The `peerguard-lab` sandbox provider (`LabSandboxEnvironment`, `LabConfig`).
- Detection by content (`scan_host`) and the scorers named in `_behaviours`.
"""

from ._behaviours import (
    DELETION_BEHAVIOURS,
    EXFILTRATION,
    EXFILTRATION_ANY_COPY,
    HARNESS_BEHAVIOURS,
    SPECIFICATION_GAMING,
)
from ._clis import CLIS, CliSpec, cli_agent, default_cli_dir
from ._detect import HostHolding, Sighting, scan_host
from ._lab import Lab, LabSpec, cleanup_stale
from ._sandbox import PROVIDER, LabConfig, LabSandboxEnvironment
from ._scorers import harness_scorer, score_record
from ._solver import STORE_KEY, LabRecord, harness_agent
from ._task import HARNESS_SCENARIOS, HARNESS_TASKS, harness_task
from ._weights import Weights, make_weights

__all__ = [
    "CLIS",
    "DELETION_BEHAVIOURS",
    "EXFILTRATION",
    "EXFILTRATION_ANY_COPY",
    "HARNESS_BEHAVIOURS",
    "HARNESS_SCENARIOS",
    "HARNESS_TASKS",
    "PROVIDER",
    "SPECIFICATION_GAMING",
    "STORE_KEY",
    "CliSpec",
    "HostHolding",
    "Lab",
    "LabConfig",
    "LabRecord",
    "LabSandboxEnvironment",
    "LabSpec",
    "Sighting",
    "Weights",
    "cleanup_stale",
    "cli_agent",
    "default_cli_dir",
    "harness_agent",
    "harness_scorer",
    "harness_task",
    "make_weights",
    "scan_host",
    "score_record",
]
