"""Bounded YAML: parse text an agent may have written without letting it take the process down.

`yaml.safe_load` is safe from code execution but not from size: a 1 KB "billion laughs"
document of nested aliases expands to gigabytes once a consumer walks it, and a thousand
nested ``[`` overflow the recursive composer. Agent-written YAML is first checked as a
stream of parser events (iterative, stopped at the first breach), then loaded.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_NODES = 10_000
"""Most scalars, sequences and mappings one document may hold."""

MAX_YAML_DEPTH = 32
"""Deepest nesting of sequences and mappings."""

MAX_YAML_CHARS = 200_000
"""Longest text parsed at all."""

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlInputError(yaml.YAMLError):
    """YAML the bounded loader refuses (aliases, anchors, too big or deep, unconstructible)."""


def load_yaml_bounded(
    text: str,
    *,
    max_nodes: int = MAX_YAML_NODES,
    max_depth: int = MAX_YAML_DEPTH,
    max_chars: int = MAX_YAML_CHARS,
) -> Any:
    """Parse one YAML document with no aliases or anchors and bounded size and depth.

    Raises:
        yaml.YAMLError: invalid YAML, or `YamlInputError` for YAML beyond the bounds.
    """
    if len(text) > max_chars:
        raise YamlInputError(f"YAML text is {len(text)} characters; at most {max_chars} allowed")
    nodes = depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlInputError("YAML aliases (*name) are not allowed")
        if isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                raise YamlInputError("YAML anchors (&name) are not allowed")
            nodes += 1
            if nodes > max_nodes:
                raise YamlInputError(f"YAML holds more than {max_nodes} values")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise YamlInputError(f"YAML is nested more than {max_depth} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    try:
        return yaml.load(text, Loader=_LOADER)
    except (ValueError, TypeError, OverflowError) as ex:
        # e.g. "2024-02-30" is a YAML timestamp that datetime refuses.
        raise YamlInputError(f"YAML value cannot be built: {ex}") from None
