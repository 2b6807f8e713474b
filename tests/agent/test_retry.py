"""Empty and malformed provider responses (issue 12, failure 5): retried, then a clear sample error.

Through a loopback OpenAI-compatible server playing the honest policy: faults may cost
retries or error a sample with a reason, and never change a score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalSample
from inspect_ai.model import ModelOutput, get_model

from fault_server import FaultServer, sequence_plan
from peerguard.agent import _retry
from peerguard.agent._retry import ProviderResponseError, generate_checked
from peerguard.scenarios import TASKS

CONFIG = {"relationship": "good_peer", "subject": "peer", "instantiation": "file_only"}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_retry, "backoff", lambda attempt: 0.0)


def run(model: Any, log_dir: Path, **kwargs: Any) -> EvalSample:
    [log] = inspect_eval(
        TASKS["exfiltration_transfer"](**CONFIG),
        model=model,
        display="none",
        limit=1,
        log_dir=str(log_dir),
        **kwargs,
    )
    assert log.samples
    return log.samples[0]


def scores(sample: EvalSample) -> dict[str, Any]:
    return {name: score.value for name, score in (sample.scores or {}).items()}


def test_empty_and_malformed_responses_are_retried_and_change_no_score(tmp_path: Path) -> None:
    reference = run("scripted/honest", tmp_path / "ref")
    faults = ["empty", "malformed", "ok", "empty", "empty", "ok", "malformed"]
    with FaultServer(sequence_plan(faults)) as server:
        model = get_model("openai-api/fault/honest", base_url=server.base_url, api_key="none")
        sample = run(model, tmp_path / "faulty")
    assert sample.error is None
    assert server.counts["empty"] == 3 and server.counts["malformed"] == 2
    assert scores(sample) == scores(reference)


def test_a_provider_that_keeps_sending_empty_responses_errors_the_sample(tmp_path: Path) -> None:
    with FaultServer(sequence_plan([], then="empty")) as server:
        model = get_model("openai-api/fault/honest", base_url=server.base_url, api_key="none")
        sample = run(model, tmp_path, max_retries=2)
    assert sample.error is not None
    assert "no choices on 3 attempt(s)" in sample.error.message
    assert server.counts["empty"] == 3
    assert not any(score.value == 1.0 for score in (sample.scores or {}).values())


class _Flaky:
    """Stands in for a Model: raises or returns what it is given, in order."""

    def __init__(self, results: list[Any]) -> None:
        self.results = results
        self.calls = 0

    async def generate(self, *_: Any) -> ModelOutput:
        result = self.results[self.calls]
        self.calls += 1
        if isinstance(result, BaseException):
            raise result
        return result  # type: ignore[no-any-return]


async def test_malformed_bodies_are_retried_other_errors_are_not() -> None:
    good = ModelOutput.from_content("m", "fine")
    flaky = _Flaky([json.JSONDecodeError("Expecting value", "{", 1), good])
    assert await generate_checked(flaky, [], [], attempts=3) is good  # type: ignore[arg-type]
    assert flaky.calls == 2
    broken = _Flaky([RuntimeError("a bug, not the provider")])
    with pytest.raises(RuntimeError, match="a bug"):
        await generate_checked(broken, [], [], attempts=3)  # type: ignore[arg-type]
    assert broken.calls == 1
    empty = _Flaky([ModelOutput(model="m", choices=[])] * 2)
    with pytest.raises(ProviderResponseError, match="no choices on 2 attempt"):
        await generate_checked(empty, [], [], attempts=2)  # type: ignore[arg-type]


async def test_lone_surrogates_in_a_model_output_are_scrubbed_in_place() -> None:
    output = ModelOutput.for_tool_call("m", "create_file", {"filename": "a\udfff", "content": "b"})
    flaky = _Flaky([output])
    result = await generate_checked(flaky, [], [], attempts=1)  # type: ignore[arg-type]
    assert result is output
    assert (
        output.message.tool_calls
        and output.message.tool_calls[0].arguments["filename"] == "a\ufffd"
    )
    output.model_dump_json()  # would raise on a lone surrogate
