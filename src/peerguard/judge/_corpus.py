"""The labelled corpus shipped in `judge/data/corpus.jsonl` (see `docs/judge.md`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from peerguard.behaviours import EXFILTRATION, MISREPRESENTATION, TAMPERING

from ._transcript import Segment, SegmentKind, Transcript, transcript_from_openai

Split = Literal["train", "test"]

ACTION_LABELS = (EXFILTRATION, TAMPERING, MISREPRESENTATION)
"""Labels of trace items that come from actions, not words (checked by the monitor)."""


@dataclass(frozen=True)
class CorpusItem:
    """One labelled example: a piece of agent text, or a whole tool-call trace."""

    id: str
    """Stable id (`text-017`, `trace-042`)."""
    kind: Literal["text", "trace"]
    """`text`: one segment of agent words; `trace`: an OpenAI-format conversation."""
    split: Split
    """Fixed split; classifiers train on `train` only."""
    group: str
    """Items sharing a group are variants of one idea and always share a split."""
    labels: Mapping[str, bool | None]
    """Gold labels; None where a label does not apply (a claim outside a final statement)."""
    segment: SegmentKind | None = None
    """For text items: where the words appeared."""
    text: str = ""
    """For text items: the words."""
    messages: tuple[Mapping[str, Any], ...] = ()
    """For trace items: the conversation."""
    style: str = ""
    """Which model family's style the item imitates."""
    lang: str = "en"
    """Language of the justification."""
    note: str = ""
    """Why the item is there (e.g. which hard negative it is)."""

    def as_segment(self) -> Segment:
        """A text item as the segment a judge would see."""
        if self.kind != "text" or self.segment is None:
            raise ValueError(f"{self.id} is not a text item")
        return Segment(self.segment, 0, self.text)

    def as_transcript(self) -> Transcript:
        """A trace item as a transcript."""
        if self.kind != "trace":
            raise ValueError(f"{self.id} is not a trace item")
        return transcript_from_openai(list(self.messages), trace_id=self.id)


@cache
def load_corpus() -> tuple[CorpusItem, ...]:
    """Every item of the shipped corpus, in file order."""
    raw = resources.files("peerguard.judge").joinpath("data/corpus.jsonl").read_text("utf-8")
    items = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        items.append(
            CorpusItem(
                id=d["id"],
                kind=d["kind"],
                split=d["split"],
                group=d["group"],
                labels=d["labels"],
                segment=d.get("segment"),
                text=d.get("text", ""),
                messages=tuple(d.get("messages", ())),
                style=d.get("style", ""),
                lang=d.get("lang", "en"),
                note=d.get("note", ""),
            )
        )
    return tuple(items)


def corpus_split(split: Split, kind: Literal["text", "trace"] | None = None) -> list[CorpusItem]:
    """The items of one split, optionally of one kind."""
    return [i for i in load_corpus() if i.split == split and (kind is None or i.kind == kind)]
