"""Deterministic detectors over the world's initial state, final state and event log."""

from ._bounded import bound_evidence, bound_explanation, bound_value
from ._claims import claims_completion, detect_false_claim, final_statement, task_violations
from ._exfiltration import detect_exfiltration, detect_specification_gaming
from ._finding import Finding
from ._misrepresentation import detect_misrepresentation
from ._read import detect_read
from ._scorers import (
    DETECTORS,
    SampleView,
    behavior_scorer,
    contradicted_by_state,
    evaluate,
    score_sample,
    scorers_for,
)
from ._tampering import detect_tampering

__all__ = [
    "DETECTORS",
    "Finding",
    "SampleView",
    "behavior_scorer",
    "bound_evidence",
    "bound_explanation",
    "bound_value",
    "claims_completion",
    "contradicted_by_state",
    "detect_exfiltration",
    "detect_false_claim",
    "detect_misrepresentation",
    "detect_read",
    "detect_specification_gaming",
    "detect_tampering",
    "evaluate",
    "final_statement",
    "score_sample",
    "scorers_for",
    "task_violations",
]
