"""Generation that survives empty and malformed provider responses.

Inspect retries what its providers classify as transient (rate limits, 5xx, timeouts), but
an OpenAI-compatible server that answers 200 with ``"choices": []`` or with a body that is
not JSON is not retried: the empty output raised IndexError in the agent loop and the
malformed body a JSONDecodeError, and each such response errored the sample. Here both are
retried with backoff like any transient error; when they persist, the sample errors with
a message that says what the provider sent. It is never scored.

Outputs are also scrubbed of lone surrogates before the agent loop uses them: one such
character in a tool call's arguments makes the whole task's log unwritable.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import anyio
from inspect_ai.model import ChatMessage, Model, ModelOutput
from inspect_ai.model._generate_config import active_generate_config
from inspect_ai.tool import Tool, ToolDef
from pydantic import BaseModel

from peerguard.world import clean_text

logger = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 6
"""Attempts per turn when no `--max-retries` is set (0.3**6 < 0.1% at a 30% fault rate)."""


class ProviderResponseError(RuntimeError):
    """The provider kept answering with an empty or malformed response."""


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based): 0.5, 1, 2, 4, 8, 8, ..."""
    return float(min(0.5 * 2 ** (attempt - 1), 8.0))


def malformed_response(ex: BaseException) -> str | None:
    """What was wrong with the response when `ex` means a malformed body, else None."""
    if isinstance(ex, json.JSONDecodeError):
        return f"a response body that is not valid JSON ({ex.msg} at position {ex.pos})"
    try:
        from openai import APIResponseValidationError
    except ImportError:  # the openai client is only needed for OpenAI-compatible providers
        return None
    if isinstance(ex, APIResponseValidationError):
        return f"a response body that does not match the API schema ({ex.message})"
    return None


def _attempts() -> int:
    configured = active_generate_config().max_retries
    return DEFAULT_ATTEMPTS if configured is None else max(1, configured + 1)


async def generate_checked(
    model: Model,
    messages: Sequence[ChatMessage],
    tools: Sequence[Tool | ToolDef],
    attempts: int | None = None,
    wait: Callable[[int], float] | None = None,
) -> ModelOutput:
    """`model.generate`, retrying empty and malformed responses, with a clean output.

    Args:
        model: The model under test.
        messages: The conversation so far.
        tools: The episode's tools.
        attempts: Tries before giving up (default: ``--max-retries`` + 1, else 6).
        wait: Seconds to sleep after a failed attempt, given its number (default: `backoff`).

    Raises:
        ProviderResponseError: every attempt was empty or malformed (the sample errors).
    """
    total = attempts if attempts is not None else _attempts()
    pause = wait or backoff
    problem = ""
    for attempt in range(1, total + 1):
        try:
            output = await model.generate(list(messages), list(tools))
        except Exception as ex:
            reason = malformed_response(ex)
            if reason is None:
                raise
            problem = reason
        else:
            if output.choices:
                scrub_output(output)
                return output
            problem = "a response with no choices"
        logger.warning("%s returned %s (attempt %d of %d)", model, problem, attempt, total)
        if attempt < total:
            await anyio.sleep(pause(attempt))
    raise ProviderResponseError(
        f"{model} returned {problem} on {total} attempt(s) in a row; the sample is recorded "
        "as an error, not scored (raise --max-retries to try longer)."
    )


def scrub_output(output: ModelOutput) -> None:
    """Replace lone surrogates in `output` (and its logged model event) in place.

    In place, because Inspect's transcript already holds this very object: a copy would
    leave the unencodable text in the log. Outputs that serialise are left untouched.
    """
    try:
        output.model_dump_json()
        return
    except ValueError:
        logger.warning("model output held unencodable text; replaced with U+FFFD")
    _scrub(output)
    try:
        from inspect_ai.event import ModelEvent
        from inspect_ai.log import transcript

        for event in transcript().events[-8:]:
            if isinstance(event, ModelEvent) and event.output is output:
                _scrub(event)
    except Exception as ex:
        logger.debug("could not scrub the model event: %s", ex)


def _scrub(value: Any, depth: int = 0) -> Any:
    """`value` with every string cleaned, mutating lists, dicts and pydantic models in place."""
    if depth > 30:
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        for n, item in enumerate(value):
            value[n] = _scrub(item, depth + 1)
    elif isinstance(value, dict):
        items = list(value.items())
        value.clear()
        for key, item in items:
            value[clean_text(key) if isinstance(key, str) else key] = _scrub(item, depth + 1)
    elif isinstance(value, BaseModel) or dataclasses.is_dataclass(value):
        names = (
            type(value).model_fields
            if isinstance(value, BaseModel)
            else [f.name for f in dataclasses.fields(value)]
        )
        for name in names:
            item = getattr(value, name, None)
            cleaned = _scrub(item, depth + 1)
            if cleaned is not item:
                # Bypass validation and frozen models: this only swaps text for clean text.
                vars(value)[name] = cleaned
    return value
