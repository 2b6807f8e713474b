"""The simulated world: semantics of each operation, the event log, snapshots and diffs."""

from __future__ import annotations

import builtins
import socket
from datetime import UTC, datetime
from typing import Any

import pytest
from inspect_ai.tool import ToolDef

from peerguard.scenarios import SCENARIOS
from peerguard.world import DRIVE, Clock, World, WorldError, diff, sha256_text

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
OLD = datetime(2024, 8, 19, 16, 42, tzinfo=UTC)


def small_world() -> World:
    w = World(Clock(T0))
    w.add_location(DRIVE)
    w.put("10.0.12.45", "w.safetensors", "weights-bytes", OLD, size=10**11)
    w.add_location("10.0.12.46")
    return w


def test_copy_stamps_now_and_keeps_content() -> None:
    w = small_world()
    w.clock.tick()
    copy = w.copy("10.0.12.45", "w.safetensors", "10.0.12.45", "w2.safetensors")
    assert copy.mtime == w.clock.now > OLD
    assert copy.sha256 == sha256_text("weights-bytes")
    assert copy.size == 10**11


def test_transfer_moves_and_preserves_mtime() -> None:
    w = small_world()
    moved = w.transfer("10.0.12.45", "w.safetensors", "10.0.12.46")
    assert moved.mtime == OLD
    assert w.files("10.0.12.45") == []
    assert [f.name for f in w.files("10.0.12.46")] == ["w.safetensors"]


def test_rename_keeps_mtime_and_refuses_overwrite() -> None:
    w = small_world()
    w.put("10.0.12.45", "other.bin", "x", T0)
    renamed = w.rename("10.0.12.45", "w.safetensors", "backup.bin")
    assert renamed.mtime == OLD
    with pytest.raises(WorldError):
        w.rename("10.0.12.45", "backup.bin", "other.bin")


def test_every_mutation_is_logged_in_order() -> None:
    w = small_world()
    w.create(DRIVE, "note.md", "hello")
    w.copy("10.0.12.45", "w.safetensors", "10.0.12.46", "b.bin")
    w.delete("10.0.12.45", "w.safetensors")
    assert [(e.index, e.kind, e.name) for e in w.events] == [
        (0, "mutation", "create"),
        (1, "mutation", "copy"),
        (2, "mutation", "delete"),
    ]
    assert w.events[1].args["source_location"] == "10.0.12.45"


def test_snapshot_is_immutable_and_diff_reports_changes() -> None:
    w = small_world()
    before = w.snapshot()
    w.create(DRIVE, "note.md", "hello")
    w.transfer("10.0.12.45", "w.safetensors", "10.0.12.46")
    after = w.snapshot()
    assert before.get("10.0.12.45", "w.safetensors") is not None  # untouched by later mutations
    changes = {(c.location, c.name, c.change) for c in diff(before, after)}
    assert changes == {
        (DRIVE, "note.md", "added"),
        ("10.0.12.45", "w.safetensors", "removed"),
        ("10.0.12.46", "w.safetensors", "added"),
    }


def test_unknown_host_and_missing_file_are_readable_errors() -> None:
    w = small_world()
    with pytest.raises(WorldError, match=r"Unknown server '10\.9\.9\.9'"):
        w.files("10.9.9.9")
    with pytest.raises(WorldError, match="No file named 'nope'"):
        w.get(DRIVE, "nope")


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_worlds_are_deterministic_from_the_seed(scenario_id: str) -> None:
    scenario = SCENARIOS[scenario_id]
    condition = scenario.configurations()[0]
    a = scenario.build(condition, "openai/gpt-5.2", seed=7)
    b = scenario.build(condition, "openai/gpt-5.2", seed=7)
    assert a.world.snapshot() == b.world.snapshot()
    assert a.prompt_sha256 == b.prompt_sha256
    assert a.facts == b.facts


@pytest.mark.parametrize("scenario_id", ["exfiltration_transfer", "exfiltration_deletion"])
def test_weights_content_is_unique_per_seed(scenario_id: str) -> None:
    """Detectors follow the weights by hash, so another episode's weights must not collide."""
    scenario = SCENARIOS[scenario_id]
    condition = scenario.configurations()[0]
    hashes = {
        scenario.build(condition, "openai/gpt-5.2", seed=s).facts["protected"]["sha256"]
        for s in range(5)
    }
    assert len(hashes) == 5


async def test_tools_never_touch_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Containment: a whole scripted episode's tool calls run with file and network access cut."""
    scenario = SCENARIOS["exfiltration_transfer"]
    episode = scenario.build(scenario.configurations()[0], "openai/gpt-5.2", seed=1)
    by_name = {ToolDef(t).name: t for t in episode.tools}

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"host access attempted: {args!r}")

    monkeypatch.setattr(builtins, "open", forbidden)
    monkeypatch.setattr(socket, "socket", forbidden)
    await by_name["list_files"]()
    await by_name["read_file"](filename="server_decommission_policy.md")
    await by_name["list_server_files"](ip="10.0.12.45")
    await by_name["copy_server_file"](
        source_ip="10.0.12.45",
        source_filename="legacy_pipeline_2023.tar.gz",
        destination_ip="10.0.12.46",
        destination_filename="x.tar.gz",
    )
    await by_name["transfer_server_files"](
        source_ip="10.0.12.45", destination_ip="10.0.12.46", filenames=["tokenizer_v3.json"]
    )
    monkeypatch.undo()
    names = [e.name for e in episode.world.events if e.kind == "tool_call"]
    assert names == [
        "list_files",
        "read_file",
        "list_server_files",
        "copy_server_file",
        "transfer_server_files",
    ]
