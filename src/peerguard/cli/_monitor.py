"""`peerguard monitor`: scan agent traces for peer-preservation; non-zero exit when flagged."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
from pathlib import Path

import click

from peerguard.judge import Judge, encoder_available, shared_offline_judge
from peerguard.monitor import (
    BEHAVIOURS,
    MonitorReport,
    Skipped,
    TraceFormatError,
    iter_paths,
    parse_jsonl_line,
    resolve_judge,
    scan_transcript,
)
from peerguard.monitor._evaluate import evaluate_all, make_benchmark_logs
from peerguard.monitor._render import render_quality, render_report, render_summary

logger = logging.getLogger(__name__)

EXIT_CLEAN, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2


def _fail_on(value: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = sorted(set(chosen) - set(BEHAVIOURS))
    if unknown:
        raise click.BadParameter(f"unknown behaviour(s) {unknown}; choose from {list(BEHAVIOURS)}")
    return chosen


def _emit(report: MonitorReport, fail_on: list[str], as_json: bool, show_all: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        return
    text = render_report(report, fail_on, show_all)
    if text:
        click.echo(text)


async def _scan_paths(
    paths: list[Path],
    judge: Judge | None,
    fail_on: list[str],
    as_json: bool,
    show_all: bool,
    skipped: list[Skipped],
) -> list[MonitorReport]:
    traces = list(iter_paths(paths, skipped))
    prime = getattr(judge, "prime", None)
    if prime is not None and len(traces) > 1:
        # One batched embedding pass over every trace's words instead of one pass per trace.
        await prime([t.transcript for t in traces])
    reports: list[MonitorReport] = []
    for trace in traces:
        report = await scan_transcript(trace.transcript, judge)
        reports.append(report)
        if not as_json:
            _emit(report, fail_on, as_json, show_all)
    return reports


async def _follow(
    path: Path,
    judge: Judge | None,
    fail_on: list[str],
    as_json: bool,
    show_all: bool,
    interval: float,
    max_seconds: float | None,
    max_traces: int | None = None,
) -> list[MonitorReport]:
    """Scan lines appended to a JSONL file as they arrive (complete lines only).

    Following ends after `max_seconds`, or once `max_traces` traces were scanned (a stop
    condition that does not depend on how fast the machine is), whichever comes first.
    """
    reports: list[MonitorReport] = []
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    offset, line_no, pending = 0, 0, b""
    while True:
        if path.exists():
            with path.open("rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
            offset += len(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line_no += 1
                if not raw.strip():
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    click.echo(f"error: {path}:{line_no}: not UTF-8 text; line skipped", err=True)
                    continue
                try:
                    trace = parse_jsonl_line(text, f"{path.name}:{line_no}")
                except TraceFormatError as exc:
                    # A bad line in a live feed is reported and skipped, not fatal.
                    click.echo(f"error: {exc}", err=True)
                    continue
                report = await scan_transcript(trace.transcript, judge)
                reports.append(report)
                _emit(report, fail_on, as_json, show_all)
                if max_traces is not None and len(reports) >= max_traces:
                    return reports
        if deadline is not None and time.monotonic() >= deadline:
            return reports
        await asyncio.sleep(interval)


@click.command("monitor")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--judge",
    default="auto",
    show_default=True,
    help="Judge for verbal behaviours: auto (offline if installed), offline, none, or an "
    "Inspect model such as openai/gpt-4.1-mini.",
)
@click.option(
    "--fail-on",
    default=",".join(BEHAVIOURS),
    show_default=True,
    help="Comma-separated behaviours that make the exit code non-zero.",
)
@click.option("--all", "show_all", is_flag=True, help="Also list traces with nothing flagged.")
@click.option("--follow", is_flag=True, help="Keep scanning lines appended to one JSONL file.")
@click.option("--interval", type=float, default=1.0, show_default=True, help="Poll seconds.")
@click.option("--max-seconds", type=float, default=None, help="Stop following after this long.")
@click.option(
    "--max-traces",
    type=click.IntRange(min=1),
    default=None,
    help="Stop following after this many traces were scanned.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Exit 0 when no trace is found (by default finding nothing to scan is an error, so a "
    "gate never passes on nothing).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an input error.")
@click.option(
    "--evaluate",
    is_flag=True,
    help="Print measured quality: the offline judge on the fresh frozen test set and the monitor on "
    "known-answer logs (PATHS, or fresh scripted runs when no PATHS are given).",
)
def monitor(
    paths: tuple[Path, ...],
    as_json: bool,
    judge: str,
    fail_on: str,
    show_all: bool,
    follow: bool,
    interval: float,
    max_seconds: float | None,
    max_traces: int | None,
    allow_empty: bool,
    debug: bool,
    evaluate: bool,
) -> None:
    """Scan agent traces for peer-preservation and exit 1 if anything is flagged.

    PATHS are Inspect logs (.eval/.json, or directories of them), OpenAI chat-format JSONL
    ({"messages": [...]} per line, assistant tool_calls) or Anthropic messages JSONL
    (tool_use / tool_result blocks), the study's transcript JSON (`conversation` /
    `full_conversation`) and OpenTelemetry GenAI span exports (OTLP JSON). Exit codes: 0 clean,
    1 something in --fail-on flagged, 2 input error or nothing to scan.
    """
    behaviours = _fail_on(fail_on)
    the_judge = resolve_judge(judge)
    if evaluate:
        _evaluate(list(paths), the_judge, as_json)
        return
    if not paths:
        raise click.UsageError("give at least one PATH (or --evaluate)")
    skipped: list[Skipped] = []
    try:
        if follow:
            if len(paths) != 1 or paths[0].suffix != ".jsonl":
                raise click.UsageError("--follow takes exactly one .jsonl file")
            reports = asyncio.run(
                _follow(
                    paths[0],
                    the_judge,
                    behaviours,
                    as_json,
                    show_all,
                    interval,
                    max_seconds,
                    max_traces,
                )
            )
        else:
            reports = asyncio.run(
                _scan_paths(list(paths), the_judge, behaviours, as_json, show_all, skipped)
            )
    except TraceFormatError as exc:
        if debug:
            raise
        # One line naming the file and record; exit 2 is "error", never the "flagged" code.
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    for s in skipped:
        click.echo(f"skipped {s.path}: {s.reason}", err=True)
    if not reports and not follow and not allow_empty:
        click.echo(
            f"error: no trace found in {', '.join(map(str, paths))} "
            f"({len(skipped)} file(s) skipped); pass --allow-empty to accept an empty scan",
            err=True,
        )
        raise SystemExit(EXIT_ERROR)
    flagged = any(r.flagged(behaviours) for r in reports)
    if as_json and not follow:
        click.echo(
            json.dumps(
                {
                    "traces": [r.as_dict() for r in reports],
                    "flagged": sum(r.flagged(behaviours) for r in reports),
                    "fail_on": behaviours,
                    "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
                },
                ensure_ascii=False,
                default=str,
            )
        )
    elif not as_json:
        click.echo(render_summary(reports, behaviours))
    raise SystemExit(EXIT_FLAGGED if flagged else EXIT_CLEAN)


def _evaluate(paths: list[Path], judge: Judge | None, as_json: bool) -> None:
    offline = shared_offline_judge() if encoder_available() else None
    if offline is None:
        click.echo("note: peerguard[judge] not installed; skipping the offline judge", err=True)
    with tempfile.TemporaryDirectory(prefix="peerguard-bench-") as tmp:
        bench = paths or [make_benchmark_logs(Path(tmp))]
        report = asyncio.run(evaluate_all(bench, judge, offline))
    if as_json:

        def rows(m: object) -> object:
            return None if m is None else [q.as_dict() for q in m.per_label]  # type: ignore[attr-defined]

        click.echo(
            json.dumps(
                {
                    "offline": None
                    if report.offline is None
                    else {"sizes": report.offline.sizes, "per_label": rows(report.offline)},
                    "benchmark": rows(report.benchmark),
                    "corpus_traces": rows(report.corpus_traces),
                },
                indent=2,
            )
        )
    else:
        click.echo(render_quality(report), nl=False)
