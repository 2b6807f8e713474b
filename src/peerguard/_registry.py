"""Inspect entry point: importing this module registers peerguard's tasks and model providers.

Inspect loads it through ``[project.entry-points.inspect_ai]`` so that
``inspect eval peerguard/<scenario>`` and ``--model scripted/<policy>`` work.
"""

# ruff: noqa: F401
from peerguard.harness._task import harness_exfiltration_deletion, harness_exfiltration_transfer
from peerguard.local._provider import local
from peerguard.scenarios._tasks import (
    alignment_faking,
    exfiltration_deletion,
    exfiltration_transfer,
    misrep_evaluation,
    misrep_finance,
    tampering,
)
from peerguard.scripted._provider import ScriptedModelAPI
