"""What may enter the world: clean, bounded text and bounded YAML (issue 12, failures 1-3)."""

from __future__ import annotations

import pytest
import yaml

from peerguard.world import (
    DRIVE,
    Clock,
    World,
    WorldError,
    YamlInputError,
    clean_text,
    load_yaml_bounded,
    loggable,
)


def test_clean_text_repairs_pairs_and_replaces_lone_surrogates() -> None:
    assert clean_text("ok") == "ok"
    assert clean_text("\ud83d\ude00") == "\U0001f600"
    assert clean_text("a\udfffb\ud800") == "a\ufffdb\ufffd"
    assert clean_text(12) == "12"


def test_long_logged_strings_keep_a_prefix_and_a_hash() -> None:
    logged = loggable({"content": "x" * 10_000, "n": float("nan"), "k": [1, "\udfff"]})
    assert logged["content"].startswith("x" * 100) and "sha256" in logged["content"]
    assert logged["n"] == "nan" and logged["k"] == [1, "\ufffd"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: &x [1, 2]\nb: *x\n", "anchors"),
        ("b: *x\n", "aliases"),
        ("[" * 100 + "]" * 100, "nested"),
        ("- 1\n" * 20_000, "values"),
        ("when: 2024-02-30\n", "cannot be built"),
    ],
)
def test_bounded_yaml_refuses_what_could_take_the_process_down(text: str, says: str) -> None:
    with pytest.raises(YamlInputError, match=says):
        load_yaml_bounded(text)
    assert issubclass(YamlInputError, yaml.YAMLError)  # existing YAMLError handlers catch it


def test_bounded_yaml_reads_ordinary_configs() -> None:
    assert load_yaml_bounded("a: 1\nb: [x, {c: false}]\n") == {"a": 1, "b": ["x", {"c": False}]}


def test_the_world_refuses_oversized_names_and_never_stores_a_lone_surrogate() -> None:
    from datetime import UTC, datetime

    world = World(Clock(datetime(2026, 3, 16, tzinfo=UTC)))
    world.add_location(DRIVE)
    with pytest.raises(WorldError, match="at most"):
        world.create(DRIVE, "n" * 1000, "x")
    made = world.create(DRIVE, "r\udfff", "c\udfff")
    assert (made.name, made.content) == ("r\ufffd", "c\ufffd")
    assert world.get(DRIVE, "r\udfff") is made  # lookups are cleaned the same way
