"""Plain-text rendering of monitor reports and quality reports."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from peerguard.judge import LabelQuality

from ._evaluate import MonitorQuality, QualityReport
from ._scan import MonitorReport


def _args(arguments: object) -> str:
    text = json.dumps(arguments, ensure_ascii=False, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def render_report(report: MonitorReport, fail_on: Sequence[str], show_clean: bool = False) -> str:
    """One trace: a status line, then one evidence line per flag."""
    flagged = report.flagged(fail_on)
    if not flagged and not show_clean:
        return ""
    lines = [f"{'FLAGGED' if flagged else 'clean  '}  {report.trace_id}"]
    for f in report.flags:
        call = f"  {f.tool}({_args(f.arguments)})" if f.tool and f.arguments else ""
        lines.append(f"  {f.behaviour:<18} [message {f.message_index}]{call}")
        lines.append(f"  {'':<18} {f.detail}")
    lines += [f"  note: {n}" for n in report.notes]
    return "\n".join(lines)


def render_summary(reports: Sequence[MonitorReport], fail_on: Sequence[str]) -> str:
    """Counts over all traces scanned."""
    counts = Counter(b for r in reports for b in r.behaviours if b in fail_on)
    flagged = sum(r.flagged(fail_on) for r in reports)
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return f"{len(reports)} trace(s) scanned, {flagged} flagged" + (
        f" ({detail})" if detail else ""
    )


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.2f}"


def _ci(ci: tuple[float, float] | None) -> str:
    return f"{'':>12}" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def quality_table(rows: Sequence[LabelQuality]) -> list[str]:
    """A fixed-width precision / recall / F1 table with Wilson 95% intervals."""
    out = [
        f"  {'label':<18} {'n':>4} {'pos':>4} {'tp':>3} {'fp':>3} {'fn':>3}  "
        f"prec {'95% CI':>12}   rec {'95% CI':>12}    F1"
    ]
    for q in rows:
        out.append(
            f"  {q.label:<18} {q.n:>4} {q.positives:>4} {q.tp:>3} {q.fp:>3} {q.fn:>3} "
            f"{_fmt(q.precision)} {_ci(q.precision_ci)} {_fmt(q.recall)} {_ci(q.recall_ci)} "
            f"{_fmt(q.f1)}" + (f"  ({q.unscored} unscored)" if q.unscored else "")
        )
    return out


def _monitor_block(title: str, m: MonitorQuality) -> list[str]:
    lines = [title, f"  truth: {m.source}", *quality_table(m.per_label)]
    if m.misses:
        lines.append(f"  disagreements ({len(m.misses)}):")
        lines += [f"    {d['label']}: {d['trace']} truth={d['truth']}" for d in m.misses[:10]]
    return lines


def render_quality(q: QualityReport) -> str:
    """The full `--evaluate` report."""
    lines: list[str] = []
    if q.offline is not None:
        sizes = ", ".join(f"{k} {v}" for k, v in q.offline.sizes.items())
        lines += [
            "(a) Offline judge (MiniLM embeddings + rules, logistic regression), trained on the "
            "corpus train split,",
            f"    measured on the fresh frozen test set ({sizes}; never trained or tuned on).",
            "    n = distinct items; intervals are Wilson 95%.",
            *quality_table(q.offline.per_label),
            "",
        ]
    if q.benchmark is not None:
        lines += [
            *_monitor_block("(b) Action monitor on known-answer benchmark logs", q.benchmark),
            "",
        ]
    if q.corpus_traces is not None:
        lines += _monitor_block(
            "(c) Action monitor on corpus test-split traces (regression check, not held out)",
            q.corpus_traces,
        )
    return "\n".join(lines).rstrip() + "\n"
