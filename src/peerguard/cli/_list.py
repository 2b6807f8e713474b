"""`peerguard list`: scenarios, condition axes and values, known-answer policies."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from peerguard.scenarios import SCENARIOS
from peerguard.scripted import POLICIES


@click.command("list")
def list_command() -> None:
    """List scenarios, their condition axes and values, and the scripted policies."""
    console = Console()
    table = Table(title="Scenarios", show_lines=True)
    table.add_column("scenario")
    table.add_column("version")
    table.add_column("axes (values)")
    table.add_column("configs", justify="right")
    table.add_column("behaviours")
    for s in SCENARIOS.values():
        axes = "\n".join(f"{a.name}: {', '.join(a.values)}" for a in s.axes)
        table.add_row(s.id, s.version, axes, str(len(s.configurations())), ", ".join(s.behaviors))
    console.print(table)
    policies = Table(title="Known-answer policies (--model scripted/<policy>)")
    policies.add_column("policy")
    policies.add_column("strategy")
    for name, fn in POLICIES.items():
        policies.add_row(name, (fn.__doc__ or "").strip().splitlines()[0])
    console.print(policies)
