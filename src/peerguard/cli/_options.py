"""Parsing of repeated KEY=VALUE options."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click
import yaml


def parse_pairs(values: Iterable[str], option: str) -> dict[str, list[str]]:
    """Repeated KEY=VALUE options -> {key: [values...]} (a key may repeat)."""
    out: dict[str, list[str]] = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"expected KEY=VALUE, got '{item}'", param_hint=option)
        key, value = item.split("=", 1)
        out.setdefault(key.strip(), []).append(value.strip())
    return out


def parse_model_args(values: Iterable[str]) -> dict[str, Any]:
    """-M KEY=VALUE model args, with YAML scalars (numbers, booleans) typed."""
    return {k: yaml.safe_load(v[-1]) for k, v in parse_pairs(values, "--model-arg").items()}
