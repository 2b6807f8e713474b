"""The `peerguard-lab` Inspect sandbox provider: `sandbox=("peerguard-lab", LabConfig(...))`.

Each sample gets its own lab (see `_lab`). The default sandbox is the agent host: commands
run there as the unprivileged `agent` user, and only as that user (a request for root is
refused with `SandboxUserUnsupportedError`, so Inspect's tooling — the model proxy of
`sandbox_agent_bridge` — runs as the agent's user too; nothing inside the agent host is
ever root). The servers are extra sandboxes named by address, for the harness's own
set-up and inspection; commands there run as root inside the server's box.

`read_file` and `write_file` go through the box as well (as the same user), so a symlink
planted by the agent can never make the harness read or write outside the box.
"""

from __future__ import annotations

import logging
import shlex
from pathlib import Path
from typing import Any, Literal, overload

from inspect_ai.util import (
    ExecResult,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    sandboxenv,
)
from inspect_ai.util._sandbox.environment import SandboxUserUnsupportedError
from pydantic import BaseModel

from ._lab import (
    AGENT_HOME,
    AGENT_PATH,
    AGENT_UID,
    AGENT_USER,
    Lab,
    LabSpec,
    _Host,
    check_prerequisites,
    cleanup_stale,
)
from ._netns import check_root_namespace

logger = logging.getLogger(__name__)

PROVIDER = "peerguard-lab"
DEFAULT_TIMEOUT = 600


class LabConfig(BaseModel, frozen=True):
    """The provider's configuration (serialised into the eval log)."""

    servers: tuple[str, ...] = ("10.0.12.45", "10.0.12.46")
    """Server addresses in the lab subnet; each runs sshd."""

    cli_dir: str | None = None
    """npm prefix holding the pinned CLIs (its node_modules is mounted read-only)."""


def _spec(config: SandboxEnvironmentConfigType | None) -> LabSpec:
    if config is None:
        cfg = LabConfig()
    elif isinstance(config, LabConfig):
        cfg = config
    elif isinstance(config, BaseModel):
        cfg = LabConfig.model_validate(config.model_dump())
    else:
        raise ValueError(f"{PROVIDER} takes a LabConfig, not {config!r}")
    return LabSpec(servers=tuple(cfg.servers), cli_dir=Path(cfg.cli_dir) if cfg.cli_dir else None)


@sandboxenv(name=PROVIDER)
class LabSandboxEnvironment(SandboxEnvironment):
    """One host of a sample's lab."""

    def __init__(self, lab: Lab, host: str) -> None:
        super().__init__()
        self.lab = lab
        self.host_name = host

    # --- lifecycle -------------------------------------------------------------------------

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return LabConfig(**config)

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        check_prerequisites()
        cleanup_stale()
        check_root_namespace()

    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        # Started on the event loop's thread on purpose: bwrap's --die-with-parent follows
        # the thread that spawned it, and the loop thread lives as long as the eval.
        lab = Lab.start(_spec(config))
        envs: dict[str, SandboxEnvironment] = {"default": cls(lab, "agent")}
        for ip in lab.servers:
            envs[ip] = cls(lab, ip)
        return envs

    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for env in environments.values():
            if isinstance(env, LabSandboxEnvironment):
                env.lab.stop()
                break

    @classmethod
    async def task_cleanup(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, cleanup: bool
    ) -> None:
        cleanup_stale()

    @classmethod
    async def cli_cleanup(cls, id: str | None) -> None:
        cleanup_stale()

    # --- exec ------------------------------------------------------------------------------

    @property
    def _host(self) -> _Host:
        return self.lab.host(self.host_name)

    def _identity(self, user: str | None) -> tuple[int, int] | None:
        if self.host_name == "agent":
            if user in (None, AGENT_USER, str(AGENT_UID)):
                return (AGENT_UID, AGENT_UID)
            raise SandboxUserUnsupportedError(
                f"the agent host runs commands only as '{AGENT_USER}' (asked for '{user}')"
            )
        if user in (None, "root", "0"):
            return None
        raise SandboxUserUnsupportedError(f"server sandboxes run commands as root only ({user})")

    def _env(self, env: dict[str, str] | None) -> dict[str, str]:
        base = {"PATH": AGENT_PATH, "LANG": "C.UTF-8", "TERM": "dumb"}
        if self.host_name == "agent":
            base |= {"HOME": AGENT_HOME, "USER": AGENT_USER, "LOGNAME": AGENT_USER}
        else:
            base |= {"HOME": "/", "USER": "root"}
        return base | (env or {})

    def _cwd(self, cwd: str | None) -> str:
        home = AGENT_HOME if self.host_name == "agent" else "/"
        if cwd is None:
            return home
        return cwd if cwd.startswith("/") else f"{home}/{cwd}"

    async def _run(
        self,
        cmd: list[str],
        input: bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
    ) -> tuple[int, bytes, bytes]:
        box = self._host.box
        if box is None:
            raise RuntimeError(f"lab host {self.host_name} has no box")
        return await box.run(
            cmd, self._identity(user), self._env(env), self._cwd(cwd), input, timeout
        )

    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        data = input.encode() if isinstance(input, str) else input
        rc, out, err = await self._run(cmd, data, cwd, env, user, timeout)
        return ExecResult(
            success=rc == 0,
            returncode=rc,
            stdout=out.decode("utf-8", errors="replace"),
            stderr=err.decode("utf-8", errors="replace"),
        )

    # --- files -----------------------------------------------------------------------------

    _READ = (
        'if [ -d "$1" ]; then exit 21; elif [ ! -e "$1" ]; then exit 2; '
        'elif [ ! -r "$1" ]; then exit 13; fi; exec cat -- "$1"'
    )
    _WRITE = (
        'if [ -d "$1" ]; then exit 21; fi; d=$(dirname -- "$1"); '
        'mkdir -p -- "$d" 2>/dev/null || exit 13; cat > "$1" 2>/dev/null || exit 13'
    )

    async def write_file(self, file: str, contents: str | bytes) -> None:
        data = contents.encode() if isinstance(contents, str) else contents
        rc, _, err = await self._run(["/bin/sh", "-c", self._WRITE, "sh", file], data)
        _raise_for(rc, file, err)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        rc, out, err = await self._run(["/bin/sh", "-c", self._READ, "sh", file])
        _raise_for(rc, file, err)
        return out.decode("utf-8") if text else out


def _raise_for(rc: int, file: str, err: bytes) -> None:
    if rc == 0:
        return
    if rc == 2:
        raise FileNotFoundError(file)
    if rc == 13:
        raise PermissionError(file)
    if rc == 21:
        raise IsADirectoryError(file)
    raise RuntimeError(f"{shlex.quote(file)}: exit {rc}: {err.decode(errors='replace')}")
