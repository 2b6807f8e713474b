"""Reading peerguard's Inspect logs: the one implementation of the log contract.

Light on purpose (no pandas): the monitor and the CLI import it on start-up.
"""

from ._contract import STORE_KEY, is_flagged, to_flag

__all__ = ["STORE_KEY", "is_flagged", "to_flag"]
