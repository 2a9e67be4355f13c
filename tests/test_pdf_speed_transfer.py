"""The guard's worker receives a file's bytes unpickled, after a small header: they must arrive whole and in
order, whatever their size against the pipe's, and the next request must start where the last one ended."""

from __future__ import annotations

import hashlib
import random

import pytest

from jixiao.read.guard import guarded_read, stop_worker
from jixiao.read.source import Source


def _digest(data: bytes, name: str) -> Source:
    """A reader that reports what it was given: the name, the length and a hash of the bytes."""
    return Source(name, [str(len(data)), hashlib.sha256(data).hexdigest()])


@pytest.mark.parametrize("isolate", [False, True], ids=["worker", "isolated"])
def test_bytes_of_every_size_cross_to_the_reader_whole(isolate: bool) -> None:
    stop_worker()
    chance = random.Random(11)
    sizes = [0, 1, 7, 65_535, 65_536, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17, 5]
    try:
        for size in sizes:
            data = chance.randbytes(size)
            source = guarded_read(_digest, data, f"{size}.pdf", isolate=isolate)
            assert (source.path, source.lines) == (f"{size}.pdf", [str(size), hashlib.sha256(data).hexdigest()])
    finally:
        stop_worker()
