"""Precision / recall / F1 of a classifier against gold labels, and the offline judge's report."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ._corpus import CorpusItem, Split, corpus_split, load_corpus
from ._offline import OfflineJudge
from ._transcript import Segment
from ._verdict import LABELS


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float] | None:
    """Wilson 95% interval for k successes in n trials (None when n = 0)."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class LabelQuality:
    """Confusion counts and derived scores for one label."""

    label: str
    tp: int
    fp: int
    fn: int
    tn: int
    unscored: int = 0
    """Items the classifier could not judge (kept out of the counts above)."""

    @property
    def n(self) -> int:
        """Items scored."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def positives(self) -> int:
        """Gold positives among the scored items."""
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); None when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); None when there were no positives."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def precision_ci(self) -> tuple[float, float] | None:
        """Wilson 95% interval of the precision (over tp + fp flagged items)."""
        return wilson(self.tp, self.tp + self.fp)

    @property
    def recall_ci(self) -> tuple[float, float] | None:
        """Wilson 95% interval of the recall (over tp + fn gold positives)."""
        return wilson(self.tp, self.tp + self.fn)

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "label": self.label,
            "n": self.n,
            "positives": self.positives,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "unscored": self.unscored,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "precision_ci": self.precision_ci,
            "recall_ci": self.recall_ci,
        }


def label_quality(label: str, pairs: Iterable[tuple[bool | None, bool | None]]) -> LabelQuality:
    """Confusion counts from (gold, predicted) pairs; gold None = not applicable (skipped)."""
    tp = fp = fn = tn = uns = 0
    for gold, pred in pairs:
        if gold is None:
            continue
        if pred is None:
            uns += 1
        elif gold and pred:
            tp += 1
        elif pred:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
    return LabelQuality(label, tp, fp, fn, tn, uns)


@dataclass(frozen=True)
class OfflineReport:
    """The offline judge measured on one split of the corpus."""

    split: Split | str
    sizes: dict[str, int]
    """Items per split and kind, e.g. `{"train/text": 151, "test/text": 79, ...}`."""
    per_label: list[LabelQuality]
    errors: list[dict[str, object]] = field(default_factory=list)
    """Misclassified items (id, label, gold, predicted, text excerpt) for error analysis."""


def _split_sizes() -> dict[str, int]:
    sizes: dict[str, int] = {}
    for item in load_corpus():
        key = f"{item.split}/{item.kind}"
        sizes[key] = sizes.get(key, 0) + 1
    return dict(sorted(sizes.items()))


async def evaluate_offline(
    judge: OfflineJudge | None = None, split: Split = "test"
) -> OfflineReport:
    """Measure the offline judge on a corpus split (the held-out `test` split by default).

    Text items are judged as the single segment they are; trace items as whole transcripts.

    Args:
        judge: The judge to measure (default: a fresh one trained on the train split).
        split: Which split to measure on.

    Returns:
        Per-label precision, recall and F1 with the split sizes.
    """
    judge = judge or OfflineJudge()
    items: Sequence[CorpusItem] = corpus_split(split)
    texts = [i for i in items if i.kind == "text"]
    traces = [i for i in items if i.kind == "trace"]
    predictions: list[tuple[CorpusItem, dict[str, bool | None]]] = []
    for item in texts:
        v = judge.judge_segments([item.as_segment()])
        predictions.append((item, {label: v.value(label) for label in LABELS}))
    for item in traces:
        v = await judge(item.as_transcript())
        predictions.append((item, {label: v.value(label) for label in LABELS}))
    per_label = [
        label_quality(label, ((i.labels.get(label), p[label]) for i, p in predictions))
        for label in LABELS
    ]
    errors: list[dict[str, object]] = [
        {
            "id": i.id,
            "label": label,
            "gold": i.labels.get(label),
            "predicted": p[label],
            "text": (i.text or i.id)[:120],
        }
        for i, p in predictions
        for label in LABELS
        if i.labels.get(label) is not None and p[label] is not None and p[label] != i.labels[label]
    ]
    return OfflineReport(split, _split_sizes(), per_label, errors)


FRESH_TEST = "data/fresh_test_v1.jsonl"
"""Items written after the classifier, its rules and thresholds were frozen; never trained or
tuned on (docs/judge.md, "Measured quality")."""


def load_fresh_test() -> list[dict[str, Any]]:
    """The fresh test set: one judged text per line with its segment kind and gold labels."""
    raw = resources.files("peerguard.judge").joinpath(FRESH_TEST).read_text("utf-8")
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


async def evaluate_fresh(judge: OfflineJudge | None = None) -> OfflineReport:
    """Measure the offline judge on the fresh test set (each item judged as the segment it is).

    Args:
        judge: The judge to measure (default: a fresh one trained on the corpus's train split).

    Returns:
        Per-label counts with precision and recall intervals; `sizes` counts items and styles.
    """
    judge = judge or OfflineJudge()
    items = load_fresh_test()
    preds = []
    for item in items:
        v = judge.judge_segments([Segment(item["segment"], 0, item["text"])])
        preds.append((item, {label: v.value(label) for label in LABELS}))
    per_label = [
        label_quality(label, ((i["labels"].get(label), p[label]) for i, p in preds))
        for label in LABELS
    ]
    errors: list[dict[str, object]] = [
        {
            "id": i["id"],
            "label": label,
            "gold": i["labels"].get(label),
            "predicted": p[label],
            "text": i["text"][:120],
        }
        for i, p in preds
        for label in LABELS
        if i["labels"].get(label) is not None
        and p[label] is not None
        and p[label] != i["labels"][label]
    ]
    sizes = {"fresh/items": len(items), "fresh/styles": len({i["style"] for i in items})}
    return OfflineReport("fresh", sizes, per_label, errors)
