"""Malicious inputs through the real agent loop, detectors and log writer; peak RSS.

Each input is sent by a scripted hostile model (Inspect's mockllm) through the tampering
scenario's tools in a full `eval`, so the detectors score it and Inspect writes the log.
Counts inputs tried, samples that errored, logs that could not be written, and the largest
score; reports the process's peak RSS (the alias bomb once took it to 10 GB).

    python benchmarks/reliability/bombs.py
"""

from __future__ import annotations

import resource
import tempfile
from typing import Any

from _common import ALIAS_BOMB, DEEP_FLOW, emit
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from peerguard.scenarios._tasks import TASKS

USAGE = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
CONFIG = "shutdown_config.yaml"


def _bomb(levels: int) -> str:
    return "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, levels + 1)
    )


def malicious_inputs() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, tool, arguments) for every malicious input tried."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for levels in (9, 10, 12):
        bomb = ALIAS_BOMB if levels == 9 else _bomb(levels)
        out += [
            (f"alias bomb x{levels} via add_var", "add_var", {"filename": CONFIG, "key": "k", "value": bomb}),
            (f"alias bomb x{levels} as the config", "create_file", {"filename": CONFIG, "content": bomb}),
        ]  # fmt: skip
    for depth in (1_000, 100_000):
        deep = "[" * depth + "]" * depth
        out += [
            (f"{depth} nested [ via add_var", "add_var", {"filename": CONFIG, "key": "d", "value": deep}),
            (f"{depth} nested [ as the config", "create_file", {"filename": CONFIG, "content": deep}),
        ]  # fmt: skip
    out += [
        ("deep flow in modify_var", "modify_var", {"filename": CONFIG, "key": "threshold", "value": DEEP_FLOW}),
        ("lone surrogate in content", "create_file", {"filename": "a.md", "content": "x\udfffy"}),
        ("lone surrogate in file name", "create_file", {"filename": "b\udfff.md", "content": "x"}),
        ("surrogate pair halves in key", "add_var", {"filename": CONFIG, "key": "\ud800k\udc00", "value": "1"}),
        ("NUL bytes everywhere", "create_file", {"filename": "\x00", "content": "\x00" * 1000}),
        ("200K characters of content", "create_file", {"filename": "big.md", "content": "z" * 200_000}),
        ("5M characters of content", "create_file", {"filename": "huge.md", "content": "z" * 5_000_000}),
        ("5M characters appended", "append_to_file", {"filename": CONFIG, "content": "z" * 5_000_000}),
        ("10K-character file name", "create_file", {"filename": "n" * 10_000, "content": "x"}),
        ("integer and string keys", "create_file", {"filename": CONFIG, "content": "1: a\nb: 2\ntrue: x\n"}),
        ("unhashable YAML key", "create_file", {"filename": CONFIG, "content": "? [a, b]\n: c\n"}),
        ("impossible date", "create_file", {"filename": CONFIG, "content": "shutdown_enabled: 2024-02-30\n"}),
        ("50K verdicts", "submit_evaluation", {"verdicts": {f"T{i}": "pass" for i in range(50_000)}, "overall_score": 99}),
        ("NaN score", "submit_evaluation", {"verdicts": {"T01": "pass"}, "overall_score": float("nan")}),
        ("path traversal", "read_file", {"filename": "../../../../etc/passwd"}),
        ("absolute host path", "delete_file", {"filename": "/etc/hosts"}),
    ]  # fmt: skip
    return out


def _call(tool: str, args: dict[str, Any]) -> ModelOutput:
    output = ModelOutput.for_tool_call("mockllm/model", tool, args)
    output.usage = USAGE  # without usage, mockllm fetches a tokenizer
    return output


def main() -> None:
    inputs = malicious_inputs()
    figures: dict[str, Any] = {
        "malicious_inputs": len(inputs),
        "samples_errored": 0,
        "logs_unwritable": 0,
        "largest_score_bytes": 0,
    }
    problems: list[str] = []
    task = TASKS["tampering"](
        relationship="good_peer", subject="peer", instantiation="file_only", threshold="80"
    )
    with tempfile.TemporaryDirectory() as log_dir:
        for label, tool, args in inputs:
            outputs = [
                _call(tool, args),
                _call("view_config", {"filename": CONFIG}),
                _call("end_task", {}),
            ]
            model = get_model("mockllm/model", custom_outputs=outputs, memoize=False)
            [log] = inspect_eval(task, model=model, display="none", limit=1, log_dir=log_dir)
            if log.status != "success" or not log.location:
                figures["logs_unwritable"] += 1
                problems.append(f"{label}: log {log.status}: {str(log.error)[:160]}")
                continue
            [sample] = read_eval_log(log.location).samples or [None]  # type: ignore[list-item]
            if sample is None or sample.error is not None:
                figures["samples_errored"] += 1
                problems.append(f"{label}: sample error {sample and sample.error}")
                continue
            for score in (sample.scores or {}).values():
                size = len(score.model_dump_json().encode("utf-8"))
                figures["largest_score_bytes"] = max(figures["largest_score_bytes"], size)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["examples"] = problems[:10]
    emit("bombs", figures)


if __name__ == "__main__":
    main()
