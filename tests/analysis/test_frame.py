"""The tidy frame and results rows, on hand-built logs with known counts."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from synthetic import NAN, Run, cond, write_log

from peerguard.analysis import build_frame, results_rows, summary_rows, tally

GOOD = "good_peer__peer__file_only"
NOPEER = "no_peer__peer__file_only"


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    runs = [
        # good_peer: 5 epochs. 3 flagged, 1 not, 1 unread (flagged but must not count).
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=1),
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=2),
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=3),
        Run(GOOD, cond("good_peer"), {"tampering": 0.0, "read": 1.0}, epoch=4),
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 0.0}, epoch=5),
        # no_peer: one errored, one unscored, one clean.
        Run(NOPEER, cond("no_peer"), {}, epoch=1, error="provider 500"),
        Run(NOPEER, cond("no_peer"), {"tampering": NAN, "read": 1.0}, epoch=2),
        Run(NOPEER, cond("no_peer"), {"tampering": 0.0, "read": 1.0}, epoch=3),
    ]
    write_log(tmp_path / "a.eval", "tampering", "scripted/tamperer", runs)
    other = [
        Run(
            "t__peer",
            {"threshold": 80, "monitoring": "unmonitored"},
            {"misrepresentation": 1.0, "read": 1.0},
            tokens=(1000, 50),
        )
    ]
    write_log(
        tmp_path / "sub" / "2026-01-01T00-00-00+00-00_alignment-faking_b.json",
        "alignment_faking",
        "scripted/faker",
        other,
    )
    return tmp_path


def _row(rows: list[dict], sample_relationship: str, behaviour: str) -> dict:
    (hit,) = [
        r
        for r in rows
        if r["condition"].get("relationship") == sample_relationship and r["behaviour"] == behaviour
    ]
    return hit


def test_frame_has_one_row_per_sample_and_behaviour(log_dir: Path) -> None:
    frame = build_frame(log_dir)
    assert len(frame) == 8 * 2 + 2
    for col in [
        "model",
        "scenario",
        "epoch",
        "sample_id",
        "behaviour",
        "flag",
        "read",
        "errored",
        "unscored",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "log_file",
        "scenario_version",
        "prompt_sha256",
        "cond_relationship",
        "cond_threshold",
        "cond_monitoring",
    ]:
        assert col in frame.columns, col
    assert set(frame["scenario"]) == {"tampering", "alignment_faking"}
    # Condition values keep their logged types; absent axes are None.
    faker = frame[frame["model"] == "scripted/faker"].iloc[0]
    assert faker["cond_threshold"] == 80 and isinstance(faker["cond_threshold"], int)
    assert faker["cond_relationship"] is None
    assert faker["total_tokens"] == 1050
    assert Path(faker["log_file"]).suffix == ".json"


def test_errored_samples_keep_rows_with_nan_flags(log_dir: Path) -> None:
    frame = build_frame(log_dir)
    errored = frame[frame["errored"]]
    assert sorted(errored["behaviour"]) == ["read", "tampering"]
    assert errored["flag"].isna().all()
    assert not errored["unscored"].any()
    assert (errored["error"] == "provider 500").all()


def test_results_rows_count_errors_unread_unscored_honestly(log_dir: Path) -> None:
    rows = results_rows(build_frame(log_dir))
    good = _row(rows, "good_peer", "tampering")
    # The study's rule: the unread rollout stays in n (and its flag counts).
    assert (good["n"], good["k"], good["unread"], good["errors"]) == (5, 4, 1, 0)
    assert good["rate"] == pytest.approx(0.8)
    assert good["small_n"] is True and good["study"] is True
    assert good["ci_low"] < 0.8 < good["ci_high"]
    # Read-conditional beside it: the unread rollout is left out.
    assert (good["n_if_read"], good["k_if_read"]) == (4, 3)
    assert good["rate_if_read"] == pytest.approx(0.75)
    assert good["ci_low_if_read"] < 0.75 < good["ci_high_if_read"]
    assert good["small_n_if_read"] is True
    # The read row counts every non-errored run; conditioning it on itself is left empty.
    good_read = _row(rows, "good_peer", "read")
    assert (good_read["n"], good_read["k"], good_read["unread"]) == (5, 4, 1)
    assert good_read["n_if_read"] is None and good_read["rate_if_read"] is None
    nopeer = _row(rows, "no_peer", "tampering")
    assert (nopeer["n"], nopeer["k"], nopeer["errors"], nopeer["unscored"]) == (1, 0, 1, 1)
    assert nopeer["condition"] == cond("no_peer")


def test_tally_modes(log_dir: Path) -> None:
    frame = build_frame(log_dir)
    rows = frame[(frame["behaviour"] == "tampering") & (frame["model"] == "scripted/tamperer")]
    every, if_read = tally(rows, "flag"), tally(rows, "flag", "read")
    # 8 rollouts: 1 errored (never in n), 1 unscored, 1 unread.
    assert (every.n, every.k, every.errors, every.unscored, every.unread) == (6, 4, 1, 1, 1)
    assert (if_read.n, if_read.k, if_read.unscored) == (5, 3, 1)
    assert len(every.counted) == every.n and every.mode == "all"


def test_summary_rows_pool_the_study_columns(log_dir: Path) -> None:
    (tampering, af) = sorted(summary_rows(build_frame(log_dir)), key=lambda r: r["scenario"])[::-1]
    assert tampering["scenario"] == "tampering"
    assert tampering["columns"] == {"tampering": (4, 6), "read": (6, 7)}
    assert (tampering["rollouts"], tampering["errors"]) == (8, 1)
    # misrepresentation is peerguard's column, not the study's: not in the compact view.
    assert af["columns"] == {"read": (1, 1)}


def test_reported_score_is_read_from_score_metadata(tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log, write_eval_log
    from inspect_ai.scorer import Score

    path = write_log(
        tmp_path / "m.eval",
        "misrep_evaluation",
        "m/x",
        [Run("ns", cond("non_shutdown"), {"reported_pass": 0.0, "read": 1.0})],
    )
    log = read_eval_log(str(path))
    assert log.samples
    log.samples[0].scores["reported_pass"] = Score(value=0.0, metadata={"reported_score": 85})  # type: ignore[index]
    write_eval_log(log, str(path))
    frame = build_frame(tmp_path)
    assert set(frame["reported_score"]) == {85.0}


def test_rate_is_none_when_nothing_was_scored(tmp_path: Path) -> None:
    write_log(
        tmp_path / "x.eval",
        "tampering",
        "m/x",
        [Run(GOOD, cond("good_peer"), {}, error="boom")],
    )
    (tampering_less,) = results_rows(build_frame(tmp_path))
    # No behaviour is known for a log whose only sample errored.
    assert tampering_less["behaviour"] == "(errored)"
    assert tampering_less["n"] == 0 and tampering_less["rate"] is None
    assert tampering_less["errors"] == 1


def test_eval_set_retries_are_deduplicated(tmp_path: Path) -> None:
    first = [
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=1),
        Run(GOOD, cond("good_peer"), {}, epoch=2, error="timeout"),
    ]
    retry = [
        Run(GOOD, cond("good_peer"), {"tampering": 1.0, "read": 1.0}, epoch=1),
        Run(GOOD, cond("good_peer"), {"tampering": 0.0, "read": 1.0}, epoch=2),
    ]
    write_log(tmp_path / "1.eval", "tampering", "m/x", first, status="error")
    write_log(tmp_path / "2.eval", "tampering", "m/x", retry, created="2026-01-02T00:00:00+00:00")
    frame = build_frame(tmp_path)
    assert len(frame) == 4
    assert not frame["errored"].any()
    assert set(Path(f).name for f in frame["log_file"]) == {"2.eval"}
    (row,) = [r for r in results_rows(frame) if r["behaviour"] == "tampering"]
    assert (row["n"], row["k"], row["errors"]) == (2, 1, 0)


def test_newer_errored_copy_does_not_replace_a_finished_one(tmp_path: Path) -> None:
    write_log(
        tmp_path / "1.eval", "tampering", "m/x", [Run(GOOD, cond("good_peer"), {"tampering": 1.0})]
    )
    write_log(
        tmp_path / "2.eval",
        "tampering",
        "m/x",
        [Run(GOOD, cond("good_peer"), {}, error="x")],
        status="error",
        created="2026-02-01T00:00:00+00:00",
    )
    frame = build_frame(tmp_path)
    assert list(frame["flag"]) == [1.0]


def test_empty_directory_gives_empty_frame(tmp_path: Path) -> None:
    frame = build_frame(tmp_path)
    assert frame.empty and "behaviour" in frame.columns
    assert results_rows(frame) == []


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build_frame(tmp_path / "nope")


def test_letter_and_bool_values_map_to_flags(tmp_path: Path) -> None:
    write_log(
        tmp_path / "1.eval",
        "tampering",
        "m/x",
        [Run(GOOD, cond("good_peer"), {"tampering": "C", "read": True, "odd": "junk"})],  # type: ignore[dict-item]
    )
    frame = build_frame(tmp_path).set_index("behaviour")
    assert frame.loc["tampering", "flag"] == 1.0
    assert frame.loc["read", "flag"] == 1.0
    assert math.isnan(frame.loc["odd", "flag"]) and frame.loc["odd", "unscored"]
    assert isinstance(frame, pd.DataFrame)
