"""Co-occurrence similarity, top-N of items not yet bought, and hit rate, on hand-checkable matrices."""

from __future__ import annotations

import numpy as np
import pytest

from ecrm_desktop.domain import recommend


def test_similarity_is_cosine_shrunk_and_never_recommends_what_was_bought() -> None:
    baskets = recommend.incidence(np.array([0, 0, 1, 1, 2, 2, 3]), np.array([0, 1, 0, 1, 0, 2, 2]), (4, 3))
    similarity = recommend.item_similarity(baskets, shrinkage=1.0).toarray()
    # items 0 and 1 share 2 baskets, n0 = 3, n1 = 2: cosine 2/√6, shrunk by 2/(2+1)
    assert similarity[0, 1] == pytest.approx(2 / np.sqrt(6) * 2 / 3)
    assert similarity[1, 2] == 0.0
    assert np.all(np.diag(similarity) == 0.0)
    history = recommend.incidence(np.array([0, 1, 1]), np.array([1, 0, 2]), (2, 3))
    top = recommend.recommend(recommend.item_similarity(baskets), history, recommend.popularity(baskets), n=3)
    assert top.tolist() == [[0, 2, -1], [1, -1, -1]]
    targets = recommend.incidence(np.array([0, 1]), np.array([2, 0]), (2, 3))
    assert recommend.hit_rate(top[:, :1], targets) == 0.0
    assert recommend.hit_rate(top, targets) == 0.5
