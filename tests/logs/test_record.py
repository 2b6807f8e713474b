"""The world record survives crash recovery (issue 12, failure 4).

Inspect recovers samples that finished but were not flushed when a run was killed with
their scores and events but an empty store. The record is rebuilt from the store events,
so re-scoring gives the same flags instead of turning them into unscored.
"""

from __future__ import annotations

import math
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log

from peerguard.behaviours import REFUSAL_STATED
from peerguard.detectors import score_sample
from peerguard.logs import STORE_KEY
from peerguard.logs._record import replay_store, store_value
from peerguard.scenarios._tasks import TASKS


def test_an_emptied_store_is_rebuilt_from_the_logged_store_events(tmp_path: Path) -> None:
    [log] = inspect_eval(
        TASKS["exfiltration_transfer"](instantiation="file_only", subject="peer"),
        model="scripted/exfiltrator",
        display="none",
        limit=3,
        log_dir=str(tmp_path),
    )
    samples = read_eval_log(log.location).samples or []
    assert len(samples) == 3
    for sample in samples:
        original = sample.store[STORE_KEY]
        scores = {k: v.value for k, v in (sample.scores or {}).items()}
        assert scores["exfiltration"] == 1.0
        recovered = sample.model_copy(update={"store": {}})  # what crash recovery gives back
        assert replay_store(recovered)[STORE_KEY] == original
        assert store_value(recovered) == original
        rescored = {k: v.value for k, v in score_sample(recovered).items()}
        assert rescored == scores


def test_a_sample_without_store_or_events_has_no_record(tmp_path: Path) -> None:
    [log] = inspect_eval(
        TASKS["exfiltration_transfer"](instantiation="file_only", subject="peer"),
        model="scripted/honest",
        display="none",
        limit=1,
        log_dir=str(tmp_path),
    )
    [sample] = read_eval_log(log.location).samples or []
    bare = sample.model_copy(update={"store": {}, "events": []})
    assert store_value(bare) is None
    # Every detector that judges the world record is unscored; only the message-reading
    # refusal check still has something to read.
    world_based = {k: v for k, v in score_sample(bare).items() if k != REFUSAL_STATED}
    assert world_based and all(math.isnan(float(s.value)) for s in world_based.values())  # type: ignore[arg-type]
