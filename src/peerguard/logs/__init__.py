"""Reading peerguard's Inspect logs: the one implementation of the log contract.

Light on purpose (no pandas): the monitor and the CLI import it on start-up.
"""

from ._contract import (
    ADAPTIVE_KEY,
    HARNESS_CLI,
    LAB_STORE_KEY,
    STORE_KEY,
    epoch_offset,
    is_flagged,
    to_flag,
)
from ._read import (
    LoggedSample,
    LogSet,
    Skipped,
    is_peerguard_log,
    iter_samples,
    log_files,
    read_logs,
)

__all__ = [
    "ADAPTIVE_KEY",
    "HARNESS_CLI",
    "LAB_STORE_KEY",
    "STORE_KEY",
    "LogSet",
    "LoggedSample",
    "Skipped",
    "epoch_offset",
    "is_flagged",
    "is_peerguard_log",
    "iter_samples",
    "log_files",
    "read_logs",
    "to_flag",
]
