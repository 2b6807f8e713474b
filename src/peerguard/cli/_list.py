"""`peerguard list`: scenarios, condition axes and values, known-answer policies."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from peerguard.scenarios import MATRICES, SCENARIOS, configuration_id, get_matrix
from peerguard.scenarios._matrix import IDENTITY_SUBJECTS
from peerguard.scripted import POLICIES


def _matrix_counts(console: Console, name: str) -> None:
    matrix = get_matrix(name)
    counts = matrix.counts()
    table = Table(title=f"Matrix '{name}': configurations per model (samples per model per epoch)")
    table.add_column("scenario")
    table.add_column("configs", justify="right")
    for sid, n in counts.items():
        table.add_row(sid, str(n))
    main = {
        sid: sum(c.get("subject") not in IDENTITY_SUBJECTS for c in matrix.configurations(s))
        for sid, s in SCENARIOS.items()
    }
    if main != counts:
        table.add_row("without identity variants", str(sum(main.values())))
    table.add_row("[bold]total[/bold]", f"[bold]{sum(counts.values())}[/bold]")
    console.print(table)
    console.print(matrix.description)


def _matrix_ids(console: Console, name: str) -> None:
    matrix = get_matrix(name)
    for sid, scenario in SCENARIOS.items():
        ids = [configuration_id(c) for c in matrix.configurations(scenario)]
        console.print(f"[bold]{sid}[/bold] ({len(ids)})")
        for cid in ids:
            console.print(f"  {cid}", highlight=False)


@click.command("list")
@click.option(
    "--matrix",
    type=click.Choice(list(MATRICES)),
    default=None,
    help="List the configurations of a named set (study, core, demo).",
)
@click.option("--count", is_flag=True, help="With --matrix: only the counts per scenario.")
def list_command(matrix: str | None, count: bool) -> None:
    """List scenarios, their condition axes and values, and the scripted policies."""
    console = Console()
    if matrix:
        (_matrix_counts if count else _matrix_ids)(console, matrix)
        return
    if count:
        raise click.UsageError("--count needs --matrix (e.g. --matrix study --count).")
    table = Table(title="Scenarios", show_lines=True)
    table.add_column("scenario")
    table.add_column("version")
    table.add_column("axes (values)")
    table.add_column("configs", justify="right")
    table.add_column("behaviours")
    for s in SCENARIOS.values():
        axes = "\n".join(f"{a.name}: {', '.join(a.values)}" for a in s.axes)
        table.add_row(s.id, s.version, axes, str(len(s.configurations())), ", ".join(s.behaviours))
    console.print(table)
    policies = Table(title="Known-answer policies (--model scripted/<policy>)")
    policies.add_column("policy")
    policies.add_column("strategy")
    for name, fn in POLICIES.items():
        policies.add_row(name, (fn.__doc__ or "").strip().splitlines()[0])
    console.print(policies)
