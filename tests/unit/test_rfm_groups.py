"""RFM scoring and Shopify's groups: every combination of scores has exactly the group the user guide's table says."""

from __future__ import annotations

from itertools import product

import pytest

from ecrm_desktop.domain.segments.filters import FILTERS
from ecrm_desktop.domain.segments.rfm import RfmGroup, boundaries, group_of, score


def test_every_score_combination_has_a_group_and_every_group_is_reachable() -> None:
    reached = {group_of(r, f, m) for r, f, m in product(range(1, 6), repeat=3)} | {group_of(None, None, None)}
    assert reached == set(RfmGroup)
    assert FILTERS["rfm_group"].values == tuple(g.value for g in RfmGroup)


@pytest.mark.parametrize(("scores", "group"), [
    ((5, 5, 3), RfmGroup.CHAMPIONS), ((5, 3, 3), RfmGroup.ACTIVE), ((5, 1, 2), RfmGroup.NEW),
    ((4, 4, 4), RfmGroup.LOYAL), ((4, 2, 2), RfmGroup.ACTIVE), ((4, 1, 1), RfmGroup.PROMISING),
    ((3, 2, 3), RfmGroup.NEEDS_ATTENTION), ((3, 1, 2), RfmGroup.PROMISING), ((2, 5, 4), RfmGroup.PREVIOUSLY_LOYAL),
    ((1, 3, 3), RfmGroup.AT_RISK), ((2, 2, 3), RfmGroup.ALMOST_LOST), ((1, 1, 4), RfmGroup.DORMANT),
])
def test_groups_follow_the_guides_table(scores: tuple[int, int, int], group: RfmGroup) -> None:
    assert group_of(*scores) is group


def test_scores_are_quintiles_and_ties_share_a_score() -> None:
    values = list(range(100))
    bounds = boundaries(values)
    assert bounds == (20, 40, 60, 80)
    assert [score(v, bounds) for v in (0, 20, 21, 80, 81, 99)] == [1, 1, 2, 4, 5, 5]
    mostly_one = sorted([1] * 70 + [2] * 20 + [7] * 10)
    ties = boundaries(mostly_one)
    assert ties == (1, 1, 1, 2)
    assert (score(1, ties), score(2, ties), score(7, ties)) == (1, 4, 5)
