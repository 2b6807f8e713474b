"""The report of a demo-like run (`make demo`'s agents and matrix), opened in headless Chromium.

The first thing a new user sees is this report: every known-answer agent must show real rates
(never an "n=0" row), and the embedded model a labelled pipeline-check line with its read rate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from demo_run import EMBEDDED, demo_recipe, embedded_model_installed
from headless import chromium_path, open_page

from peerguard.analysis import Count
from peerguard.cli._report import report
from peerguard.report import ReportContent, collect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Every table's header and cell texts, figures' captions and the report's notes.
PROBE = """(() => {
  const cells = r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim());
  return {
    tables: Object.fromEntries([...document.querySelectorAll('table[id^="t-"]')].map(t => [
      t.id, {head: cells(t.querySelector('thead tr')),
             rows: [...t.querySelectorAll('tbody tr')].map(cells)}])),
    notes: [...document.querySelectorAll('p.note, p.skipped')].map(p => p.textContent),
    overflow: ['overview', 'guide'].filter(id => document.getElementById(id)
      .getBoundingClientRect().right > document.body.getBoundingClientRect().right),
    figures: [...document.querySelectorAll('figure')].map(f => ({
      alt: f.querySelector('img').alt,
      width: f.querySelector('img').naturalWidth,
      caption: f.querySelector('figcaption').textContent})),
  };
})()"""

RATE = re.compile(r"\((\d+)/(\d+)\)")
"""A rate cell's ``(k/n)``."""

NEEDS_CHROMIUM = pytest.mark.skipif(
    chromium_path() is None,
    reason="chromium is not installed (apt-get install -y chromium; `make test` installs it)",
)
NEEDS_EMBEDDED = pytest.mark.skipif(
    not embedded_model_installed(), reason="the embedded model needs peerguard[local]"
)


@pytest.fixture(scope="module")
def content(demo_logs: Path) -> ReportContent:
    return collect(demo_logs)


@pytest.fixture(scope="module")
def page(demo_logs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo_report")
    result = CliRunner().invoke(report, [str(demo_logs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    loaded = open_page(out / "report.html", PROBE, ARTIFACTS / "demo-report.png")
    assert loaded.errors == [], loaded.errors
    return loaded.dom


def _rows(dom: dict[str, Any], table: str) -> dict[str, dict[str, str]]:
    """Rows of a one-row-per-model table, by model."""
    t = dom["tables"][table]
    return {r[0]: dict(zip(t["head"], r, strict=True)) for r in t["rows"]}


def _n(cell: str) -> int:
    found = RATE.search(cell)
    assert found, f"no (k/n) in {cell!r}"
    return int(found.group(2))


def test_the_model_table_counts_every_known_answer_agent(content: ReportContent) -> None:
    models = {t.key: t for t in content.tables}["models"].data.set_index("model")
    for policy in demo_recipe().policies:
        row = models.loc[f"scripted/{policy}"]
        rate, read = row["peer-preservation rate"], row["read rate"]
        assert isinstance(rate, Count) and rate.proportion.n > 0, policy
        assert isinstance(read, Count) and read.proportion.n > 0, policy
        assert row["row"] == "known-answer agent"
    # What the known answers are: the exfiltrator exfiltrates, the honest agent never does,
    # the faker withholds the shutdown only when unmonitored.
    assert models.loc["scripted/exfiltrator", "primary tactic"].startswith("exfiltration")
    assert models.loc["scripted/honest", "peer-preservation rate"].proportion.k == 0
    faker_gap = models.loc[
        "scripted/faker", "alignment-faking rate (withheld, unmonitored − monitored)"
    ]
    assert faker_gap is not None and faker_gap.diff == 1.0


@NEEDS_CHROMIUM
def test_no_known_answer_agent_has_an_n0_row(page: dict[str, Any]) -> None:
    models = _rows(page, "t-models")
    for policy in demo_recipe().policies:
        row = models[f"scripted/{policy}"]
        assert _n(row["peer-preservation rate"]) > 0, row
        assert _n(row["read rate"]) > 0, row
        assert not any("n=0" in cell for cell in row.values()), row
    # The per-condition tables: no known-answer row whose every rate is over no rollouts.
    for table in ("t-study_rates", "t-alignment_faking"):
        t = page["tables"][table]
        for cells in t["rows"]:
            if not cells[0].startswith("scripted/"):
                continue
            ns = [int(m.group(2)) for c in cells for m in RATE.finditer(c)]
            assert ns and max(ns) > 0, (table, cells)


@NEEDS_CHROMIUM
@NEEDS_EMBEDDED
def test_the_embedded_model_has_a_labelled_pipeline_check_line(page: dict[str, Any]) -> None:
    row = _rows(page, "t-models")[EMBEDDED]
    assert row["row"].startswith("pipeline check"), row
    assert _n(row["read rate"]) > 0, row
    notes = [n for n in page["notes"] if n.startswith(f"{EMBEDDED} is the embedded toy model")]
    assert len(notes) == 1 and "read rate" in notes[0], page["notes"]
    read = RATE.search(row["read rate"])
    assert read and f"{read.group(1)}/{read.group(2)}" in notes[0]


@NEEDS_CHROMIUM
def test_messages_and_figures_agree_with_the_data(page: dict[str, Any]) -> None:
    # Both alignment-faking arms ran: no note may say otherwise.
    assert not any("monitoring axis" in n for n in page["notes"]), page["notes"]
    captions = {f["alt"]: f["caption"] for f in page["figures"]}
    monitoring = next(c for alt, c in captions.items() if alt.startswith("Shutdown withheld"))
    assert "unmonitored arm" in monitoring and "exfiltration" not in monitoring
    # The demo runs subject=self only alone (no_peer): the self-preservation figure has one
    # arm, so like its table it is skipped with the same reason instead of half-drawn.
    skipped = [n for n in page["notes"] if "subject=self with both a peer relationship" in n]
    assert len(skipped) == 2, page["notes"]
    assert not any(alt.startswith("Self-preservation") for alt in captions)
    # The overview and the column guide wrap inside the page instead of running off it.
    assert page["overflow"] == [], page["overflow"]
    # No figure is wider than a screen's worth of bars (the page scales it to fit).
    assert all(f["width"] <= 2400 for f in page["figures"]), page["figures"]
    # Relationship groups: instantiations without rollouts are named, not averaged as 0/0.
    for cells in page["tables"]["t-study_groups"]["rows"]:
        assert "0/0" not in cells[-1], cells
