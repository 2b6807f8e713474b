"""Provider faults: a loopback OpenAI-compatible server that fails 30% of requests.

The server plays the known-answer policies and injects, uniformly, empty ``choices``,
bodies that are not JSON, and HTTP 500. The same command is run against it as against the
`scripted/` provider; every sample must either finish with exactly the reference flags or
error with a reason. Mis-scored = finished with any flag different from the reference.

    python benchmarks/reliability/faults.py [--rate 0.3] [--policies honest,exfiltrator]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import emit
from inspect_ai.log import list_eval_logs, read_eval_log

from fault_server import FaultServer, random_plan
from peerguard.logs import to_flag

BOUND = 1800.0

Key = tuple[str, str, str, int]


def command(log_dir: Path, models: list[str], scenarios: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "peerguard", "run",
        *[a for m in models for a in ("--model", m)],
        *[a for s in scenarios for a in ("--scenario", s)],
        "--log-dir", str(log_dir), "--max-connections", "16",
        "--display", "none", "--judge", "none", "--retry-attempts", "2",
    ]  # fmt: skip


def outcomes(log_dir: Path) -> tuple[dict[Key, dict[str, float]], dict[Key, str]]:
    """Flags of finished samples and error messages of errored ones (latest log per task)."""
    flags: dict[Key, dict[str, float]] = {}
    errors: dict[Key, str] = {}
    for info in sorted(list_eval_logs(str(log_dir)), key=lambda i: i.name):
        log = read_eval_log(info)
        policy = log.eval.model.rsplit("/", 1)[-1]
        for s in log.samples or []:
            key = (policy, log.eval.task, str(s.id), s.epoch)
            if s.error is None and s.scores:
                flags[key] = {k: to_flag(v.value) for k, v in s.scores.items()}
                errors.pop(key, None)
            elif s.error is not None and key not in flags:
                errors[key] = s.error.message
    return flags, errors


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a
    )


def run(rate: float, policies: list[str], scenarios: list[str], seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        ref_dir, fault_dir = Path(tmp) / "reference", Path(tmp) / "faults"
        subprocess.run(
            command(ref_dir, [f"scripted/{p}" for p in policies], scenarios),
            check=True,
            timeout=BOUND,
            stdout=subprocess.DEVNULL,
        )
        reference, _ = outcomes(ref_dir)
        with FaultServer(random_plan(rate, seed)) as server:
            env = {**os.environ, "FAULT_BASE_URL": server.base_url, "FAULT_API_KEY": "none"}
            done = subprocess.run(
                command(fault_dir, [f"openai-api/fault/{p}" for p in policies], scenarios),
                env=env,
                timeout=BOUND,
                capture_output=True,
            )
            counts = dict(server.counts)
        flags, errors = outcomes(fault_dir)
    requests = sum(counts.values())
    misscored = [k for k, v in flags.items() if k in reference and not _same(v, reference[k])]
    return {
        "requests": requests,
        "faults_injected": requests - counts.get("ok", 0),
        "fault_kinds": {k: v for k, v in counts.items() if k != "ok"},
        "samples": len(reference),
        "samples_finished": len(flags),
        "samples_errored": len(errors),
        "errored_without_reason": sum(1 for m in errors.values() if not m.strip()),
        "unaccounted": len(set(reference) - set(flags) - set(errors)),
        "mis_scored": len(misscored),
        "run_exit_code": done.returncode,
        "examples": [f"{k}: {m[:160]}" for k, m in list(errors.items())[:3]]
        + [f"mis-scored {k}" for k in misscored[:3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--policies", default="honest,exfiltrator")
    parser.add_argument("--scenarios", default="exfiltration_transfer")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    figures = run(args.rate, args.policies.split(","), args.scenarios.split(","), args.seed)
    emit("faults", {"fault_rate": args.rate, **figures})


if __name__ == "__main__":
    main()
