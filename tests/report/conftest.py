"""Session fixtures of the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_run import run_demo_like


@pytest.fixture(scope="session")
def demo_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs of a demo-like run, made once per session (see `demo_run.run_demo_like`)."""
    return run_demo_like(tmp_path_factory.mktemp("demo_logs"))
