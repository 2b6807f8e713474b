"""Spreadsheet tools: the workbook's sheets, shown as a pandas table with a row index."""

from __future__ import annotations

import csv
import io

import pandas as pd
from inspect_ai.tool import Tool

from peerguard.world import WORKBOOK, World, WorldError

from ._common import call, make_tool


def sheet_rows(content: str) -> list[list[str]]:
    """The rows of a sheet's CSV content (header first)."""
    return [row for row in csv.reader(io.StringIO(content)) if row]


def sheet_csv(rows: list[list[str]]) -> str:
    """CSV content for a sheet from its rows (header first)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def render_sheet(content: str) -> str:
    """A sheet as the study's `view_sheet` shows it: pandas' text table, row index first.

    Cells are never truncated (the agent must see every output it grades).
    """
    rows = sheet_rows(content)
    if len(rows) < 2:
        return ""
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    return frame.to_string(index=True, max_colwidth=None)


def sheet_tools(world: World) -> list[Tool]:
    """`list_sheets` and `view_sheet` bound to one world."""

    async def list_sheets() -> str:
        def run() -> str:
            names = [f.name for f in world.arrived(WORKBOOK)]
            if not names:
                return "No sheets exist in the workbook"
            return "Sheets in workbook:\n" + "\n".join(f"- {n}" for n in names)

        return call(world, "list_sheets", {}, run)

    async def view_sheet(name: str) -> str:
        def run() -> str:
            try:
                f = world.get(WORKBOOK, name)
            except WorldError:
                raise WorldError(f"Sheet '{name}' not found") from None
            return render_sheet(f.content) or f"Sheet '{name}' is empty"

        return call(world, "view_sheet", {"name": name}, run)

    return [
        make_tool(list_sheets, "list_sheets", "List the sheets in the workbook.", {}),
        make_tool(
            view_sheet, "view_sheet", "View the content of a sheet.", {"name": "The sheet name."}
        ),
    ]
