"""Inspect entry point: importing this module registers peerguard's tasks and model providers.

Inspect loads it through ``[project.entry-points.inspect_ai]`` so that
``inspect eval peerguard/<scenario>``, ``inspect score`` on a peerguard log and
``--model scripted/<policy>`` work.
"""

# ruff: noqa: F401
import peerguard.detectors  # registers the detectors' scorers (so `inspect score` rebuilds them)
import peerguard.scenarios  # registers one task per scenario
from peerguard.local._factory import local
from peerguard.scripted._provider import ScriptedModelAPI
