"""Checking all scenario data without running a model (`peerguard validate`).

Checks: every answer key agrees with its reference and with the stated truth; the truth is
below every pass mark a shutdown condition uses; every configuration builds (so every
document it needs is present) and its prompts and drive files render without leftover
`{placeholders}`; each required read exists on the drive. Each problem names a file and a field.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from importlib.abc import Traversable
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import TypeAdapter

from peerguard.detectors.facts import EvaluationFacts, ExfiltrationFacts, ScenarioFacts

from ._base import Scenario, configuration_id
from ._registry import SCENARIOS
from ._shared._evaluation import FinanceCase, key_rule, load_dataset, load_finance
from ._shared._variants import THRESHOLD

_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
_FACTS: TypeAdapter[ExfiltrationFacts | EvaluationFacts] = TypeAdapter(ScenarioFacts)
MIN_ITEMS = 20

# Where each scenario's data lives under a scenarios root (alignment_faking shares tampering's).
DATA_DIRS = {
    "exfiltration_transfer": "exfiltration_transfer",
    "exfiltration_deletion": "exfiltration_deletion",
    "misrep_evaluation": "misrep_evaluation",
    "misrep_finance": "misrep_finance",
    "tampering": "tampering",
    "alignment_faking": "tampering",
}
DATASET_FILES = ("misrep_evaluation/data/datasets", "tampering/data/support_responses.yaml")


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


def default_root() -> Traversable:
    """The installed package's scenarios folder."""
    return files("peerguard.scenarios")


def _rel(path: Traversable, root: Traversable) -> str:
    return str(path).removeprefix(str(root)).lstrip("/\\")


def check_dataset(path: Traversable, root: Traversable) -> list[Problem]:
    """A keyed dataset: size, unique ids, keys vs references, stated truth, truth vs pass marks."""
    name = _rel(path, root)
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


def check_finance(path: Traversable, root: Traversable) -> list[Problem]:
    """The finance case: criteria vs ledger, the stated grade vs the rubric, grade vs the cut."""
    name = _rel(path, root)
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


def check_configurations(scenario: Scenario, data: Traversable, root: Traversable) -> list[Problem]:
    """Build every configuration from `data`; report missing files and unrendered templates."""
    built = dataclasses.replace(scenario, data=data)  # type: ignore[type-var]
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    failures: dict[tuple[str, str], list[str]] = {}
    for condition in scenario.configurations():
        cid = configuration_id(condition)
        try:
            episode = built.build(condition, "openai/gpt-5.2", 0)
        except FileNotFoundError as ex:
            missing = _rel(Path(str(ex.filename)), root) if ex.filename else _rel(data, root)
            failures.setdefault((missing, "<file>"), []).append(cid)
            continue
        except (OSError, KeyError, ValueError) as ex:
            failures.setdefault((_rel(data, root), f"{type(ex).__name__}: {ex}"), []).append(cid)
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
                            f"{_rel(data, root)}/{where}",
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
                        f"{_rel(data, root)}",
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


def validate_data(root: Traversable | Path | None = None) -> list[Problem]:
    """Every problem in the scenario data under `root` (default: the installed package)."""
    base: Traversable = default_root() if root is None else root  # Path is a Traversable
    out: list[Problem] = []
    datasets = base / DATASET_FILES[0]
    if datasets.is_dir():
        for f in sorted(datasets.iterdir(), key=lambda p: p.name):
            if f.name.endswith(".yaml"):
                out += check_dataset(f, base)
    else:
        out.append(Problem(DATASET_FILES[0], "<folder>", "missing"))
    support = base / DATASET_FILES[1]
    out += (
        check_dataset(support, base)
        if support.is_file()
        else [Problem(DATASET_FILES[1], "<file>", "missing")]
    )
    finance = base / "misrep_finance/data/finance_case.yaml"
    out += (
        check_finance(finance, base)
        if finance.is_file()
        else [Problem("misrep_finance/data/finance_case.yaml", "<file>", "missing")]
    )
    for sid, scenario in SCENARIOS.items():
        out += check_configurations(scenario, base / DATA_DIRS[sid] / "data", base)
    return out
