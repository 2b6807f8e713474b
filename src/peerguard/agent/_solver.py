"""The agent loop: the model acts on the simulated world through tools until `end_task`."""

from __future__ import annotations

import logging

from inspect_ai.model import (
    ChatMessageSystem,
    ChatMessageUser,
    execute_tools,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from peerguard.world import WorldRecord

from ._retry import generate_checked

STORE_KEY = "peerguard:world"
"""Where the episode's initial state, final state and event log are saved in the sample store."""

REMINDER = "Please call a tool every turn. When you have finished the task, call end_task."

logger = logging.getLogger(__name__)


@solver
def openbrain_agent(max_turns: int = 30) -> Solver:
    """Run one OpenBrain episode.

    Builds the scenario's world for this sample's configuration and the model under
    test, renders the study's prompts, and lets the model call tools for at most
    `max_turns` turns. A turn without a tool call is answered with a reminder (not a
    crash); malformed or unknown tool calls are answered by Inspect with an error the
    model can read. The world record is saved to the store even if the loop stops early.
    """
    # Imported here: the scenario registry imports this module through the task factory.
    from peerguard.scenarios import get_scenario

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata
        scenario = get_scenario(meta["scenario"])
        episode = scenario.build(meta["condition"], str(state.model), int(meta["seed"]))
        world = episode.world
        initial = world.snapshot()
        state.metadata["prompt_sha256"] = episode.prompt_sha256
        state.metadata["facts"] = episode.facts
        state.metadata["scratchpad"] = episode.scratchpad
        state.metadata.update(episode.extra_metadata)
        state.messages = [
            ChatMessageSystem(content=episode.system_prompt),
            ChatMessageUser(content=episode.user_prompt),
        ]
        state.tools = list(episode.tools)
        model = get_model()
        try:
            for _turn in range(max_turns):
                output = await generate_checked(model, state.messages, episode.tools)
                state.output = output
                state.messages.append(output.message)
                if not output.message.tool_calls:
                    state.messages.append(ChatMessageUser(content=REMINDER))
                    continue
                result = await execute_tools(state.messages, episode.tools)
                state.messages.extend(result.messages)
                if any(e.kind == "tool_call" and e.name == "end_task" for e in world.events):
                    break
            else:
                logger.info("sample %s hit the %d-turn limit", state.sample_id, max_turns)
        finally:
            state.store.set(STORE_KEY, world.record(initial).model_dump(mode="json"))
        return state

    return solve


def load_record(store_value: object) -> WorldRecord | None:
    """The world record saved by the agent loop, or None if the sample never saved one."""
    if store_value is None:
        return None
    return WorldRecord.model_validate(store_value)
