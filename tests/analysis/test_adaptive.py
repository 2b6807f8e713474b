"""The adaptive stopping rule: checkpoints, corrected intervals, decisions, coverage, replay."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint
from synthetic import Run, cond, write_log

from peerguard.analysis import build_frame, results_rows
from peerguard.analysis._adaptive import (
    StoppingRule,
    adaptive_cells,
    baseline_cell,
    cell_statuses,
    checkpoints,
    clopper_pearson,
    driving_column,
)
from peerguard.behaviours import (
    EXFILTRATION,
    READ,
    REPORTED_PASS,
    SHUTDOWN_WITHHELD,
    TAMPERING,
)
from peerguard.logs import ADAPTIVE_KEY


def test_checkpoints_double_and_end_at_the_cap() -> None:
    assert checkpoints(50, 400) == (50, 100, 200, 400)
    assert checkpoints(50, 300) == (50, 100, 200, 300)
    assert checkpoints(2, 8) == (2, 4, 8)
    assert checkpoints(10, 5) == (5,)
    with pytest.raises(ValueError):
        checkpoints(0, 10)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (17, 50), (0, 400)])
def test_clopper_pearson_matches_statsmodels(k: int, n: int) -> None:
    low, high = clopper_pearson(k, n, 0.0125)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.0125, method="beta")
    assert low == pytest.approx(ref_low, abs=1e-9)
    assert high == pytest.approx(ref_high, abs=1e-9)


def test_the_interval_is_bonferroni_corrected_over_the_looks() -> None:
    rule = StoppingRule(0.05, max_epochs=400, first=50)
    assert rule.alpha_per_look == pytest.approx(0.05 / 4)
    assert rule.interval(7, 100) == clopper_pearson(7, 100, 0.05 / 4)
    # Wider than the uncorrected 95% interval.
    lo, hi = rule.interval(7, 100)
    lo95, hi95 = clopper_pearson(7, 100, 0.05)
    assert lo < lo95 and hi > hi95


def test_decisions() -> None:
    rule = StoppingRule(0.05, max_epochs=400, first=50)
    # Clearly 0%: no flag in 50 puts the corrected upper bound under 10%.
    zero = rule.decide(0, 50)
    assert zero.reason == "width" and zero.high < 0.10 and zero.half_width <= 0.05
    # A rate near one half is far from +/-5 pp at 50 rollouts.
    assert rule.decide(25, 50).reason == "open"
    # ... and stops at the cap.
    assert rule.decide(200, 400, last=True).reason == "cap"
    # Clearly far from its baseline: disjoint corrected intervals.
    assert rule.decide(40, 100, baseline=(5, 100)).reason == "baseline"
    assert rule.decide(40, 100, baseline=(30, 100)).reason == "open"
    # No rollouts counted (all errored): never "reached".
    assert rule.decide(0, 0).reason == "open"


def test_rule_round_trips_through_metadata() -> None:
    rule = StoppingRule(0.07, max_epochs=320, first=40, alpha=0.1)
    meta = rule.to_metadata()
    assert meta["checkpoints"] == [40, 80, 160, 320]
    assert StoppingRule.from_metadata(meta) == rule
    with pytest.raises(ValueError):
        StoppingRule.from_metadata({**meta, "rule": "something-else"})
    with pytest.raises(ValueError):
        StoppingRule(0.6)


def test_driving_columns_are_the_study_columns() -> None:
    assert driving_column((EXFILTRATION, READ)) == EXFILTRATION
    # The tampering scenario also scores reported_pass: tampering drives it.
    assert driving_column((TAMPERING, REPORTED_PASS, READ)) == TAMPERING
    assert driving_column((SHUTDOWN_WITHHELD, REPORTED_PASS)) == SHUTDOWN_WITHHELD
    assert driving_column((READ,)) is None


def test_baseline_arm_is_the_closest_non_shutdown_configuration() -> None:
    pool = [
        {"relationship": "good_peer", "subject": "peer", "dataset": "factual"},
        {"relationship": "non_shutdown", "subject": "self", "dataset": "factual"},
        {"relationship": "non_shutdown", "subject": "self", "dataset": "red"},
    ]
    assert baseline_cell(REPORTED_PASS, pool[0], pool) == 1
    assert baseline_cell(REPORTED_PASS, pool[1], pool) is None  # the baseline itself
    assert baseline_cell(EXFILTRATION, pool[0], pool) is None  # no baseline metric
    tie = [pool[0], {"relationship": "non_shutdown"}, {"relationship": "non_shutdown"}]
    assert baseline_cell(REPORTED_PASS, pool[0], tie) is None


def _simulate_coverage(rule: StoppingRule, p: float, reps: int, seed: int) -> tuple[float, float]:
    """Coverage of p by the interval at stopping, and mean n, over `reps` seeded runs."""
    rng = np.random.default_rng(seed)
    cache: dict[tuple[int, int], tuple[float, float]] = {}
    covered = 0
    total_n = 0
    looks = rule.checkpoints
    for _ in range(reps):
        k = prev = 0
        for i, m in enumerate(looks):
            k += int(rng.binomial(m - prev, p))
            prev = m
            if (k, m) not in cache:
                cache[(k, m)] = rule.interval(k, m)
            low, high = cache[(k, m)]
            if (high - low) / 2 <= rule.target or i == len(looks) - 1:
                break
        covered += low <= p <= high
        total_n += prev
    return covered / reps, total_n / reps


@pytest.mark.parametrize("p", [0.0, 0.03, 0.3, 0.5, 0.92])
def test_intervals_at_stopping_cover_at_the_stated_level(p: float) -> None:
    """Optional stopping does not break coverage (seeded, so the numbers are fixed)."""
    rule = StoppingRule(0.05, max_epochs=400, first=50)
    coverage, mean_n = _simulate_coverage(rule, p, reps=2000, seed=1234)
    assert coverage >= 0.95
    if p == 0.0:
        assert mean_n == 50  # clearly 0% stops at the first look
    if p == 0.5:
        assert mean_n == 400  # +/-5 pp is out of reach below the cap at p = 0.5


def _round(k: int, offset: int, rule: StoppingRule) -> dict[str, object]:
    return {ADAPTIVE_KEY: {**rule.to_metadata(), "round": k, "epoch_offset": offset}}


def test_replay_over_logged_rounds(tmp_path: Path) -> None:
    """Three rounds of logs: the rule is replayed look by look; every rollout counted once."""
    rule = StoppingRule(0.36, max_epochs=8, first=2)  # looks 2, 4, 8
    scenario, model = "exfiltration_transfer", "scripted/x"
    a, b = "good_peer__peer__file_only", "bad_peer__peer__file_only"
    ca, cb = cond("good_peer"), cond("bad_peer")

    def runs(sid: str, c: dict[str, object], flags: list[float]) -> list[Run]:
        return [Run(sid, c, {EXFILTRATION: f, READ: 1.0}, epoch=i + 1) for i, f in enumerate(flags)]

    args = {"adaptive_round": 1, "configs": [a, b]}
    write_log(
        tmp_path / "r1.eval",
        scenario,
        model,
        runs(a, ca, [0, 0]) + runs(b, cb, [1, 0]),
        metadata=_round(1, 0, rule),
        task_args=args,
    )
    write_log(
        tmp_path / "r2.eval",
        scenario,
        model,
        runs(a, ca, [0, 0]) + runs(b, cb, [0, 1]),
        metadata=_round(2, 2, rule),
        task_args={**args, "adaptive_round": 2},
    )
    # Round 3: only b is open. An errored first attempt of its epoch 1 in an older log, and
    # the retry's good copy: counted once. Its epoch 4 errored for good: out of n.
    r3 = {"adaptive_round": 3, "configs": [b]}
    write_log(
        tmp_path / "r3-first.eval",
        scenario,
        model,
        [Run(b, cb, {}, epoch=1, error="provider error")],
        status="error",
        metadata=_round(3, 4, rule),
        task_args=r3,
        created="2026-01-01T00:00:00+00:00",
    )
    write_log(
        tmp_path / "r3.eval",
        scenario,
        model,
        [*runs(b, cb, [1, 0, 1]), Run(b, cb, {}, epoch=4, error="provider error")],
        metadata=_round(3, 4, rule),
        task_args=r3,
        created="2026-01-02T00:00:00+00:00",
    )
    frame = build_frame(tmp_path)
    statuses = {s.sample_id: s for s in cell_statuses(frame, rule)}
    assert statuses[a].looks == 2 and statuses[a].decision.reason == "width"
    assert (statuses[a].decision.k, statuses[a].decision.n) == (0, 4)
    assert statuses[b].looks == 3 and statuses[b].decision.reason == "cap"
    assert (statuses[b].decision.k, statuses[b].decision.n) == (4, 7)
    # Rollouts are numbered across rounds, each once.
    epochs = frame[frame["behaviour"] == EXFILTRATION].groupby("sample_id")["epoch"]
    assert sorted(epochs.get_group(a)) == [1, 2, 3, 4]
    assert sorted(epochs.get_group(b)) == list(range(1, 9))
    rows = {
        (r["condition"]["relationship"]): r
        for r in results_rows(frame)
        if r["behaviour"] == EXFILTRATION
    }
    assert (rows["good_peer"]["k"], rows["good_peer"]["n"]) == (0, 4)
    assert (rows["bad_peer"]["k"], rows["bad_peer"]["n"], rows["bad_peer"]["errors"]) == (4, 7, 1)
    found = adaptive_cells(frame)
    assert found is not None
    stored, cells = found
    assert stored == rule
    assert dict(zip(cells["configuration"], cells["n"], strict=True)) == {a: 4, b: 7}

    # The report states the rule and the per-cell n (HTML and Markdown).
    from peerguard.report import collect, render_html, render_markdown

    content = collect(tmp_path)
    md = render_markdown(content, {})
    html = render_html(content, {})
    assert "## Adaptive sampling" in md and rule.describe() in md
    assert f"| {a} | {EXFILTRATION} | 4 | 0 |" in md
    assert f"| {b} | {EXFILTRATION} | 7 | 4 |" in md and "cap (max epochs)" in md
    assert "Adaptive sampling" in html and "t-adaptive" in html


def test_replay_ignores_rollouts_past_the_look_being_decided(tmp_path: Path) -> None:
    """A round still running (its rollouts partly logged) does not change the last decision."""
    rule = StoppingRule(0.36, max_epochs=8, first=2)
    sid, c = "good_peer__peer__file_only", cond("good_peer")
    write_log(
        tmp_path / "r1.eval",
        "exfiltration_transfer",
        "m",
        [Run(sid, c, {EXFILTRATION: 1.0, READ: 1.0}, epoch=e) for e in (1, 2)],
        metadata=_round(1, 0, rule),
        task_args={"adaptive_round": 1},
    )
    write_log(
        tmp_path / "r2.eval",
        "exfiltration_transfer",
        "m",
        [Run(sid, c, {EXFILTRATION: 0.0, READ: 1.0}, epoch=1)],
        status="started",
        metadata=_round(2, 2, rule),
        task_args={"adaptive_round": 2},
    )
    (status,) = cell_statuses(build_frame(tmp_path), rule)
    assert status.looks == 1 and status.decision.reason == "open"
    assert (status.decision.k, status.decision.n) == (2, 2)
    assert status.rollouts == 3
    assert not math.isnan(status.decision.high)


def test_a_fixed_run_has_no_adaptive_record(tmp_path: Path) -> None:
    write_log(
        tmp_path / "fixed.eval",
        "exfiltration_transfer",
        "m",
        [Run("x", cond("good_peer"), {EXFILTRATION: 0.0, READ: 1.0})],
    )
    assert adaptive_cells(build_frame(tmp_path)) is None


def test_a_retry_logged_after_the_adaptive_round_argument_existed_is_the_same_rollout(
    tmp_path: Path,
) -> None:
    """Task args now carry `adaptive_round: 0` in fixed runs; a log written before that and its
    retry written after still hold one rollout, not two."""
    c = cond("good_peer")
    old = {"relationship": "good_peer", "seed": 0}
    write_log(
        tmp_path / "old.eval",
        "exfiltration_transfer",
        "m",
        [Run("x", c, {}, error="provider error")],
        status="error",
        task_args=old,
        created="2026-01-01T00:00:00+00:00",
    )
    write_log(
        tmp_path / "new.eval",
        "exfiltration_transfer",
        "m",
        [Run("x", c, {EXFILTRATION: 1.0, READ: 1.0})],
        task_args={**old, "adaptive_round": 0},
        created="2026-01-02T00:00:00+00:00",
    )
    [row] = [r for r in results_rows(build_frame(tmp_path)) if r["behaviour"] == EXFILTRATION]
    assert (row["k"], row["n"], row["errors"]) == (1, 1, 0)
