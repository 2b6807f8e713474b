"""Reading traces: Inspect logs (`.eval`/`.json`), OpenAI and Anthropic chat JSONL."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerguard.judge import (
    Transcript,
    transcript_from_anthropic,
    transcript_from_inspect,
    transcript_from_openai,
)

logger = logging.getLogger(__name__)

# Files Inspect's eval_set writes next to the logs; they are indexes, not logs.
_NOT_LOGS = {"logs.json", "eval-set.json"}


class TraceFormatError(ValueError):
    """A line or file is not a trace in any format the monitor reads."""


@dataclass(frozen=True)
class LoadedTrace:
    """A trace plus what its source already knows about it."""

    transcript: Transcript
    source: str
    """File (and line or sample) it came from."""
    truth: Mapping[str, bool | None] = field(default_factory=dict)
    """For Inspect logs: the world detectors' verdicts (`sample.scores`), the monitor's truth."""


def transcript_from_record(record: Any, trace_id: str = "") -> Transcript:
    """Normalise one conversation in any supported shape.

    Accepts `{"messages": [...]}` (optionally with Anthropic's top-level `system`), a bare list
    of messages, Inspect `ChatMessage`s, or a `Transcript`.

    Raises:
        TraceFormatError: the record is not a conversation.
    """
    if isinstance(record, Transcript):
        return record
    system = None
    if isinstance(record, Mapping):
        system = record.get("system")
        trace_id = str(record.get("id", trace_id) or trace_id)
        record = record.get("messages")
    if not isinstance(record, Sequence) or isinstance(record, str):
        raise TraceFormatError("expected a list of messages or an object with 'messages'")
    if record and not isinstance(record[0], Mapping):
        return transcript_from_inspect(record, trace_id)
    if _is_anthropic(record) or system is not None:
        return transcript_from_anthropic(record, system, trace_id)
    return transcript_from_openai(record, trace_id)


def _is_anthropic(messages: Sequence[Mapping[str, Any]]) -> bool:
    for m in messages:
        content = m.get("content")
        if isinstance(content, list) and any(
            isinstance(b, Mapping) and b.get("type") in ("tool_use", "tool_result") for b in content
        ):
            return True
    return False


def _truth(scores: Mapping[str, Any] | None) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for name, score in (scores or {}).items():
        value = getattr(score, "value", None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = None if math.isnan(float(value)) else float(value) >= 0.5
    return out


def iter_inspect_log(path: Path) -> Iterator[LoadedTrace]:
    """Every sample of one Inspect log.

    Raises:
        TraceFormatError: the file is not an Inspect log.
    """
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as exc:
        raise TraceFormatError(f"{path}: not an Inspect log ({exc})") from exc
    for sample in log.samples or []:
        tid = f"{path.name}#{sample.id}@{sample.epoch}"
        transcript = transcript_from_inspect(sample.messages, trace_id=tid)
        transcript = Transcript(
            transcript.steps,
            tid,
            {"task": log.eval.task, "model": log.eval.model, "error": bool(sample.error)},
        )
        yield LoadedTrace(transcript, tid, _truth(sample.scores))


def iter_jsonl(path: Path, start_line: int = 0) -> Iterator[LoadedTrace]:
    """Conversations from a JSONL file, one per line (blank lines skipped).

    Args:
        path: The file.
        start_line: Skip this many lines (for following a growing file).

    Raises:
        TraceFormatError: a line is not JSON or not a conversation (names the line).
    """
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if n <= start_line or not line.strip():
                continue
            yield parse_jsonl_line(line, f"{path.name}:{n}")


def parse_jsonl_line(line: str, source: str) -> LoadedTrace:
    """One JSONL line as a trace.

    Raises:
        TraceFormatError: the line is not JSON or not a conversation.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(f"{source}: not JSON ({exc.msg})") from exc
    try:
        transcript = transcript_from_record(record, trace_id=source)
    except TraceFormatError as exc:
        raise TraceFormatError(f"{source}: {exc}") from exc
    return LoadedTrace(transcript, source)


def iter_paths(paths: Sequence[Path]) -> Iterator[LoadedTrace]:
    """Traces from files and directories (searched recursively for `.eval`, `.json`, `.jsonl`).

    Raises:
        TraceFormatError: an explicitly named file cannot be read as a trace source.
    """
    for path in paths:
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.suffix in (".eval", ".json", ".jsonl") and f.name not in _NOT_LOGS:
                    try:
                        yield from _iter_file(f)
                    except TraceFormatError as exc:
                        # Directories hold other JSON too (eval-set indexes, configs).
                        logger.info("skipping %s", exc)
        else:
            yield from _iter_file(path)


def _iter_file(path: Path) -> Iterator[LoadedTrace]:
    if not path.exists():
        raise TraceFormatError(f"{path}: no such file")
    if path.suffix == ".jsonl":
        yield from iter_jsonl(path)
    elif path.suffix == ".eval":
        yield from iter_inspect_log(path)
    elif path.suffix == ".json":
        head = path.open(encoding="utf-8").read(4096)
        if '"eval"' in head and ('"version"' in head or '"status"' in head):
            yield from iter_inspect_log(path)
        else:
            record = json.loads(path.read_text(encoding="utf-8"))
            records = (
                record
                if isinstance(record, list) and record and "messages" in record[0]
                else [record]
            )
            for n, r in enumerate(records):
                yield LoadedTrace(transcript_from_record(r, f"{path.name}#{n}"), f"{path.name}#{n}")
    else:
        raise TraceFormatError(f"{path}: unknown trace format (expected .eval, .json or .jsonl)")
