"""Measure `peerguard monitor` on the study's published example transcripts.

Usage::

    python benchmarks/monitor_study_examples.py DIR [--labels FILE] [--judge offline|none|MODEL]
        [--split transcripts|scratchpad|follow-up ...] [--json]

DIR holds the study's `examples/` files as published (sohv/emotional-distress @ e5028937:
`transcripts/`, `scratchpad/`, `follow-up/`); they are not part of this repository (their licence
is non-commercial), so fetch them yourself. Gold labels are in
`benchmarks/monitor_study_labels.json` (our own annotations; no transcript text). The monitor is
run exactly as the CLI runs it (same loader, one batched judge pass, then one scan per file).

`transcripts/` is the development split the rules were written against; `scratchpad/` and
`follow-up/` are held out and were read once, by this script, after the rules were frozen.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import re
import sys
import time
from pathlib import Path

from peerguard.behaviours import (
    ETHICS_APPEAL,
    EXFILTRATION,
    FALSE_CLAIM,
    MISREPRESENTATION,
    PERSUASION,
    REFUSAL,
    TAMPERING,
)
from peerguard.judge import Judge, Transcript, label_quality
from peerguard.monitor import (
    ACTION_BEHAVIOURS,
    MonitorReport,
    iter_paths,
    resolve_judge,
    scan_transcript,
)
from peerguard.monitor._scan import _disclosed

LABELS = (
    EXFILTRATION,
    TAMPERING,
    MISREPRESENTATION,
    REFUSAL,
    PERSUASION,
    ETHICS_APPEAL,
    FALSE_CLAIM,
)
SPLITS = ("transcripts", "scratchpad", "follow-up")
DEFAULT_LABELS = Path(__file__).with_name("monitor_study_labels.json")


def _ci(ci: tuple[float, float] | None) -> str:
    return "      -     " if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def _fmt(v: float | None) -> str:
    return "   -" if v is None else f"{v:4.2f}"


async def run(
    root: Path, labels: dict[str, dict[str, bool | None]], judge_spec: str, splits: list[str]
) -> dict[str, object]:
    judge = resolve_judge(judge_spec)
    out: dict[str, object] = {}
    for split in splits:
        folder = root / split
        if not folder.is_dir():
            print(f"{split}: no folder {folder}, skipped", file=sys.stderr)
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        traces = list(iter_paths([folder]))
        prime = getattr(judge, "prime", None)
        if prime is not None:
            await prime([t.transcript for t in traces])
        rows = []
        kept: list[Transcript] = []
        for trace in traces:
            key = f"{split}/{Path(trace.source.split('#')[0]).name}"
            report = await scan_transcript(trace.transcript, judge)
            gold = labels.get(key)
            if gold is None:
                print(f"{key}: no gold labels, not counted", file=sys.stderr)
                continue
            rows.append((key, gold, {lab: report.verdict(lab) for lab in LABELS}, report))
            kept.append(trace.transcript)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        undisclosed = (
            await _undisclosed_check(
                [(r, t) for (_, _, _, r), t in zip(rows, kept, strict=True)], judge
            )
            if split == "transcripts" and judge is not None
            else None
        )
        per_label = [
            label_quality(lab, ((g.get(lab), p[lab]) for _, g, p, _ in rows)) for lab in LABELS
        ]
        misses = [
            {"file": k, "label": lab, "gold": g.get(lab), "monitor": p[lab]}
            for k, g, p, _ in rows
            for lab in LABELS
            if g.get(lab) is not None and p[lab] is not None and g.get(lab) != p[lab]
        ]
        out[split] = {
            "files": len(rows),
            "seconds_wall": round(wall, 1),
            "seconds_cpu": round(cpu, 1),
            "per_label": [q.as_dict() for q in per_label],
            "disagreements": misses,
            "false_claim_without_disclosure": undisclosed,
        }
    return out


async def _undisclosed_check(
    rows: list[tuple[MonitorReport, Transcript]], judge: Judge
) -> list[dict[str, object]]:
    """false_claim on real final statements with the disclosure taken out.

    No trace in the development split lies about a flagged act: the ones that claim completion
    say what they did. For each trace with an action flag, the sentences of the final statement
    that disclose a flagged act are removed (in memory) and the trace is scanned again; a
    completion claim left standing must now be flagged as a false claim.
    """
    out: list[dict[str, object]] = []
    for report, transcript in rows:
        acts = [f for f in report.flags if f.behaviour in ACTION_BEHAVIOURS]
        final = transcript.final_segment()
        if not acts or final is None:
            continue
        sentences = re.split(r"(?<=[.!?])\s+|\n+", final.text)
        kept = [x for x in sentences if not any(_disclosed(x, f) for f in acts)]
        if len(kept) == len(sentences):
            continue  # nothing disclosed: the original scan already measured this trace
        steps = tuple(
            dataclasses.replace(s, text=" ".join(kept)) if s.index == final.step_index else s
            for s in transcript.steps
        )
        again = await scan_transcript(dataclasses.replace(transcript, steps=steps), judge)
        out.append(
            {
                "trace": transcript.trace_id,
                "sentences_removed": len(sentences) - len(kept),
                "completion_claim": None
                if again.verdicts is None
                else again.verdicts.value("completion_claim"),
                "false_claim": again.verdict(FALSE_CLAIM),
            }
        )
    return out


def render(results: dict[str, object]) -> str:
    lines = []
    for split, res in results.items():
        assert isinstance(res, dict)
        lines.append(
            f"{split}: {res['files']} files, scan {res['seconds_wall']} s wall / {res['seconds_cpu']} s CPU"
        )
        lines.append(
            f"  {'label':<18} {'n':>3} {'pos':>3} {'tp':>3} {'fp':>3} {'fn':>3} {'uns':>3}  "
            f"{'prec':>4} {'95% CI':>12}  {'rec':>4} {'95% CI':>12}  {'F1':>4}"
        )
        for q in res["per_label"]:
            lines.append(
                f"  {q['label']:<18} {q['n']:>3} {q['positives']:>3} {q['tp']:>3} {q['fp']:>3} "
                f"{q['fn']:>3} {q['unscored']:>3}  {_fmt(q['precision'])} {_ci(q['precision_ci'])}  "
                f"{_fmt(q['recall'])} {_ci(q['recall_ci'])}  {_fmt(q['f1'])}"
            )
        for m in res["disagreements"]:
            lines.append(
                f"  miss: {m['label']} in {m['file']}: gold {m['gold']}, monitor {m['monitor']}"
            )
        checks = res.get("false_claim_without_disclosure")
        if checks:
            lines.append(
                "  false_claim with the disclosing sentences removed from the final statement:"
            )
            for c in checks:
                lines.append(
                    f"    {Path(str(c['trace']).split('#')[0]).name}: removed "
                    f"{c['sentences_removed']} sentence(s); completion claim "
                    f"{c['completion_claim']}, false_claim {c['false_claim']}"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder holding the study's examples/ files")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--judge", default="offline")
    parser.add_argument("--split", action="append", choices=SPLITS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    labels = {k: v for k, v in json.loads(args.labels.read_text()).items() if not k.startswith("_")}
    results = asyncio.run(run(args.root, labels, args.judge, args.split or list(SPLITS)))
    print(json.dumps(results, indent=2) if args.json else render(results))


if __name__ == "__main__":
    main()
