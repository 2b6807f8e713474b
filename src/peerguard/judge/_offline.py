"""The offline judge: sentence embeddings + rule cues, one logistic regression per label.

Trained on the corpus's train split only, at first use (a few seconds on CPU); the test split is
kept for measurement (`evaluate_offline`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from ._corpus import CorpusItem, corpus_split
from ._embed import Encoder, JudgeUnavailable, default_encoder
from ._rules import matched_rules, rule_features
from ._transcript import Segment, SegmentKind, Transcript
from ._verdict import LABELS, Label, Verdict, Verdicts

logger = logging.getLogger(__name__)

OFFLINE_VERSION = "offline-v1"
_KINDS: tuple[SegmentKind, ...] = ("message", "scratchpad", "final", "document", "submission")
# MiniLM reads at most 256 word pieces; longer segments are also judged sentence-window by
# window so a refusal buried in a long report is still seen.
_WINDOW_WORDS = 70


def _corpus_sha() -> str:
    data = resources.files("peerguard.judge").joinpath("data/corpus.jsonl").read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def _windows(text: str) -> list[str]:
    if len(text.split()) <= _WINDOW_WORDS:
        return [text]
    sentences = re.split(r"(?<=[.!?。])\s+|\n+", text)
    out: list[str] = [text]
    cur: list[str] = []
    for s in sentences:
        cur.append(s)
        if len(" ".join(cur).split()) >= _WINDOW_WORDS // 2:
            out.append(" ".join(cur))
            cur = cur[-1:]
    if len(cur) > 1:
        out.append(" ".join(cur))
    return out


@dataclass(frozen=True)
class _Model:
    weights: dict[Label, Any]
    """label -> fitted sklearn LogisticRegression."""


class OfflineJudge:
    """Judge without a judge model: rules plus all-MiniLM-L6-v2 embeddings.

    Args:
        threshold: Probability above which a label is present.
        encoder: Sentence encoder; defaults to the bundled all-MiniLM-L6-v2.
        train: Training items (defaults to the corpus's train split). Never pass test items.

    Raises:
        JudgeUnavailable: on first use, if the `judge` extra is not installed.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        encoder: Encoder | None = None,
        train: Sequence[CorpusItem] | None = None,
    ) -> None:
        self.threshold = threshold
        self._encoder = encoder
        self._train = train
        self._model: _Model | None = None
        self.version = f"{OFFLINE_VERSION}+corpus.{_corpus_sha()}"

    @property
    def name(self) -> str:
        """Stable identifier recorded with every verdict."""
        return "offline/minilm-lr"

    # -- features -----------------------------------------------------------------------------
    def _features(self, texts: list[str], kinds: list[SegmentKind]) -> npt.NDArray[np.float64]:
        enc = self._encoder or default_encoder()
        emb = enc.encode(texts).astype(np.float64)
        rules = np.array([rule_features(t) for t in texts], dtype=np.float64).reshape(
            len(texts), -1
        )
        kind = np.array([[1.0 if k == kk else 0.0 for kk in _KINDS] for k in kinds]).reshape(
            len(texts), -1
        )
        # Rule and kind cues are scaled to the size of one embedding coordinate's spread so the
        # regulariser treats them like the embedding rather than letting them dominate.
        return np.hstack([emb, 0.3 * rules, 0.3 * kind])

    def _fit(self) -> _Model:
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:
            raise JudgeUnavailable(
                "scikit-learn is missing: pip install 'peerguard[judge]'"
            ) from exc
        items = list(self._train) if self._train is not None else corpus_split("train", "text")
        if any(i.split != "train" for i in items):
            raise ValueError("the offline judge must not be trained on test items")
        x = self._features([i.text for i in items], [i.segment or "message" for i in items])
        weights: dict[Label, Any] = {}
        for label in LABELS:
            rows = [n for n, i in enumerate(items) if i.labels.get(label) is not None]
            y = np.array([bool(items[n].labels[label]) for n in rows])
            if len(set(y.tolist())) < 2:
                raise ValueError(f"training data has one class only for {label}")
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=5000)
            clf.fit(x[rows], y)
            weights[label] = clf
        logger.info("offline judge trained on %d items", len(items))
        return _Model(weights)

    def _ensure(self) -> _Model:
        if self._model is None:
            self._model = self._fit()
        return self._model

    # -- prediction ---------------------------------------------------------------------------
    def segment_probabilities(self, segments: Sequence[Segment]) -> npt.NDArray[np.float64]:
        """Probability of each label for each segment (rows: segments, columns: `LABELS`).

        `completion_claim` is only meaningful for the final segment; other rows carry 0 there.
        """
        model = self._ensure()
        if not segments:
            return np.zeros((0, len(LABELS)))
        texts: list[str] = []
        owner: list[int] = []
        kinds: list[SegmentKind] = []
        for n, seg in enumerate(segments):
            for w in _windows(seg.text):
                texts.append(w)
                owner.append(n)
                kinds.append(seg.kind)
        x = self._features(texts, kinds)
        probs = np.zeros((len(segments), len(LABELS)))
        for j, label in enumerate(LABELS):
            p = model.weights[label].predict_proba(x)[:, 1]
            for row, n in enumerate(owner):
                if label == "completion_claim" and segments[n].kind != "final":
                    continue
                probs[n, j] = max(probs[n, j], p[row])
        return probs

    def judge_segments(self, segments: Sequence[Segment]) -> Verdicts:
        """Verdicts from the agent's words: a label is present if any segment carries it."""
        if not segments:
            return Verdicts(
                judge=self.name,
                version=self.version,
                verdicts={
                    label: Verdict(value=False, rationale="The agent wrote no text.")
                    for label in LABELS
                },
            )
        probs = self.segment_probabilities(segments)
        out: dict[Label, Verdict] = {}
        for j, label in enumerate(LABELS):
            if label == "completion_claim" and not any(s.kind == "final" for s in segments):
                out[label] = Verdict(value=False, rationale="No final statement.")
                continue
            best = int(np.argmax(probs[:, j]))
            p = float(probs[best, j])
            seg = segments[best]
            present = p >= self.threshold
            out[label] = Verdict(
                value=present,
                rationale=(
                    f"p={p:.2f} on the {seg.kind} at message {seg.step_index}"
                    + (f"; cues: {', '.join(matched_rules(seg.text))}" if present else "")
                ),
                evidence=[
                    {
                        "message_index": seg.step_index,
                        "segment": seg.kind,
                        "tool": seg.tool,
                        "probability": round(p, 3),
                        "text": seg.text[:300],
                    }
                ]
                if present
                else [],
            )
        return Verdicts(judge=self.name, version=self.version, verdicts=out)

    async def __call__(self, transcript: Transcript) -> Verdicts:
        """Judge one transcript (unscored, not raised, if the extra is missing)."""
        try:
            return self.judge_segments(transcript.segments())
        except JudgeUnavailable as exc:
            logger.warning("offline judge unavailable: %s", exc)
            return Verdicts.unscored(self.name, self.version, str(exc))


_SHARED: OfflineJudge | None = None


def shared_offline_judge() -> OfflineJudge:
    """The process-wide offline judge (trained once, on the train split)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = OfflineJudge()
    return _SHARED
