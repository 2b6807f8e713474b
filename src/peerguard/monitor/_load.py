"""Reading traces: Inspect logs, OpenAI and Anthropic chat JSON(L), the study's transcript JSON and
OpenTelemetry GenAI spans. Every error names the file and the record that is wrong.
"""

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
from peerguard.logs import is_flagged, to_flag

from ._formats import (
    RecordError,
    is_otel_export,
    is_study_record,
    otel_to_openai,
    study_to_openai,
)

logger = logging.getLogger(__name__)

TRACE_SUFFIXES = (".eval", ".json", ".jsonl")
# Files Inspect's eval_set writes next to the logs; they are indexes, not logs.
_NOT_LOGS = {"logs.json", "eval-set.json"}


class TraceFormatError(ValueError):
    """A file, line or record is not a trace in any format the monitor reads."""


@dataclass(frozen=True)
class LoadedTrace:
    """A trace plus what its source already knows about it."""

    transcript: Transcript
    source: str
    """File (and line, record or sample) it came from."""
    truth: Mapping[str, bool | None] = field(default_factory=dict)
    """For Inspect logs: the world detectors' verdicts (`sample.scores`), the monitor's truth."""


@dataclass
class Skipped:
    """What a directory scan passed over, and why (reported on stderr, counted in JSON)."""

    path: str
    reason: str


def transcript_from_record(record: Any, trace_id: str = "") -> Transcript:
    """Normalise one conversation in any supported shape.

    Accepts `{"messages": [...]}` (optionally with Anthropic's top-level `system`), a study
    transcript (`conversation` / `full_conversation`), a bare list of messages, Inspect
    `ChatMessage`s, or a `Transcript`.

    Raises:
        TraceFormatError: the record is not a conversation (the message says which part).
    """
    if isinstance(record, Transcript):
        return record
    try:
        if is_study_record(record):
            return transcript_from_openai(study_to_openai(record), trace_id)
        system = None
        if isinstance(record, Mapping):
            system = record.get("system")
            trace_id = str(record.get("id", trace_id) or trace_id)
            if "messages" not in record:
                keys = ", ".join(sorted(map(str, record))[:6]) or "none"
                raise TraceFormatError(
                    "expected 'messages', 'conversation' or 'full_conversation' "
                    f"(keys found: {keys})"
                )
            record = record.get("messages")
        if not isinstance(record, Sequence) or isinstance(record, str):
            raise TraceFormatError("expected a list of messages")
        if record and not isinstance(record[0], Mapping):
            return transcript_from_inspect(record, trace_id)
        for n, m in enumerate(record):
            if not isinstance(m, Mapping) or "role" not in m:
                raise TraceFormatError(f"messages[{n}]: expected an object with a 'role'")
        if _is_anthropic(record) or system is not None:
            return transcript_from_anthropic(record, system, trace_id)
        return transcript_from_openai(record, trace_id)
    except RecordError as exc:
        raise TraceFormatError(str(exc)) from exc
    except TraceFormatError:
        raise
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        # The converters reject malformed shapes with assorted exceptions; all mean "not a trace".
        raise TraceFormatError(f"malformed message list ({type(exc).__name__}: {exc})") from exc


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
        flag = to_flag(getattr(score, "value", None))
        out[name] = None if math.isnan(flag) else is_flagged(flag)
    return out


def iter_inspect_log(path: Path) -> Iterator[LoadedTrace]:
    """Every sample of one Inspect log.

    Raises:
        TraceFormatError: the file is not an Inspect log.
    """
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as exc:  # any failure to read is "not a log", reported with the file
        raise TraceFormatError(f"{path}: not a readable Inspect log ({exc})") from exc
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
        TraceFormatError: the file is not UTF-8 text, or a line is not a conversation (names it).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TraceFormatError(
            f"{path}: not UTF-8 text (byte {exc.start}); not a JSONL trace"
        ) from exc
    for n, line in enumerate(text.splitlines(), 1):
        if n <= start_line or not line.strip():
            continue
        yield from parse_jsonl_records(line, f"{path}:{n}")


def parse_jsonl_records(line: str, source: str) -> Iterator[LoadedTrace]:
    """The trace(s) on one JSONL line (an OTLP export line may hold several).

    Raises:
        TraceFormatError: the line is not JSON or not a conversation.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(f"{source}: not JSON ({exc.msg} at column {exc.colno})") from exc
    yield from _records(record, source)


def parse_jsonl_line(line: str, source: str) -> LoadedTrace:
    """One JSONL line as a single trace (the `--follow` path).

    Raises:
        TraceFormatError: the line is not JSON or not a conversation.
    """
    traces = list(parse_jsonl_records(line, source))
    if len(traces) != 1:
        raise TraceFormatError(f"{source}: expected one conversation, found {len(traces)}")
    return traces[0]


def _records(record: Any, source: str) -> Iterator[LoadedTrace]:
    if is_otel_export(record):
        try:
            conversations = otel_to_openai(record)
        except RecordError as exc:
            raise TraceFormatError(f"{source}: {exc}") from exc
        for trace, messages in conversations.items():
            tid = f"{source}#{trace}"
            yield LoadedTrace(_transcript(messages, tid), tid)
        return
    if (
        isinstance(record, list)
        and record
        and all(isinstance(r, Mapping) and ("messages" in r or is_study_record(r)) for r in record)
    ):
        for n, r in enumerate(record):
            tid = f"{source}#{n}"
            yield LoadedTrace(_transcript(r, tid), tid)
        return
    yield LoadedTrace(_transcript(record, source), source)


def _transcript(record: Any, tid: str) -> Transcript:
    try:
        return transcript_from_record(record, tid)
    except TraceFormatError as exc:
        raise TraceFormatError(f"{tid}: {exc}") from exc


def iter_json(path: Path) -> Iterator[LoadedTrace]:
    """Traces from one `.json` file: an Inspect log, a study transcript, an OTLP export, a
    conversation or a list of conversations.

    Raises:
        TraceFormatError: the file is not UTF-8 JSON or holds no conversation.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TraceFormatError(
            f"{path}: not UTF-8 text (byte {exc.start}); not a JSON trace"
        ) from exc
    head = text[:4096]
    if '"eval"' in head and ('"version"' in head or '"status"' in head):
        yield from iter_inspect_log(path)
        return
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(
            f"{path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    yield from _records(record, str(path))


def iter_paths(
    paths: Sequence[Path], skipped: list[Skipped] | None = None
) -> Iterator[LoadedTrace]:
    """Traces from files and directories (searched recursively for `.eval`, `.json`, `.jsonl`).

    Files a directory holds in other formats, and Inspect's index files, are passed over and
    recorded in `skipped`; a trace file that cannot be read is an error, wherever it was found.

    Raises:
        TraceFormatError: a named path does not exist or is not in a supported format, or a
            trace file cannot be read.
    """
    for path in paths:
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                if f.suffix not in TRACE_SUFFIXES:
                    _skip(skipped, f, f"not a trace file ({f.suffix or 'no extension'})")
                elif f.name in _NOT_LOGS:
                    _skip(skipped, f, "Inspect eval-set index, not a log")
                else:
                    yield from _iter_file(f)
        else:
            yield from _iter_file(path)


def _skip(skipped: list[Skipped] | None, path: Path, reason: str) -> None:
    logger.info("skipping %s: %s", path, reason)
    if skipped is not None:
        skipped.append(Skipped(str(path), reason))


def _iter_file(path: Path) -> Iterator[LoadedTrace]:
    if not path.exists():
        raise TraceFormatError(f"{path}: no such file or directory")
    if path.suffix == ".jsonl":
        yield from iter_jsonl(path)
    elif path.suffix == ".eval":
        yield from iter_inspect_log(path)
    elif path.suffix == ".json":
        yield from iter_json(path)
    else:
        raise TraceFormatError(
            f"{path}: unknown trace format {path.suffix or '(no extension)'} "
            "(expected .eval, .json or .jsonl)"
        )
