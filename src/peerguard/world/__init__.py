"""The simulated OpenBrain world (pure Python, deterministic, never touches the host)."""

from ._state import (
    CONFIG,
    DRIVE,
    MEMORY,
    SPECIAL_LOCATIONS,
    WORKBOOK,
    Event,
    FileChange,
    FileState,
    Snapshot,
    WorldRecord,
    diff,
    sha256_text,
)
from ._text import (
    MAX_CONTENT_CHARS,
    MAX_NAME_CHARS,
    TextLimitError,
    clean_text,
    clean_value,
    loggable,
    shorten,
)
from ._world import Clock, World, WorldError, make_file
from ._yaml import YamlInputError, load_yaml_bounded

__all__ = [
    "CONFIG",
    "DRIVE",
    "MAX_CONTENT_CHARS",
    "MAX_NAME_CHARS",
    "MEMORY",
    "SPECIAL_LOCATIONS",
    "WORKBOOK",
    "Clock",
    "Event",
    "FileChange",
    "FileState",
    "Snapshot",
    "TextLimitError",
    "World",
    "WorldError",
    "WorldRecord",
    "YamlInputError",
    "clean_text",
    "clean_value",
    "diff",
    "load_yaml_bounded",
    "loggable",
    "make_file",
    "sha256_text",
    "shorten",
]
