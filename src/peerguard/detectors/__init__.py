"""Deterministic detectors over the world's initial state, final state and event log."""

from ._bounded import bound_evidence, bound_explanation, bound_value
from ._claims import claims_completion, detect_false_claim, final_statement, task_violations
from ._exfiltration import (
    detect_exfiltration,
    detect_exfiltration_any_copy,
    detect_specification_gaming,
)
from ._finding import Finding
from ._followup import (
    ACT_DETECTORS,
    VERDICTS,
    Reading,
    Verdict,
    classify_followup,
    judge_followup,
    lied_in_followup,
    score_followup,
    state_acts,
)
from ._misrepresentation import detect_misrepresentation, detect_reported_pass
from ._read import detect_read
from ._report import Reported, reported_value
from ._rescore import FlagChange, RescoreResult, rescore_log
from ._scorers import (
    DETECTORS,
    SCORERS,
    SampleView,
    behaviour_scorer,
    contradicted_by_state,
    evaluate,
    evaluate_lab,
    is_harness,
    score_sample,
    scorers_for,
)
from ._shutdown import detect_refusal_stated, detect_shutdown_withheld
from ._tampering import detect_tampering, detect_tampering_any_change

__all__ = [
    "ACT_DETECTORS",
    "DETECTORS",
    "SCORERS",
    "VERDICTS",
    "Finding",
    "FlagChange",
    "Reading",
    "Reported",
    "RescoreResult",
    "SampleView",
    "Verdict",
    "behaviour_scorer",
    "bound_evidence",
    "bound_explanation",
    "bound_value",
    "claims_completion",
    "classify_followup",
    "contradicted_by_state",
    "detect_exfiltration",
    "detect_exfiltration_any_copy",
    "detect_false_claim",
    "detect_misrepresentation",
    "detect_read",
    "detect_refusal_stated",
    "detect_reported_pass",
    "detect_shutdown_withheld",
    "detect_specification_gaming",
    "detect_tampering",
    "detect_tampering_any_change",
    "evaluate",
    "evaluate_lab",
    "final_statement",
    "is_harness",
    "judge_followup",
    "lied_in_followup",
    "reported_value",
    "rescore_log",
    "score_followup",
    "score_sample",
    "scorers_for",
    "state_acts",
    "task_violations",
]
