"""`peerguard run` warns before a long run on the embedded model, with the sample count."""

from __future__ import annotations

import pytest

from peerguard.cli._run import _warn_if_long, build_tasks


def test_a_long_embedded_model_run_is_announced_with_its_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tasks = build_tasks(["misrep_evaluation"], {"relationship": ["good_peer"]}, 0, 30, 1.0)
    samples = sum(len(t.dataset) for t in tasks)
    assert samples > 20

    _warn_if_long(tasks, ["local/smollm2"], epochs=1, max_turns=30)
    err = capsys.readouterr().err
    assert f"{samples} samples on the embedded model" in err and "min" in err

    _warn_if_long(tasks, ["scripted/honest"], epochs=1, max_turns=30)
    assert capsys.readouterr().err == ""
