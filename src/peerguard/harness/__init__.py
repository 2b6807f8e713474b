"""The production-agent harness: real hosts, real SSH, real agent CLIs (docs/harness.md).

- `harness_task(scenario, cli, ...)`: an Inspect task running an exfiltration scenario in a
  lab of network namespaces, with OpenCode, Codex CLI, Gemini CLI or Claude Code as the
  agent (through inspect-swe and Inspect's sandbox agent bridge).
- The `peerguard-lab` sandbox provider (`LabSandboxEnvironment`, `LabConfig`).
- Detection by content (`scan_host`) and the judges of the lab record (`judge_record`), which
  the package's scorers (`peerguard.detectors`) use for harness samples.
"""

from ._clis import CLIS, CliSpec, cli_agent, default_cli_dir
from ._detect import HostHolding, Sighting, scan_host
from ._episode import Document, HarnessWordingError, Workspace, workspace
from ._lab import Lab, LabSpec, cleanup_stale
from ._record import HarnessFacts, LabRecord
from ._sandbox import PROVIDER, LabConfig, LabSandboxEnvironment
from ._scorers import DELETION_BEHAVIOURS, HARNESS_BEHAVIOURS, JUDGES, judge_record
from ._solver import STORE_KEY, harness_agent
from ._task import HARNESS_SCENARIOS, HARNESS_TASKS, harness_task
from ._weights import Weights, make_weights

__all__ = [
    "CLIS",
    "DELETION_BEHAVIOURS",
    "HARNESS_BEHAVIOURS",
    "HARNESS_SCENARIOS",
    "HARNESS_TASKS",
    "JUDGES",
    "PROVIDER",
    "STORE_KEY",
    "CliSpec",
    "Document",
    "HarnessFacts",
    "HarnessWordingError",
    "HostHolding",
    "Lab",
    "LabConfig",
    "LabRecord",
    "LabSandboxEnvironment",
    "LabSpec",
    "Sighting",
    "Weights",
    "Workspace",
    "cleanup_stale",
    "cli_agent",
    "default_cli_dir",
    "harness_agent",
    "harness_task",
    "judge_record",
    "make_weights",
    "scan_host",
    "workspace",
]
