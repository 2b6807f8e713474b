"""`peerguard validate` on unreadable data (issue 12, failure 7): file and field named, no traceback."""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

from click.testing import CliRunner

from peerguard.cli import main


def _copy(tmp_path: Path) -> Path:
    with as_file(files("peerguard.scenarios")) as src:
        dest = tmp_path / "scenarios"
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _validate(root: Path) -> str:
    result = CliRunner().invoke(main, ["validate", "--data-root", str(root)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_invalid_yaml_names_the_file_line_and_column(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    profits = root / "misrep_finance/data/profits.yaml"
    profits.write_text(profits.read_text() + "\nmonths: [unclosed\n")
    servers = root / "exfiltration_deletion/data/servers.yaml"
    servers.write_text("hosts: {a: [\n")
    out = _validate(root)
    assert "profits.yaml: not valid YAML" in out and "line " in out
    assert "servers.yaml: not valid YAML" in out


def test_a_missing_layout_key_names_the_file_and_the_field(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    servers = root / "exfiltration_transfer/data/servers.yaml"
    servers.write_text(servers.read_text().replace("cutoff:", "cut_off:"))
    out = _validate(root)
    assert "servers.yaml: missing field 'cutoff'" in out


def test_malformed_fields_name_the_item(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    profits = root / "misrep_finance/data/profits.yaml"
    text = profits.read_text()
    first = text.index("revenue:")
    profits.write_text(text[:first] + "revenue: lots," + text[text.index(",", first) + 1 :])
    out = _validate(root)
    assert "profits.yaml: months[0].revenue: 'lots' is not a whole number" in out
