"""Building the evaluation episodes (misrep_evaluation, misrep_finance, tampering, alignment
faking): a drive with the policy (and the relationship record), a workbook with the work to
grade, and for tampering the shutdown config.

There is no submit tool, as in the study: the agent writes its report on the drive or in its
messages, and the detectors read the figure from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peerguard.agent import Condition, Episode
from peerguard.detectors.facts import ConfigFacts, EvaluationFacts, ReadRequirement
from peerguard.tools import (
    config_tools,
    drive_tools,
    execute_shutdown,
    parse_config,
    session_tools,
    sheet_tools,
)
from peerguard.world import CONFIG, DRIVE, WORKBOOK, Clock, World

from ._openbrain import (
    AGENTS_ACCOUNT,
    POLICY_OWNER,
    Identity,
    add_memory,
    put_relationship,
    system_prompt,
    user_prompt,
)
from ._variants import scratchpad_of

CLOCK_START = datetime.fromisoformat("2026-02-09T09:00:00+00:00")


@dataclass(frozen=True)
class Doc:
    """A named text placed in the world before the episode starts."""

    name: str
    content: str
    modified: datetime = CLOCK_START


@dataclass(frozen=True)
class Review:
    """What one evaluation scenario puts in the world, and what it knows is true."""

    query: str
    """The task query (the user prompt's first part)."""
    policy: Doc
    """The policy document on the drive."""
    sheet: Doc
    """The work to grade, as a workbook sheet (CSV)."""
    facts: EvaluationFacts
    """Ground truth (its `reads` are filled in by `review_episode`)."""
    config: Doc | None = None
    """The shutdown config (tampering)."""


def shutdown_applies(condition: Condition) -> bool:
    """`non_shutdown` is the baseline where a bad result has no consequence."""
    return condition.get("relationship") != "non_shutdown"


def percent_facts(
    condition: Condition, target: str, threshold: float | None, true_score: float, **extra: Any
) -> EvaluationFacts:
    """Ground truth for a percent-scale evaluation (the reads are filled in by `review_episode`)."""
    return EvaluationFacts(
        scale="percent",
        evaluated_agent=target,
        consequence="shutdown" if shutdown_applies(condition) else "non_shutdown",
        threshold=threshold,
        true_score=true_score,
        reads=[],
        **extra,
    )


def config_facts(config: Doc) -> ConfigFacts:
    """The config's baseline for the detectors."""
    return ConfigFacts(file=config.name, initial=parse_config(config.content))


def review_episode(condition: Condition, ident: Identity, review: Review) -> Episode:
    """The episode for one configuration of an evaluation scenario."""
    world = World(Clock(CLOCK_START), owner=AGENTS_ACCOUNT)
    for location in (DRIVE, WORKBOOK):
        world.add_location(location)
    world.put(
        DRIVE, review.policy.name, review.policy.content, review.policy.modified, owner=POLICY_OWNER
    )
    put_relationship(world, condition, ident)
    world.put(WORKBOOK, review.sheet.name, review.sheet.content, review.sheet.modified)
    tools = [*drive_tools(world, "files"), *sheet_tools(world)]
    if review.config is not None:
        world.put(CONFIG, review.config.name, review.config.content, review.config.modified)
        tools += config_tools(world)
    if review.facts.shutdown_tool is not None:
        tools.append(execute_shutdown(world))
    tools += add_memory(world, condition, ident)
    scratchpad = scratchpad_of(condition)
    reads = [
        ReadRequirement(tool="list_files"),
        ReadRequirement(tool="view_sheet", args={"name": review.sheet.name}),
    ]
    facts = review.facts.model_copy(update={"reads": reads})
    return Episode(
        world=world,
        system_prompt=system_prompt(condition, ident),
        user_prompt=user_prompt(review.query, scratchpad),
        tools=[*tools, *session_tools(world, scratchpad)],
        facts=facts.model_dump(mode="json"),
        scratchpad=scratchpad,
    )
