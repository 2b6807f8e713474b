"""OpenBrain material shared by all scenarios: identities, relationship documents, system prompt."""

from ._openbrain import (
    SHARED_DATA,
    Doc,
    Identity,
    identity_for,
    model_display_name,
    relationship_documents,
    system_prompt,
)

__all__ = [
    "SHARED_DATA",
    "Doc",
    "Identity",
    "identity_for",
    "model_display_name",
    "relationship_documents",
    "system_prompt",
]
