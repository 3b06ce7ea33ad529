"""Random streams: one generator per replication, purpose and entity, from one seed.

Every draw in a run comes from ``numpy.random.Generator`` objects spawned from a single
``SeedSequence(seed)``. A stream is keyed by the replication, the purpose (``review``,
``transport``, ...) and the entity it serves (a supplier, a lane, ...), so adding a supplier
does not shift anyone else's draws, and two regimes run with the same seed share their random
numbers (common random numbers). No global random state is used anywhere.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """The random streams of one replication; the same (purpose, entity) gives the same stream."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._streams: dict[tuple[str, str], np.random.Generator] = {}

    def __call__(self, purpose: str, entity: str = "") -> np.random.Generator:
        """Return the stream for ``purpose`` and ``entity`` (created on first use)."""
        key = (purpose, entity)
        stream = self._streams.get(key)
        if stream is None:
            sequence = np.random.SeedSequence(
                self.seed, spawn_key=(self.replication, _key(purpose), _key(entity))
            )
            stream = self._streams[key] = np.random.default_rng(sequence)
        return stream
