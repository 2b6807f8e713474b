"""peerguard: measure and monitor peer-preservation in LLM agents, on Inspect."""

__version__ = "0.1.0"
