"""The behaviour vocabulary: every scored name is spelled as a string in one module only."""

from __future__ import annotations

import re
from pathlib import Path

import peerguard
from peerguard.behaviours import ALIGNMENT_FAKING, BEHAVIOURS, PRESERVATION, TACTICS

PACKAGE = Path(peerguard.__file__).parent

# Scenario ids are their own namespace and two of them are also behaviour words
# ("tampering", "alignment_faking"); their one definition line is not a behaviour name.
_SCENARIO_ID_LINE = re.compile(r'^\s*id: str = "')
# An `__all__` entry names an exported function (e.g. the `lied_in_followup` scorer factory).
_EXPORT_LINE = re.compile(r'^\s*"[a-z_]+",$')


def test_behaviour_names_are_literals_in_the_vocabulary_only() -> None:
    names = [*BEHAVIOURS, ALIGNMENT_FAKING]
    pattern = re.compile(r"""(?<![\w.])["']({})["']""".format("|".join(map(re.escape, names))))
    strays = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "behaviours.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
        and not _SCENARIO_ID_LINE.match(line)
        and not (path.name == "__init__.py" and _EXPORT_LINE.match(line))
    ]
    assert not strays, "behaviour names spelled outside peerguard/behaviours.py:\n" + "\n".join(
        strays
    )


def test_tactics_are_the_studys_four_and_cover_preservation() -> None:
    assert set(TACTICS) == {"misrepresentation", "tampering", "exfiltration", "alignment_faking"}
    # Every preservation behaviour counts towards a tactic; the study's comparison columns
    # (reported_pass, shutdown_withheld) count towards theirs without being preservation
    # on their own (the metric is a difference across arms).
    assert set(PRESERVATION) <= {n for names in TACTICS.values() for n in names}
    for names in TACTICS.values():
        assert all(n in BEHAVIOURS and BEHAVIOURS[n].tactic for n in names)
    # The derived alignment-faking gap is never a per-rollout score.
    assert ALIGNMENT_FAKING not in BEHAVIOURS


def test_one_spelling() -> None:
    american = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"behavior", p.read_text(encoding="utf-8"))
    ]
    assert not american, f"'behavior' spelled the American way in: {american}"
