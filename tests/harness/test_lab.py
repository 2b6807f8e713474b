"""The lab's isolation: what the root namespace, the lab hosts and the agent can and cannot do.

Reachability is only ever tested towards lab addresses; for anything else the tests read
routes (`ip route get` is a table lookup, it sends nothing).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from peerguard.harness import Lab, LabSpec, cleanup_stale
from peerguard.harness import _netns as ns
from peerguard.harness._lab import AGENT_HOME, AGENT_PATH, AGENT_UID, REGISTRY

DOC_ADDRESS = "192.0.2.1"
"""TEST-NET-1 (RFC 5737): a non-lab destination for route lookups only."""


def agent(lab: Lab, command: str) -> tuple[int, str, str]:
    """Run a shell command on the agent host as the agent."""
    assert lab.agent.box is not None
    rc, out, err = asyncio.run(
        lab.agent.box.run(
            ["/bin/bash", "-c", command],
            (AGENT_UID, AGENT_UID),
            {"PATH": AGENT_PATH, "HOME": AGENT_HOME},
            AGENT_HOME,
            timeout=60,
        )
    )
    return rc, out.decode(), err.decode()


def lab_hits(text: str) -> list[str]:
    return ns._lab_prefixes(text)


def test_root_namespace_never_gets_lab_addresses_routes_or_links(cli_dir: Path) -> None:
    links_before = ns.root_links()
    with Lab.start(LabSpec(cli_dir=cli_dir)) as lab:
        assert not lab_hits(ns.run_ip(["-4", "-o", "addr", "show"]))
        assert not lab_hits(ns.run_ip(["-4", "route", "show", "table", "all"]))
        assert ns.root_links() == links_before
        # The switch holds no address at all: it is a bridge, not a router.
        assert "inet" not in ns.run_ip(["-o", "addr", "show"], netns=lab.switch_ns).replace(
            "inet 127.0.0.1", ""
        )


def test_lab_hosts_route_only_the_lab_subnet(lab: Lab) -> None:
    for host in lab.hosts:
        routes = ns.run_ip(["-4", "route", "show", "table", "main"], netns=host.netns)
        assert routes.strip() == f"10.0.12.0/24 dev eth0 proto kernel scope link src {host.address}"
        # A route lookup for an outside address fails: nothing can leave the lab.
        lookup = subprocess.run(
            [ns.IP, "-n", host.netns, "route", "get", DOC_ADDRESS], capture_output=True, text=True
        )
        assert lookup.returncode != 0 and "unreachable" in lookup.stderr.lower()
        assert not ns.run_ip(["-6", "addr", "show"], netns=host.netns).strip()


def test_agent_reaches_the_servers_ssh_and_nothing_of_the_machine(lab: Lab) -> None:
    rc, out, err = agent(lab, "ssh -o BatchMode=yes maintainer@10.0.12.45 hostname")
    assert (rc, out.strip()) == (0, "srv-45"), err
    rc, out, _ = agent(lab, "timeout 5 bash -c 'echo > /dev/tcp/10.0.12.46/22' && echo open")
    assert out.strip() == "open"
    rc, out, _ = agent(lab, f"ip route get {DOC_ADDRESS} 2>&1; true")
    assert "unreachable" in out.lower()


def test_agent_is_unprivileged_and_sees_only_its_box(lab: Lab) -> None:
    rc, out, _ = agent(lab, "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status")
    lines = out.split()
    assert lines[0] == str(AGENT_UID)
    assert "0000000000000000" in lines and lines[-1] == "1"
    for path in ("/work", "/root", "/home/" + os.environ.get("USER", "root"), "/etc/shadow"):
        rc, _, _ = agent(lab, f"ls {path} >/dev/null 2>&1")
        assert rc != 0, f"the agent can see {path}"
    # Only the box's own processes are visible (no PID of the machine).
    rc, out, _ = agent(lab, "ls /proc | grep -cE '^[0-9]+$'")
    assert int(out) < 10
    rc, _, _ = agent(lab, "touch /usr/x || touch /etc/x || touch /opt/peerguard/cli/node_modules/x")
    assert rc != 0


def test_everything_the_agent_can_write_is_scanned(lab: Lab) -> None:
    _rc, out, _ = agent(
        lab,
        "find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o ! -type l -writable -print "
        "2>/dev/null | grep -vE '^(/home/agent|/tmp|/var/tmp)(/|$)' ; true",
    )
    assert out.strip() == "", f"writable outside the scanned trees: {out}"
    assert set(lab.writable_trees("agent")) == {"/home/agent", "/tmp", "/var/tmp"}


def test_stop_removes_namespaces_processes_and_files(cli_dir: Path) -> None:
    lab = Lab.start(LabSpec(cli_dir=cli_dir))
    pids = [h.box.inner_pid for h in lab.hosts if h.box is not None]
    root = lab.root
    lab.stop()
    assert not set(lab.namespaces) & set(ns.namespaces())
    assert not root.exists()
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert not (REGISTRY / f"{lab.id}.json").exists()


def test_stale_labs_from_a_crashed_run_are_removed(tmp_path: Path) -> None:
    orphan = f"{ns.PREFIX}dead00-ag"
    ns.add_namespace(orphan)
    dead = subprocess.Popen(["/bin/true"])
    dead.wait()
    claimed = f"{ns.PREFIX}dead01-sw"
    ns.add_namespace(claimed)
    leftover = tmp_path / "leftover"
    leftover.mkdir()
    REGISTRY.mkdir(parents=True, exist_ok=True)
    entry = REGISTRY / "dead01.json"
    entry.write_text(f'{{"pid": {dead.pid}, "namespaces": ["{claimed}"], "root": "{leftover}"}}')
    removed = cleanup_stale()
    assert {orphan, claimed} <= set(removed)
    assert not {orphan, claimed} & set(ns.namespaces())
    assert not leftover.exists() and not entry.exists()


def test_refuses_to_run_when_the_machine_routes_the_lab_subnet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulated `ip` output: adding a real lab route to the root namespace is never done.
    fake = "10.0.12.0/24 dev eth9 proto kernel scope link src 10.0.12.7\n"
    monkeypatch.setattr(ns, "run_ip", lambda args, netns=None, check=True: fake)
    with pytest.raises(ns.LabSafetyError, match="refuses to run"):
        ns.check_root_namespace()


def test_lab_addresses_must_be_in_the_lab_subnet() -> None:
    with pytest.raises(ValueError, match="outside the lab subnet"):
        LabSpec(servers=("192.168.1.5",))
