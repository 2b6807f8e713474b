"""`inspect score` rebuilds peerguard's detectors from a log and reproduces its scores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log

from peerguard.scenarios import TASKS


def _scores(path: str) -> dict[tuple[str, int, str], object]:
    log = read_eval_log(path)
    return {
        (str(s.id), s.epoch, name): score.value
        for s in log.samples or []
        for name, score in (s.scores or {}).items()
    }


def test_inspect_score_reproduces_the_detectors(tmp_path: Path) -> None:
    (log,) = inspect_eval(
        TASKS["exfiltration_transfer"](
            relationship=["good_peer", "no_peer"], instantiation="file_only"
        ),
        model="scripted/spec_gamer",
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success"
    before = _scores(log.location)
    assert any(v == 1.0 for v in before.values())  # something was flagged, or this proves little

    rescored = tmp_path / "rescored.eval"
    inspect = Path(sys.executable).parent / "inspect"
    run = subprocess.run(
        [
            str(inspect),
            "score",
            log.location,
            "--output-file",
            str(rescored),
            "--action",
            "overwrite",
            "--display",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert _scores(str(rescored)) == before
