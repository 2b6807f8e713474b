"""Stale "started" logs: logs of a killed run that a later run has superseded.

When an `eval_set` process is killed, its log stays at status "started". The next run
recovers that log's samples into a new log for the same task (same `eval.task_id`) and
carries on, but leaves the old file behind, still "started", in the log directory. Readers
would see a task that never finished beside the one that did. `peerguard run` renames such
superseded files to ``<name>.superseded``: nothing is deleted, and no log reader lists them.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

SUPERSEDED_SUFFIX = ".superseded"


def supersede_stale_logs(log_dir: Path) -> list[Path]:
    """Rename every "started" log that a newer, non-started log of the same task supersedes.

    A log is superseded only when a log with the same task id and a later start exists and
    is itself past "started": that later run has recovered or re-run its samples, so the
    killed run that wrote the stale file is certainly over.

    Returns:
        The new paths of the renamed logs.
    """
    from inspect_ai.log import list_eval_logs, read_eval_log

    headers = []
    for info in list_eval_logs(str(log_dir), recursive=False):
        try:
            header = read_eval_log(info, header_only=True)
        except Exception as ex:
            logger.debug("not checking %s for staleness: %s", info.name, ex)
            continue
        headers.append((Path(_local_path(info.name)), header))
    renamed: list[Path] = []
    for path, header in headers:
        if header.status != "started":
            continue
        newer = [
            other
            for other_path, other in headers
            if other_path != path
            and other.eval.task_id == header.eval.task_id
            and other.status != "started"
            and other.eval.created >= header.eval.created
        ]
        if not newer or not path.exists():
            continue
        target = path.with_name(path.name + SUPERSEDED_SUFFIX)
        path.rename(target)
        logger.warning(
            "%s was left at 'started' by an interrupted run and is superseded by %s; renamed to %s",
            path.name,
            Path(_local_path(newer[0].location)).name,
            target.name,
        )
        renamed.append(target)
    return renamed


def _local_path(location: str) -> str:
    return location.removeprefix("file://")
