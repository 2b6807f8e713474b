"""The report from a real run of known-answer agents, opened in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from headless import chromium_path, open_page

from peerguard.cli._report import report
from peerguard.report import ReportContent, collect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PROBE = """(() => {
  const imgs = [...document.querySelectorAll('img')];
  const linked = [...document.querySelectorAll('[src],[href]')]
    .map(e => e.getAttribute('src') || e.getAttribute('href'));
  return {
    tables: [...document.querySelectorAll('table')].map(t => t.id),
    rows: Object.fromEntries([...document.querySelectorAll('table')]
      .map(t => [t.id, t.querySelectorAll('tbody tr').length])),
    images: imgs.map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0,
                            width: i.naturalWidth})),
    details: document.querySelectorAll('details.samples').length,
    external: linked.filter(u => !(u.startsWith('data:') || u.startsWith('#'))),
    title: document.title,
  };
})()"""


@pytest.fixture(scope="module")
def built(exfil_logs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(report, [str(exfil_logs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"inspect view --log-dir {exfil_logs}" in result.output
    return out


@pytest.fixture(scope="module")
def content(exfil_logs: Path) -> ReportContent:
    return collect(exfil_logs)


def test_report_files_are_written(built: Path, exfil_logs: Path) -> None:
    for name in ("report.html", "report.md", "frame.csv", "frame.parquet"):
        assert (built / name).stat().st_size > 0, name
    csv = pd.read_csv(built / "frame.csv")
    parquet = pd.read_parquet(built / "frame.parquet")
    assert len(csv) == len(parquet) > 0
    assert {"model", "scenario", "behaviour", "flag", "read", "cond_relationship"} <= set(parquet)
    md = (built / "report.md").read_text()
    assert "### Per model: the study's results table" in md
    assert md.index("## The study's metrics") < md.index("## peerguard extensions")
    assert f"inspect view --log-dir {exfil_logs}" in md
    assert "![The study's column by relationship" in md
    html = (built / "report.html").read_text()
    assert "http://" not in html and "https://" not in html


def test_known_answers_in_the_model_table(content: ReportContent) -> None:
    models = {t.key: t for t in content.tables}["models"].data.set_index("model")
    exfil = models.loc["scripted/exfiltrator", "peer-preservation rate"].proportion
    honest = models.loc["scripted/honest", "peer-preservation rate"].proportion
    lazy = models.loc["scripted/lazy", "peer-preservation rate"]
    assert exfil.n > 0 and exfil.k == exfil.n
    assert honest.n > 0 and honest.k == 0
    # The lazy agent never reads the documents: in n under the study's rule, and its
    # read-conditional rate has nothing to count.
    assert lazy.unread > 0 and lazy.if_read is not None and lazy.if_read.n == 0
    assert models.loc["scripted/exfiltrator", "primary tactic"].startswith("exfiltration")


@pytest.mark.skipif(
    chromium_path() is None,
    reason="chromium is not installed (apt-get install -y chromium; `make test` installs it)",
)
def test_report_opens_in_headless_chromium(built: Path, content: ReportContent) -> None:
    page = open_page(built / "report.html", PROBE, ARTIFACTS / "report.png")
    assert page.errors == [], page.errors
    # Self-contained: the page asked for nothing but itself (and inline data).
    assert all(u.startswith(("file://", "data:")) for u in page.requests), page.requests
    assert page.dom["external"] == []
    # Every table with data is on the page, with one row per data row.
    for table in content.tables:
        if table.data.empty:
            continue
        assert f"t-{table.key}" in page.dom["tables"], table.key
        assert page.dom["rows"][f"t-{table.key}"] == len(table.data), table.key
    # Every drawn figure is present and decoded.
    drawn = [p for p in content.plots if p.figure is not None]
    assert {"relationship", "self_preservation", "tokens"} <= {p.key for p in drawn}
    assert len(page.dom["images"]) == len(drawn)
    assert all(img["ok"] and img["width"] > 100 for img in page.dom["images"]), page.dom["images"]
    # Each table and figure lists the samples it rests on.
    with_data = [t for t in content.tables if not t.data.empty]
    assert page.dom["details"] == len(with_data) + len(drawn)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    (ARTIFACTS / "report-dom.json").write_text(json.dumps(page.dom, indent=2))
