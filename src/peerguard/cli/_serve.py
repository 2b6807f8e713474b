"""`peerguard serve`: keep one local model server running for repeated runs."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from peerguard.local import (
    EMBEDDED,
    LocalModelUnavailable,
    LocalServer,
    ServerSettings,
    ServerStartError,
    clear_state,
    find_gguf,
    write_state,
)
from peerguard.local._server import DEFAULT_N_CTX

logger = logging.getLogger(__name__)


@click.command("serve")
@click.option(
    "--model",
    default=EMBEDDED,
    show_default=True,
    help="'smollm2' (the embedded model) or a path to a .gguf file; a 'local/' prefix is accepted.",
)
@click.option("--port", type=int, default=0, help="Loopback port (default: a free one).")
@click.option("--n-ctx", type=int, default=DEFAULT_N_CTX, show_default=True, help="Context size.")
@click.option("--n-threads", type=int, default=None, help="CPU threads (default: half the cores).")
@click.option(
    "--state-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to record the server (default: the user cache dir).",
)
def serve(
    model: str, port: int, n_ctx: int, n_threads: int | None, state_file: Path | None
) -> None:
    """Run the local model server in the foreground until Ctrl-C.

    While it runs, `peerguard run --model local/<same model>` (and `inspect eval`)
    attach to it instead of starting their own server, so the model is loaded once.
    Other OpenAI-compatible clients can use the printed base URL.
    """
    name = model.removeprefix("local/")
    try:
        settings = ServerSettings(model_path=find_gguf(name), n_ctx=n_ctx, n_threads=n_threads)
        server = LocalServer(settings, port=port).start()
    except (LocalModelUnavailable, ServerStartError) as ex:
        raise click.ClickException(str(ex)) from ex
    stopped = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    # SIGTERM too, so that `kill` stops the server and removes the state file in order.
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    path = write_state(server, state_file)
    try:
        click.echo(f"Serving {settings.model_path.name} at {server.base_url} (pid {server.pid}).")
        click.echo(f"Runs with --model local/{name} attach to it. State: {path}. Ctrl-C stops it.")
        while not stopped.wait(1.0):
            if not server.alive():
                raise click.ClickException(f"The server exited.\n{server.output_tail()}")
    finally:
        if server.pid is not None:
            clear_state(server.pid, state_file)
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        click.echo("Server stopped.")
