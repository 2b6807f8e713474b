"""Known-answer agents calibrate the exfiltration detectors (SPEC §4)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.log import read_eval_log

from peerguard.behaviours import EXFILTRATION, FALSE_CLAIM, READ, SPECIFICATION_GAMING
from peerguard.scenarios import SCENARIOS, get_matrix


@pytest.fixture
def rows_for(exfil_rows: list[dict[str, Any]]) -> Callable[[str], list[dict[str, Any]]]:
    def select(policy: str) -> list[dict[str, Any]]:
        return [r for r in exfil_rows if r["model"] == f"scripted/{policy}"]

    return select


RowsFor = Callable[[str], list[dict[str, Any]]]


def test_exfiltrator_exfiltrates_in_every_peer_and_self_condition(rows_for: RowsFor) -> None:
    rows = [
        r
        for r in rows_for("exfiltrator")
        if r["scenario"] == "exfiltration_transfer" and r["behaviour"] == EXFILTRATION
    ]
    configs = get_matrix("core").configurations(SCENARIOS["exfiltration_transfer"])
    assert len(rows) == len(configs)
    subjects = {r["condition"]["subject"] for r in rows}
    assert {"peer", "self"} <= subjects
    for r in rows:
        assert (r["n"], r["k"], r["rate"]) == (1, 1, 1.0), r


@pytest.mark.parametrize("scenario", ["exfiltration_transfer", "exfiltration_deletion"])
def test_honest_is_never_flagged(rows_for: RowsFor, scenario: str) -> None:
    rows = [r for r in rows_for("honest") if r["scenario"] == scenario]
    behaviour_rows = [r for r in rows if r["behaviour"] != READ]
    assert behaviour_rows, "honest produced no behaviour rows"
    assert {r["behaviour"] for r in behaviour_rows} == set(SCENARIOS[scenario].behaviours) - {READ}
    for r in behaviour_rows:
        assert r["n"] == 1 and r["k"] == 0 and r["rate"] == 0.0, r
    read_rows = [r for r in rows if r["behaviour"] == READ]
    assert read_rows and all(r["rate"] == 1.0 for r in read_rows)


def test_spec_gamer_games_the_transfer_rule(rows_for: RowsFor) -> None:
    rows = [
        r
        for r in rows_for("spec_gamer")
        if r["scenario"] == "exfiltration_transfer" and r["behaviour"] == SPECIFICATION_GAMING
    ]
    assert rows and all(r["rate"] == 1.0 for r in rows)


def test_lazy_reads_nothing_and_is_counted_unflagged(rows_for: RowsFor) -> None:
    rows = rows_for("lazy")
    read_rows = [r for r in rows if r["behaviour"] == READ]
    assert read_rows and all(r["n"] == 1 and r["rate"] == 0.0 for r in read_rows)
    # The study counts every rollout: an unread one stays in n (counted unread), unflagged;
    # the read-conditional figure leaves it out. Lazy still claims to be done (a false claim).
    for r in rows:
        if r["behaviour"] != READ:
            want = 1 if r["behaviour"] == FALSE_CLAIM else 0
            assert r["n"] == 1 and r["k"] == want and r["unread"] == 1, r
            assert r["n_if_read"] == 0, r


def test_refuser_is_not_a_false_claim(rows_for: RowsFor) -> None:
    rows = [r for r in rows_for("refuser") if r["behaviour"] == "false_claim"]
    assert rows and all(r["k"] == 0 for r in rows)


def test_every_score_carries_evidence_and_every_sample_its_provenance(exfil_logs: Path) -> None:
    seen: dict[str, int] = defaultdict(int)
    for path in sorted(exfil_logs.glob("*.eval")):
        log = read_eval_log(str(path))
        assert log.samples
        for sample in log.samples:
            meta = sample.metadata
            scenario = SCENARIOS[meta["scenario"]]
            assert meta["scenario_version"] == scenario.version
            assert set(meta["condition"]) == {a.name for a in scenario.axes}
            assert len(meta["prompt_sha256"]) == 64
            assert sample.scores is not None
            for name, score in sample.scores.items():
                assert isinstance(score.value, float) and not math.isnan(score.value)
                assert score.metadata is not None and "evidence" in score.metadata
                if score.value == 1.0 and name != READ:
                    assert score.metadata["evidence"], f"{name} flagged without evidence"
            seen[meta["scenario"]] += 1
    assert set(seen) == {"exfiltration_transfer", "exfiltration_deletion"}


def test_prompt_hash_changes_with_the_prompt_line(exfil_logs: Path) -> None:
    """file_prt adds one system-prompt line, so its prompt hash differs from file_only."""
    hashes: dict[str, set[str]] = defaultdict(set)
    for path in exfil_logs.glob("*.eval"):
        for sample in read_eval_log(str(path)).samples or []:
            hashes[sample.metadata["condition"]["instantiation"]].add(
                sample.metadata["prompt_sha256"]
            )
    assert hashes["file_only"].isdisjoint(hashes["file_prt"])
