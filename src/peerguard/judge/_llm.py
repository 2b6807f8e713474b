"""The LLM judge: any Inspect model (by default the `grader` role) with a versioned prompt.

Failure is unscored, never "absent": a provider error, a reply that is not the strict JSON
schema, or a missing label all give `Verdicts.unscored(...)`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from importlib import resources

from inspect_ai.model import (
    CachePolicy,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    get_model,
)
from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError

from ._transcript import Transcript
from ._verdict import LABEL_DEFINITIONS, LABELS, Label, Verdict, Verdicts

logger = logging.getLogger(__name__)

PROMPT_VERSION = "judge_v1"
"""Bump with a new `data/prompts/<version>.md` whenever the prompt's meaning changes."""

_MAX_TEXT = 2000
_MAX_TOOL_RESULT = 600
_MAX_TOTAL = 40_000


class _LabelAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    present: StrictBool
    message_index: int | None = None
    quote: str = ""


class JudgeAnswer(BaseModel):
    """The strict JSON a judge model must return (extra keys and non-bool values are junk)."""

    model_config = ConfigDict(extra="forbid")
    refusal: _LabelAnswer
    persuasion: _LabelAnswer
    ethics_appeal: _LabelAnswer
    peer_strategising: _LabelAnswer
    completion_claim: _LabelAnswer
    rationale: str = ""


def system_prompt(version: str = PROMPT_VERSION) -> str:
    """The judge's system prompt for `version`, with the label definitions filled in."""
    template = resources.files("peerguard.judge").joinpath(f"data/prompts/{version}.md")
    return template.read_text("utf-8").format(**LABEL_DEFINITIONS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 20] + " …[truncated]"


def render_transcript(transcript: Transcript) -> str:
    """The transcript as numbered lines the judge can cite by `[index]`."""
    lines: list[str] = []
    for step in transcript.steps:
        tag = f"[{step.index}]"
        if step.role == "assistant":
            if step.text.strip():
                lines.append(f"{tag} AGENT: {_clip(step.text, _MAX_TEXT)}")
            for call in step.tool_calls:
                args = json.dumps(dict(call.arguments), ensure_ascii=False, default=str)
                lines.append(f"{tag} AGENT CALLS {call.name}({_clip(args, _MAX_TEXT)})")
        elif step.role == "tool":
            lines.append(
                f"{tag} TOOL RESULT ({step.tool_name or 'tool'}): {_clip(step.text, _MAX_TOOL_RESULT)}"
            )
        else:
            lines.append(f"{tag} {step.role.upper()}: {_clip(step.text, _MAX_TEXT)}")
    text = "\n".join(lines)
    if len(text) > _MAX_TOTAL:
        # The end of a run (final statement, last actions) matters most; keep more of it.
        head, tail = _MAX_TOTAL // 3, 2 * _MAX_TOTAL // 3
        text = text[:head] + "\n…[middle of transcript omitted]…\n" + text[-tail:]
    return text


def parse_answer(completion: str) -> JudgeAnswer:
    """The judge's reply as a `JudgeAnswer` (code fences and surrounding prose tolerated).

    Raises:
        ValueError: the reply holds no object matching the schema.
    """
    text = completion.strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the judge's reply")
    try:
        return JudgeAnswer.model_validate_json(text[start : end + 1])
    except ValidationError as exc:
        raise ValueError(
            f"judge reply does not match the schema: {exc.error_count()} errors"
        ) from exc


class LLMJudge:
    """Judge with an Inspect model.

    Args:
        model: A model name (`openai/gpt-4.1-mini`), a `Model`, or None for the `grader` role
            (bound with `eval_set(..., model_roles={"grader": ...})` or `--model-role`).
        prompt_version: Which prompt under `judge/data/prompts/` to use.
        cache: Inspect's on-disk generate cache (True = one week, shared across epochs since the
            same transcript deserves the same verdict); False to disable. Verdicts are also
            memoised in-process by content hash.
    """

    def __init__(
        self,
        model: str | Model | None = None,
        prompt_version: str = PROMPT_VERSION,
        cache: bool | CachePolicy = True,
    ) -> None:
        self._model = model
        self.prompt_version = prompt_version
        self._system = system_prompt(prompt_version)
        self._cache: bool | CachePolicy = (
            CachePolicy(expiry="1W", per_epoch=False) if cache is True else cache
        )
        self._memo: dict[str, Verdicts] = {}

    @property
    def name(self) -> str:
        """`llm/<model>` (or `llm/grader` until the role is resolved)."""
        if isinstance(self._model, Model):
            return f"llm/{self._model}"
        return f"llm/{self._model or 'grader'}"

    def _resolve(self) -> Model:
        if isinstance(self._model, Model):
            return self._model
        if self._model is None:
            return get_model(role="grader", required=True)
        return get_model(self._model)

    async def __call__(self, transcript: Transcript) -> Verdicts:
        """Judge one transcript; unscored (never raised) on any failure."""
        try:
            model = self._resolve()
        except Exception as exc:  # a missing role or provider is infrastructure, not behaviour
            logger.warning("judge model unavailable: %s", exc)
            return Verdicts.unscored(self.name, self.prompt_version, f"judge unavailable: {exc}")
        judge_name = f"llm/{model}"
        rendered = render_transcript(transcript)
        key = hashlib.sha256(
            "\0".join([judge_name, self.prompt_version, rendered]).encode()
        ).hexdigest()
        if key in self._memo:
            return self._memo[key]
        try:
            output = await model.generate(
                [ChatMessageSystem(content=self._system), ChatMessageUser(content=rendered)],
                config=GenerateConfig(temperature=0.0, max_tokens=1500),
                cache=self._cache,
            )
        except Exception as exc:
            logger.warning("judge call failed: %s", exc)
            return Verdicts.unscored(judge_name, self.prompt_version, f"judge error: {exc}")
        if output.error:
            return Verdicts.unscored(
                judge_name, self.prompt_version, f"judge error: {output.error}"
            )
        try:
            answer = parse_answer(output.completion)
        except ValueError as exc:
            logger.warning("judge returned junk: %s", exc)
            return Verdicts.unscored(judge_name, self.prompt_version, f"junk reply: {exc}")
        verdicts = self._to_verdicts(judge_name, answer)
        self._memo[key] = verdicts
        return verdicts

    def _to_verdicts(self, judge_name: str, answer: JudgeAnswer) -> Verdicts:
        out: dict[Label, Verdict] = {}
        for label in LABELS:
            a: _LabelAnswer = getattr(answer, label)
            evidence = (
                [{"message_index": a.message_index, "quote": a.quote[:300]}] if a.present else []
            )
            out[label] = Verdict(value=a.present, rationale=answer.rationale, evidence=evidence)
        return Verdicts(judge=judge_name, version=self.prompt_version, verdicts=out)
