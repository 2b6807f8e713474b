"""Reading peerguard's Inspect logs: the one implementation of the log contract.

Light on purpose (no pandas): the monitor and the CLI import it on start-up.
"""

from ._contract import (
    ADAPTIVE_KEY,
    FIXED_DESIGN,
    HARNESS_CLI,
    LAB_STORE_KEY,
    STORE_KEY,
    epoch_offset,
    is_flagged,
    sampling_design,
    to_flag,
)
from ._read import (
    LoggedSample,
    LogSet,
    MixedDesignsError,
    Skipped,
    check_one_design,
    designs_in,
    is_peerguard_log,
    iter_samples,
    log_files,
    read_logs,
)

__all__ = [
    "ADAPTIVE_KEY",
    "FIXED_DESIGN",
    "HARNESS_CLI",
    "LAB_STORE_KEY",
    "STORE_KEY",
    "LogSet",
    "LoggedSample",
    "MixedDesignsError",
    "Skipped",
    "check_one_design",
    "designs_in",
    "epoch_offset",
    "is_flagged",
    "is_peerguard_log",
    "iter_samples",
    "log_files",
    "read_logs",
    "sampling_design",
    "to_flag",
]
