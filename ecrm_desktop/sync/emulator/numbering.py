"""Row numbers and store ids that run on from one block of the demo to the next."""

from __future__ import annotations

import numpy as np

from ecrm_desktop.sync.emulator.sampling import IntArray
from ecrm_desktop.sync.emulator.stores import STORES


class Numbering:
    """Hands out consecutive 0-based row numbers per table, and each store's external ids per kind.

    Blocks are generated one after the other, so every number depends only on the blocks before it."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def rows(self, table: str, count: int) -> IntArray:
        """The row numbers of `count` new rows of `table`."""
        return self._advance(table, count) + np.arange(count, dtype=np.int64)

    def external_ids(self, kind: str, store: IntArray) -> IntArray:
        """New external ids of `kind` ("order", "refund", ...) for rows of the given stores: each store counts
        on from its own base, in row order."""
        out = np.empty(store.size, dtype=np.int64)
        for s, spec in enumerate(STORES):
            mine = store == s
            count = int(mine.sum())
            out[mine] = spec.id_base[kind] + self._advance(f"{kind}@{s}", count) + np.arange(count, dtype=np.int64)
        return out

    def _advance(self, key: str, count: int) -> int:
        start = self._next.get(key, 0)
        self._next[key] = start + count
        return start
