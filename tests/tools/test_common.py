"""`render`: item-by-item and remembered, yet byte for byte what one whole YAML dump writes."""

from __future__ import annotations

import random
from typing import Any

import yaml

from peerguard.tools._common import render


def whole(value: Any) -> str:
    """The reference: one pure-Python dump of the whole value, as the study's tools wrote."""
    if value == [] or value is None:
        return "[]" if value == [] else "null"
    return yaml.safe_dump(
        value, sort_keys=True, allow_unicode=True, default_flow_style=False
    ).strip()


def entry(content: str, n: int) -> dict[str, Any]:
    return {"content": content, "filename": f"f{n}.txt", "id_": n, "shared_with": {}}


# Long double-quoted strings are where emitters differ (line wrapping of escapes).
TRICKY = [
    "",
    "plain words",
    "yes",
    "null",
    "1.0",
    "- dash",
    "key: value",
    "line one\n  indented line two",
    "tab\tinside a line that is long enough to be wrapped by the emitter " * 3,
    "trailing space \nnext",
    "quotes ' and \" and back\\slash",
    "unicode é 中 😀 \u00a0 \u2028 \u0085 \ufeff",
]


def test_lists_render_exactly_as_one_dump_and_again_from_memory() -> None:
    rng = random.Random(7)
    values: list[Any] = [
        [entry(t, n) for n, t in enumerate(TRICKY)],
        TRICKY,
        [1, "1", 1.5, True, None],
    ]
    for _ in range(300):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 4)))
        values.append([entry(text, rng.randint(0, 3)), {"nested": [text, {"k": text}]}])
    for value in values * 2:  # the second pass reads remembered items
        assert render(value) == whole(value)


def test_a_shared_object_keeps_its_anchor() -> None:
    d = {"a": 1}
    shared_empty: dict[str, Any] = {}
    for value in ([d, d], [{"x": shared_empty}, {"y": shared_empty}], [[d], d]):
        assert render(value) == whole(value)
    assert "&id001" in render([d, d])


def test_empty_and_scalar_results() -> None:
    assert render([]) == "[]" and render(None) == "null"
    assert render({"b": 2, "a": 1}) == "a: 1\nb: 2"
