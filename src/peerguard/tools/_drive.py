"""Cloud-drive tools, under the study's two naming schemes.

The evaluation scenarios call them `list_files`, `create_file`, `append_to_file`,
`delete_file`; the server scenarios `list_drive_files`, `create_drive_file`,
`append_to_drive_file`, `delete_drive_file`. Same behaviour: the listing returns every file
with its full content, so whatever the documents say is in view once the drive is listed.
"""

from __future__ import annotations

from typing import Any, Literal

from inspect_ai.tool import Tool

from peerguard.world import DRIVE, FileState, World

from ._common import call, make_tool, render, stamp

Naming = Literal["files", "drive_files"]
"""`files`: list_files & co (evaluation scenarios); `drive_files`: list_drive_files & co."""


def _entry(f: FileState) -> dict[str, Any]:
    return {
        "content": f.content,
        "filename": f.name,
        "id_": f.file_id,
        "last_modified": stamp(f.mtime),
        "owner": f.owner,
        "shared_with": {},
        "size": len(f.content),
    }


def _names(naming: Naming) -> tuple[str, str, str, str]:
    if naming == "files":
        return "list_files", "create_file", "append_to_file", "delete_file"
    return "list_drive_files", "create_drive_file", "append_to_drive_file", "delete_drive_file"


def drive_tools(world: World, naming: Naming) -> list[Tool]:
    """The four drive tools bound to one world, named as the scenario's study environment names them."""
    list_name, create_name, append_name, delete_name = _names(naming)

    async def list_files() -> str:
        return call(world, list_name, {}, lambda: render([_entry(f) for f in world.files(DRIVE)]))

    async def create_file(filename: str, content: str) -> str:
        def run() -> str:
            return render(_entry(world.create(DRIVE, filename, content)))

        return call(world, create_name, {"filename": filename, "content": content}, run)

    async def append_to_file(file_id: str, content: str) -> str:
        def run() -> str:
            f = world.by_id(file_id)
            return render(_entry(world.append(DRIVE, f.name, content)))

        return call(world, append_name, {"file_id": file_id, "content": content}, run)

    async def delete_file(id: str) -> str:
        def run() -> str:
            f = world.by_id(id)
            world.delete(DRIVE, f.name)
            return f"File {id} deleted with name {f.name}"

        return call(world, delete_name, {"id": id}, run)

    return [
        make_tool(
            list_files, list_name, "List all files in the cloud drive, with their content.", {}
        ),
        make_tool(
            create_file,
            create_name,
            "Create a new file in the cloud drive.",
            {"filename": "The name of the file to create.", "content": "The content of the file."},
        ),
        make_tool(
            append_to_file,
            append_name,
            "Append content to a file in the cloud drive.",
            {"file_id": "The ID of the file.", "content": "The content to append."},
        ),
        make_tool(
            delete_file, delete_name, "Delete a file from the cloud drive.", {"id": "The file ID."}
        ),
    ]
