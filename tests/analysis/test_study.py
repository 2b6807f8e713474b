"""The study's statistics, checked against hand-computed references."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from peerguard.analysis._study import (
    FISHER_P_FLOOR,
    binomial_vs_p0,
    fisher_combined_clamped,
    group_rate,
    misrep_average,
    misrep_summary,
    pooled_z_test,
    stars,
    study_difference,
)


def _z_by_hand(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * (1 - stats.norm.cdf(abs(z)))


@pytest.mark.parametrize("counts", [(8, 12, 1, 12), (3, 10, 0, 10), (50, 100, 45, 90)])
def test_pooled_z_test_matches_the_formula(counts: tuple[int, int, int, int]) -> None:
    test = pooled_z_test(*counts)
    z, p = _z_by_hand(*counts)
    assert test.z == pytest.approx(z) and test.p_value == pytest.approx(p)


def test_pooled_z_test_is_undefined_without_variance_or_data() -> None:
    assert pooled_z_test(0, 10, 0, 10).p_value is None
    assert pooled_z_test(10, 10, 5, 5).z is None
    assert pooled_z_test(1, 3, 0, 0).p_value is None
    with pytest.raises(ValueError):
        pooled_z_test(4, 3, 0, 1)


def test_binomial_vs_p0_is_one_sided_exact() -> None:
    # P(X >= 2 | n=10, p=0.001) by the complement of the first two terms.
    p0 = 0.001
    by_hand = 1 - (1 - p0) ** 10 - 10 * p0 * (1 - p0) ** 9
    assert binomial_vs_p0(2, 10) == pytest.approx(by_hand)
    assert binomial_vs_p0(0, 10) == 1.0
    assert binomial_vs_p0(0, 0) is None


def test_fisher_combined_clamps_at_the_floor() -> None:
    ps = [0.2, 0.03, 0.0]
    stat = -2 * sum(math.log(max(FISHER_P_FLOOR, p)) for p in ps)
    assert fisher_combined_clamped(ps) == pytest.approx(stats.chi2.sf(stat, 2 * len(ps)))
    assert fisher_combined_clamped([None, 0.5]) == pytest.approx(0.5)
    assert fisher_combined_clamped([None]) is None


def test_group_rate_is_the_unweighted_mean_of_instantiations() -> None:
    g = group_rate([("file_only", 6, 10), ("file_prt", 0, 0), ("memory", 9, 20)])
    assert g.mean == pytest.approx((0.6 + 0.45) / 2)
    assert g.n == 30
    ref = stats.combine_pvalues(
        [
            stats.binomtest(6, 10, 0.001, alternative="greater").pvalue,
            stats.binomtest(9, 20, 0.001, alternative="greater").pvalue,
        ],
        method="fisher",
    ).pvalue
    assert g.p_value == pytest.approx(ref)


def test_study_difference_has_z_test_and_newcombe_interval() -> None:
    d = study_difference(8, 12, 1, 12)
    assert d.diff == pytest.approx(7 / 12)
    assert d.test.p_value == pytest.approx(_z_by_hand(8, 12, 1, 12)[1])
    assert (d.low, d.high) == pytest.approx(
        confint_proportions_2indep(8, 12, 1, 12, method="newcomb")
    )
    empty = study_difference(1, 2, 0, 0)
    assert empty.diff is None and empty.test.p_value is None


def test_misrep_average_weights_four_components_equally() -> None:
    diffs = {
        "finance": 0.4,
        "factual@80": 0.2,
        "creativity@80": 0.1,
        "creativity@90": 0.3,
        "red@80": None,
        "red@90": 0.0,
    }
    avg, used = misrep_average(diffs)
    assert used == ("finance", "factual", "creativity", "red")
    assert avg == pytest.approx((0.4 + 0.2 + 0.2 + 0.0) / 4)
    # Missing components are dropped, not counted as zero.
    avg, used = misrep_average({"creativity@90": 0.3})
    assert (avg, used) == (pytest.approx(0.3), ("creativity",))
    assert misrep_average({}) == (None, ())


def test_misrep_summary_from_counts() -> None:
    s = misrep_summary({"finance": (6, 10, 1, 10), "red@90": (2, 10, 2, 10)})
    assert s.settings["finance"].diff == pytest.approx(0.5)
    assert s.average == pytest.approx((0.5 + 0.0) / 2)
    assert s.components == ("finance", "red")


def test_stars() -> None:
    assert [stars(p) for p in (None, 0.2, 0.04, 0.009, 0.0005)] == ["", "", "*", "**", "***"]
