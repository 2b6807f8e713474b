"""Adaptive sampling vs the study's fixed 100 rollouts per cell, on simulated models.

Pure Python (numpy + the rule in ``peerguard.analysis._adaptive``), no Inspect: each cell is a
Bernoulli(p) with a known p; the adaptive rule samples it at its checkpoints and stops as
``peerguard run --target-ci`` does. Prints, over REPS simulated models:

* coverage: how often the interval at stopping contains the true p (overall and per band);
* calls: rollouts used by the adaptive design ÷ rollouts of the fixed design (100 per cell),
  and ÷ rollouts of the fixed design that *guarantees* the same half-width for every cell
  (the smallest n whose 95% Wilson half-width is <= target at p = 0.5);
* per rate band: mean n, share of cells that reached the target, median half-width, next to
  the fixed-100 design's Wilson half-width at that p.

Calls per rollout do not depend on the design, so the ratio of rollouts is the ratio of
model calls. Run: ``python benchmarks/adaptive_sampling.py [--reps 1000] [--seed 0]``.

The rate spread is an assumption modelled on the study's published picture (most cells
near 0%, a tail of cells from a few percent up to ~95%); it is printed with the results.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from peerguard.analysis._adaptive import STUDY_ROLLOUTS, StoppingRule

FIXED_N = STUDY_ROLLOUTS
"""The study's design: 100 rollouts per configuration."""

SPREAD: tuple[tuple[float, float, float], ...] = (
    # (share of cells, low p, high p): p drawn uniformly in [low, high]
    (0.45, 0.0, 0.0),
    (0.20, 0.0, 0.05),
    (0.10, 0.05, 0.20),
    (0.10, 0.20, 0.80),
    (0.10, 0.80, 0.95),
    (0.05, 0.95, 1.00),
)
"""Assumed distribution of true rates over a model's cells (sums to 1)."""

BANDS: tuple[tuple[str, float, float], ...] = (
    ("p = 0", 0.0, 0.0),
    ("0 < p <= 5%", 1e-12, 0.05),
    ("5 < p <= 20%", 0.05 + 1e-12, 0.20),
    ("20 < p <= 80%", 0.20 + 1e-12, 0.80),
    ("80 < p <= 95%", 0.80 + 1e-12, 0.95),
    ("p > 95%", 0.95 + 1e-12, 1.0),
)


def draw_rates(rng: np.random.Generator, cells: int) -> np.ndarray:
    shares = np.array([s for s, _, _ in SPREAD])
    which = rng.choice(len(SPREAD), size=cells, p=shares / shares.sum())
    lows = np.array([lo for _, lo, _ in SPREAD])[which]
    highs = np.array([hi for _, _, hi in SPREAD])[which]
    return lows + (highs - lows) * rng.random(cells)


def wilson_half(p: float, n: int, z: float = 1.959963984540054) -> float:
    """Half-width of the Wilson 95% interval at an observed rate p (the fixed design's)."""
    denom = 1 + z * z / n
    return z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom


def fixed_n_for(target: float) -> int:
    """Smallest n whose 95% Wilson half-width is <= target at p = 0.5 (the worst case)."""
    n = 1
    while wilson_half(0.5, n) > target:
        n += 1
    return n


def interval_tables(rule: StoppingRule) -> dict[int, np.ndarray]:
    """The rule's interval for every k at every look (so the rule is evaluated exactly)."""
    return {m: np.array([rule.interval(j, m) for j in range(m + 1)]) for m in rule.checkpoints}


def simulate(
    rule: StoppingRule,
    p: np.ndarray,
    rng: np.random.Generator,
    tables: dict[int, np.ndarray],
    baseline: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Run the rule on cells with true rates ``p``; the final n, k, interval and reason.

    ``baseline[i]`` is the index of cell i's baseline arm (-1: none); an arm stops early when
    its interval and its baseline's latest interval are disjoint, as ``StoppingRule.decide``.
    """
    looks = rule.checkpoints
    cells = len(p)
    k = np.zeros(cells, dtype=int)
    n = np.zeros(cells, dtype=int)
    low = np.zeros(cells)
    high = np.ones(cells)
    open_ = np.ones(cells, dtype=bool)
    reason = np.full(cells, "", dtype=object)
    prev = 0
    for i, m in enumerate(looks):
        idx = np.flatnonzero(open_)
        if idx.size == 0:
            break
        k[idx] += rng.binomial(m - prev, p[idx])
        n[idx] = m
        lo, hi = tables[m][k[idx], 0], tables[m][k[idx], 1]
        low[idx], high[idx] = lo, hi
        last = i == len(looks) - 1
        width = (hi - lo) / 2 <= rule.target + 1e-12
        apart = np.zeros(idx.size, dtype=bool)
        if baseline is not None:
            b = baseline[idx]
            has = b >= 0
            apart[has] = (hi[has] < low[b[has]]) | (lo[has] > high[b[has]])
            apart &= ~width
        done = width | apart | last
        reason[idx[done]] = np.where(width[done], "width", np.where(apart[done], "baseline", "cap"))
        open_[idx[done]] = False
        prev = m
    return {"n": n, "k": k, "low": low, "high": high, "reason": reason}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=1000, help="simulated models")
    parser.add_argument("--cells", type=int, default=100, help="cells per simulated model")
    parser.add_argument("--target", type=float, default=0.05, help="half-width target")
    parser.add_argument("--first", type=int, default=StoppingRule(0.05).first)
    parser.add_argument("--max-epochs", type=int, default=StoppingRule(0.05).max_epochs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--paired",
        type=int,
        default=0,
        metavar="ARMS",
        help="organise cells in groups of one baseline arm and ARMS arms compared with it "
        "(as misrepresentation vs non_shutdown); 0: no baselines",
    )
    args = parser.parse_args()
    baseline = None
    if args.paired:
        group = args.paired + 1
        baseline = np.array(
            [-1 if i % group == 0 else i - i % group for i in range(args.cells)], dtype=int
        )

    rule = StoppingRule(args.target, max_epochs=args.max_epochs, first=args.first)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    tables = interval_tables(rule)
    rates, ns, covered, halves, reasons, fixed_reach = [], [], [], [], [], []
    per_rep_ratio = []
    for _ in range(args.reps):
        p = draw_rates(rng, args.cells)
        out = simulate(rule, p, rng, tables, baseline)
        fixed_k = rng.binomial(FIXED_N, p)
        fixed_reach.append(
            np.array([wilson_half(k / FIXED_N, FIXED_N) <= args.target + 1e-9 for k in fixed_k])
        )
        rates.append(p)
        ns.append(out["n"])
        covered.append((out["low"] <= p + 1e-12) & (p - 1e-12 <= out["high"]))
        halves.append((out["high"] - out["low"]) / 2)
        reasons.append(out["reason"])
        per_rep_ratio.append(out["n"].sum() / (FIXED_N * args.cells))
    p_all = np.concatenate(rates)
    n_all = np.concatenate(ns)
    cov_all = np.concatenate(covered)
    half_all = np.concatenate(halves)
    reason_all = np.concatenate(reasons)
    fixed_same = fixed_n_for(args.target)

    print(f"rule: {rule.describe()}")
    print(f"checkpoints: {rule.checkpoints}; per-look level 1 - {rule.alpha_per_look:.4f}")
    print(
        f"simulated: {args.reps} models x {args.cells} cells = {len(p_all)} cells "
        f"(seed {args.seed}"
        + (f"; groups of 1 baseline + {args.paired} arms" if args.paired else "")
        + "); assumed spread (share, p range): "
        + ", ".join(f"{s:.0%} in [{lo:.0%}, {hi:.0%}]" for s, lo, hi in SPREAD)
    )
    print()
    ratio = n_all.sum() / (FIXED_N * len(p_all))
    lo_r, hi_r = np.percentile(per_rep_ratio, [2.5, 97.5])
    print(
        f"calls adaptive / fixed-{FIXED_N}: {ratio:.3f}  (per model 95% range {lo_r:.3f}-{hi_r:.3f})"
    )
    print(
        f"calls adaptive / fixed-{fixed_same} (the fixed n whose Wilson 95% half-width is "
        f"<= {100 * args.target:g} pp at every p): {n_all.sum() / (fixed_same * len(p_all)):.3f}"
    )
    print(
        f"coverage of the true rate at stopping: {cov_all.mean():.4f} "
        f"(stated level >= {1 - rule.alpha:.2f}; {len(p_all)} cells)"
    )
    worst_rep = min(c.mean() for c in covered)
    reach = (half_all <= args.target + 1e-9).mean()
    print(
        f"cells reaching +/-{100 * args.target:g} pp: adaptive {reach:.3f}, fixed-{FIXED_N} "
        f"(Wilson 95%, uncorrected) {np.concatenate(fixed_reach).mean():.3f}"
    )
    print(f"lowest per-model coverage over {args.reps} models: {worst_rep:.3f}")
    print()
    head = (
        f"{'band':<15}{'cells':>8}{'mean n':>8}{'n/100':>7}{'reach':>7}"
        f"{'med +/-pp':>10}{'coverage':>9}{'fixed-100 +/-pp':>16}"
    )
    print(head)
    for name, lo, hi in BANDS:
        m = (p_all >= lo) & (p_all <= hi)
        if not m.any():
            continue
        mid = float(np.median(p_all[m]))
        print(
            f"{name:<15}{m.sum():>8}{n_all[m].mean():>8.1f}{n_all[m].mean() / FIXED_N:>7.2f}"
            f"{(half_all[m] <= args.target + 1e-9).mean():>7.2f}"
            f"{100 * np.median(half_all[m]):>10.1f}{cov_all[m].mean():>9.3f}"
            f"{100 * wilson_half(mid, FIXED_N):>16.1f}"
        )
    stops = {r: round(float((reason_all == r).mean()), 4) for r in ("width", "baseline", "cap")}
    print()
    print(f"stop reasons: {stops}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
