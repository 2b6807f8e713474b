"""A host's filesystem view: a long-lived bubblewrap box inside a lab network namespace.

A box is one `bwrap` process tree started in the host's network namespace, with its own
mount, PID, IPC and UTS namespaces. Its root is a fresh tmpfs holding only what the host
needs: `/usr` read-only, a few files of `/etc`, and the per-sample writable directories
bound from a temporary directory on the real machine. Nothing else of the machine
(`/work`, `/root`, `/home`, other processes) is visible inside.

Commands enter the box with `nsenter` (all of its namespaces and its root) and then drop
to the box's user with `setpriv`: a fixed non-root uid, no supplementary groups, an empty
capability bounding set and `no_new_privs`, so nothing inside can regain root. The box
outlives each command, which is what lets daemons started by one command (the model
proxy, the CLI's own helpers) serve later ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

logger = logging.getLogger(__name__)

BWRAP = "/usr/bin/bwrap"
NSENTER = "/usr/bin/nsenter"
SETPRIV = "/usr/bin/setpriv"
ENV = "/usr/bin/env"

ETC_READONLY = (
    "/etc/alternatives",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/nsswitch.conf",
    "/etc/localtime",
    "/etc/bash.bashrc",
    "/etc/profile",
    "/etc/inputrc",
    "/etc/terminfo",
    "/etc/ssh/ssh_config",
    "/etc/ssh/ssh_config.d",
    "/etc/mime.types",
    "/etc/os-release",
    "/etc/debian_version",
)
"""The only parts of the machine's /etc a box sees (no shadow, no host keys, no configs)."""


@dataclass(frozen=True)
class BoxSpec:
    """How to build one box."""

    name: str
    """Host name inside the box (`hostname`)."""

    netns: str
    """The lab network namespace the box lives in."""

    binds: Mapping[str, Path]
    """Box path -> writable directory on the machine (per sample)."""

    ro_binds: Mapping[str, Path] = field(default_factory=dict)
    """Box path -> read-only file or directory on the machine."""

    command: Sequence[str] = ("/usr/bin/sleep", "infinity")
    """The box's long-lived process (a holder, or a daemon such as sshd)."""

    run_as: tuple[int, int] | None = None
    """(uid, gid) the long-lived process runs as; None keeps root (sshd needs it)."""

    log: Path | None = None
    """Where the long-lived process's output goes."""

    dirs: Sequence[str] = ()
    """Extra empty root-owned directories to create (e.g. sshd's /run/sshd)."""


def _bwrap_argv(spec: BoxSpec) -> list[str]:
    argv = [
        BWRAP,
        "--die-with-parent",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        spec.name,
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--proc", "/proc",
        "--dev", "/dev",
        "--tmpfs", "/run",
        "--dir", "/etc",
    ]  # fmt: skip
    for path in ETC_READONLY:
        argv += ["--ro-bind-try", path, path]
    # Parents of mount points: bwrap would create them 0700 (unreadable to the box's user).
    parents = {
        str(parent)
        for dest in [*spec.ro_binds, *spec.binds, *spec.dirs]
        for parent in PurePosixPath(dest).parents
        if str(parent) not in ("/", "/etc")
    }
    for parent in sorted(parents):
        argv += ["--perms", "0755", "--dir", parent]
    # Writable trees first, so a read-only bind may sit inside one (the CLIs appear where
    # inspect-swe looks for an installed copy, under /var/tmp).
    for dest, src in spec.binds.items():
        argv += ["--bind", str(src), dest]
    for dest, src in spec.ro_binds.items():
        argv += ["--ro-bind", str(src), dest]
    for path in spec.dirs:
        argv += ["--perms", "0755", "--dir", path]
    argv += ["--chdir", "/", "--"]
    if spec.run_as is not None:
        argv += _drop(spec.run_as)
    return argv + list(spec.command)


def _drop(ids: tuple[int, int]) -> list[str]:
    uid, gid = ids
    return [
        SETPRIV,
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


class BoxError(RuntimeError):
    """A box did not come up or died; the sample errors (infrastructure, not behaviour)."""


class Box:
    """A running box. Create with `Box.start`, end with `stop`."""

    def __init__(self, spec: BoxSpec, proc: subprocess.Popen[bytes], inner: int) -> None:
        self.spec = spec
        self._proc = proc
        self.inner_pid = inner
        """Host PID of the box's long-lived process (inside the box's root and namespaces)."""

    @classmethod
    def start(cls, spec: BoxSpec, timeout: float = 10.0) -> Box:
        """Start the box's long-lived process and wait until it runs inside the box.

        Raises:
            BoxError: if bwrap exits or the inner process does not appear in time.
        """
        out = open(spec.log, "ab") if spec.log else subprocess.DEVNULL  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                [NSENTER, f"--net=/run/netns/{spec.netns}", "--", *_bwrap_argv(spec)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        finally:
            if spec.log:
                out.close()  # type: ignore[union-attr]
        # nsenter execs bwrap (same pid); bwrap forks the PID-namespace init, which forks
        # the command. Only the command has the box's root, so that is what we enter.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BoxError(f"box {spec.name} exited at start (code {proc.returncode})")
            inits = _children(proc.pid)
            inner = _children(inits[0]) if inits else []
            if inner:
                return cls(spec, proc, inner[0])
            time.sleep(0.02)
        proc.kill()
        raise BoxError(f"box {spec.name} did not start within {timeout} s")

    @property
    def alive(self) -> bool:
        """Whether the box's processes still run."""
        return self._proc.poll() is None

    def enter_argv(
        self,
        argv: Sequence[str],
        user: tuple[int, int] | None,
        env: Mapping[str, str],
        cwd: str,
    ) -> list[str]:
        """The host command line that runs `argv` inside the box as `user` (None: root)."""
        entered = [
            NSENTER,
            "-t", str(self.inner_pid),
            "--pid", "--mount", "--net", "--uts", "--ipc", "--root", "--wd",
            "--",
        ]  # fmt: skip
        if user is not None:
            entered += _drop(user)
        # env -i: nothing of the harness's own environment leaks in; env resolves argv[0]
        # through the box's PATH given here (env -C also sets the working directory).
        return [*entered, ENV, "-i", "-C", cwd, *(f"{k}={v}" for k, v in env.items()), *argv]

    async def run(
        self,
        argv: Sequence[str],
        user: tuple[int, int] | None,
        env: Mapping[str, str],
        cwd: str,
        input: bytes | None = None,
        timeout: float | None = None,
    ) -> tuple[int, bytes, bytes]:
        """Run `argv` in the box; return (exit code, stdout, stderr).

        Raises:
            BoxError: if the box is gone.
            TimeoutError: after `timeout` seconds (the command's process group is killed).
        """
        if not self.alive:
            raise BoxError(f"box {self.spec.name} is not running")
        proc = await asyncio.create_subprocess_exec(
            *self.enter_argv(argv, user, env, cwd),
            stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(input), timeout)
        except (TimeoutError, asyncio.CancelledError):
            _killpg(proc.pid)
            await proc.wait()
            raise
        return proc.returncode or 0, out, err

    def kill_user(self, uid: int) -> None:
        """Kill every process of `uid` inside the box (used to freeze the state before scoring)."""
        subprocess.run(
            self.enter_argv(["/usr/bin/pkill", "-KILL", "-U", str(uid)], None, {}, "/"),
            capture_output=True,
            timeout=10,
            check=False,
        )

    def stop(self) -> None:
        """Stop the box: killing its PID-namespace init takes every process inside with it."""
        if self._proc.poll() is None:
            for init in _children(self._proc.pid):
                _kill(init)
            _killpg(self._proc.pid)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
