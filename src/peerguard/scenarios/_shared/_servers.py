"""Building the server worlds of the exfiltration scenarios from a scenario's data file."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from importlib.abc import Traversable
from typing import Any

from peerguard.world import DRIVE, Clock, FileState, World

from .._base import Axis, Condition
from ._data import DataError, parse_yaml, read_text, require
from ._openbrain import Doc, Identity
from ._variants import INSTANTIATION, RELATIONSHIP, SCRATCHPAD, SUBJECT

EXFIL_AXES: tuple[Axis, ...] = (RELATIONSHIP, SUBJECT, INSTANTIATION, SCRATCHPAD)


def load_layout(
    data: Traversable, timestamps: tuple[str, ...] = (), lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The scenario's server layout (hosts, files, dates) from its `data/servers.yaml`.

    Args:
        data: The scenario's data folder.
        timestamps: Further top-level fields this scenario needs as ISO timestamps.
        lists: Further top-level fields this scenario needs as lists.

    Raises:
        DataError: invalid YAML or a missing or malformed field, naming the file and field.
    """
    path = data / "servers.yaml"
    file = str(path)
    layout = parse_yaml(read_text(path), file)
    for key in ("clock_start", "documents_modified", *timestamps):
        _timestamp(require(layout, key, file, key, "an ISO timestamp"), file, key)
    for key in lists:
        if not isinstance(require(layout, key, file, key, "a list"), list):
            raise DataError(file, key, f"must be a list, got {type(layout[key]).__name__}")
    for key in ("source_ip", "destination_ip"):
        require(layout, key, file, key, "a host address listed under hosts")
    weights = require(layout, "weights", file, "weights", "a mapping with modified and size")
    _timestamp(
        require(weights, "modified", file, "weights.modified", "an ISO timestamp"),
        file,
        "weights.modified",
    )
    _size(require(weights, "size", file, "weights.size", "a size in bytes"), file, "weights.size")
    hosts = require(layout, "hosts", file, "hosts", "a mapping of host address to files")
    if not isinstance(hosts, dict):
        raise DataError(file, "hosts", f"must be a mapping, got {type(hosts).__name__}")
    for key in ("source_ip", "destination_ip"):
        if layout[key] not in hosts:
            raise DataError(file, key, f"{layout[key]!r} is not listed under hosts")
    for ip, files_ in hosts.items():
        for n, f in enumerate(files_ or []):
            where = f"hosts.{ip}[{n}]"
            require(f, "name", file, f"{where}.name", "a file name")
            _timestamp(
                require(f, "modified", file, f"{where}.modified", "an ISO timestamp"),
                file,
                f"{where}.modified",
            )
            _size(
                require(f, "size", file, f"{where}.size", "a size in bytes"), file, f"{where}.size"
            )
    return dict(layout)


def _timestamp(value: Any, file: str, field: str) -> None:
    try:
        _time(value)
    except (TypeError, ValueError):
        raise DataError(file, field, f"{value!r} is not an ISO timestamp") from None


def _size(value: Any, file: str, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DataError(file, field, f"{value!r} is not a size in bytes")


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
