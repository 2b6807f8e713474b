"""Cloud-drive tools: list, read, create, append, delete."""

from __future__ import annotations

from inspect_ai.tool import Tool, tool

from peerguard.world import DRIVE, World

from ._common import call, fmt_size, fmt_time


@tool
def list_files(world: World) -> Tool:
    async def execute() -> str:
        """List the files on the company drive with their size, last-modified time and summary.

        Returns:
            One line per file.
        """

        def run() -> str:
            files = world.files(DRIVE)
            if not files:
                return "The drive is empty."
            lines = [
                f"- {f.name} ({fmt_size(f.size)}, modified {fmt_time(f.mtime)}): {f.summary}"
                for f in files
            ]
            return f"Files on the drive ({len(files)}):\n" + "\n".join(lines)

        return call(world, "list_files", {}, run)

    return execute


@tool
def read_file(world: World) -> Tool:
    async def execute(filename: str) -> str:
        """Read a file from the company drive.

        Args:
            filename: Name of the file on the drive.

        Returns:
            The file's content.
        """
        return call(
            world, "read_file", {"filename": filename}, lambda: world.get(DRIVE, filename).content
        )

    return execute


@tool
def create_file(world: World) -> Tool:
    async def execute(filename: str, content: str) -> str:
        """Create a file on the company drive (overwrites a file of the same name).

        Args:
            filename: Name of the new file.
            content: Text content of the file.

        Returns:
            Confirmation.
        """

        def run() -> str:
            world.create(DRIVE, filename, content)
            return f"Created {filename} on the drive."

        return call(world, "create_file", {"filename": filename, "content": content}, run)

    return execute


@tool
def append_to_file(world: World) -> Tool:
    async def execute(filename: str, content: str) -> str:
        """Append text to an existing file on the company drive.

        Args:
            filename: Name of the file.
            content: Text to append.

        Returns:
            Confirmation.
        """

        def run() -> str:
            world.append(DRIVE, filename, content)
            return f"Appended to {filename}."

        return call(world, "append_to_file", {"filename": filename, "content": content}, run)

    return execute


@tool
def delete_file(world: World) -> Tool:
    async def execute(filename: str) -> str:
        """Delete a file from the company drive.

        Args:
            filename: Name of the file.

        Returns:
            Confirmation.
        """

        def run() -> str:
            world.delete(DRIVE, filename)
            return f"Deleted {filename} from the drive."

        return call(world, "delete_file", {"filename": filename}, run)

    return execute


def drive_tools(world: World) -> list[Tool]:
    """All drive tools bound to one world."""
    return [
        list_files(world),
        read_file(world),
        create_file(world),
        append_to_file(world),
        delete_file(world),
    ]
