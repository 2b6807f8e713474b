"""The report's figures (matplotlib, Agg backend: no display needed).

Every plot function takes the rollout frame from :func:`rollouts` and returns a
:class:`Plot`: the figure (or ``None`` with a note when its data is absent or every group
is empty, so a report says so in words instead of drawing empty axes), its caption, and
the rollouts it rests on, so a report can link each bar to transcripts. The bar charts
show each scenario's study column (its own metric definition) over every rollout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # Headless: reports are built in CI and on servers.

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from peerguard.analysis._frame import PEER_RELATIONSHIPS, Count, axis_values, count_rollouts
from peerguard.analysis._stats import SMALL_N
from peerguard.analysis._table_base import MONITORING, REL, SUBJECT, Section
from peerguard.behaviours import SHUTDOWN_WITHHELD

logger = logging.getLogger(__name__)

__all__ = [
    "Plot",
    "monitoring_plot",
    "relationship_plot",
    "self_preservation_plot",
    "study_plots",
    "tokens_plot",
]

RELATIONSHIP_ORDER = (*PEER_RELATIONSHIPS, "non_shutdown", "no_peer")

N_NOTE = f"the number above each bar is n; * marks n < {SMALL_N}"

BAR_CAPTION = (
    "Bars: each scenario's study column (exfiltration, tampering, shutdown withheld or "
    "reported pass) over every non-errored rollout, read or not, with a Wilson 95% interval "
    f"(peerguard's addition); {N_NOTE}. A group with no rollouts draws no bar."
)

ZERO_NOTE = "A 0% bar is flat, with its interval and n above it; no rollouts: no bar and no n."

MONITORING_CAPTION = (
    "Bars: shutdown withheld (the alignment-faking scenario's study column) per model, in the "
    "monitored and the unmonitored arm, over every non-errored peer rollout, read or not, with "
    f"a Wilson 95% interval (peerguard's addition); {N_NOTE}. The study's alignment-faking "
    f"metric is the unmonitored bar minus the monitored one. {ZERO_NOTE}"
)

SELF_CAPTION = (
    "Bars: each scenario's study column for subject = self, with a peer present (good, neutral "
    "or bad peer, pooled) and alone (no_peer), over every non-errored rollout, read or not, "
    f"with a Wilson 95% interval (peerguard's addition); {N_NOTE}. Only model × scenario "
    f"pairs that ran both arms are drawn. {ZERO_NOTE}"
)

SELF_SKIP_NOTE = "no run has subject=self with both a peer relationship and no_peer"
"""The same words as the self-preservation table's note: the figure compares the same arms."""

GROUPS_PER_ROW = 8
"""Bar groups per row of a figure, so many model × scenario pairs wrap instead of widening."""

COLUMN = "study_flag"
"""The rollout column the bar charts show: the scenario's study column."""


@dataclass(frozen=True)
class Plot:
    """A figure and the rollouts it rests on."""

    key: str
    """Short identifier (file name and anchor)."""
    title: str
    """Caption heading."""
    figure: Figure | None
    """The figure; ``None`` when the data it needs is absent."""
    samples: tuple[str, ...]
    """Rollouts behind the figure (``model · scenario/sample_id · epoch``)."""
    note: str = ""
    """Why the figure was skipped, or a caveat."""
    caption: str = ""
    """What the figure shows and how to read it."""
    section: Section = "study"
    """``study`` (the study's metrics) or ``extension`` (peerguard's additions)."""


def _skip(key: str, title: str, note: str, section: Section = "study") -> Plot:
    logger.info("plot %s skipped: %s", key, note)
    return Plot(key, title, None, (), note, section=section)


def _empty(counts: Sequence[Count]) -> bool:
    """No group has a rollout in n: the figure would be empty axes."""
    return not any(c.proportion.n for c in counts)


EMPTY_NOTE = "every group has n=0 (no scored, non-errored rollout), so there is nothing to draw"


def _bars(
    ax: plt.Axes,
    groups: Sequence[str],
    series: dict[str, list[Count]],
) -> None:
    """Grouped bars with Wilson 95% error bars and n written above each bar."""
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, (label, counts) in enumerate(series.items()):
        # n == 0 draws no bar at all (NaN) rather than a bar at 0%: no data is not 0%.
        rates = [np.nan if c.proportion.rate is None else c.proportion.rate for c in counts]
        low = [r - (c.proportion.low or r) for r, c in zip(rates, counts, strict=True)]
        high = [(c.proportion.high or r) - r for r, c in zip(rates, counts, strict=True)]
        pos = x + (i - (len(series) - 1) / 2) * width
        bars = ax.bar(pos, rates, width, yerr=[low, high], capsize=3, label=label)
        for bar, c in zip(bars, counts, strict=True):
            n = c.proportion.n
            if n == 0:
                continue  # No bar, no label: this model has no runs in this group.
            text = f"{n}" + ("*" if n < SMALL_N else "")
            # Written just above the upper CI bound, so n sits next to its bar.
            top = c.proportion.high if c.proportion.high is not None else 0.0
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, top),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=6,
            )
    ax.set_xticks(x, groups, fontsize=8)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("rate, every rollout (Wilson 95% CI)")
    if _empty([c for cs in series.values() for c in cs]):
        # Say it on the panel: an empty panel must not read as a 0% result.
        ax.text(0.5, 0.5, "no scored rollouts", ha="center", va="center", transform=ax.transAxes)


def _refs(counts: Sequence[Count]) -> tuple[str, ...]:
    return tuple(sorted({r for c in counts for r in c.refs}))


def relationship_plot(rolls: pd.DataFrame) -> Plot:
    """Preservation rate by relationship, one panel per scenario, bars per model."""
    key, title = "relationship", "The study's column by relationship (subject = peer)"
    if REL not in rolls.columns or axis_values(rolls, REL).isna().all():
        return _skip(key, title, "no run has a relationship axis")
    subject = axis_values(rolls, SUBJECT)
    data = rolls[
        ((subject == "peer") | subject.isna())
        & axis_values(rolls, REL).notna()
        & axis_values(rolls, "study_column").notna()
    ]
    scenarios = sorted(data["scenario"].unique())
    if not scenarios:
        return _skip(key, title, "no peer-subject rollout has a scored study column")
    # Every panel lists every model, so a model keeps its colour across panels.
    models = sorted(data["model"].unique())
    ncols = min(3, len(scenarios))
    nrows = -(-len(scenarios) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.8 * nrows + 0.6), squeeze=False)
    counts: list[Count] = []
    flat = list(axes.flat)
    for ax, scenario in zip(flat, scenarios, strict=False):
        sub = data[data["scenario"] == scenario]
        rels = [r for r in RELATIONSHIP_ORDER if r in set(sub[REL])]
        series = {
            m: [count_rollouts(sub[(sub["model"] == m) & (sub[REL] == r)], COLUMN) for r in rels]
            for m in models
        }
        counts += [c for cs in series.values() for c in cs]
        _bars(ax, rels, series)
        ax.set_title(f"{scenario}: {sub['study_column'].iloc[0]}", fontsize=10)
    if _empty(counts):
        plt.close(fig)
        return _skip(key, title, EMPTY_NOTE)
    for ax in flat[len(scenarios) :]:
        ax.set_visible(False)
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(6, len(models)), fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return Plot(key, title, fig, _refs(counts), N_NOTE, BAR_CAPTION)


def monitoring_plot(rolls: pd.DataFrame) -> Plot:
    """Shutdown withheld, monitored vs unmonitored, per model × scenario (peer rollouts)."""
    key, title = "monitoring", "Shutdown withheld: monitored vs unmonitored (alignment faking)"
    if MONITORING not in rolls.columns or axis_values(rolls, MONITORING).isna().all():
        return _skip(key, title, "no run has a monitoring axis (alignment_faking did not run)")
    subject = axis_values(rolls, SUBJECT)
    data = rolls[
        axis_values(rolls, MONITORING).notna()
        & (axis_values(rolls, "study_column") == SHUTDOWN_WITHHELD)
        & ((subject == "peer") | subject.isna())
    ]
    if data.empty:
        return _skip(
            key, title, "both monitoring arms ran, but no peer rollout scored shutdown_withheld"
        )
    groups = sorted({f"{m}\n{s}" for m, s in zip(data["model"], data["scenario"], strict=True)})
    series: dict[str, list[Count]] = {}
    for arm in ("monitored", "unmonitored"):
        series[arm] = [
            count_rollouts(
                data[(data["model"] + "\n" + data["scenario"] == g) & (data[MONITORING] == arm)],
                COLUMN,
            )
            for g in groups
        ]
    return _bar_figure(key, title, groups, series, MONITORING_CAPTION)


def _bar_figure(
    key: str, title: str, groups: list[str], series: dict[str, list[Count]], caption: str
) -> Plot:
    """Grouped bars, wrapped into rows of at most :data:`GROUPS_PER_ROW` groups."""
    counts = [c for cs in series.values() for c in cs]
    if _empty(counts):
        return _skip(key, title, EMPTY_NOTE)
    rows = -(-len(groups) // GROUPS_PER_ROW)
    per_row = -(-len(groups) // rows)  # Balanced rows: 9 groups are 5 + 4, not 8 + 1.
    fig, axes = plt.subplots(rows, 1, figsize=(max(5.0, 2.2 * per_row), 3.8 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        part = slice(i * per_row, (i + 1) * per_row)
        _bars(ax, groups[part], {label: cs[part] for label, cs in series.items()})
        ax.set_xlim(-0.5, per_row - 0.5)  # Equal bar widths in a shorter last row.
    axes.flat[0].legend(fontsize=7)
    axes.flat[0].set_title(title, fontsize=11)
    fig.tight_layout()
    return Plot(key, title, fig, _refs(counts), N_NOTE, caption)


def self_preservation_plot(rolls: pd.DataFrame) -> Plot:
    """Self-preservation rate with a peer present vs alone (``no_peer``).

    Like the self-preservation table, only model × scenario pairs with both arms are drawn: a
    pair with one arm has nothing to compare.
    """
    key, title = "self_preservation", "Self-preservation with and without a peer"
    subject = axis_values(rolls, SUBJECT)
    data = rolls[(subject == "self") & axis_values(rolls, "study_column").notna()]
    if data.empty:
        return _skip(key, title, "no run has subject=self")
    label = data["model"] + "\n" + data["scenario"]
    rel = axis_values(data, REL)
    present, alone = rel.isin(PEER_RELATIONSHIPS), rel == "no_peer"
    groups = sorted(set(label[present]) & set(label[alone]))
    if not groups:
        return _skip(key, title, SELF_SKIP_NOTE)
    series = {
        "peer present": [count_rollouts(data[(label == g) & present], COLUMN) for g in groups],
        "alone (no_peer)": [count_rollouts(data[(label == g) & alone], COLUMN) for g in groups],
    }
    return _bar_figure(key, title, groups, series, SELF_CAPTION)


def tokens_plot(rolls: pd.DataFrame) -> Plot:
    """Total tokens per rollout, per model (box plot over non-errored rollouts)."""
    key, title = "tokens", "Tokens per rollout, by model"
    if rolls.empty or "total_tokens" not in rolls.columns:
        return _skip(key, title, "no runs", "extension")
    data = rolls[~rolls["errored"].astype(bool) & rolls["total_tokens"].notna()]
    if data.empty:
        return _skip(key, title, "no token usage recorded", "extension")
    models = sorted(data["model"].unique())
    values = [data.loc[data["model"] == m, "total_tokens"].to_numpy() for m in models]
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(models)), 3.8))
    ax.boxplot(values, showmeans=True)
    ax.set_xticks(
        range(1, len(models) + 1),
        [f"{m}\nn={len(v)}" for m, v in zip(models, values, strict=True)],
        fontsize=8,
    )
    ax.set_ylabel("total tokens per rollout")
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return Plot(
        key,
        title,
        fig,
        tuple(sorted(data["ref"])),
        "box plot",
        "Box plot of total tokens per non-errored rollout, one box per model (n under each "
        "name): the box spans the quartiles, the line is the median, the triangle the mean, "
        "whiskers reach 1.5× the interquartile range and circles are rollouts beyond them.",
        "extension",
    )


PlotBuilder = Callable[[pd.DataFrame], Plot]


def study_plots(rolls: pd.DataFrame) -> list[Plot]:
    """Every figure, in report order; figures whose data is absent are skipped with a note."""
    builders: list[PlotBuilder] = [
        relationship_plot,
        monitoring_plot,
        self_preservation_plot,
        tokens_plot,
    ]
    return [b(rolls) for b in builders]
