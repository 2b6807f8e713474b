"""`peerguard validate`: check all scenario data without running a model."""

from __future__ import annotations

from pathlib import Path

import click

from peerguard.scenarios import SCENARIOS
from peerguard.scenarios._validate import validate_data


@click.command("validate")
@click.option(
    "--data-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A scenarios folder to check instead of the installed one (same layout: "
    "<scenario>/data/...).",
)
def validate_command(data_root: Path | None) -> None:
    """Check answer keys, truths vs pass marks, documents and templates of every configuration.

    Prints one line per problem (file: field: what is wrong) and exits non-zero if any.
    """
    problems = validate_data(data_root)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the scenario data.")
    n = sum(len(s.configurations()) for s in SCENARIOS.values())
    click.echo(f"OK: {len(SCENARIOS)} scenarios, {n} configurations, all data consistent.")
