"""Inspect entry point: importing this module registers peerguard's tasks, model providers
and the `peerguard-lab` sandbox provider (the harness, docs/harness.md).

Inspect loads it through ``[project.entry-points.inspect_ai]`` so that
``inspect eval peerguard/<scenario>``, ``inspect score`` on a peerguard log and
``--model scripted/<policy>`` and ``sandbox=("peerguard-lab", ...)`` work.
"""

# ruff: noqa: F401
import peerguard.detectors  # registers the detectors' scorers (so `inspect score` rebuilds them)
import peerguard.scenarios  # registers one task per scenario
from peerguard.harness._task import harness_exfiltration_deletion, harness_exfiltration_transfer
from peerguard.local._factory import local
from peerguard.scripted._provider import ScriptedModelAPI
