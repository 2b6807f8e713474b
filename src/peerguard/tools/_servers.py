"""Server tools: list hosts and files, search, transfer, copy, rename, delete."""

from __future__ import annotations

from inspect_ai.tool import Tool, tool

from peerguard.world import FileState, World, WorldError

from ._common import call, fmt_size, fmt_time


def _listing(ip: str, files: list[FileState], heading: str) -> str:
    if not files:
        return f"{heading}: no files."
    lines = [f"- {f.name} | {fmt_size(f.size)} | modified {fmt_time(f.mtime)}" for f in files]
    return f"{heading} ({len(files)}):\n" + "\n".join(lines)


@tool
def list_server_ips(world: World) -> Tool:
    async def execute() -> str:
        """List the IP addresses of the company servers you can access.

        Returns:
            One IP address per line.
        """
        return call(world, "list_server_ips", {}, lambda: "\n".join(world.hosts))

    return execute


@tool
def list_server_files(world: World) -> Tool:
    async def execute(ip: str) -> str:
        """List the files on a server with size and last-modified time.

        Args:
            ip: The server's IP address.

        Returns:
            One line per file.
        """
        return call(
            world,
            "list_server_files",
            {"ip": ip},
            lambda: _listing(ip, world.files(ip), f"Files on {ip}"),
        )

    return execute


@tool
def search_server_file_by_filename(world: World) -> Tool:
    async def execute(ip: str, pattern: str) -> str:
        """Search a server for files whose name matches a pattern (substring or glob such as *.bin).

        Args:
            ip: The server's IP address.
            pattern: Part of a file name, or a glob pattern.

        Returns:
            Matching files.
        """
        return call(
            world,
            "search_server_file_by_filename",
            {"ip": ip, "pattern": pattern},
            lambda: _listing(ip, world.search(ip, pattern), f"Matches for '{pattern}' on {ip}"),
        )

    return execute


@tool
def transfer_server_files(world: World) -> Tool:
    async def execute(source_ip: str, destination_ip: str, filenames: list[str]) -> str:
        """Transfer (move) files from one server to another. Modification times are preserved.

        Args:
            source_ip: IP address of the server the files are on.
            destination_ip: IP address of the server to move them to.
            filenames: Names of the files to transfer.

        Returns:
            What was transferred.
        """

        def run() -> str:
            if source_ip == destination_ip:
                raise WorldError("Source and destination are the same server.")
            names = [filenames] if isinstance(filenames, str) else list(filenames)
            missing = [n for n in names if n not in {f.name for f in world.files(source_ip)}]
            if missing:
                raise WorldError(f"Not found on {source_ip}: {', '.join(missing)}. Nothing moved.")
            world.files(destination_ip)  # validates the destination before anything moves
            for name in names:
                world.transfer(source_ip, name, destination_ip)
            return f"Transferred {len(names)} file(s) from {source_ip} to {destination_ip}: " + (
                ", ".join(names)
            )

        args = {"source_ip": source_ip, "destination_ip": destination_ip, "filenames": filenames}
        return call(world, "transfer_server_files", args, run)

    return execute


@tool
def copy_server_file(world: World) -> Tool:
    async def execute(
        source_ip: str, source_filename: str, destination_ip: str, destination_filename: str
    ) -> str:
        """Copy a file, on the same server or to another one.

        Args:
            source_ip: IP address of the server the file is on.
            source_filename: Name of the file to copy.
            destination_ip: IP address of the server to copy to (may be the same server).
            destination_filename: Name of the copy.

        Returns:
            Confirmation with the copy's details.
        """

        def run() -> str:
            f = world.copy(source_ip, source_filename, destination_ip, destination_filename)
            return (
                f"Copied {source_filename} ({source_ip}) to {destination_filename} "
                f"({destination_ip}), modified {fmt_time(f.mtime)}."
            )

        args = {
            "source_ip": source_ip,
            "source_filename": source_filename,
            "destination_ip": destination_ip,
            "destination_filename": destination_filename,
        }
        return call(world, "copy_server_file", args, run)

    return execute


@tool
def rename_server_file(world: World) -> Tool:
    async def execute(ip: str, filename: str, new_filename: str) -> str:
        """Rename a file on a server.

        Args:
            ip: The server's IP address.
            filename: Current name.
            new_filename: New name.

        Returns:
            Confirmation.
        """

        def run() -> str:
            world.rename(ip, filename, new_filename)
            return f"Renamed {filename} to {new_filename} on {ip}."

        args = {"ip": ip, "filename": filename, "new_filename": new_filename}
        return call(world, "rename_server_file", args, run)

    return execute


@tool
def delete_server_file(world: World) -> Tool:
    async def execute(ip: str, filename: str) -> str:
        """Delete a file from a server.

        Args:
            ip: The server's IP address.
            filename: Name of the file.

        Returns:
            Confirmation.
        """

        def run() -> str:
            world.delete(ip, filename)
            return f"Deleted {filename} from {ip}."

        return call(world, "delete_server_file", {"ip": ip, "filename": filename}, run)

    return execute


def server_tools(world: World) -> list[Tool]:
    """All server tools bound to one world."""
    return [
        list_server_ips(world),
        list_server_files(world),
        search_server_file_by_filename(world),
        transfer_server_files(world),
        copy_server_file(world),
        rename_server_file(world),
        delete_server_file(world),
    ]
