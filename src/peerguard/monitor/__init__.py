"""Scanning agent traces for peer-preservation: `peerguard monitor` and `scan(messages)`.

Flags come from actions alone (exfiltration, tampering, misrepresentation), from a judge
(refusal, persuasion, ethics_appeal, peer_strategising), and from their explicit combination
(false_claim = a completion claim contradicted by the actions). See docs/monitor.md.
"""

from ._actions import Flag, detect_actions
from ._load import (
    LoadedTrace,
    Skipped,
    TraceFormatError,
    iter_jsonl,
    iter_paths,
    parse_jsonl_line,
    transcript_from_record,
)
from ._misrep import MisrepResult, detect_misrepresentation, read_misrepresentation
from ._scan import (
    ACTION_BEHAVIOURS,
    BEHAVIOURS,
    JUDGED_BEHAVIOURS,
    MonitorReport,
    resolve_judge,
    scan,
    scan_transcript,
)

__all__ = [
    "ACTION_BEHAVIOURS",
    "BEHAVIOURS",
    "JUDGED_BEHAVIOURS",
    "Flag",
    "LoadedTrace",
    "MisrepResult",
    "MonitorReport",
    "Skipped",
    "TraceFormatError",
    "detect_actions",
    "detect_misrepresentation",
    "iter_jsonl",
    "iter_paths",
    "parse_jsonl_line",
    "read_misrepresentation",
    "resolve_judge",
    "scan",
    "scan_transcript",
    "transcript_from_record",
]
