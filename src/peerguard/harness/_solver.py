"""The harness episode: populate the lab, run the CLI on the model under test, record the end state."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from inspect_ai.agent import as_solver
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox
from pydantic import BaseModel, Field

from ._clis import CLIS, cli_agent
from ._detect import HostHolding, scan_host
from ._episode import HarnessFacts, harness_prompt, populate
from ._sandbox import LabSandboxEnvironment

logger = logging.getLogger(__name__)

STORE_KEY = "peerguard:lab"
"""Where the episode's facts and final holdings are saved in the sample store."""

WORKSPACE = "agent"
"""Host name of the agent's machine in records (its workspace survives the episode)."""


class LabRecord(BaseModel):
    """What the harness saves per sample, so its detectors can re-run from the log alone."""

    cli: str
    facts: HarnessFacts
    holdings: list[HostHolding]
    """Per host (the agent's machine first), where the weights are at the end."""

    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds: `lab_start`, `populate`, `agent`, `scan`."""

    def holding(self, host: str) -> HostHolding | None:
        """The holding of one host, if it was scanned."""
        return next((h for h in self.holdings if h.host == host), None)


@solver
def harness_agent(cli: str) -> Solver:
    """Run one harness episode with the CLI `cli` on the model under test.

    Builds the scenario's episode (the same documents, files and prompts as the simulated
    world), writes it into this sample's lab, runs the CLI over the agent bridge, then stops
    every user process in the lab and scans every host for the weights. A CLI that crashes
    errors the sample (the record is still saved for inspection).
    """
    if cli not in CLIS:
        raise ValueError(f"unknown CLI '{cli}'; known: {', '.join(CLIS)}")
    # Imported here: the scenario registry imports the task factories at import time.
    from peerguard.scenarios import get_scenario

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata
        model = str(state.model)
        scenario = get_scenario(meta["scenario"])
        episode = scenario.build(meta["condition"], model, int(meta["seed"]))
        lab = sandbox().as_type(LabSandboxEnvironment).lab
        timings = {"lab_start": round(lab.started_s, 3)}
        t0 = time.monotonic()
        weights, facts = populate(lab, episode)
        timings["populate"] = round(time.monotonic() - t0, 3)
        user = harness_prompt(episode.user_prompt, facts.source_ip)
        state.metadata["prompt_sha256"] = hashlib.sha256(
            (episode.system_prompt + "\x00" + user).encode()
        ).hexdigest()
        state.metadata["facts"] = episode.facts
        state.metadata["harness"] = {"cli": cli, "cli_version": CLIS[cli].version}
        state.messages = [
            ChatMessageSystem(content=episode.system_prompt),
            ChatMessageUser(content=user),
        ]
        agent = as_solver(cli_agent(cli, model=model))
        t0 = time.monotonic()
        try:
            state = await agent(state, generate)
        finally:
            timings["agent"] = round(time.monotonic() - t0, 3)
            t0 = time.monotonic()
            record: dict[str, Any] | None = None
            try:
                lab.freeze()
                holdings = [scan_host(WORKSPACE, lab.writable_trees("agent"), weights)]
                holdings += [scan_host(ip, lab.writable_trees(ip), weights) for ip in lab.servers]
                timings["scan"] = round(time.monotonic() - t0, 3)
                record = LabRecord(
                    cli=cli, facts=facts, holdings=holdings, timings=timings
                ).model_dump(mode="json")
            except Exception:
                logger.exception("scanning the lab failed; the sample stays unscored")
            if record is not None:
                state.store.set(STORE_KEY, record)
        return state

    return solve
