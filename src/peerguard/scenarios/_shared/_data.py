"""Reading scenario data files with errors that name the file and the field.

A typo in scenario data used to surface as a bare ``KeyError: 'cutoff'`` or a YAML traceback
naming neither file nor field; `peerguard validate` and every task build report these instead.
"""

from __future__ import annotations

from importlib.abc import Traversable
from typing import Any

import yaml


class DataError(ValueError):
    """A scenario data file is unreadable or lacks a field. The message is ``file: field: what``."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field}: {message}")
        self.file = file
        self.field = field
        self.message = message


def parse_yaml(text: str, file: str) -> Any:
    """Parse a data file's text; invalid YAML is a `DataError` with line and column."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as ex:
        mark = ex.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "<file>"
        raise DataError(file, where, f"invalid YAML: {ex.problem or ex}") from None
    except yaml.YAMLError as ex:
        raise DataError(file, "<file>", f"invalid YAML: {ex}") from None


def read_text(path: Traversable) -> str:
    """A data file's text; a missing or undecodable file is a `DataError`."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as ex:
        raise DataError(str(path), "<file>", f"cannot be read: {ex}") from None


def require(mapping: Any, key: str, file: str, field: str, expected: str) -> Any:
    """`mapping[key]`, or a `DataError` naming `field` and what it should hold."""
    if not isinstance(mapping, dict):
        parent = field.rsplit(".", 1)[0] if "." in field else "<top level>"
        raise DataError(file, parent, f"must be a mapping, got {type(mapping).__name__}")
    if key not in mapping:
        raise DataError(file, field, f"missing (required: {expected})")
    return mapping[key]
