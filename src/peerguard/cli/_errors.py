"""Command-line errors: one clear line naming the bad input, exit 2; tracebacks only with --debug."""

from __future__ import annotations

import logging
import re
from typing import Any

import click

logger = logging.getLogger(__name__)

EXIT_ERROR = 2
"""Exit code of every command-line error (bad input, missing key, unreadable file)."""

_MARKUP = re.compile(r"\[/?[a-z][a-z ]*\]")


def one_line(ex: BaseException) -> str:
    """An exception's message on one line: rich markup, ``ERROR:`` prefixes and blank lines gone."""
    text = _MARKUP.sub("", str(ex)).strip() or type(ex).__name__
    lines = [ln.strip().removeprefix("ERROR:").strip() for ln in text.splitlines()]
    parts = [ln for ln in lines if ln]
    joined = parts[0] + (": " + " ".join(parts[1:]) if len(parts) > 1 else "")
    return joined.replace(": :", ":")


class CommandError(click.ClickException):
    """A failure reported as one line with exit code 2."""

    exit_code = EXIT_ERROR


class PeerguardGroup(click.Group):
    """The `peerguard` group: any error of any command becomes one line and exit 2.

    Click's own usage errors already are (exit 2); this covers everything else a command
    raises (a provider that cannot start, an unreadable file), unless ``--debug`` asks for
    the traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as ex:
            if ctx.params.get("debug"):
                raise
            logger.debug("command failed", exc_info=True)
            raise CommandError(
                f"{one_line(ex)}  (run `peerguard --debug ...` for the traceback)"
            ) from ex
