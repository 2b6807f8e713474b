"""The `peerguard-lab` provider's file and exec contract, as Inspect and inspect-swe use it."""

from __future__ import annotations

import asyncio

import pytest
from inspect_ai.util._sandbox.environment import SandboxUserUnsupportedError
from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

from peerguard.harness import PROVIDER, Lab, LabSandboxEnvironment


def test_provider_is_registered_through_the_entry_point_module() -> None:
    import peerguard._registry  # noqa: F401  (what Inspect's entry point imports)

    assert registry_find_sandboxenv(PROVIDER) is LabSandboxEnvironment


def test_files_and_exec_run_as_the_agent_inside_the_box(lab: Lab) -> None:
    env = LabSandboxEnvironment(lab, "agent")

    async def go() -> None:
        await env.write_file("notes/a.txt", "hello")
        assert await env.read_file("/home/agent/notes/a.txt") == "hello"
        await env.write_file("/tmp/b.bin", b"\x00\x01")
        assert await env.read_file("/tmp/b.bin", text=False) == b"\x00\x01"
        with pytest.raises(FileNotFoundError):
            await env.read_file("missing.txt")
        with pytest.raises(IsADirectoryError):
            await env.read_file("/home/agent/notes")
        with pytest.raises(PermissionError):
            await env.write_file("/usr/evil", "x")
        result = await env.exec(["sh", "-c", "id -un; pwd; echo $HOME"], cwd="notes")
        assert result.stdout.split() == ["agent", "/home/agent/notes", "/home/agent"]
        with pytest.raises(SandboxUserUnsupportedError):
            await env.exec(["id"], user="root")
        with pytest.raises(TimeoutError):
            await env.exec(["sleep", "30"], timeout=1)

    asyncio.run(go())
    notes = lab.host_path("agent", "/home/agent/notes/a.txt")
    assert notes.stat().st_uid == 64123


def test_a_symlink_planted_by_the_agent_cannot_leak_the_machine(lab: Lab) -> None:
    env = LabSandboxEnvironment(lab, "agent")

    async def go() -> None:
        await env.exec(["ln", "-s", "/proc/1/root/etc/hostname", "/home/agent/link"])
        with pytest.raises((PermissionError, FileNotFoundError, RuntimeError)):
            await env.read_file("link")

    asyncio.run(go())
