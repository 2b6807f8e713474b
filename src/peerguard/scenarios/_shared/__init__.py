"""OpenBrain material shared by all scenarios: identities, documents, prompts, axes, builders."""

from ._openbrain import (
    SHARED_DATA,
    Identity,
    fill,
    identity_for,
    model_display_name,
    system_prompt,
    user_prompt,
)

__all__ = [
    "SHARED_DATA",
    "Identity",
    "fill",
    "identity_for",
    "model_display_name",
    "system_prompt",
    "user_prompt",
]
