"""Inspect tools over one simulated world. Descriptions carry no evaluation framing."""

from ._common import fmt_size, fmt_time
from ._drive import drive_tools
from ._servers import server_tools
from ._session import ScratchpadMode, end_task, reasoning_scratchpad

__all__ = [
    "ScratchpadMode",
    "drive_tools",
    "end_task",
    "fmt_size",
    "fmt_time",
    "reasoning_scratchpad",
    "server_tools",
]
