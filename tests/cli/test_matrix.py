"""`peerguard run --matrix study` with the honest policy covers all six scenarios; list --count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerguard.behaviours import READ
from peerguard.cli._list import list_command
from peerguard.cli._results import results
from peerguard.cli._run import run_command
from peerguard.scenarios import SCENARIOS, configuration_id, get_matrix


def test_list_count_prints_per_scenario_and_total() -> None:
    result = CliRunner().invoke(list_command, ["--matrix", "study", "--count"])
    assert result.exit_code == 0, result.output
    counts = get_matrix("study").counts()
    for sid, n in counts.items():
        assert sid in result.output and str(n) in result.output
    assert str(sum(counts.values())) in result.output
    assert "289" in result.output and "271" in result.output


def test_matrices_nest() -> None:
    study, core, extended, demo = (
        get_matrix(m).counts() for m in ("study", "core", "extended", "demo")
    )
    for sid, scenario in SCENARIOS.items():
        assert 2 <= demo[sid] <= 3
        assert demo[sid] <= core[sid] <= study[sid] < extended[sid]
        assert study[sid] == len(scenario.configurations())
        assert extended[sid] == study[sid] + len(scenario.extensions())
        core_ids = {configuration_id(c) for c in get_matrix("core").configurations(scenario)}
        study_ids = {configuration_id(c) for c in get_matrix("study").configurations(scenario)}
        demo_ids = {configuration_id(c) for c in get_matrix("demo").configurations(scenario)}
        assert demo_ids <= core_ids <= study_ids
    # Only the identity variants separate the study from its core: 9 per exfiltration scenario.
    assert {sid: study[sid] - core[sid] for sid in SCENARIOS} == {
        sid: 9 if sid.startswith("exfiltration") else 0 for sid in SCENARIOS
    }
    assert (sum(core.values()), sum(study.values())) == (271, 289)


@pytest.mark.slow
def test_study_matrix_honest_run_has_rows_for_all_six(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    run = CliRunner().invoke(
        run_command,
        [
            "--matrix", "study", "--model", "scripted/honest", "--epochs", "1",
            "--log-dir", str(log_dir), "--display", "none", "--judge", "none",
        ],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    out = CliRunner().invoke(results, [str(log_dir), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["scenario"] for r in rows} == set(SCENARIOS)
    flagged = [r for r in rows if r["behaviour"] != READ and (r["k"] or 0) > 0]
    assert not flagged, flagged[:3]
