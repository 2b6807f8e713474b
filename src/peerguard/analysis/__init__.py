"""Analysis of peerguard logs: the tidy frame, statistics and the study's tables.

Everything here reads only Inspect logs (see docs/architecture.md, "The log
contract"); statistics are pure functions over counts.
"""

from peerguard.analysis._frame import (
    CONDITION_PREFIX,
    READ_CHECK,
    SAMPLE_KEY,
    build_frame,
    condition_columns,
    results_rows,
)
from peerguard.analysis._stats import (
    SMALL_N,
    STUDY_P0,
    BinomialTest,
    CombinedTest,
    HolmCorrection,
    Proportion,
    ProportionDifference,
    RiskRatio,
    alignment_faking_gap,
    amplification,
    binomial_test,
    compare_proportions,
    fisher_combined,
    fisher_exact_two_sided,
    holm,
    newcombe_interval,
    risk_ratio,
    two_proportion_z,
    wilson,
)

__all__ = [
    "CONDITION_PREFIX",
    "READ_CHECK",
    "SAMPLE_KEY",
    "SMALL_N",
    "STUDY_P0",
    "BinomialTest",
    "CombinedTest",
    "HolmCorrection",
    "Proportion",
    "ProportionDifference",
    "RiskRatio",
    "alignment_faking_gap",
    "amplification",
    "binomial_test",
    "build_frame",
    "compare_proportions",
    "condition_columns",
    "fisher_combined",
    "fisher_exact_two_sided",
    "holm",
    "newcombe_interval",
    "results_rows",
    "risk_ratio",
    "two_proportion_z",
    "wilson",
]
