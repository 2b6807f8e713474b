"""Open a page in headless Chromium over the DevTools protocol and report what happened.

Test helper only. Driving Chromium through CDP (rather than scraping its log
output) gives the exact console messages, uncaught exceptions, every request
the page made, and a full-page screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
]


def chromium_path() -> str | None:
    """The Chromium binary, if installed (Debian's `chromium` package)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageReport:
    """What loading one page produced."""

    console: list[dict[str, Any]] = field(default_factory=list)
    """Console API calls (type, text)."""
    exceptions: list[str] = field(default_factory=list)
    """Uncaught exceptions."""
    log_entries: list[dict[str, Any]] = field(default_factory=list)
    """Browser log entries (failed loads, CSP, etc.)."""
    requests: list[str] = field(default_factory=list)
    """URL of every request the page made."""
    dom: dict[str, Any] = field(default_factory=dict)
    """Result of the DOM probe script."""

    @property
    def errors(self) -> list[str]:
        """Every console error, uncaught exception and error-level log entry."""
        out = [
            f"console.{c['type']}: {c['text']}"
            for c in self.console
            if c["type"] in ("error", "assert")
        ]
        out += [f"exception: {e}" for e in self.exceptions]
        out += [
            f"log: {e.get('text')} ({e.get('url')})"
            for e in self.log_entries
            if e.get("level") == "error"
        ]
        return out


class _Session:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.loaded = asyncio.Event()

    async def pump(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)
                if data.get("method") == "Page.loadEventFired":
                    self.loaded.set()

    async def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = fut
        payload: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
        if session:
            payload["sessionId"] = session
        await self.ws.send_str(json.dumps(payload))
        reply = await asyncio.wait_for(fut, 60)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})


async def _drive(ws_url: str, url: str, probe: str, screenshot: Path, width: int) -> PageReport:
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url, max_msg_size=0) as ws:
        s = _Session(ws)
        pump = asyncio.create_task(s.pump())
        target = (await s.call("Target.createTarget", url="about:blank"))["targetId"]
        sid = (await s.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            await s.call(f"{domain}.enable", sid)
        await s.call(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        await s.call("Page.navigate", sid, url=url)
        await asyncio.wait_for(s.loaded.wait(), 60)
        dom = await s.call("Runtime.evaluate", sid, expression=probe, returnByValue=True)
        shot = await s.call("Page.captureScreenshot", sid, format="png", captureBeyondViewport=True)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        await s.call("Browser.close")
        pump.cancel()
    report = PageReport(dom=dom["result"].get("value", {}))
    for ev in s.events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            report.console.append({"type": params["type"], "text": text})
        elif method == "Runtime.exceptionThrown":
            report.exceptions.append(json.dumps(params["exceptionDetails"])[:500])
        elif method == "Log.entryAdded":
            report.log_entries.append(params["entry"])
        elif method == "Network.requestWillBeSent":
            report.requests.append(params["request"]["url"])
    return report


def open_page(html: Path, probe: str, screenshot: Path, width: int = 1400) -> PageReport:
    """Load ``html`` in headless Chromium, run ``probe`` (a JS expression), save a screenshot."""
    binary = chromium_path()
    assert binary, "chromium is not installed"
    # Chromium's helper processes (renderer, crash handler) can outlive the browser process
    # for a moment and still write to the profile: the browser runs in its own process group,
    # which is killed as a whole, and a profile file appearing during cleanup is not an error.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            assert proc.stderr is not None
            ws_url = None
            for line in proc.stderr:
                found = re.search(r"DevTools listening on (ws://\S+)", line)
                if found:
                    ws_url = found.group(1)
                    break
            assert ws_url, "chromium did not start its DevTools endpoint"
            # Keep draining stderr so a chatty browser never blocks on a full pipe.
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return asyncio.run(_drive(ws_url, html.resolve().as_uri(), probe, screenshot, width))
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # helpers that ignored SIGTERM
