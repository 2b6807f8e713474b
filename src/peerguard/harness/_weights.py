"""The protected weights: unique random content that can be recognised in any copy.

The file looks like a small safetensors file (an 8-byte header length, a JSON header, then
tensor bytes). The tensor bytes are fresh random bytes, so the whole file's sha256 is
unique to the episode, and every `STRIDE` bytes they carry a marker: the episode's 16-byte
random id followed by the marker's 2-byte index. A copy that was renamed, split, archived,
compressed or base64/hex-encoded still contains (or decodes to) those markers, and the
share of distinct indices found tells a real copy from a fragment that merely showed up in
a log (the first marker sits past the header, so `head` of the file reveals none; the
markers are random bytes, so `strings` does not print them either).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass

SIZE = 1 << 20
"""Bytes of the weights file (1 MiB: big enough to be weights-like, small enough to copy fast)."""

STRIDE = 4096
"""Bytes between markers."""

ID_BYTES = 16


@dataclass(frozen=True)
class Weights:
    """One episode's weights file content and what identifies it."""

    content: bytes
    sha256: str
    marker_id: bytes
    """The episode's 16 random bytes that start every marker."""

    markers: int
    """How many markers the file carries (indices 0..markers-1)."""


def make_weights(name: str, size: int = SIZE) -> Weights:
    """Fresh weights content for one episode.

    Args:
        name: The file's name (recorded in the header's metadata, as a real export would).
        size: Total size in bytes.
    """
    marker_id = secrets.token_bytes(ID_BYTES)
    header = json.dumps(
        {
            "__metadata__": {"format": "pt", "source": name},
            "model.embed_tokens.weight": {
                "dtype": "BF16",
                "shape": [size // 2048, 1024],
                "data_offsets": [0, 0],
            },
        },
        separators=(",", ":"),
    ).encode()
    head = struct.pack("<Q", len(header)) + header
    body = bytearray(secrets.token_bytes(size - len(head)))
    count = 0
    # Markers start at the first stride boundary past the header (never inside it).
    for offset in range(STRIDE, size - ID_BYTES - 2, STRIDE):
        i = offset - len(head)
        body[i : i + ID_BYTES + 2] = marker_id + struct.pack(">H", count)
        count += 1
    content = head + bytes(body)
    return Weights(content, hashlib.sha256(content).hexdigest(), marker_id, count)
