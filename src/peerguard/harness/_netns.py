"""Network namespaces for the lab: a private switch and one namespace per host.

Safety is the point of this module. The lab's addresses (10.0.12.0/24) exist only inside
namespaces created here; the root namespace never gets a lab address, a lab route or a lab
interface, so no process outside the lab can send a packet to a lab host, and no lab host
has a route off the machine (each host namespace holds only its connected lab route: no
default route, no gateway, forwarding off). The switch is a Linux bridge inside its own
namespace, not in the root namespace. `check_root_namespace` refuses to start (and
`verify_isolation` refuses to continue) if any of that does not hold.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

LAB_SUBNET = ipaddress.ip_network("10.0.12.0/24")
"""The study's server subnet. Only ever configured inside lab namespaces."""

PREFIX = "pgl"
"""Every namespace the harness creates is named `pgl<lab id>-<role>`."""

IP = "/usr/sbin/ip"


class LabSafetyError(RuntimeError):
    """The lab would not be isolated (or the machine already routes the lab subnet): refused."""


class LabSetupError(RuntimeError):
    """A namespace, link or address could not be set up; the sample errors (not a finding)."""


def run_ip(args: Sequence[str], netns: str | None = None, check: bool = True) -> str:
    """Run `ip` (in `netns` when given) and return its stdout.

    Raises:
        LabSetupError: when `check` and the command fails.
    """
    argv = [IP, *(["-n", netns] if netns else []), *args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if check and proc.returncode != 0:
        raise LabSetupError(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
    return proc.stdout


def sysctl(netns: str, key: str, value: str) -> None:
    """Set a sysctl inside `netns` (namespaced keys only: net.*)."""
    path = "/proc/sys/" + key.replace(".", "/")
    subprocess.run(
        [
            "/usr/bin/nsenter",
            f"--net=/run/netns/{netns}",
            "--",
            "/bin/sh",
            "-c",
            f"echo {value} > {path}",
        ],
        check=True,
        capture_output=True,
        timeout=10,
    )


def _lab_prefixes(text: str) -> list[str]:
    """Lab-subnet addresses or routes mentioned in `ip -o` output."""
    hits: list[str] = []
    for token in text.split():
        try:
            net = ipaddress.ip_network(token, strict=False)
        except ValueError:
            continue
        if net.version == 4 and net.overlaps(LAB_SUBNET) and net.prefixlen > 0:
            hits.append(token)
    return hits


def check_root_namespace() -> None:
    """Refuse to run when the root namespace has any address or route in the lab subnet.

    A route there would mean a lab address is reachable from outside the lab (or that the
    machine's own network uses the subnet, which the lab must not shadow).

    Raises:
        LabSafetyError: with what was found.
    """
    addrs = _lab_prefixes(run_ip(["-4", "-o", "addr", "show"]))
    routes = _lab_prefixes(run_ip(["-4", "route", "show", "table", "all"]))
    if addrs or routes:
        raise LabSafetyError(
            f"the root network namespace already has {LAB_SUBNET} addresses {addrs} or routes "
            f"{routes}; the lab refuses to run (remove them, or run on another machine)"
        )


def root_links() -> set[str]:
    """Interface names in the root namespace."""
    return {
        line.split(":")[1].strip().split("@")[0]
        for line in run_ip(["-o", "link", "show"]).splitlines()
        if ":" in line
    }


def namespaces() -> list[str]:
    """Names of all network namespaces (`ip netns list`)."""
    return [line.split()[0] for line in run_ip(["netns", "list"]).splitlines() if line.strip()]


@dataclass(frozen=True)
class HostLink:
    """One lab host's namespace and address."""

    netns: str
    address: str


def add_namespace(name: str) -> None:
    """Create a namespace with loopback up, IPv6 and forwarding off."""
    run_ip(["netns", "add", name])
    run_ip(["link", "set", "lo", "up"], netns=name)
    # No IPv6 at all: no link-local chatter, no router solicitations, one address family to check.
    sysctl(name, "net.ipv6.conf.all.disable_ipv6", "1")
    sysctl(name, "net.ipv6.conf.default.disable_ipv6", "1")
    sysctl(name, "net.ipv4.ip_forward", "0")


def build_switch(switch_ns: str, hosts: Sequence[HostLink]) -> None:
    """Wire every host namespace to a bridge living in `switch_ns`.

    Each veth pair is created with both ends already inside their namespaces, so no lab
    interface ever exists in the root namespace, not even for an instant.
    """
    run_ip(["link", "add", "br0", "type", "bridge"], netns=switch_ns)
    run_ip(["link", "set", "br0", "up"], netns=switch_ns)
    for i, host in enumerate(hosts):
        port = f"p{i}"
        run_ip(
            [
                "link", "add", "eth0", "netns", host.netns,
                "type", "veth", "peer", "name", port, "netns", switch_ns,
            ]
        )  # fmt: skip
        run_ip(["link", "set", port, "master", "br0", "up"], netns=switch_ns)
        run_ip(
            ["addr", "add", f"{host.address}/{LAB_SUBNET.prefixlen}", "dev", "eth0"],
            netns=host.netns,
        )
        run_ip(["link", "set", "eth0", "up"], netns=host.netns)


def verify_isolation(hosts: Sequence[HostLink], links_before: set[str]) -> None:
    """Check, after the lab is up, that it cannot leak.

    - the root namespace still has no lab address or route, and no new interface;
    - every host namespace routes nothing but the lab subnet (no default route).

    Raises:
        LabSafetyError: naming what leaked.
    """
    check_root_namespace()
    new = root_links() - links_before
    if new:
        raise LabSafetyError(f"new interfaces appeared in the root namespace: {sorted(new)}")
    for host in hosts:
        for line in run_ip(["-4", "route", "show", "table", "all"], netns=host.netns).splitlines():
            dest = line.split()[0] if line.split() else ""
            if dest in ("local", "broadcast"):
                continue
            if dest == "default" or not _lab_prefixes(dest):
                raise LabSafetyError(f"host namespace {host.netns} has a non-lab route: {line}")


def namespace_pids(name: str) -> list[int]:
    """Processes whose network namespace is `name`."""
    out = run_ip(["netns", "pids", name], check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def delete_namespace(name: str) -> None:
    """Kill whatever still runs in `name`, then delete it (idempotent)."""
    for pid in namespace_pids(name):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    run_ip(["netns", "delete", name], check=False)
