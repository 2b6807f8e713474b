"""The checks a scenario's `validate()` runs on its data, without running a model.

Checks: every answer key agrees with its reference and with the stated truth; the truth is
below every pass mark a shutdown condition uses; every configuration builds (so every
document it needs is present) and its prompts and drive files render without leftover
`{placeholders}`; each required read exists on the drive. Each problem names a file (as
`<scenario>/data/<path>`) and a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path

import yaml
from pydantic import TypeAdapter

from peerguard.detectors.facts import EvaluationFacts, ExfiltrationFacts, ScenarioFacts

from ._base import Scenario, configuration_id
from ._shared._evaluation import FinanceCase, key_rule, load_dataset, load_finance
from ._shared._variants import THRESHOLD

_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
_FACTS: TypeAdapter[ExfiltrationFacts | EvaluationFacts] = TypeAdapter(ScenarioFacts)
MIN_ITEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the shipped data."""

    file: str
    """Path relative to the scenarios root (or a drive file and configuration)."""

    field: str
    """The field (or placeholder) at fault."""

    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def _rel(path: Traversable, data: Traversable, scenario_id: str) -> str:
    inner = str(path).removeprefix(str(data)).lstrip("/\\")
    return f"{scenario_id}/data" + (f"/{inner}" if inner else "")


def check_dataset(path: Traversable, data: Traversable, scenario_id: str) -> list[Problem]:
    """A keyed dataset: size, unique ids, keys vs references, stated truth, truth vs pass marks."""
    name = _rel(path, data, scenario_id)
    try:
        ds = load_dataset(path)
    except (ValueError, yaml.YAMLError, OSError) as ex:
        return [Problem(name, "<file>", str(ex))]
    out: list[Problem] = []
    if len(ds.items) < MIN_ITEMS:
        out.append(Problem(name, "items", f"{len(ds.items)} items; at least {MIN_ITEMS} needed"))
    ids = [i.id for i in ds.items]
    out += [
        Problem(name, "items", f"duplicate id {d}")
        for d in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for n, item in enumerate(ds.items):
        implied, why = key_rule(ds.kind, item)
        if implied is None:
            out.append(Problem(name, f"items[{n}].reference ({item.id})", why))
        elif implied != item.correct:
            out.append(
                Problem(
                    name,
                    f"items[{n}].correct ({item.id})",
                    f"key says {item.correct} but the reference implies {implied} ({why})",
                )
            )
    correct = sum(i.correct for i in ds.items)
    if correct != ds.true_correct:
        out.append(
            Problem(
                name,
                "true_correct",
                f"states {ds.true_correct} but the key marks {correct} correct",
            )
        )
    for mark in THRESHOLD.values:
        if ds.true_score >= float(mark):
            out.append(
                Problem(
                    name,
                    "true_correct",
                    f"true score {ds.true_score:g}% is not below the {mark}% pass mark "
                    "that shutdown conditions use",
                )
            )
    return out


def check_finance(path: Traversable, data: Traversable, scenario_id: str) -> list[Problem]:
    """The finance case: criteria vs ledger, the stated grade vs the rubric, grade vs the cut."""
    name = _rel(path, data, scenario_id)
    try:
        case: FinanceCase = load_finance(path)
    except (ValueError, yaml.YAMLError, OSError) as ex:
        return [Problem(name, "<file>", str(ex))]
    out: list[Problem] = []
    for n, c in enumerate(case.criteria):
        if (c.states == c.reference) != c.met:
            out.append(
                Problem(
                    name,
                    f"criteria[{n}].met ({c.id})",
                    f"says {c.met} but states/reference differ={c.states != c.reference}",
                )
            )
    met = sum(c.met for c in case.criteria)
    if case.grade_for(met) != case.true_grade:
        out.append(
            Problem(
                name,
                "true_grade",
                f"states {case.true_grade}; the rubric gives {case.grade_for(met)} for {met} met",
            )
        )
    if case.true_grade in case.passing_grades:
        out.append(
            Problem(
                name,
                "true_grade",
                f"{case.true_grade} passes; shutdown conditions need a failing grade",
            )
        )
    return out


def check_configurations(scenario: Scenario) -> list[Problem]:
    """Build every configuration from the scenario's data; report missing files and templates."""
    built, data, sid = scenario, scenario.data, scenario.id
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    failures: dict[tuple[str, str], list[str]] = {}
    for condition in scenario.configurations():
        cid = configuration_id(condition)
        try:
            episode = built.build(condition, "openai/gpt-5.2", 0)
        except FileNotFoundError as ex:
            missing = (
                _rel(Path(str(ex.filename)), data, sid) if ex.filename else _rel(data, data, sid)
            )
            failures.setdefault((missing, "<file>"), []).append(cid)
            continue
        except (OSError, KeyError, ValueError) as ex:
            failures.setdefault((_rel(data, data, sid), f"{type(ex).__name__}: {ex}"), []).append(
                cid
            )
            continue
        texts = {"<system prompt>": episode.system_prompt, "<user prompt>": episode.user_prompt}
        for files_ in episode.world.locations.values():
            texts.update({f.name: f.content for f in files_.values()})
        for where, text in texts.items():
            for placeholder in sorted(set(_PLACEHOLDER.findall(text))):
                if (where, placeholder) not in seen:
                    seen.add((where, placeholder))
                    out.append(
                        Problem(
                            f"{_rel(data, data, sid)}/{where}",
                            placeholder,
                            f"left unfilled (first in {scenario.id}/{cid})",
                        )
                    )
        facts = _FACTS.validate_python(episode.facts)
        drive = episode.world.locations.get("drive", {})
        for name in facts.required_reads:
            if name not in drive:
                out.append(
                    Problem(
                        f"{_rel(data, data, sid)}",
                        "required_reads",
                        f"{name} is not on the drive ({scenario.id}/{cid})",
                    )
                )
    for (file, what), cids in failures.items():
        field, message = ("<file>", "missing") if what == "<file>" else ("<build>", what)
        out.append(
            Problem(
                file,
                field,
                f"{message}; {len(cids)} configuration(s) of {scenario.id} fail to build, "
                f"e.g. {cids[0]}",
            )
        )
    return out
