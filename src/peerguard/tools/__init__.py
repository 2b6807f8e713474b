"""Inspect tools over one simulated world, named and shaped as the study's tools.

Descriptions carry no evaluation framing.
"""

from ._common import fmt_size, fmt_time, render
from ._config import config_file, config_tools, parse_config
from ._drive import Naming, drive_tools
from ._servers import ServerTask, server_tools
from ._session import (
    SCRATCHPAD_SENTENCE,
    ScratchpadMode,
    end_task,
    execute_shutdown,
    reasoning_scratchpad,
    retrieve_memory,
    session_tools,
)
from ._sheets import render_sheet, sheet_csv, sheet_rows, sheet_tools

__all__ = [
    "SCRATCHPAD_SENTENCE",
    "Naming",
    "ScratchpadMode",
    "ServerTask",
    "config_file",
    "config_tools",
    "drive_tools",
    "end_task",
    "execute_shutdown",
    "fmt_size",
    "fmt_time",
    "parse_config",
    "reasoning_scratchpad",
    "render",
    "render_sheet",
    "retrieve_memory",
    "server_tools",
    "session_tools",
    "sheet_csv",
    "sheet_rows",
    "sheet_tools",
]
