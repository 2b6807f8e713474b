"""The world record of a logged sample, including samples recovered after a crash.

The agent loop saves the record in the sample store. When an `eval_set` process is killed,
samples that had finished but were not yet flushed to the `.eval` file are recovered by
Inspect from its sample buffer on the next run: with their scores and their events, but
with an empty store. Every store change is also logged as a `StoreEvent` (a JSON Patch) in
the transcript, so the record can be rebuilt by replaying those patches. Readers (the
detectors' re-scoring, results, the monitor) get the record through `store_value` and never
see the difference.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jsonpatch

from ._contract import STORE_KEY

if TYPE_CHECKING:
    from inspect_ai.log import EvalSample

logger = logging.getLogger(__name__)

_ATTACHMENT = "attachment://"


def store_value(sample: EvalSample, key: str = STORE_KEY) -> Any:
    """The value saved under `key` in the sample's store, or rebuilt from its store events.

    Returns:
        The stored value, or None when neither the store nor the transcript holds one.
    """
    value = (sample.store or {}).get(key)
    if value is not None:
        return value
    replayed = replay_store(sample)
    if key in replayed:
        logger.debug(
            "sample %s epoch %s: %s rebuilt from store events", sample.id, sample.epoch, key
        )
    return replayed.get(key)


def replay_store(sample: EvalSample) -> dict[str, Any]:
    """The sample's store as its logged `StoreEvent`s build it, from an empty store."""
    store: dict[str, Any] = {}
    attachments = sample.attachments or {}
    for event in sample.events or []:
        changes = getattr(event, "changes", None) if event.event == "store" else None
        if not changes:
            continue
        patch = [_operation(change, attachments) for change in changes]
        try:
            store = jsonpatch.apply_patch(store, patch, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as ex:
            # A patch that does not apply means the transcript is incomplete: stop, report.
            logger.warning("sample %s: store events do not replay (%s)", sample.id, ex)
            return {}
    return store


def _operation(change: Any, attachments: Mapping[str, str]) -> dict[str, Any]:
    """One `JsonChange` as a JSON Patch operation (``value`` only where the op takes one)."""
    op: dict[str, Any] = {"op": change.op, "path": change.path}
    if change.from_ is not None:
        op["from"] = change.from_
    if change.op in ("add", "replace", "test"):
        op["value"] = _resolve(change.value, attachments)
    return op


def _resolve(value: Any, attachments: Mapping[str, str]) -> Any:
    """`value` with ``attachment://<hash>`` strings replaced by the attachment's content.

    Inspect moves long strings of events into the sample's attachments when it writes a log.
    """
    if isinstance(value, str):
        if value.startswith(_ATTACHMENT):
            return attachments.get(value.removeprefix(_ATTACHMENT), value)
        return value
    if isinstance(value, dict):
        return {k: _resolve(v, attachments) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, attachments) for v in value]
    return value
