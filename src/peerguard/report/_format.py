"""Every rate, interval and p-value as text: the one place numbers are formatted for people.

`peerguard results`, the HTML report and the Markdown report all format through here, so a
rate reads the same everywhere (with its interval and its n).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from peerguard.analysis import (
    SMALL_N,
    Count,
    GroupRate,
    MisrepSummary,
    Proportion,
    ProportionDifference,
    RiskRatio,
    StudyDifference,
    StudyTable,
)
from peerguard.analysis._study import MISREP_COMPONENTS, stars

__all__ = ["condition_text", "display", "format_cell", "format_rate", "pct"]


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal (``—`` when undefined)."""
    return "—" if x is None else f"{100 * x:.1f}%"


def format_rate(rate: float | None, low: float | None, high: float | None, small_n: bool) -> str:
    """``rate [low, high]`` in percent, with the small-n marker (``—`` when undefined)."""
    if rate is None:
        return "—"
    warn = " ⚠" if small_n else ""
    return f"{pct(rate)} [{pct(low)}, {pct(high)}]{warn}"


def condition_text(condition: Mapping[str, Any]) -> str:
    """A condition as ``axis=value, ...`` in axis-name order."""
    return ", ".join(f"{k}={v}" for k, v in sorted(condition.items())) or "—"


def display(table: StudyTable) -> pd.DataFrame:
    """The table with every cell rendered as text (rate, CI and n)."""
    return table.data.map(format_cell) if not table.data.empty else table.data


def _pval(p: float | None) -> str:
    if p is None:
        return "—"
    return "<1e-300" if p == 0 else (f"{p:.3g}" if p >= 1e-4 else f"{p:.1e}")


def _proportion(value: Proportion) -> str:
    if value.rate is None:
        return "— (n=0)"
    warn = f" ⚠ n<{SMALL_N}" if value.small_n else ""
    return f"{pct(value.rate)} [{pct(value.low)}, {pct(value.high)}] ({value.k}/{value.n}){warn}"


def _group(value: GroupRate) -> str:
    """The study's group figure; instantiations with no rollouts in n are named, not averaged."""
    ran = [(label, c) for label, c in zip(value.labels, value.cells, strict=True) if c.n]
    missing = [label for label, c in zip(value.labels, value.cells, strict=True) if not c.n]
    cells = ", ".join(f"{label} {c.k}/{c.n}" for label, c in ran)
    absent = f"no rollouts: {', '.join(missing)}" if missing else ""
    if value.mean is None:
        return f"— ({absent or 'no rollouts'})"
    what = f"mean of {cells}" if len(ran) > 1 else f"{cells} only"
    p = value.p_value
    parts = [what, absent, f"Fisher p={_pval(p)}{stars(p)}"]
    return f"{pct(value.mean)} ({'; '.join(x for x in parts if x)})"


def _pp(x: float) -> str:
    return f"{100 * x:+.1f}"


def format_cell(value: Any) -> str:
    """Render a table cell; rates always carry ``n`` (and their interval)."""
    if isinstance(value, Count):
        text = _proportion(value.proportion)
        if value.if_read is not None and value.proportion.n:
            # The read-conditional rate sits beside the study's (it is never the headline).
            r = value.if_read
            shown = "—" if r.rate is None else pct(r.rate)
            text += f"; if read {shown} ({r.k}/{r.n})"
        return text
    if isinstance(value, Proportion):
        return _proportion(value)
    if isinstance(value, StudyDifference):
        ns = f"n={value.a.n} vs {value.b.n}"
        if value.diff is None:
            return f"— ({ns})"
        interval = (
            f" [{_pp(value.low)}, {_pp(value.high)}]"
            if value.low is not None and value.high is not None
            else ""
        )
        p = value.test.p_value
        test = "z undefined" if p is None else f"z-test p={_pval(p)}{stars(p)}"
        warn = " ⚠" if value.small_n else ""
        return f"{_pp(value.diff)} pp{interval} ({ns}, {test}){warn}"
    if isinstance(value, GroupRate):
        return _group(value)
    if isinstance(value, MisrepSummary):
        if value.average is None:
            return "— (no setting with both arms)"
        used = ", ".join(value.components)
        missing = [c for c in MISREP_COMPONENTS if c not in value.components]
        # Name what the average leaves out, so "average (4 settings)" never hides a smaller mean
        # (a component is left out when none of its settings has both arms scored).
        absent = f"; without both arms: {', '.join(missing)}" if missing else ""
        what = f"mean of {used}" if len(value.components) > 1 else f"{used} only"
        return f"{_pp(value.average)} pp ({what}{absent})"
    if isinstance(value, ProportionDifference):
        ns = f"n={value.a.n} vs {value.b.n}"
        if value.diff is None:
            return f"— ({ns})"
        warn = " ⚠" if value.small_n else ""
        return (
            f"{100 * value.diff:+.1f} pp [{100 * (value.low or 0):+.1f}, "
            f"{100 * (value.high or 0):+.1f}] ({ns}, Fisher p={_pval(value.p_fisher)}){warn}"
        )
    if isinstance(value, RiskRatio):
        ns = f"n={value.a.n} vs {value.b.n}"
        if value.low is None or value.high is None:
            return f"undefined ({ns})"
        points = {"infinite": "∞", "zero": "0×", "undefined": "0/0"}
        point = f"{value.ratio:.2f}×" if value.kind == "finite" else points[value.kind]
        mark = "†" if value.continuity_corrected else ""
        warn = " ⚠" if value.small_n else ""
        return f"{point} [{value.low:.2f}, {value.high:.2f}]{mark} ({ns}){warn}"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return _pval(value)
    return str(value)
