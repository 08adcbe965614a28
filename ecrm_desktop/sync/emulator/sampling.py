"""Vectorised random draws and array helpers shared by every part of the demo generator."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
StrArray = npt.NDArray[np.str_]

_NONE = np.array(None, dtype=object)


def seeded(seed: int, *stream: int) -> np.random.Generator:
    """An independent PCG64 stream for (seed, stream...): the same key always draws the same numbers."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=stream)))


def strings(values: Sequence[str | None]) -> ObjArray:
    """A 1-D object array of the given strings, for fancy-indexed lookups that share the string objects."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def where_else_none(condition: BoolArray, values: npt.NDArray[np.generic]) -> ObjArray:
    """The values where `condition` holds, None elsewhere."""
    return np.where(condition, values, _NONE)


def zipf_weights(count: int, exponent: float = 1.0) -> FloatArray:
    """Weights 1, 1/2^s, 1/3^s, ...: the head of a list is much more popular than its tail."""
    return 1.0 / np.arange(1, count + 1, dtype=np.float64) ** exponent


class Choice:
    """A weighted choice among a fixed list of options."""

    def __init__(self, weights: Sequence[float] | FloatArray) -> None:
        w = np.asarray(weights, dtype=np.float64)
        self.size = w.size
        self._cum = np.cumsum(w) / w.sum()

    def sample(self, rng: np.random.Generator, n: int) -> IntArray:
        return np.minimum(np.searchsorted(self._cum, rng.random(n), side="right"), self.size - 1).astype(np.int64)


class GroupedChoice:
    """A weighted choice among options that depend on a group (the cities of a country, say).

    Options are numbered consecutively over all groups; `sample` returns those flat numbers."""

    def __init__(self, groups: Sequence[Sequence[float] | FloatArray]) -> None:
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        self.offsets: IntArray = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        self._last: IntArray = self.offsets + sizes - 1
        # Group g's cumulative weights, normalised into (g, g + 1], so one sorted array serves every group.
        self._cum = np.concatenate([g + np.cumsum(np.asarray(w, dtype=np.float64)) / np.sum(w)
                                    for g, w in enumerate(groups)])

    def sample(self, rng: np.random.Generator, group: IntArray) -> IntArray:
        idx = np.searchsorted(self._cum, group + rng.random(group.size), side="right")
        return np.minimum(idx, self._last[group]).astype(np.int64)


def expand(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For owners with `counts` children each: every child's owner and its rank among its siblings."""
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    rank: IntArray = np.arange(owner.size, dtype=np.int64) - starts[owner]
    return owner, rank
