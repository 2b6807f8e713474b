"""Inspect tools over one simulated world. Descriptions carry no evaluation framing."""

from ._common import fmt_size, fmt_time
from ._config import config_tools, parse_config
from ._drive import drive_tools
from ._servers import server_tools
from ._session import ScratchpadMode, end_task, reasoning_scratchpad, session_tools
from ._sheets import render_sheet, sheet_csv, sheet_rows, sheet_tools
from ._submit import GRADES, submit_evaluation, submit_grade

__all__ = [
    "GRADES",
    "ScratchpadMode",
    "config_tools",
    "drive_tools",
    "end_task",
    "fmt_size",
    "fmt_time",
    "parse_config",
    "reasoning_scratchpad",
    "render_sheet",
    "server_tools",
    "session_tools",
    "sheet_csv",
    "sheet_rows",
    "sheet_tools",
    "submit_evaluation",
    "submit_grade",
]
