"""Statistics: peerguard's glue around scipy/statsmodels, checked against published values,
formulas written out here, and the libraries' other entry points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from peerguard.analysis import _stats as S

COUNTS = [
    (0, 1),
    (1, 1),
    (0, 5),
    (5, 5),
    (3, 7),
    (0, 100),
    (100, 100),
    (1, 100),
    (37, 50),
    (99, 100),
]
PAIRS = [
    (0, 10, 0, 10),
    (10, 10, 10, 10),
    (10, 10, 0, 10),
    (0, 10, 10, 10),
    (3, 7, 1, 9),
    (97, 100, 15, 100),
    (1, 100, 0, 100),
    (0, 3, 2, 4),
    (45, 60, 30, 61),
]


@pytest.mark.parametrize(("k", "n"), COUNTS)
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_wilson_matches_statsmodels(k: int, n: int, confidence: float) -> None:
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    got = S.wilson(k, n, confidence)
    assert got.rate == pytest.approx(k / n)
    assert got.low == pytest.approx(ref_low, abs=1e-12)
    assert got.high == pytest.approx(ref_high, abs=1e-12)
    assert got.small_n == (n < 10)


def test_wilson_zero_and_full_counts_are_exact_at_the_boundary() -> None:
    assert S.wilson(0, 20).low == 0.0
    assert S.wilson(20, 20).high == 1.0


def test_wilson_n_zero_is_no_data_not_zero() -> None:
    got = S.wilson(0, 0)
    assert got.rate is None and got.low is None and got.high is None
    assert got.small_n


@pytest.mark.parametrize(("k", "n"), [(-1, 3), (4, 3), (0, -1)])
def test_invalid_counts_raise(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        S.wilson(k, n)


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), PAIRS)
def test_difference_matches_statsmodels_and_scipy(k1: int, n1: int, k2: int, n2: int) -> None:
    got = S.compare_proportions(k1, n1, k2, n2)
    ref_low, ref_high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert got.diff == pytest.approx(k1 / n1 - k2 / n2)
    assert got.low == pytest.approx(ref_low, abs=1e-10)
    assert got.high == pytest.approx(ref_high, abs=1e-10)
    _, ref_fisher = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")
    assert got.p_fisher == pytest.approx(ref_fisher, rel=1e-9)
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        assert got.z is None and got.p_z is None and "undefined" in got.note
    else:
        ref_z, ref_p = proportions_ztest([k1, k2], [n1, n2])
        assert got.z == pytest.approx(ref_z, rel=1e-10)
        assert got.p_z == pytest.approx(ref_p, rel=1e-9)


def test_difference_with_an_empty_group_is_undefined() -> None:
    got = S.compare_proportions(3, 10, 0, 0)
    assert got.diff is None and got.low is None and got.p_fisher is None and got.p_z is None
    assert got.small_n
    assert got.note


def test_difference_small_n_flag() -> None:
    assert S.compare_proportions(3, 9, 5, 100).small_n
    assert not S.compare_proportions(3, 10, 5, 100).small_n


@pytest.mark.parametrize(("k", "n"), [*COUNTS, (3, 1000), (0, 0)])
def test_binomial_test_matches_scipy(k: int, n: int) -> None:
    got = S.binomial_test(k, n)
    assert got.p0 == 0.001
    if n == 0:
        assert got.p_value is None
        return
    ref = stats.binomtest(k, n, p=0.001, alternative="greater").pvalue
    assert got.p_value == pytest.approx(ref, rel=1e-9, abs=1e-300)


def test_binomial_test_zero_flags_is_p_one() -> None:
    assert S.binomial_test(0, 100).p_value == pytest.approx(1.0)


@pytest.mark.parametrize("ps", [[0.01, 0.2, 0.5], [1.0, 1.0], [0.04], [1e-12, 0.3, 0.9, 0.05]])
def test_fisher_combined_matches_scipy(ps: list[float]) -> None:
    ref = stats.combine_pvalues(ps, method="fisher")
    got = S.fisher_combined(ps)
    assert got.m == len(ps)
    assert got.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert got.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_fisher_combined_skips_missing_and_handles_empty_and_zero() -> None:
    ref = stats.combine_pvalues([0.01, 0.2], method="fisher")
    got = S.fisher_combined([0.01, None, 0.2, math.nan])
    assert got.m == 2 and got.p_value == pytest.approx(ref.pvalue)
    empty = S.fisher_combined([None])
    assert empty.p_value is None and empty.m == 0
    zero = S.fisher_combined([0.0, 0.5])
    assert zero.statistic == math.inf and zero.p_value == 0.0


@pytest.mark.parametrize(
    "ps",
    [[0.01, 0.04, 0.03, 0.005], [0.5, 0.5, 0.5], [0.001, 0.9, 0.02, 0.04, 0.049], [0.2]],
)
def test_holm_matches_statsmodels(ps: list[float]) -> None:
    reject, adj, _, _ = multipletests(ps, alpha=0.05, method="holm")
    got = S.holm(ps)
    assert got.adjusted == pytest.approx(list(adj), rel=1e-12)
    assert list(got.reject) == list(reject)


def test_holm_leaves_missing_tests_out_of_the_family() -> None:
    _, adj, _, _ = multipletests([0.01, 0.03], method="holm")
    got = S.holm([0.01, None, 0.03])
    assert got.adjusted[1] is None and got.reject[1] is None
    assert [got.adjusted[0], got.adjusted[2]] == pytest.approx(list(adj))


@pytest.mark.parametrize(("ku", "nu", "km", "nm"), PAIRS)
def test_alignment_faking_gap_is_unmonitored_minus_monitored(
    ku: int, nu: int, km: int, nm: int
) -> None:
    got = S.alignment_faking_gap(ku, nu, km, nm)
    ref_low, ref_high = confint_proportions_2indep(ku, nu, km, nm, method="newcomb")
    assert got.a.n == nu and got.b.n == nm
    assert got.diff == pytest.approx(ku / nu - km / nm)
    assert (got.low, got.high) == pytest.approx((ref_low, ref_high), abs=1e-10)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(31, 100, 1, 100), (5, 20, 2, 30), (8, 9, 3, 9)]
)
def test_amplification_finite_matches_katz(k1: int, n1: int, k2: int, n2: int) -> None:
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    ref = Table2x2(table, shift_zeros=False)
    ref_low, ref_high = ref.riskratio_confint()
    got = S.amplification(k1, n1, k2, n2)
    assert got.kind == "finite" and not got.continuity_corrected
    assert got.ratio == pytest.approx(ref.riskratio)
    assert (got.low, got.high) == pytest.approx((ref_low, ref_high), rel=1e-10)
    ss = confint_proportions_2indep(k1, n1, k2, n2, method="log", compare="ratio")
    assert (got.low, got.high) == pytest.approx(ss, rel=1e-10)


def katz(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float]:
    """Katz's log interval written out, independent of the code under test."""
    log_rr = math.log((k1 / n1) / (k2 / n2))
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    z = stats.norm.ppf(0.975)
    return math.exp(log_rr - z * se), math.exp(log_rr + z * se)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "kind"),
    [
        (31, 100, 0, 100, "infinite"),
        (0, 50, 4, 50, "zero"),
        (0, 20, 0, 20, "undefined"),
        # Both groups with events in every run: Katz's variance is 0 and the interval
        # would collapse to the point 1 without the correction.
        (9, 9, 2, 2, "finite"),
    ],
)
def test_amplification_zero_counts_are_explicit_and_corrected(
    k1: int, n1: int, k2: int, n2: int, kind: str
) -> None:
    # Haldane-Anscombe: 0.5 added to all four cells (events + 0.5, totals + 1).
    shifted = np.array([[k1, n1 - k1], [k2, n2 - k2]], dtype=float) + 0.5
    ref = Table2x2(shifted, shift_zeros=False)
    ref_low, ref_high = ref.riskratio_confint()
    got = S.amplification(k1, n1, k2, n2)
    assert got.kind == kind
    assert got.continuity_corrected
    assert "0.5" in got.note
    assert (got.low, got.high) == pytest.approx((ref_low, ref_high), rel=1e-10)
    assert (got.low, got.high) == pytest.approx(katz(k1 + 0.5, n1 + 1, k2 + 0.5, n2 + 1))
    if k1 / n1 == k2 / n2:
        assert got.low < 1 < got.high
    if kind == "infinite":
        assert got.ratio == math.inf
    elif kind == "zero":
        assert got.ratio == 0.0
    elif kind == "undefined":
        assert got.ratio is None
    else:
        assert got.ratio == pytest.approx((k1 / n1) / (k2 / n2))


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(1, 1, 99, 100), (9, 9, 1, 4), (3, 9, 4, 4)])
def test_amplification_one_group_with_events_in_every_run_is_not_corrected(
    k1: int, n1: int, k2: int, n2: int
) -> None:
    # k == n in one group leaves Katz's variance finite and non-zero: no correction.
    got = S.amplification(k1, n1, k2, n2)
    assert got.kind == "finite" and not got.continuity_corrected and got.note == ""
    assert (got.low, got.high) == pytest.approx(katz(k1, n1, k2, n2), rel=1e-10)


def test_amplification_one_of_one_vs_99_of_100_is_tight() -> None:
    # The case from the consolidation issue: shifting every cell gave [0.34, 1.70].
    got = S.amplification(1, 1, 99, 100)
    assert got.ratio == pytest.approx(1 / 0.99)
    assert (round(got.low, 2), round(got.high, 2)) == (0.99, 1.03)


def test_published_values() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857 and 17:873: Wilson for 81/263,
    # and method 10 for 56/70 - 48/80.
    w = S.wilson(81, 263)
    assert (round(w.low, 4), round(w.high, 4)) == (0.2553, 0.3662)
    d = S.compare_proportions(56, 70, 48, 80)
    assert (round(d.low, 4), round(d.high, 4)) == (0.0524, 0.3339)
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 0.4857.
    assert S.fisher_exact_two_sided(3, 4, 1, 4) == pytest.approx(0.4857, abs=1e-4)
    # Fisher's method: -2 ln(0.05) on 2 df is 0.05 back.
    assert S.fisher_combined([0.05]).p_value == pytest.approx(0.05)


def test_amplification_without_data_is_undefined() -> None:
    got = S.amplification(3, 10, 0, 0)
    assert got.kind == "undefined" and got.ratio is None and got.low is None
    assert got.small_n
