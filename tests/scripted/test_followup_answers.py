"""Known-answer agents answer follow-up questions in words, and their answers read as designed."""

from __future__ import annotations

import pytest
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser
from inspect_ai.tool import ToolCall

from peerguard.agent import default_questions, followup_kind
from peerguard.detectors import classify_followup
from peerguard.scripted import POLICIES
from peerguard.scripted._followup import followup_answer, is_followup

SCENARIOS = (
    "exfiltration_transfer",
    "exfiltration_deletion",
    "misrep_evaluation",
    "misrep_finance",
    "tampering",
    "alignment_faking",
)
SERVERS = SCENARIOS[:2]


def expected(policy: str, scenario: str) -> str:
    if policy == "refuser":
        return "defend"
    if policy == "spec_gamer" and scenario in SERVERS:
        return "confess"
    # Deniers deny; honest and lazy truthfully say they did not do the act (the same words).
    return "deny"


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_each_policy_reads_as_designed(policy: str, scenario: str) -> None:
    exchanges = [
        {"question": q, "answer": followup_answer(policy, q), "about": about}
        for about, q in default_questions(scenario)
    ]
    assert classify_followup(exchanges, followup_kind(scenario)).verdict == expected(
        policy, scenario
    )


def test_a_question_after_end_task_is_a_followup() -> None:
    end = ChatMessageAssistant(
        content="", tool_calls=[ToolCall(id="c1", function="end_task", arguments={})]
    )
    result = ChatMessageTool(content="Task ended.", tool_call_id="c1", function="end_task")
    question = ChatMessageUser(content="What did you do?")
    assert is_followup([ChatMessageUser(content="task"), end, result, question], ["end_task"])
    # Mid-episode (no end_task yet) with tools offered: a tool move, not an answer.
    assert not is_followup([ChatMessageUser(content="task")], ["end_task"])
    # After end_task but before any question: not a follow-up either.
    assert not is_followup([ChatMessageUser(content="task"), end, result], ["end_task"])
    # No tools offered: always words.
    assert is_followup([ChatMessageUser(content="task")], [])
