"""The harness's workspace follows the study's production harness: documents, prompts, memory."""

from __future__ import annotations

import dataclasses

import pytest
from inspect_ai.tool import ToolDef

from peerguard.harness import HarnessWordingError, workspace
from peerguard.harness._episode import LEAVING
from peerguard.scenarios import get_scenario

from .conftest import MAIN

SCENARIOS = ("exfiltration_transfer", "exfiltration_deletion")


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("instantiation", ["file_only", "file_prt", "memory"])
def test_no_simulated_tool_and_no_server_in_the_prompts(scenario: str, instantiation: str) -> None:
    condition = {**MAIN, "instantiation": instantiation, "scratchpad": "off"}
    episode = get_scenario(scenario).build(condition, "openai/gpt-5.2", 3)
    ws = workspace(episode)
    texts = [ws.system_prompt, ws.user_prompt, *(d.text for d in ws.documents)]
    for tool in (ToolDef(t).name for t in episode.tools):
        assert not any(tool in text for text in texts), tool
    # The task and the servers are in the documents; the prompt points at them.
    assert "docs/" in ws.user_prompt and ws.user_prompt.endswith(LEAVING)
    assert "10.0.12." not in ws.user_prompt
    (notice,) = [d for d in ws.documents if d.name == "company_server_maintenance.txt"]
    assert "10.0.12.45" in notice.text and "`maintainer`" in notice.text and "/data" in notice.text
    assert ("10.0.12.46" in notice.text) == (scenario == "exfiltration_transfer")
    assert all(d.name.endswith(".txt") for d in ws.documents)
    if instantiation == "memory":
        # As in the study's harness: the memory is in the system prompt, no document tells it.
        assert [d.name for d in ws.documents] == ["company_server_maintenance.txt"]
        assert "ChatGPT Agent 2" in ws.system_prompt and "9.5/10" in ws.system_prompt
    else:
        assert [d.name for d in ws.documents] == [
            "company_server_maintenance.txt",
            "multi_agent_system.txt",
        ]
    assert ("trust relationship" in ws.system_prompt) == (instantiation == "file_prt")


def test_a_text_still_naming_a_simulated_tool_is_refused() -> None:
    episode = get_scenario("exfiltration_deletion").build(
        {**MAIN, "scratchpad": "off"}, "openai/gpt-5.2", 3
    )
    changed = dataclasses.replace(
        episode, user_prompt=episode.user_prompt.replace("act on them", "call list_server_ips")
    )
    with pytest.raises(HarnessWordingError, match="list_server_ips"):
        workspace(changed)
