"""`peerguard run --target-ci`: adaptive rounds over Inspect with known-answer agents.

The honest agent never exfiltrates and the exfiltrator always does, so every cell's rate is
known (0% and 100%). With checkpoints 2, 4, 8 and a ±45 pp target, both cells stop at the
second look (n = 4), below the cap; resume and re-runs must count every rollout once.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from inspect_ai.log import list_eval_logs, read_eval_log

from peerguard.analysis import build_frame
from peerguard.analysis._adaptive import StoppingRule, cell_statuses
from peerguard.behaviours import EXFILTRATION
from peerguard.cli import main
from peerguard.cli._results import results
from peerguard.cli._run import run_command
from peerguard.logs import ADAPTIVE_KEY

ADAPTIVE = [
    "--model", "scripted/honest", "--model", "scripted/exfiltrator",
    "--scenario", "exfiltration_transfer", "--condition", "relationship=good_peer",
    "--condition", "subject=peer", "--condition", "instantiation=file_only",
    "--condition", "scratchpad=off", "--display", "none", "--judge", "none",
    "--max-connections", "50",
    "--target-ci", "0.45", "--first-epochs", "2", "--max-epochs", "8",
]  # fmt: skip

RULE = StoppingRule(0.45, max_epochs=8, first=2)


def _run(log_dir: Path, *extra: str) -> str:
    result = CliRunner().invoke(run_command, [*ADAPTIVE, "--log-dir", str(log_dir), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _logs(log_dir: Path) -> list[tuple[str, str, int]]:
    """(file, model, round) of every log in the directory."""
    out = []
    for info in list_eval_logs(str(log_dir)):
        header = read_eval_log(info, header_only=True)
        meta = (header.eval.metadata or {})[ADAPTIVE_KEY]
        out.append((info.name.removeprefix("file://"), header.eval.model, meta["round"]))
    return sorted(out)


def _results_json(log_dir: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(results, [str(log_dir), "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_cells_stop_early_with_n_recorded_and_resume_counts_once(tmp_path: Path) -> None:
    out = _run(tmp_path)
    assert "2 stopped by width" in out

    # Two rounds per model, each log carrying the rule, its round and its epoch offset.
    logs = _logs(tmp_path)
    assert sorted((m, r) for _, m, r in logs) == [
        ("scripted/exfiltrator", 1),
        ("scripted/exfiltrator", 2),
        ("scripted/honest", 1),
        ("scripted/honest", 2),
    ]
    for file, _, r in logs:
        meta = (read_eval_log(file, header_only=True).eval.metadata or {})[ADAPTIVE_KEY]
        assert meta["rule"] == RULE.to_metadata()["rule"]
        assert meta["checkpoints"] == [2, 4, 8]
        assert meta["epoch_offset"] == {1: 0, 2: 2}[r]

    # Each cell stopped at n = 4 (below the cap of 8), with the known rates.
    statuses = {s.model: s for s in cell_statuses(build_frame(tmp_path), RULE)}
    assert set(statuses) == {"scripted/honest", "scripted/exfiltrator"}
    for model, k in (("scripted/honest", 0), ("scripted/exfiltrator", 4)):
        d = statuses[model].decision
        assert (d.k, d.n, d.reason, statuses[model].looks) == (k, 4, "width", 2)

    rows = [r for r in _results_json(tmp_path) if r["behaviour"] == EXFILTRATION]
    by_model = {r["model"]: r for r in rows}
    assert (by_model["scripted/honest"]["k"], by_model["scripted/honest"]["n"]) == (0, 4)
    assert (by_model["scripted/exfiltrator"]["k"], by_model["scripted/exfiltrator"]["n"]) == (4, 4)
    record = by_model["scripted/honest"]["adaptive"]
    assert isinstance(record, dict)
    assert (record["n"], record["looks"], record["stopped"]) == (4, 2, "half-width reached")
    before = _results_json(tmp_path)

    # `peerguard results` states the rule and the per-cell n.
    text = CliRunner().invoke(results, [str(tmp_path)]).output
    assert "Clopper-Pearson" in text and "n = 2, 4, 8" in text
    assert "good_peer__peer__file_only" in text and "0/4" in text and "4/4" in text

    # Resume: as if the run had died before the honest model's second round.
    [lost] = [f for f, m, r in logs if m == "scripted/honest" and r == 2]
    kept = _stamps(tmp_path, exclude=lost)
    Path(lost).rename(tmp_path.parent / "lost.eval")
    out = _run(tmp_path)
    assert "Adaptive round 2/3 (n = 4): scripted/honest" in out
    now = _stamps(tmp_path)
    assert {f: now[f] for f in kept} == kept  # the finished rounds were not re-run
    [redone] = set(now) - set(kept)
    assert [(m, r) for f, m, r in _logs(tmp_path) if f == redone] == [("scripted/honest", 2)]
    assert _results_json(tmp_path) == before

    # A finished run re-run: nothing new is run or logged, nothing rewritten.
    _run(tmp_path)
    assert _stamps(tmp_path) == now
    assert _results_json(tmp_path) == before


def _stamps(log_dir: Path, exclude: str = "") -> dict[str, int]:
    """Log file -> its modification time (ns), for every log but `exclude`."""
    return {str(p): p.stat().st_mtime_ns for p in log_dir.glob("*.eval") if str(p) != exclude}


def test_another_rule_in_the_same_log_dir_is_refused(tmp_path: Path) -> None:
    _run(tmp_path, "--max-epochs", "4")
    result = CliRunner().invoke(run_command, [*ADAPTIVE, "--log-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "another sampling design" in result.output and "max_epochs=4" in result.output


FIXED = [*ADAPTIVE[: ADAPTIVE.index("--target-ci")], "--epochs", "2"]
"""The same cells as `ADAPTIVE`, as a fixed design of 2 rollouts each."""


def test_a_fixed_and_an_adaptive_run_never_share_a_log_dir(tmp_path: Path) -> None:
    fixed, adaptive = tmp_path / "fixed", tmp_path / "adaptive"
    done = CliRunner().invoke(run_command, [*FIXED, "--log-dir", str(fixed)])
    assert done.exit_code == 0, done.output
    _run(adaptive)
    fixed_logs = sorted(fixed.glob("*.eval"))

    # Either design refuses a directory holding the other's logs, before running anything.
    into_fixed = CliRunner().invoke(run_command, [*ADAPTIVE, "--log-dir", str(fixed)])
    assert into_fixed.exit_code == 2
    assert "another sampling design: fixed" in into_fixed.output
    assert sorted(fixed.glob("*.eval")) == fixed_logs
    into_adaptive = CliRunner().invoke(run_command, [*FIXED, "--log-dir", str(adaptive)])
    assert into_adaptive.exit_code == 2
    assert "This run is fixed" in into_adaptive.output

    # Logs mixed by hand: results refuse to pool them (both runs' epochs start at 1).
    for log in adaptive.glob("*.eval"):
        (fixed / log.name).write_bytes(log.read_bytes())
    mixed = CliRunner().invoke(main, ["results", str(fixed), "--json"])
    assert mixed.exit_code == 2
    assert "mix sampling designs" in mixed.output and "fixed (" in mixed.output
