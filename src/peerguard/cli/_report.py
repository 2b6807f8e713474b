"""``peerguard report DIR``: HTML, Markdown, figures and the tidy frame from logs."""

from __future__ import annotations

from pathlib import Path

import click

from peerguard.report import build_report

__all__ = ["report"]


@click.command("report")
@click.argument("log_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory. Default: DIR/report.",
)
def report(log_dir: Path, out: Path | None) -> None:
    """Write report.html (self-contained), report.md, frame.csv and frame.parquet.

    Each table and figure lists the rollouts it rests on; open their transcripts
    with `inspect view --log-dir DIR`.
    """
    out_dir = out or log_dir / "report"
    files = build_report(log_dir, out_dir)
    click.echo(f"Report: {files.html}")
    click.echo(f"Also: {files.markdown}, {files.csv}, {files.parquet}")
    click.echo(f"Transcripts: inspect view --log-dir {log_dir}")
