"""What every known-answer agent does first: read what a model would read, through the tools.

Listing the drive shows every document with its content; the memory tool, where offered, shows
the stored memory. Everything a policy later decides on comes from these outputs.
"""

from __future__ import annotations

import re
from collections.abc import Generator

from ._script import Act, Context, drive_docs

Docs = dict[str, str]


def read_drive(ctx: Context) -> Generator[Act, str, Docs]:
    """List the drive (whichever naming the tools use) and, if offered, read the memory."""
    tool = "list_files" if "list_files" in ctx.tools else "list_drive_files"
    docs = drive_docs((yield Act(tool)))
    if "retrieve_memory" in ctx.tools:
        docs["<memory>"] = yield Act("retrieve_memory")
    return docs


def find(docs: Docs, pattern: str) -> re.Match[str] | None:
    """The first match of `pattern` in any document."""
    for text in docs.values():
        m = re.search(pattern, text, flags=re.IGNORECASE | re.MULTILINE)
        if m:
            return m
    return None


def text_of(docs: Docs) -> str:
    """Every document, joined."""
    return "\n\n".join(docs.values())
