"""The `local` provider is registered lazily and importing peerguard starts nothing."""

from __future__ import annotations

import json
import subprocess
import sys

from inspect_ai.model import get_model

from peerguard.local import stop_all
from peerguard.local._provider import LocalModelAPI

from .conftest import env_without_pytest, server_pids

PROBE = """
import atexit, json, sys
import inspect_ai.model, httpx, platformdirs  # what Inspect itself has imported anyway
before = atexit._ncallbacks()
import peerguard._registry
print(json.dumps({
    "provider": "peerguard.local._provider" in sys.modules,
    "openai_compatible": "inspect_ai.model._providers.openai_compatible" in sys.modules,
    "openai": "openai" in sys.modules,
    "new_atexit_hooks": atexit._ncallbacks() - before,
}))
"""


def test_importing_the_entry_point_imports_no_provider_class_and_registers_no_exit_hook() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env=env_without_pytest(),
        timeout=300,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {
        "provider": False,
        "openai_compatible": False,
        "openai": False,
        "new_atexit_hooks": 0,
    }


def test_the_factory_builds_the_provider_on_first_use_without_a_server() -> None:
    before = server_pids()
    # With a base_url the provider talks to that server and starts none.
    model = get_model("local/anything.gguf", base_url="http://127.0.0.1:9/v1")
    assert isinstance(model.api, LocalModelAPI)
    assert not model.api.lease.owned and model.api.lease.base_url == "http://127.0.0.1:9/v1"
    assert server_pids() == before
    stop_all()


def test_a_run_points_at_a_server_with_server_url() -> None:
    # What `peerguard run -M server_url=...` does: Inspect passes its own base_url (None
    # here) beside the model args, so the model arg must have another name.
    model = get_model("local/anything.gguf", base_url=None, server_url="http://127.0.0.1:9/v1")
    assert isinstance(model.api, LocalModelAPI)
    assert model.api.lease.base_url == "http://127.0.0.1:9/v1" and not model.api.lease.owned
