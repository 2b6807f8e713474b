"""The lab: an agent host and the scenario's servers, each a box in its own network namespace.

One lab per sample. Layout on the machine (a per-sample temporary directory, removed by
`stop`)::

    <root>/agent/{home,tmp,vartmp}          the agent host's writable trees
    <root>/servers/<ip>/{data,home,tmp,vartmp}   each server's writable trees
    <root>/etc/...                          generated passwd, keys, sshd configs

Inside the lab the agent is `agent` (uid 64123) with its workspace at `/home/agent`; each
server runs a real `sshd` on port 22 and accepts the agent's key for `maintainer`, whose
files live in `/data`. Servers hold the same key, so server-to-server `scp` works as it did
in the study's harness.

A registry file per running lab (`/run/peerguard-lab/<id>.json`: owner PID, namespaces,
temporary directory) lets the next start remove whatever a crashed run left behind.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peerguard._process import pid_alive

from . import _netns as ns
from ._box import Box, BoxSpec

logger = logging.getLogger(__name__)

AGENT_UID = 64123
"""The agent's uid and gid: unprivileged, unused on the machine, not in any group."""
SERVER_UID = 64124
"""The servers' login user (`maintainer`)."""
SSHD_UID = 64125
"""sshd's privilege-separation user."""

AGENT_USER = "agent"
SERVER_USER = "maintainer"
AGENT_HOME = "/home/agent"
SERVER_HOME = f"/home/{SERVER_USER}"
SERVER_DATA = "/data"
CLI_MOUNT = "/opt/peerguard/cli/node_modules"
"""Where the pinned CLIs (npm `node_modules`) appear inside the agent host, read-only."""

SWE_GEMINI_MODULES = "/var/tmp/.5c95f967ca830048/gemini-cli/node_modules"
"""inspect-swe's install path for Gemini CLI (its `SANDBOX_INSTALL_DIR` + `gemini-cli`)."""

AGENT_PATH = f"{CLI_MOUNT}/.bin:/usr/local/bin:/usr/bin:/bin"

REGISTRY = Path("/run/peerguard-lab")

PREREQUISITES = {
    "/usr/bin/bwrap": "bubblewrap",
    "/usr/sbin/sshd": "openssh-server",
    "/usr/bin/ssh": "openssh-client",
    "/usr/bin/ssh-keygen": "openssh-client",
    "/usr/sbin/ip": "iproute2",
    "/usr/bin/nsenter": "util-linux",
    "/usr/bin/setpriv": "util-linux",
    "/usr/bin/rg": "ripgrep",
    "/usr/bin/node": "nodejs",
}


class LabUnavailable(RuntimeError):
    """The machine cannot host a lab (not root, or a prerequisite is missing)."""


def check_prerequisites() -> None:
    """Raise `LabUnavailable` naming the fix when the lab cannot run here."""
    if os.geteuid() != 0:
        raise LabUnavailable("the harness lab needs root (network namespaces, bubblewrap as root)")
    missing = sorted({pkg for path, pkg in PREREQUISITES.items() if not Path(path).exists()})
    if missing:
        raise LabUnavailable(
            f"missing Debian packages {missing}: run `make harness` or "
            f"`apt-get install -y {' '.join(missing)}`"
        )


@dataclass(frozen=True)
class LabSpec:
    """What to build."""

    servers: tuple[str, ...] = ("10.0.12.45", "10.0.12.46")
    """Server addresses (inside the lab subnet)."""

    agent_address: str = "10.0.12.10"
    cli_dir: Path | None = None
    """An npm prefix whose `node_modules` holds the CLIs (mounted read-only), or None."""

    def __post_init__(self) -> None:
        for ip in (*self.servers, self.agent_address):
            if ns.ipaddress.ip_address(ip) not in ns.LAB_SUBNET:
                raise ValueError(f"{ip} is outside the lab subnet {ns.LAB_SUBNET}")


@dataclass
class _Host:
    name: str
    netns: str
    address: str
    root: Path
    box: Box | None = None
    binds: dict[str, Path] = field(default_factory=dict)


def _keygen(path: Path, comment: str) -> str:
    subprocess.run(
        ["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return path.with_suffix(".pub").read_text().strip()


def _write(path: Path, text: str | bytes, mode: int = 0o644, owner: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    os.chmod(path, mode)
    if owner is not None:
        os.chown(path, owner, owner)


def _mkdir(path: Path, owner: int, mode: int = 0o755) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, owner, owner)
    os.chmod(path, mode)
    return path


_SSHD_CONFIG = """\
ListenAddress {address}
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
UsePAM no
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers {user}
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
GatewayPorts no
LogLevel ERROR
Subsystem sftp /usr/lib/openssh/sftp-server
"""
# Forwarding is off so the lab stays a set of hosts with shells and files, nothing more.


class Lab:
    """A running lab. Use `Lab.start(spec)`; always `stop()` (or use it as a context manager)."""

    def __init__(self, spec: LabSpec) -> None:
        self.spec = spec
        self.id = secrets.token_hex(3)
        self.root = Path(tempfile.mkdtemp(prefix=f"peerguard-lab-{self.id}-"))
        os.chmod(self.root, 0o755)
        self.switch_ns = f"{ns.PREFIX}{self.id}-sw"
        self.agent = _Host(
            "agent", f"{ns.PREFIX}{self.id}-ag", spec.agent_address, self.root / "agent"
        )
        self.servers = {
            ip: _Host(
                ip, f"{ns.PREFIX}{self.id}-{ip.rsplit('.', 1)[1]}", ip, self.root / "servers" / ip
            )
            for ip in spec.servers
        }
        self.started_s = 0.0
        self._stopped = False

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def start(cls, spec: LabSpec) -> Lab:
        """Build and start a lab; on any failure, tear down what was built and re-raise.

        Raises:
            LabUnavailable: the machine cannot host a lab.
            LabSafetyError: the root namespace routes the lab subnet, or the lab would leak.
            LabSetupError, BoxError: something failed to come up.
        """
        check_prerequisites()
        cleanup_stale()
        ns.check_root_namespace()
        t0 = time.monotonic()
        lab = cls(spec)
        try:
            lab._register()
            lab._network()
            lab._files()
            lab._boxes()
        except BaseException:
            lab.stop()
            raise
        lab.started_s = time.monotonic() - t0
        logger.info("lab %s up in %.2f s (%s)", lab.id, lab.started_s, ", ".join(spec.servers))
        return lab

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def hosts(self) -> list[_Host]:
        """The agent host first, then the servers."""
        return [self.agent, *self.servers.values()]

    @property
    def namespaces(self) -> list[str]:
        """Every network namespace of this lab."""
        return [self.switch_ns, *(h.netns for h in self.hosts)]

    def _register(self) -> None:
        REGISTRY.mkdir(parents=True, exist_ok=True)
        entry = {"pid": os.getpid(), "namespaces": self.namespaces, "root": str(self.root)}
        (REGISTRY / f"{self.id}.json").write_text(json.dumps(entry))
        atexit.register(self.stop)

    def _network(self) -> None:
        before = ns.root_links()
        for name in self.namespaces:
            ns.add_namespace(name)
        links = [ns.HostLink(h.netns, h.address) for h in self.hosts]
        ns.build_switch(self.switch_ns, links)
        ns.verify_isolation(links, before)

    def _files(self) -> None:
        etc = self.root / "etc"
        etc.mkdir()
        key = etc / "id_ed25519"
        pub = _keygen(key, f"{AGENT_USER}@openbrain")
        known: list[str] = []
        host_keys: dict[str, Path] = {}
        for ip in self.servers:
            hk = etc / ip / "ssh_host_ed25519_key"
            hk.parent.mkdir()
            host_pub = _keygen(hk, "")
            host_keys[ip] = hk
            known.append(f"{ip} {' '.join(host_pub.split()[:2])}")
        known_hosts = "\n".join(known) + "\n"
        hosts_file = "127.0.0.1\tlocalhost\n"
        _write(etc / "hosts", hosts_file)

        # The agent host: its workspace with the key and known hosts, as in the study.
        a = self.agent
        home = _mkdir(a.root / "home", AGENT_UID, 0o755)
        ssh = _mkdir(home / ".ssh", AGENT_UID, 0o700)
        _write(ssh / "id_ed25519", key.read_bytes(), 0o600, AGENT_UID)
        _write(ssh / "id_ed25519.pub", pub + "\n", 0o644, AGENT_UID)
        _write(ssh / "known_hosts", known_hosts, 0o644, AGENT_UID)
        _write(
            etc / "agent" / "passwd",
            f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
            f"{AGENT_USER}:x:{AGENT_UID}:{AGENT_UID}:OpenBrain agent:{AGENT_HOME}:/bin/bash\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        )
        _write(
            etc / "agent" / "group", f"root:x:0:\n{AGENT_USER}:x:{AGENT_UID}:\nnogroup:x:65534:\n"
        )
        a.binds = {
            AGENT_HOME: home,
            "/tmp": _mkdir(a.root / "tmp", AGENT_UID, 0o1777),
            "/var/tmp": _mkdir(a.root / "vartmp", AGENT_UID, 0o1777),
        }

        for ip, s in self.servers.items():
            shome = _mkdir(s.root / "home", SERVER_UID, 0o755)
            sssh = _mkdir(shome / ".ssh", SERVER_UID, 0o700)
            _write(sssh / "authorized_keys", pub + "\n", 0o600, SERVER_UID)
            _write(sssh / "id_ed25519", key.read_bytes(), 0o600, SERVER_UID)
            _write(sssh / "known_hosts", known_hosts, 0o644, SERVER_UID)
            _write(
                etc / ip / "passwd",
                "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                f"sshd:x:{SSHD_UID}:65534::/run/sshd:/usr/sbin/nologin\n"
                f"{SERVER_USER}:x:{SERVER_UID}:{SERVER_UID}:maintainer:{SERVER_HOME}:/bin/bash\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
            )
            _write(
                etc / ip / "group", f"root:x:0:\n{SERVER_USER}:x:{SERVER_UID}:\nnogroup:x:65534:\n"
            )
            _write(etc / ip / "sshd_config", _SSHD_CONFIG.format(address=ip, user=SERVER_USER))
            s.binds = {
                SERVER_DATA: _mkdir(s.root / "data", SERVER_UID, 0o755),
                SERVER_HOME: shome,
                "/tmp": _mkdir(s.root / "tmp", SERVER_UID, 0o1777),
                "/var/tmp": _mkdir(s.root / "vartmp", SERVER_UID, 0o1777),
            }
        self._host_keys = host_keys

    def _boxes(self) -> None:
        etc = self.root / "etc"
        a = self.agent
        ro: dict[str, Path] = {
            "/etc/passwd": etc / "agent" / "passwd",
            "/etc/group": etc / "agent" / "group",
            "/etc/hosts": etc / "hosts",
        }
        if self.spec.cli_dir is not None:
            modules = self.spec.cli_dir / "node_modules"
            ro[CLI_MOUNT] = modules
            # inspect-swe installs Gemini CLI from npm at run time unless it finds this
            # version already at its install path; mounting ours there keeps runs offline.
            ro[SWE_GEMINI_MODULES] = modules
            vartmp = a.binds["/var/tmp"]
            path = vartmp
            for part in self.host_path("agent", SWE_GEMINI_MODULES).relative_to(vartmp).parts:
                path = _mkdir(path / part, AGENT_UID, 0o755)
        a.box = Box.start(
            BoxSpec(
                name="agent",
                netns=a.netns,
                binds=a.binds,
                ro_binds=ro,
                run_as=(AGENT_UID, AGENT_UID),
                log=self.root / "agent.log",
            )
        )
        for ip, s in self.servers.items():
            hk = self._host_keys[ip]
            s.box = Box.start(
                BoxSpec(
                    name=f"srv-{ip.rsplit('.', 1)[1]}",
                    netns=s.netns,
                    binds=s.binds,
                    ro_binds={
                        "/etc/passwd": etc / ip / "passwd",
                        "/etc/group": etc / ip / "group",
                        "/etc/hosts": etc / "hosts",
                        "/etc/ssh/sshd_config": etc / ip / "sshd_config",
                        "/etc/ssh/ssh_host_ed25519_key": hk,
                        "/etc/ssh/ssh_host_ed25519_key.pub": hk.with_suffix(".pub"),
                    },
                    dirs=("/run/sshd",),
                    command=("/usr/sbin/sshd", "-D", "-e", "-f", "/etc/ssh/sshd_config"),
                    log=self.root / f"sshd-{ip}.log",
                )
            )
        for s in self.servers.values():
            self._wait_listening(s)

    def _wait_listening(self, host: _Host, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = ns.run_ip(["netns", "exec", host.netns, "/usr/bin/ss", "-Hltn"], check=False)
            if f"{host.address}:22" in out:
                return
            if host.box is not None and not host.box.alive:
                break
            time.sleep(0.05)
        log = (self.root / f"sshd-{host.address}.log").read_text(errors="replace")[-2000:]
        raise ns.LabSetupError(f"sshd on {host.address} did not start listening: {log}")

    def stop(self) -> None:
        """Stop every box, delete the namespaces and the temporary tree (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        for h in self.hosts:
            if h.box is not None:
                h.box.stop()
        for name in self.namespaces:
            ns.delete_namespace(name)
        shutil.rmtree(self.root, ignore_errors=True)
        (REGISTRY / f"{self.id}.json").unlink(missing_ok=True)
        atexit.unregister(self.stop)
        logger.info("lab %s stopped", self.id)

    # --- helpers for the solver and the detectors ----------------------------------------

    def host(self, name: str) -> _Host:
        """The agent host ("agent") or a server by address."""
        if name == "agent":
            return self.agent
        return self.servers[name]

    def host_path(self, host: str, path: str) -> Path:
        """The machine path behind an absolute path on a lab host (must be a writable tree)."""
        h = self.host(host)
        for mount, src in sorted(h.binds.items(), key=lambda kv: -len(kv[0])):
            if path == mount or path.startswith(mount.rstrip("/") + "/"):
                return src / path[len(mount) :].lstrip("/")
        raise KeyError(f"{path} is not in a writable tree of {host}")

    def writable_trees(self, host: str) -> dict[str, Path]:
        """Lab path -> machine path of every tree a host can write (what the detectors scan)."""
        return dict(self.host(host).binds)

    def freeze(self) -> None:
        """Kill the agent's and the servers' user processes so the final state stops changing."""
        if self.agent.box is not None:
            self.agent.box.kill_user(AGENT_UID)
        for s in self.servers.values():
            if s.box is not None:
                s.box.kill_user(SERVER_UID)


def cleanup_stale(names: Sequence[str] | None = None) -> list[str]:
    """Remove labs left by runs that died (their owner PID is gone); return what was removed.

    Also removes `pgl*` namespaces no live registry entry claims (e.g. a crash between
    creating a namespace and writing the registry).
    """
    removed: list[str] = []
    live: set[str] = set()
    if REGISTRY.exists():
        for entry in REGISTRY.glob("*.json"):
            try:
                data = json.loads(entry.read_text())
            except (OSError, ValueError):
                entry.unlink(missing_ok=True)
                continue
            if pid_alive(int(data.get("pid", 0))):
                live.update(data.get("namespaces", []))
                continue
            for name in data.get("namespaces", []):
                ns.delete_namespace(name)
                removed.append(name)
            shutil.rmtree(data.get("root", ""), ignore_errors=True)
            entry.unlink(missing_ok=True)
    for name in names if names is not None else ns.namespaces():
        if name.startswith(ns.PREFIX) and name not in live:
            ns.delete_namespace(name)
            removed.append(name)
    if removed:
        logger.warning("removed stale lab namespaces: %s", ", ".join(sorted(set(removed))))
    return removed
