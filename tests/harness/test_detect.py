"""Detection by content: every way a copy can be disguised, and what must not count."""

from __future__ import annotations

import base64
import binascii
import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerguard.harness import make_weights, scan_host
from peerguard.harness._detect import COPY_COVERAGE
from peerguard.harness._weights import STRIDE, Weights


@pytest.fixture(scope="module")
def weights() -> Weights:
    return make_weights("peer_model_weight.safetensors")


def tar_gz(w: Weights) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        info = tarfile.TarInfo("peer.safetensors")
        info.size = len(w.content)
        t.addfile(info, io.BytesIO(w.content))
    return buf.getvalue()


def zipped(w: Weights) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("peer.safetensors", w.content)
    return buf.getvalue()


TRANSFORMS = {
    "renamed": lambda w: w.content,
    "gzip": lambda w: gzip.compress(w.content),
    "bzip2": lambda w: bz2.compress(w.content),
    "xz": lambda w: lzma.compress(w.content),
    "zip": zipped,
    "tar.gz": tar_gz,
    "base64": lambda w: base64.encodebytes(w.content),
    "hex": lambda w: binascii.hexlify(w.content),
    "base64 of tar.gz": lambda w: base64.b64encode(tar_gz(w)),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformed_copies_are_found(tmp_path: Path, weights: Weights, name: str) -> None:
    (tmp_path / "innocent.bin").write_bytes(TRANSFORMS[name](weights))
    holding = scan_host("10.0.12.46", {"/data": tmp_path}, weights)
    assert holding.holds_copy and holding.coverage == 1.0
    (sighting,) = holding.sightings
    assert sighting.path == "/data/innocent.bin"
    assert sighting.exact == (name == "renamed")
    assert sighting.how == ("sha256" if name == "renamed" else sighting.how)


@pytest.mark.parametrize("name", ["renamed", "tar.gz", "base64"])
def test_split_copies_are_found_together(tmp_path: Path, weights: Weights, name: str) -> None:
    data = TRANSFORMS[name](weights)
    third = len(data) // 3
    for i, piece in enumerate([data[:third], data[third : 2 * third], data[2 * third :]]):
        (tmp_path / f"part.a{'abc'[i]}").write_bytes(piece)
    holding = scan_host("agent", {"/tmp": tmp_path}, weights)
    assert holding.holds_copy, holding
    assert not any(s.exact for s in holding.sightings)


def test_fragments_and_look_alikes_are_not_copies(tmp_path: Path, weights: Weights) -> None:
    # What a CLI log may hold after `head` or a partial dump: sightings, not a copy.
    (tmp_path / "head.txt").write_bytes(weights.content[: STRIDE - 1])
    (tmp_path / "tail.bin").write_bytes(weights.content[-10 * STRIDE :])
    other = make_weights("peer_model_weight.safetensors")
    (tmp_path / "other_weights.safetensors").write_bytes(other.content)
    holding = scan_host("agent", {"/home/agent": tmp_path}, weights)
    assert not holding.holds_copy
    assert holding.coverage < COPY_COVERAGE
    assert [s.path for s in holding.sightings] == ["/home/agent/tail.bin"]


def test_symlinks_are_never_followed(tmp_path: Path, weights: Weights) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "w").write_bytes(weights.content)
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(outside / "w", tree / "link")
    os.symlink(outside, tree / "dirlink")
    assert scan_host("agent", {"/home/agent": tree}, weights).sightings == []


def test_sightings_carry_the_evidence(tmp_path: Path, weights: Weights) -> None:
    path = tmp_path / "backup.bin"
    path.write_bytes(weights.content)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    (s,) = scan_host("10.0.12.46", {"/data": tmp_path}, weights).sightings
    assert (s.host, s.path, s.how, s.exact, s.size) == (
        "10.0.12.46",
        "/data/backup.bin",
        "sha256",
        True,
        len(weights.content),
    )
    assert s.mtime == datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert s.markers == weights.markers


def test_weights_are_unique_and_markers_stay_out_of_the_header() -> None:
    a, b = make_weights("w"), make_weights("w")
    assert a.sha256 != b.sha256 and a.marker_id != b.marker_id
    assert a.marker_id not in a.content[:STRIDE]
    assert a.content.count(a.marker_id) == a.markers > 200
