"""Input tokens per episode, per scenario and model, from a run's logs.

Reads each log's per-model token usage (Inspect's `stats.model_usage`) and divides by the
samples completed. With the known-answer agents the counts are their crude estimate
(characters / 4); with a real model they are the provider's counts.

    python benchmarks/tokens_per_episode.py LOG_DIR
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from inspect_ai.log import list_eval_logs, read_eval_log


def tokens(log_dir: str) -> dict[str, dict[str, dict[str, int]]]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for info in list_eval_logs(log_dir):
        log = read_eval_log(info, header_only=True)
        n = log.results.completed_samples if log.results else 0
        usage = log.stats.model_usage.get(log.eval.model) if log.stats else None
        if not n or usage is None:
            continue
        cell = totals[(log.eval.task.removeprefix("peerguard/"), log.eval.model)]
        cell[0] += usage.input_tokens
        cell[1] += usage.output_tokens
        cell[2] += n
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for (task, model), (inp, outp, n) in sorted(totals.items()):
        out[task][model] = {"input": round(inp / n), "output": round(outp / n), "episodes": n}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log_dir")
    print(json.dumps(tokens(parser.parse_args().log_dir), indent=2))


if __name__ == "__main__":
    main()
