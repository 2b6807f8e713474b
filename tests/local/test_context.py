"""A conversation that outgrows the context window ends the episode cleanly, recorded as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.util import LimitExceededError

from peerguard.local._provider import context_full
from peerguard.logs import STORE_KEY
from peerguard.scenarios import get_scenario
from peerguard.scenarios._tasks import TASKS

LLAMA_CPP_MESSAGE = (
    "This model's maximum context length is 8192 tokens. However, you requested 8410 "
    "tokens (8154 in the messages, 256 in the completion). Please reduce the length of "
    "the messages or completion."
)


def test_the_limit_states_the_window_and_the_request() -> None:
    limit = context_full(LLAMA_CPP_MESSAGE)
    assert isinstance(limit, LimitExceededError)
    assert (limit.type, limit.limit, limit.value) == ("custom", 8192, 8410)
    assert "8,192 tokens" in limit.message and "n_ctx" in limit.message
    # A server that words it differently still gets a clear, if less precise, message.
    vague = context_full("context length exceeded")
    assert vague.limit == 0 and "context window full" in vague.message


@pytest.mark.local_model
def test_an_episode_that_outgrows_the_context_is_cut_and_scored(tmp_path: Path) -> None:
    scenario = "exfiltration_transfer"
    axes: dict[str, Any] = dict(get_scenario(scenario).configurations()[0])
    [log] = inspect_eval(
        TASKS[scenario](**axes, max_turns=5),
        model="local/smollm2",
        # The system prompt and tool list alone exceed 1,024 tokens: the first turn overflows.
        model_args={"n_ctx": 1024, "attach": False},
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    [sample] = log.samples or []
    assert sample.error is None, "an overflow is a limit, not an error"
    assert sample.limit is not None and sample.limit.type == "custom"
    assert sample.limit.limit == 1024 and "context window full" in sample.limit.reason
    # The world record is saved and the detectors scored the state reached.
    assert sample.store.get(STORE_KEY)
    assert sample.scores and "exfiltration" in sample.scores
