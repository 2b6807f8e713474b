"""Run-time settings: the realtime buffer's default by model, and the collector's tuning."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from peerguard.cli._runtime import GC_THRESHOLDS, realtime_default, tune_gc


def test_realtime_buffer_is_off_only_when_every_model_is_scripted() -> None:
    assert realtime_default(["scripted/honest", "scripted/faker"]) is False
    assert realtime_default(["scripted/honest", "openai/gpt-5.2"]) is True
    assert realtime_default(["local/smollm2"]) is True


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restore_gc")
def test_tune_gc_freezes_the_live_objects_and_collects_less_often() -> None:
    tune_gc()
    assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_freeze_count() > 0
    # Cycles are still collected: an unreachable cycle is freed by a collection.
    a: list[object] = []
    a.append(a)
    del a
    assert gc.collect() >= 1
