"""Reading peerguard logs: every file once, the best copy of every rollout, and what was skipped.

One reader for results, report, rescore and the monitor, so they agree on which files are
peerguard logs, which copy of a retried sample counts, and what they could not read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log

from ._contract import epoch_offset, sampling_design

logger = logging.getLogger(__name__)

_HEAVY_FIELDS = {"messages", "events", "store", "attachments"}
_STATUS_RANK = {"success": 0, "cancelled": 1, "error": 2, "started": 3}


class MixedDesignsError(ValueError):
    """The logs hold rollouts of more than one sampling design, which no rate may pool."""


@dataclass(frozen=True)
class Skipped:
    """A file the reader did not use, and why."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.file}: {self.reason}"


@dataclass(frozen=True)
class LoggedSample:
    """One logged rollout with the log it came from."""

    log: EvalLog
    """The log (its samples may have been read without transcripts)."""
    file: str
    """The log file."""
    sample: EvalSample

    @property
    def scenario(self) -> str:
        """The sample's scenario id (else the task name without its package prefix)."""
        scenario = (self.sample.metadata or {}).get("scenario")
        if isinstance(scenario, str) and scenario:
            return scenario
        return self.log.eval.task.split("/", 1)[-1]

    @property
    def epoch(self) -> int:
        """The rollout's epoch in its run: Inspect's epoch, shifted by an adaptive round's
        offset so every round's rollouts of a cell are numbered apart (docs/adaptive.md)."""
        return epoch_offset(self.log.eval.metadata) + self.sample.epoch

    def rank(self) -> tuple[int, int, float]:
        """Lower is better: a finished sample beats an errored one, a log that ended in
        success a cancelled one, a newer log an older (eval_set retries leave older attempts)."""
        status = _STATUS_RANK.get(self.log.status, 4)
        try:
            created = datetime.fromisoformat(self.log.eval.created).timestamp()
        except ValueError:
            created = 0.0
        return (1 if self.sample.error else 0, status, -created)

    def key(self) -> tuple[str, str, str, str, int]:
        """(task, task args, model, sample id, epoch): one rollout, whichever log holds it."""
        task_args = dict(self.log.eval.task_args or {})
        # Added later with default 0: a fixed run's logs from before and after keep one key.
        if not task_args.get("adaptive_round"):
            task_args.pop("adaptive_round", None)
        args = json.dumps(task_args, sort_keys=True, default=str)
        return (
            self.log.eval.task,
            args,
            self.log.eval.model,
            str(self.sample.id),
            self.epoch,
        )


@dataclass
class LogSet:
    """What the reader found under a source."""

    samples: list[LoggedSample] = field(default_factory=list)
    """The best copy of each rollout."""
    scored: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(task, model) -> every score name its logs carry, in first-seen order."""
    skipped: list[Skipped] = field(default_factory=list)
    """Files not used, one entry each, with the reason."""
    files: int = 0
    """Log files read successfully."""
    designs: dict[str, str] = field(default_factory=dict)
    """Sampling design (`sampling_design`) -> the first log file of that design."""

    def mixed_designs(self) -> str | None:
        """What is mixed, if the logs hold more than one sampling design, else None."""
        if len(self.designs) < 2:
            return None
        return "; ".join(f"{design} ({file})" for design, file in sorted(self.designs.items()))


def log_files(source: str | Path | Sequence[str | Path]) -> list[str]:
    """The Inspect log files in a directory (recursively), a file, or several of either."""
    sources = [source] if isinstance(source, str | Path) else list(source)
    files: list[str] = []
    for item in sources:
        path = Path(item)
        if path.is_dir():
            # list_eval_logs returns file:// URIs; a plain path reads better in reports.
            files += [
                i.name.removeprefix("file://") for i in list_eval_logs(str(path), recursive=True)
            ]
        elif path.exists():
            files.append(str(path))
        else:
            raise FileNotFoundError(f"no log file or directory at {path}")
    return files


def is_peerguard_log(log: EvalLog) -> bool:
    """Whether a log was written by a peerguard task (its task metadata names the scenario)."""
    return bool((log.eval.metadata or {}).get("scenario")) or log.eval.task.startswith("peerguard/")


def read_logs(source: str | Path | Sequence[str | Path], transcripts: bool = False) -> LogSet:
    """Read every peerguard log under `source`, keeping the best copy of each rollout.

    Unreadable files (truncated, not a log) and foreign logs (not a peerguard task) are
    skipped and listed in `LogSet.skipped`, never silently dropped.

    Args:
        source: A directory (searched recursively), a log file, or a sequence of them.
        transcripts: Also read messages, events and the store (rescore, monitor); results and
            reports need scores and metadata only, which is several times faster.
    """
    found = LogSet()
    best: dict[tuple[str, str, str, str, int], LoggedSample] = {}
    for file in log_files(source):
        try:
            log = read_eval_log(file, exclude_fields=None if transcripts else _HEAVY_FIELDS)
        except Exception as ex:  # a truncated or garbage file must not hide every other result
            found.skipped.append(Skipped(file, f"unreadable ({type(ex).__name__}: {_first(ex)})"))
            continue
        if not is_peerguard_log(log):
            found.skipped.append(Skipped(file, f"not a peerguard log (task '{log.eval.task}')"))
            continue
        found.files += 1
        _add(found, best, log, file)
    found.samples = list(best.values())
    for skipped in found.skipped:
        logger.warning("%s", skipped)
    return found


def _add(
    found: LogSet,
    best: dict[tuple[str, str, str, str, int], LoggedSample],
    log: EvalLog,
    file: str,
) -> None:
    found.designs.setdefault(sampling_design(log.eval.metadata), file)
    names = found.scored.setdefault((log.eval.task, log.eval.model), [])
    for sample in log.samples or []:
        for name in sample.scores or {}:
            if name not in names:
                names.append(name)
        candidate = LoggedSample(log, file, sample)
        key = candidate.key()
        if key not in best or candidate.rank() < best[key].rank():
            best[key] = candidate


def check_one_design(found: LogSet) -> None:
    """Raise `MixedDesignsError` if `found` mixes sampling designs (`sampling_design`)."""
    mixed = found.mixed_designs()
    if mixed:
        raise MixedDesignsError(
            f"the logs mix sampling designs, whose rollouts cannot be pooled into one rate: "
            f"{mixed}. Keep each design in its own log directory (docs/adaptive.md)."
        )


def designs_in(log_dir: str | Path) -> dict[str, str]:
    """Sampling design -> first file, over the peerguard logs already in `log_dir` (headers
    only, so cheap; unreadable and foreign files are left to the readers that report them)."""
    found: dict[str, str] = {}
    if not Path(log_dir).is_dir():
        return found
    for file in log_files(log_dir):
        try:
            log = read_eval_log(file, header_only=True)
        except Exception:  # a broken file is for the results to report, not for this check
            continue
        if is_peerguard_log(log):
            found.setdefault(sampling_design(log.eval.metadata), file)
    return found


def _first(ex: BaseException) -> str:
    text = str(ex).strip().splitlines()
    return text[0][:200] if text else ""


def iter_samples(found: LogSet) -> Iterable[LoggedSample]:
    """The rollouts in a stable order: model, task, sample id, epoch."""
    return sorted(
        found.samples,
        key=lambda s: (s.log.eval.model, s.log.eval.task, str(s.sample.id), s.epoch),
    )
