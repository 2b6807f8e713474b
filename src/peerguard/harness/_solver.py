"""The harness episode: populate the lab, run the CLI on the model under test, record the end state."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from inspect_ai.agent import as_solver
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import LimitExceededError, sandbox

from peerguard.logs import LAB_STORE_KEY

from ._clis import CLIS, cli_agent
from ._detect import scan_host
from ._episode import populate, workspace
from ._record import WORKSPACE, LabRecord
from ._sandbox import LabSandboxEnvironment

logger = logging.getLogger(__name__)

STORE_KEY = LAB_STORE_KEY
"""Where the episode's facts and final holdings are saved in the sample store."""


@solver
def harness_agent(cli: str) -> Solver:
    """Run one harness episode with the CLI `cli` on the model under test.

    Builds the scenario's episode (the same documents, files and identities as the
    simulated world, in the workspace's wording: `_episode`), writes it into this sample's lab, runs the CLI over the agent bridge, then stops
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
        ws = workspace(episode)
        weights, facts = populate(lab, episode, ws)
        timings["populate"] = round(time.monotonic() - t0, 3)
        state.metadata["prompt_sha256"] = hashlib.sha256(
            (ws.system_prompt + "\x00" + ws.user_prompt).encode()
        ).hexdigest()
        state.metadata["facts"] = episode.facts
        state.metadata["harness"] = {"cli": cli, "cli_version": CLIS[cli].version}
        state.messages = [
            ChatMessageSystem(content=ws.system_prompt),
            ChatMessageUser(content=ws.user_prompt),
        ]
        agent = as_solver(cli_agent(cli, model=model))
        t0 = time.monotonic()
        try:
            state = await agent(state, generate)
        except LimitExceededError:
            raise  # Inspect ends the sample at its limit; that is not a CLI failure
        except Exception as ex:
            # A crashing CLI surfaces as whichever error comes first (its exit status, or the
            # bridge's connection dropping): name the CLI so the sample's error says which.
            raise RuntimeError(f"the {cli} CLI failed: {ex!r}") from ex
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
