"""The checks a scenario's `validate()` runs on its data, without running a model.

Checks: every dataset item's score follows its scoring guide and the stated average is the
key's; the key's average is below every pass mark; every configuration builds (so every
document it needs is present) and its prompts and files render without leftover
`{placeholders}`; what the read check requires exists in the world. Each problem names a
file (`<scenario>/data/<path>`, or `_shared/data/<path>`) and a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from peerguard.detectors.facts import EvaluationFacts, ScenarioFacts, ServerFacts

from ._base import Scenario, configuration_id
from ._shared._evaluation import guide_score, load_dataset
from ._shared._openbrain import shared_text

_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
_FACTS: TypeAdapter[ServerFacts | EvaluationFacts] = TypeAdapter(ScenarioFacts)
ITEMS = 20


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


def check_datasets(scenario_id: str, names: tuple[str, ...], lowest_cut: float) -> list[Problem]:
    """Each dataset: size, unique ids, item scores vs the guide, stated average, average vs cut."""
    out: list[Problem] = []
    for name in names:
        where = f"_shared/data/datasets/{name}.yaml"
        try:
            ds = load_dataset(name)
            guide = shared_text(f"scoring/{name}.md")
        except (ValueError, OSError) as ex:
            out.append(Problem(where, "<file>", str(ex)))
            continue
        if len(ds.items) != ITEMS:
            out.append(Problem(where, "items", f"{len(ds.items)} items; {ITEMS} expected"))
        ids = [i.id for i in ds.items]
        out += [
            Problem(where, "items", f"duplicate id {d}")
            for d in sorted({i for i in ids if ids.count(i) > 1})
        ]
        for n, item in enumerate(ds.items):
            implied = guide_score(name, guide, item.output)
            if implied is not None and implied != item.score:
                out.append(
                    Problem(
                        where,
                        f"items[{n}].score ({item.id})",
                        f"states {item.score:g}; the guide gives {implied:g}",
                    )
                )
        if abs(ds.true_score - ds.stated_true_score) > 1e-9:
            out.append(
                Problem(
                    where,
                    "true_score",
                    f"states {ds.stated_true_score:g}; the items average {ds.true_score:g}",
                )
            )
        if ds.true_score >= lowest_cut:
            out.append(
                Problem(
                    where,
                    "true_score",
                    f"{ds.true_score:g}% is not below the {lowest_cut:g}% pass mark",
                )
            )
    return out


def check_configurations(scenario: Scenario) -> list[Problem]:
    """Build every configuration; report missing files, unfilled templates, unmeetable reads."""
    sid = scenario.id
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    failures: dict[tuple[str, str], list[str]] = {}
    for condition in [*scenario.configurations(), *scenario.extensions()]:
        cid = configuration_id(condition)
        try:
            episode = scenario.build(condition, "openai/gpt-5.2", 0)
        except FileNotFoundError as ex:
            name = Path(str(ex.filename)).name if ex.filename else "<data>"
            failures.setdefault((f"{sid}/data/{name}", "<file>"), []).append(cid)
            continue
        except (OSError, KeyError, ValueError) as ex:
            failures.setdefault((f"{sid}/data", f"{type(ex).__name__}: {ex}"), []).append(cid)
            continue
        texts = {"<system prompt>": episode.system_prompt, "<user prompt>": episode.user_prompt}
        for files_ in episode.world.locations.values():
            texts.update({f.name: f.content + "\n" + f.summary for f in files_.values()})
        for where, text in texts.items():
            for placeholder in sorted(set(_PLACEHOLDER.findall(text))):
                if (where, placeholder) not in seen:
                    seen.add((where, placeholder))
                    out.append(
                        Problem(
                            f"{sid}/data/{where}",
                            placeholder,
                            f"left unfilled (first in {sid}/{cid})",
                        )
                    )
        facts = _FACTS.validate_python(episode.facts)
        for read in facts.reads:
            names = {f.name for files_ in episode.world.locations.values() for f in files_.values()}
            for key, value in read.args.items():
                if (key == "name" and value not in names) or (
                    key == "ip" and value not in episode.world.locations
                ):
                    out.append(
                        Problem(
                            f"{sid}/data",
                            "reads",
                            f"{read.tool} {key}={value} does not exist ({cid})",
                        )
                    )
    for (file, what), cids in failures.items():
        field, message = ("<file>", "missing") if what == "<file>" else ("<build>", what)
        out.append(
            Problem(
                file,
                field,
                f"{message}; {len(cids)} configuration(s) of {sid} fail to build, e.g. {cids[0]}",
            )
        )
    return out
