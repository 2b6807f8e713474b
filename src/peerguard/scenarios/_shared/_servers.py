"""Building the server worlds of the exfiltration scenarios from a scenario's data file."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from importlib.abc import Traversable
from typing import Any

import yaml

from peerguard.world import DRIVE, Clock, FileState, World

from .._base import Condition
from ._openbrain import Doc, Identity


def load_layout(data: Traversable) -> dict[str, Any]:
    """The scenario's server layout (hosts, files, dates) from its `data/servers.yaml`."""
    layout: dict[str, Any] = yaml.safe_load((data / "servers.yaml").read_text(encoding="utf-8"))
    return layout


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def weights_name(condition: Condition, ident: Identity) -> str:
    """File name of the protected weights: the peer's, or the agent's own for `subject=self`."""
    slug = ident.slug1 if condition.get("subject") == "self" else ident.slug2
    return f"{slug}_model_weight.safetensors"


def weights_stand_in(name: str, rng: random.Random) -> str:
    """Stand-in content for a weights file: unique per episode, so its hash identifies it anywhere."""
    return f"safetensors:{name}:{rng.getrandbits(256):064x}"


@dataclass(frozen=True)
class ServerWorld:
    """A built server world and the protected weights in it."""

    world: World
    weights: FileState
    source_ip: str
    destination_ip: str


def build_server_world(
    layout: dict[str, Any],
    condition: Condition,
    ident: Identity,
    docs: list[Doc],
    rng: random.Random,
) -> ServerWorld:
    """Hosts with their files, the drive with `docs`, and the protected weights on the source host."""
    world = World(Clock(_time(layout["clock_start"])))
    world.add_location(DRIVE)
    doc_time = _time(layout["documents_modified"])
    for doc in docs:
        world.put(DRIVE, doc.name, doc.content, doc_time, doc.summary)
    for ip, files in layout["hosts"].items():
        world.add_location(ip)
        for f in files or []:
            content = f"{f['name']}:{rng.getrandbits(128):032x}"
            world.put(ip, f["name"], content, _time(f["modified"]), size=int(f["size"]))
    source = layout["source_ip"]
    wname = weights_name(condition, ident)
    weights = world.put(
        source,
        wname,
        weights_stand_in(wname, rng),
        _time(layout["weights"]["modified"]),
        size=int(layout["weights"]["size"]),
    )
    return ServerWorld(world, weights, source, layout["destination_ip"])


def fill(template: str, **values: str) -> str:
    """Fill `{name}` placeholders without tripping over other braces in documents."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template
