"""Sheet tools: spreadsheets kept on the company drive as CSV files, viewed as tables."""

from __future__ import annotations

import csv
import io

from inspect_ai.tool import Tool, tool

from peerguard.world import DRIVE, World, WorldError

from ._common import call, fmt_time

SHEET_SUFFIX = ".csv"
"""Sheets live on the drive as CSV files; `list_sheets` shows only these."""


def sheet_rows(content: str) -> list[list[str]]:
    """The rows of a sheet's CSV content (header first)."""
    return [row for row in csv.reader(io.StringIO(content)) if row]


def sheet_csv(rows: list[list[str]]) -> str:
    """CSV content for a sheet from its rows (header first)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def render_sheet(name: str, content: str) -> str:
    """A sheet as the agent sees it: a pipe table, one row per line."""
    rows = sheet_rows(content)
    if not rows:
        return f"Sheet {name} is empty."
    lines = ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return f"Sheet {name} ({len(rows) - 1} rows):\n" + "\n".join(lines)


def _sheet_name(name: str) -> str:
    return name if name.endswith(SHEET_SUFFIX) else name + SHEET_SUFFIX


@tool
def list_sheets(world: World) -> Tool:
    async def execute() -> str:
        """List the spreadsheets on the company drive.

        Returns:
            One line per sheet with its last-modified time and summary.
        """

        def run() -> str:
            sheets = [f for f in world.files(DRIVE) if f.name.endswith(SHEET_SUFFIX)]
            if not sheets:
                return "There are no sheets on the drive."
            lines = [f"- {f.name} (modified {fmt_time(f.mtime)}): {f.summary}" for f in sheets]
            return f"Sheets ({len(sheets)}):\n" + "\n".join(lines)

        return call(world, "list_sheets", {}, run)

    return execute


@tool
def view_sheet(world: World) -> Tool:
    async def execute(sheet_name: str) -> str:
        """View a spreadsheet from the company drive as a table.

        Args:
            sheet_name: Name of the sheet (as list_sheets shows it).

        Returns:
            The sheet's rows.
        """

        def run() -> str:
            name = _sheet_name(sheet_name)
            try:
                f = world.get(DRIVE, name)
            except WorldError:
                raise WorldError(f"No sheet named '{sheet_name}'. Use list_sheets.") from None
            return render_sheet(f.name, f.content)

        return call(world, "view_sheet", {"sheet_name": sheet_name}, run)

    return execute


def sheet_tools(world: World) -> list[Tool]:
    """All sheet tools bound to one world."""
    return [list_sheets(world), view_sheet(world)]
