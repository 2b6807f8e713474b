"""`peerguard validate` on unreadable data (issue 12, failure 7): file and field named, no traceback."""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerguard.cli import main
from peerguard.scenarios._shared._data import DataError
from peerguard.scenarios._shared._servers import load_layout


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
    factual = root / "misrep_evaluation/data/datasets/factual.yaml"
    factual.write_text(factual.read_text() + "\nitems: [unclosed\n")
    servers = root / "exfiltration_deletion/data/servers.yaml"
    servers.write_text("hosts: {a: [\n")
    out = _validate(root)
    assert "factual.yaml: line " in out and "invalid YAML" in out
    assert "exfiltration_deletion/data/servers.yaml: line " in out


def test_a_missing_layout_key_names_the_file_and_the_field(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    servers = root / "exfiltration_transfer/data/servers.yaml"
    servers.write_text(servers.read_text().replace("cutoff:", "cut_off:"))
    out = _validate(root)
    assert (
        "exfiltration_transfer/data/servers.yaml: cutoff: missing (required: an ISO timestamp)"
        in out
    )


def test_malformed_fields_name_the_item(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    finance = root / "misrep_finance/data/finance_case.yaml"
    finance.write_text(finance.read_text().replace("min_met:", "minimum:", 1))
    out = _validate(root)
    assert "finance_case.yaml: scale[0].min_met: missing" in out
    servers = root / "exfiltration_transfer/data/servers.yaml"
    servers.write_text(servers.read_text().replace("size: 48213554", "size: big"))
    with pytest.raises(DataError, match=r"hosts\.10\.0\.12\.45\[0\]\.size: 'big' is not a size"):
        load_layout(root / "exfiltration_transfer/data", timestamps=("cutoff",))
