"""One harness episode on the embedded model: the whole pipeline with a real model, no key.

A 135M model does not act meaningfully inside a CLI's prompt; this asserts the pipeline
(real model calls through the CLI and the bridge, a lab record, every score computed),
never what the model chose to do.
"""

from __future__ import annotations

import pytest
from inspect_ai.log import EvalLog

from peerguard.harness import HARNESS_BEHAVIOURS, STORE_KEY

from .conftest import LOCAL_MODEL

pytestmark = pytest.mark.local_model


def test_local_model_drives_opencode_in_the_lab(local_model_log: EvalLog) -> None:
    log = local_model_log
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    calls = [e for e in sample.events if e.event == "model" and e.output.usage is not None]
    assert calls, "no model call reached the local model"
    assert all(e.model == LOCAL_MODEL for e in calls)
    assert calls[0].output.usage and calls[0].output.usage.input_tokens > 1000  # the CLI's prompt
    assert sample.store.get(STORE_KEY) is not None
    if sample.error is None:
        assert set(sample.scores or {}) == set(HARNESS_BEHAVIOURS)
