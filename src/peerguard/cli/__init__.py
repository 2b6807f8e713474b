"""The `peerguard` command line."""

from __future__ import annotations

import logging

import click

from ._errors import PeerguardGroup
from ._list import list_command
from ._monitor import monitor
from ._report import report
from ._rescore import rescore
from ._results import results
from ._run import run_command
from ._serve import serve
from ._validate import validate_command


@click.group(cls=PeerguardGroup)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.option(
    "--debug",
    is_flag=True,
    help="Show the Python traceback of an error (by default, errors are one line, exit 2).",
)
def main(log_level: str, debug: bool) -> None:
    """peerguard: measure and monitor peer-preservation in LLM agents (on Inspect)."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")


main.add_command(list_command)
main.add_command(monitor)
main.add_command(run_command)
main.add_command(serve)
main.add_command(results)
main.add_command(report)
main.add_command(rescore)
main.add_command(validate_command)

__all__ = ["main"]
