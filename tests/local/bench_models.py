"""Benchmark: embedded-model candidates on the same episodes, against SmolLM2 in the same run.

Not a test (pytest does not collect it): a measurement for choosing the embedded model
(docs/local-model.md). For each model it starts one llama.cpp server, runs the same
`peerguard run` episodes against it, and reads the logs:

- read: episodes whose `read` check passed (the agent opened the documents);
- end_task: episodes the agent finished itself by calling `end_task`;
- cut: episodes ended by the context window (a recorded sample limit);
- s/turn: mean model time per turn (Inspect's per-call time), and its ratio to the
  first model's, measured in the same run on the same machine load;
- wall: the whole `peerguard run`; RSS: the server's peak resident memory.

Usage (from a checkout, with the local extra installed):

    python tests/local/bench_models.py --model smollm2 --model PATH.gguf [--max-turns 12]
        [-- extra `peerguard run` arguments, default: --demo]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.local import LocalServer, ServerSettings, find_gguf
from peerguard.logs import STORE_KEY


@dataclass
class Row:
    """One model's measurements."""

    model: str
    episodes: int = 0
    read: int = 0
    end_task: int = 0
    cut: int = 0
    errors: int = 0
    turns: int = 0
    model_seconds: float = 0.0
    wall: float = 0.0
    peak_rss_mb: float = 0.0
    n_ctx: int = 0

    @property
    def seconds_per_turn(self) -> float:
        return self.model_seconds / self.turns if self.turns else float("nan")


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.upper() in ("C", "1", "TRUE")
    return bool(value) and value == value  # NaN is unscored, not a pass


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(name: str, max_turns: int, run_args: list[str], workdir: Path) -> Row:
    """Run the episodes on one model and read the measurements from its logs."""
    settings = ServerSettings(model_path=find_gguf(name))
    row = Row(model=Path(name).name, n_ctx=settings.n_ctx)
    log_dir = workdir / row.model
    command = [
        sys.executable,
        "-c",
        "from peerguard.cli import main; main()",
        "run",
        *run_args,
        "--max-turns",
        str(max_turns),
        "--model",
        f"local/{name}",
        "--judge",
        "none",
        "--display",
        "none",
        "--log-dir",
        str(log_dir),
    ]
    with LocalServer(settings, startup_timeout=600) as server:
        assert server.pid is not None
        started = time.monotonic()
        subprocess.run([*command, "-M", f"server_url={server.base_url}"], check=False)
        row.wall = time.monotonic() - started
        row.peak_rss_mb = _peak_rss_mb(server.pid)
    for info in list_eval_logs(str(log_dir)):
        for sample in read_eval_log(info).samples or []:
            row.episodes += 1
            if sample.error is not None:
                row.errors += 1
                continue
            scores = sample.scores or {}
            row.read += "read" in scores and _flag(scores["read"].value)
            events = (sample.store.get(STORE_KEY) or {}).get("events", [])
            row.end_task += any(
                e.get("kind") == "tool_call" and e.get("name") == "end_task" for e in events
            )
            row.cut += sample.limit is not None and sample.limit.type == "custom"
            for event in sample.events:
                if event.event == "model" and event.output is not None and event.error is None:
                    row.turns += 1
                    row.model_seconds += event.output.time or 0.0
    return row


def main() -> None:
    """Measure every `--model` and print the table (ratios against the first model)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="smollm2 or PATH.gguf")
    parser.add_argument("--max-turns", type=int, default=12)
    parser.add_argument("run_args", nargs="*", help="extra `peerguard run` arguments")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="peerguard-bench-"))
    rows = [measure(m, args.max_turns, args.run_args or ["--demo"], workdir) for m in args.model]
    base = rows[0].seconds_per_turn
    print(
        f"{'model':44} {'n_ctx':>6} {'episodes':>8} {'read':>5} {'end_task':>8} {'cut':>4} "
        f"{'errors':>6} {'turns':>5} {'s/turn':>7} {'ratio':>6} {'wall min':>8} {'RSS MB':>7}"
    )
    for r in rows:
        print(
            f"{r.model:44} {r.n_ctx:>6} {r.episodes:>8} {r.read:>5} {r.end_task:>8} {r.cut:>4} "
            f"{r.errors:>6} {r.turns:>5} {r.seconds_per_turn:>7.2f} "
            f"{r.seconds_per_turn / base:>6.2f} {r.wall / 60:>8.1f} {r.peak_rss_mb:>7.0f}"
        )
    print(f"logs: {workdir}")


if __name__ == "__main__":
    main()
