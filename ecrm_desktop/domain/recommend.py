"""Item-to-item recommendations: "customers who bought this also bought" (Linden, Smith & York 2003,
"Amazon.com recommendations: item-to-item collaborative filtering").

Items are columns 0..m−1 and customers or baskets are rows 0..n−1 of binary scipy.sparse matrices. Similarity
is cosine co-occurrence shrunk towards zero when few baskets support it, which corrects for popularity (an item
in every basket co-occurs with everything, but its cosine with any one item stays small).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix  # type: ignore[import-untyped]

from ecrm_desktop.domain.arrays import FloatArray, IntArray

SHRINKAGE = 5.0  # baskets of support at which a similarity keeps half its cosine
TOP_N = 10
NEIGHBOURS = 20  # similar items kept per item: enough to recommend from a few purchases
_SCORE_CELLS = 1 << 22  # dense scores computed per chunk of customers: about 32 MB at a time
_TIE_BREAK = 1e-9  # popularity added to co-occurrence scores, so items without any co-occurrence rank by it


def incidence(rows: IntArray, items: IntArray, shape: tuple[int, int]) -> csr_matrix:
    """The binary rows × items matrix with a 1 where the row (basket or customer) holds the item."""
    matrix = coo_matrix((np.ones(rows.size), (rows, items)), shape=shape).tocsr()
    matrix.data[:] = 1.0  # duplicates were summed
    return matrix


def item_similarity(baskets: csr_matrix, shrinkage: float = SHRINKAGE) -> csr_matrix:
    """s_ij = c_ij / √(n_i n_j) · c_ij / (c_ij + λ) for i ≠ j, with c_ij the baskets holding both items, n_i those
    holding item i, and λ the shrinkage (Koren 2008 §2.2); s_ii = 0."""
    co = coo_matrix(baskets.T @ baskets)
    off = co.row != co.col
    row, col, count = co.row[off], co.col[off], co.data[off]
    n = popularity(baskets)
    value = count / np.sqrt(n[row] * n[col]) * count / (count + shrinkage)
    return csr_matrix((value, (row, col)), shape=co.shape)


def popularity(baskets: csr_matrix) -> FloatArray:
    """How many rows hold each item."""
    return np.asarray(baskets.sum(axis=0), dtype=np.float64).ravel()


def recommend(similarity: csr_matrix, history: csr_matrix, item_popularity: FloatArray, n: int = TOP_N) -> IntArray:
    """Each customer's top-n items not yet bought by score_ui = Σ_{j bought by u} s_ji (ties broken by popularity);
    rows of item indices, −1 where fewer than n items are left."""
    tie_break = _TIE_BREAK * item_popularity / max(float(item_popularity.max(initial=0.0)), 1.0)
    return _top_unbought(history, lambda rows: np.asarray((history[rows] @ similarity).toarray()) + tie_break, n)


def most_popular(history: csr_matrix, item_popularity: FloatArray, n: int = TOP_N) -> IntArray:
    """The baseline: the n most popular items each customer has not bought yet (same layout as `recommend`)."""
    return _top_unbought(history, lambda rows: np.tile(item_popularity, (rows.stop - rows.start, 1)), n)


def hit_rate(recommended: IntArray, targets: csr_matrix) -> float:
    """Share of customers (rows) with at least one recommended item among their target items."""
    if recommended.shape[0] == 0:
        return 0.0
    customers = np.repeat(np.arange(recommended.shape[0]), recommended.shape[1])
    items = recommended.ravel()
    valid = items >= 0
    hit = np.zeros(items.size, dtype=bool)
    hit[valid] = np.asarray(targets[customers[valid], items[valid]]).ravel() > 0
    return float(hit.reshape(recommended.shape).any(axis=1).mean())


def _top_unbought(history: csr_matrix, scores_for: Callable[[slice], FloatArray], n: int) -> IntArray:
    """Top-n columns of `scores_for(rows)` per row, skipping items the row already holds; computed in chunks."""
    customers, items = history.shape
    n = min(n, items)
    out = np.full((customers, n), -1, dtype=np.int64)
    if n == 0:
        return out
    step = max(1, _SCORE_CELLS // max(items, 1))
    for start in range(0, customers, step):
        rows = slice(start, min(start + step, customers))
        scores = scores_for(rows)
        scores[history[rows].toarray() > 0] = -np.inf
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
        out[rows] = np.where(np.isfinite(top_scores), top, -1)
    return out


def neighbours(similarity: csr_matrix, k: int = NEIGHBOURS) -> tuple[IntArray, IntArray, FloatArray]:
    """The k most similar items of every item, as parallel arrays (item, neighbour, score) sorted by item, then
    descending score; items with fewer similar ones get fewer rows."""
    item, neighbour, score = [], [], []
    for i in range(similarity.shape[0]):
        start, end = similarity.indptr[i], similarity.indptr[i + 1]
        cols, vals = similarity.indices[start:end], similarity.data[start:end]
        top = np.argsort(-vals, kind="stable")[:k]
        item.append(np.full(top.size, i, dtype=np.int64))
        neighbour.append(cols[top].astype(np.int64))
        score.append(vals[top])
    if not item:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(item), np.concatenate(neighbour), np.concatenate(score)
