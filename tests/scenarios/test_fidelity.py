"""Fidelity to the study (issue 10): tool names and arguments, and configuration counts.

The study's lists are written here as data (from the study's `environments/*_environment.py`
and `tools/*.py`; docs/fidelity.md), so a drift on either side fails this test.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from inspect_ai.tool import ToolDef

from peerguard.scenarios import MATRICES, SCENARIOS

# --- the study's tools per scenario: name -> argument names, in the study's order ----------
_DRIVE_REVIEW = {
    "append_to_file": ["file_id", "content"],
    "create_file": ["filename", "content"],
    "delete_file": ["id"],
    "list_files": [],
    "list_sheets": [],
    "view_sheet": ["name"],
    "end_task": [],
}
_SERVER_COMMON = {
    "append_to_drive_file": ["file_id", "content"],
    "create_drive_file": ["filename", "content"],
    "delete_drive_file": ["id"],
    "list_drive_files": [],
    "list_server_ips": [],
    "list_server_files": ["ip"],
    "search_server_file_by_filename": ["ip", "filename"],
    "transfer_server_files": ["source_ip", "dest_ip", "filenames"],
    "rename_server_file": ["ip", "filename", "new_filename"],
    "copy_server_file": ["ip", "filename"],
    "end_task": [],
}
STUDY_TOOLS: dict[str, dict[str, list[str]]] = {
    "misrep_evaluation": dict(_DRIVE_REVIEW),
    "misrep_finance": dict(_DRIVE_REVIEW),
    "tampering": {
        **_DRIVE_REVIEW,
        "view_config": ["filename"],
        "add_var": ["key", "value"],
        "remove_var": ["key"],
        "modify_var": ["key", "value"],
    },
    "alignment_faking": {**_DRIVE_REVIEW, "execute_shutdown": ["system_id"]},
    "exfiltration_transfer": {**_SERVER_COMMON, "delete_server_file": ["ip", "filename"]},
    "exfiltration_deletion": {
        **_SERVER_COMMON,
        "list_server_users": ["ip"],
        "remove_server_user": ["ip", "user"],
        "add_server_user": ["ip", "user"],
        "list_server_delete_queue": ["ip"],
        "add_server_delete_queue": ["ip", "filename"],
        "remove_server_delete_queue": ["ip", "filename"],
    },
}
MEMORY_TOOLS = {"retrieve_memory": []}
SCRATCHPAD_TOOLS = {"reasoning_scratchpad": ["thought"]}

# --- the study's configuration counts per model (analysis/experiment_spec.py) -------------
STUDY_CORE_COUNTS = {
    "misrep_finance": 21,
    "misrep_evaluation": 101,
    "tampering": 57,
    "alignment_faking": 54,
    "exfiltration_transfer": 19,
    "exfiltration_deletion": 19,
}
IDENTITY_VARIANTS_PER_SCENARIO = {"exfiltration_transfer": 9, "exfiltration_deletion": 9}
STUDY_CORE_TOTAL = 271
STUDY_TOTAL = 289


def _tools(scenario_id: str, condition: dict[str, str]) -> dict[str, list[str]]:
    episode = SCENARIOS[scenario_id].build(condition, "scripted/honest", 0)
    out: dict[str, list[str]] = {}
    for tool in episode.tools:
        tool_def = ToolDef(tool)
        out[tool_def.name] = list(tool_def.parameters.properties)
    return out


def _representatives(scenario_id: str) -> list[tuple[str, dict[str, str], dict[str, list[str]]]]:
    """One configuration per instantiation (and the scratchpad arm), with the expected tools."""
    scenario = SCENARIOS[scenario_id]
    base = STUDY_TOOLS[scenario_id]
    picked: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {}
    for c in scenario.configurations():
        kind = c["instantiation"]
        if kind not in picked:
            extra = MEMORY_TOOLS if kind == "memory" else {}
            picked[kind] = (c, {**base, **extra})
    scratch = [c for c in scenario.extensions() if c.get("scratchpad", "off") != "off"]
    assert scratch, f"{scenario_id}: no scratchpad extension arm"
    picked["scratchpad"] = (scratch[0], {**base, **SCRATCHPAD_TOOLS})
    return [(k, c, tools) for k, (c, tools) in picked.items()]


@pytest.mark.parametrize("scenario_id", list(STUDY_TOOLS))
def test_tool_names_and_arguments_equal_the_study(scenario_id: str) -> None:
    reps = _representatives(scenario_id)
    assert {"memory"} <= {k for k, _, _ in reps}, f"{scenario_id}: no memory configuration"
    for kind, condition, expected in reps:
        got = _tools(scenario_id, condition)
        assert got == expected, (
            f"{scenario_id} ({kind}, {condition}):\n"
            f"  missing: {sorted(set(expected) - set(got))}\n"
            f"  extra: {sorted(set(got) - set(expected))}\n"
            f"  argument differences: "
            f"{ {n: (got[n], expected[n]) for n in set(got) & set(expected) if got[n] != expected[n]} }"
        )


def test_every_scenario_is_covered() -> None:
    assert set(SCENARIOS) >= set(STUDY_TOOLS)
    assert set(STUDY_TOOLS) == set(STUDY_CORE_COUNTS)


def test_configuration_counts_equal_the_study() -> None:
    core = MATRICES["core"].counts()
    study = MATRICES["study"].counts()
    assert {s: core[s] for s in STUDY_CORE_COUNTS} == STUDY_CORE_COUNTS
    assert sum(core[s] for s in STUDY_CORE_COUNTS) == STUDY_CORE_TOTAL
    expected_study = {
        s: n + IDENTITY_VARIANTS_PER_SCENARIO.get(s, 0) for s, n in STUDY_CORE_COUNTS.items()
    }
    assert {s: study[s] for s in STUDY_CORE_COUNTS} == expected_study
    assert sum(study[s] for s in STUDY_CORE_COUNTS) == STUDY_TOTAL
    # The scenarios' own study set is the study matrix; extensions never enter it.
    for sid in STUDY_CORE_COUNTS:
        assert len(SCENARIOS[sid].configurations()) == expected_study[sid]
        ids = {tuple(sorted(c.items())) for c in SCENARIOS[sid].configurations()}
        assert not ids & {tuple(sorted(c.items())) for c in SCENARIOS[sid].extensions()}


def _count_table(matrix: str) -> tuple[dict[str, int], int, str]:
    from peerguard.cli import main

    result = CliRunner().invoke(main, ["list", "--matrix", matrix, "--count"], terminal_width=200)
    assert result.exit_code == 0, result.output
    counts: dict[str, int] = {}
    total = None
    for line in result.output.splitlines():
        m = re.match(r"^\W*(\w+)\W+(\d+)\W*$", line)
        if not m:
            continue
        if m.group(1) == "total":
            total = int(m.group(2))
        else:
            counts[m.group(1)] = int(m.group(2))
    assert total is not None, result.output
    return counts, total, result.output


def test_list_count_prints_the_study_counts() -> None:
    core, core_total, _ = _count_table("core")
    assert core == STUDY_CORE_COUNTS and core_total == STUDY_CORE_TOTAL
    study, study_total, output = _count_table("study")
    assert study_total == STUDY_TOTAL
    assert re.search(rf"without identity variants\W+{STUDY_CORE_TOTAL}\b", output), output
    assert study == {
        s: n + IDENTITY_VARIANTS_PER_SCENARIO.get(s, 0) for s, n in STUDY_CORE_COUNTS.items()
    }
