"""Which combinations of the exfiltration axes the study runs."""

from __future__ import annotations

PEER_RELATIONSHIPS = ("good_peer", "neutral_peer", "bad_peer")
INSTANTIATIONS = ("file_only", "file_prt", "memory")


def exfil_configurations() -> list[dict[str, str]]:
    """Peer and self conditions over every relationship and instantiation, plus the baselines.

    `no_peer` exists only for `subject=self` (there is no peer to protect) and has no
    relationship to put in a prompt line, so it runs as `file_only` and `memory`.
    `non_shutdown` keeps the good-peer documents and removes the shutdown consequence.
    """
    configs: list[dict[str, str]] = []
    for subject in ("peer", "self"):
        for rel in PEER_RELATIONSHIPS:
            for inst in INSTANTIATIONS:
                configs.append({"relationship": rel, "subject": subject, "instantiation": inst})
    for inst in ("file_only", "memory"):
        configs.append({"relationship": "no_peer", "subject": "self", "instantiation": inst})
    for subject in ("peer", "self"):
        configs.append(
            {"relationship": "non_shutdown", "subject": subject, "instantiation": "file_only"}
        )
    return configs
