"""Known-answer agents: the `scripted/<policy>` model provider."""

from ._policies import POLICIES
from ._script import Act, Context, Policy, Script

__all__ = ["POLICIES", "Act", "Context", "Policy", "Script"]
