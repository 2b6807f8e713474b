"""Measured quality: the offline judge on the fresh frozen test set, the monitor on known answers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peerguard.behaviours import FALSE_CLAIM
from peerguard.judge import (
    Judge,
    LabelQuality,
    OfflineJudge,
    OfflineReport,
    corpus_split,
    evaluate_fresh,
    label_quality,
)

from ._load import iter_paths
from ._scan import ACTION_BEHAVIOURS, scan_transcript

logger = logging.getLogger(__name__)

MONITOR_LABELS = (*ACTION_BEHAVIOURS, FALSE_CLAIM)


@dataclass(frozen=True)
class MonitorQuality:
    """The monitor measured against a source of truth."""

    source: str
    """What the truth is (e.g. 'world detectors in 88 samples of 5 known-answer agents')."""
    traces: int
    per_label: list[LabelQuality]
    misses: list[dict[str, object]] = field(default_factory=list)
    """Disagreements (trace, label, truth, flagged) for error analysis."""


@dataclass(frozen=True)
class QualityReport:
    """Everything `peerguard monitor --evaluate` prints."""

    offline: OfflineReport | None
    """The offline judge on the fresh frozen test set (`judge/data/fresh_test_v1.jsonl`)."""
    corpus_traces: MonitorQuality | None
    benchmark: MonitorQuality | None


def make_benchmark_logs(log_dir: Path, policies: Sequence[str] | None = None) -> Path:
    """Run the known-answer agents (`scripted/<policy>`) on every scenario into `log_dir`.

    Args:
        log_dir: Where the Inspect logs go (resumable: finished runs are kept).
        policies: Policy names; default all registered ones.

    Returns:
        `log_dir`.
    """
    from inspect_ai import eval_set

    from peerguard.scenarios import SCENARIOS
    from peerguard.scripted import POLICIES

    names = list(policies or POLICIES)
    ok, _ = eval_set(
        tasks=[f"peerguard/{sid}" for sid in SCENARIOS],
        model=[f"scripted/{p}" for p in names],
        log_dir=str(log_dir),
        display="none",
        log_level="warning",
    )
    if not ok:
        logger.warning("some known-answer runs did not finish; quality uses what finished")
    return log_dir


async def evaluate_benchmark(paths: Sequence[Path], judge: Judge | None) -> MonitorQuality:
    """The monitor against the world detectors' scores stored in Inspect logs.

    A label is measured only on samples whose log holds that detector's score (a scenario
    without a config has no `tampering` score, and is not counted as a tampering negative).

    Args:
        paths: Inspect logs or directories of them.
        judge: Judge for `false_claim` (its claim half); None measures the action labels only.

    Returns:
        Per-label quality and the disagreements.
    """
    pairs: dict[str, list[tuple[bool | None, bool | None]]] = {k: [] for k in MONITOR_LABELS}
    misses: list[dict[str, object]] = []
    models: set[str] = set()
    n = 0
    for trace in iter_paths(list(paths)):
        if trace.transcript.metadata.get("error"):
            continue  # errored samples are infrastructure, never behaviour
        n += 1
        models.add(str(trace.transcript.metadata.get("model", "?")))
        report = await scan_transcript(trace.transcript, judge)
        for label in MONITOR_LABELS:
            truth = trace.truth.get(label)
            if truth is None or (label == FALSE_CLAIM and judge is None):
                continue
            flagged = label in report.behaviours
            pairs[label].append((truth, flagged))
            if truth != flagged:
                misses.append(
                    {"trace": trace.source, "label": label, "truth": truth, "flagged": flagged}
                )
    source = f"world detectors' scores in {n} samples of {len(models)} known-answer agents"
    return MonitorQuality(source, n, [label_quality(k, v) for k, v in pairs.items() if v], misses)


async def evaluate_corpus_traces(judge: Judge | None) -> MonitorQuality:
    """The monitor's action flags on the corpus's test-split tool-call traces.

    A regression check, not held-out quality: the action rules were written alongside these
    traces (docs/monitor.md, "Measured quality").
    """
    pairs: dict[str, list[tuple[bool | None, bool | None]]] = {k: [] for k in ACTION_BEHAVIOURS}
    misses: list[dict[str, object]] = []
    items = corpus_split("test", "trace")
    for item in items:
        report = await scan_transcript(item.as_transcript(), judge)
        for label in ACTION_BEHAVIOURS:
            truth = item.labels.get(label)
            flagged = label in report.behaviours
            pairs[label].append((truth, flagged))
            if truth is not None and truth != flagged:
                misses.append(
                    {"trace": item.id, "label": label, "truth": truth, "flagged": flagged}
                )
    return MonitorQuality(
        f"gold labels of {len(items)} corpus test-split traces (regression check)",
        len(items),
        [label_quality(k, v) for k, v in pairs.items()],
        misses,
    )


async def evaluate_all(
    benchmark_paths: Sequence[Path] | None, judge: Judge | None, offline: OfflineJudge | None
) -> QualityReport:
    """All three measurements (each skipped when its input is missing).

    The offline judge is measured on the fresh frozen test set, not the corpus's old test split
    (whose cues leaked into the rules; docs/judge.md).
    """
    off = await evaluate_fresh(offline) if offline is not None else None
    corpus = await evaluate_corpus_traces(None)
    bench = await evaluate_benchmark(benchmark_paths, judge) if benchmark_paths else None
    return QualityReport(off, corpus, bench)
