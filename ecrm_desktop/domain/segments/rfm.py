"""RFM: recency, frequency and monetary scores from 1 to 5, and Shopify's eleven `CustomerRfmGroup` groups.

A score ranks a customer among the customers who have ordered: the 20th, 40th, 60th and 80th percentiles of a
measure are its four boundaries, and a customer scores 1 plus the number of boundaries their value is above, so
equal values always share a score. The group follows from the recency score R and the frequency-and-monetary
score FM = (F + M) / 2, read off Shopify's descriptions of the groups (see the user guide, docs/segments.md).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar


class RfmGroup(StrEnum):
    """Shopify's `CustomerRfmGroup`, in the order the user guide lists them."""

    CHAMPIONS = "CHAMPIONS"
    LOYAL = "LOYAL"
    ACTIVE = "ACTIVE"
    NEW = "NEW"
    PROMISING = "PROMISING"
    NEEDS_ATTENTION = "NEEDS_ATTENTION"
    AT_RISK = "AT_RISK"
    PREVIOUSLY_LOYAL = "PREVIOUSLY_LOYAL"
    ALMOST_LOST = "ALMOST_LOST"
    DORMANT = "DORMANT"
    PROSPECTS = "PROSPECTS"


@dataclass(frozen=True)
class RfmCell:
    """The customers with this recency score and this frequency score (a cell of the R x F grid)."""

    recency: int
    frequency: int


@dataclass(frozen=True)
class Rule:
    """Customers whose recency score is one of `recency` and whose F + M is at least `fm_sum_at_least`."""

    group: RfmGroup
    recency: tuple[int, ...]
    fm_sum_at_least: int


# First match wins; F + M runs from 2 to 10 (FM = (F + M) / 2 from 1 to 5). Customers without orders are PROSPECTS.
RULES: tuple[Rule, ...] = (
    Rule(RfmGroup.CHAMPIONS, (5,), 8),
    Rule(RfmGroup.LOYAL, (3, 4), 8),
    Rule(RfmGroup.ACTIVE, (4, 5), 4),
    Rule(RfmGroup.NEW, (5,), 2),
    Rule(RfmGroup.NEEDS_ATTENTION, (3,), 4),
    Rule(RfmGroup.PROMISING, (3, 4), 2),
    Rule(RfmGroup.PREVIOUSLY_LOYAL, (1, 2), 9),
    Rule(RfmGroup.AT_RISK, (1, 2), 6),
    Rule(RfmGroup.ALMOST_LOST, (2,), 2),
    Rule(RfmGroup.DORMANT, (1,), 2),
)
SCORES = (1, 2, 3, 4, 5)

T = TypeVar("T", int, str)


def group_of(recency: int | None, frequency: int | None, monetary: int | None) -> RfmGroup:
    """The group of a customer with these scores (None: the customer has no orders)."""
    if recency is None or frequency is None or monetary is None:
        return RfmGroup.PROSPECTS
    return next(r.group for r in RULES if recency in r.recency and frequency + monetary >= r.fm_sum_at_least)


def boundaries(values: Sequence[T]) -> tuple[T, T, T, T]:
    """The 20th, 40th, 60th and 80th percentile of `values` (sorted ascending, not empty)."""
    n = len(values)
    q1, q2, q3, q4 = (values[k * n // 5] for k in (1, 2, 3, 4))
    return q1, q2, q3, q4


def score(value: T, bounds: Sequence[T]) -> int:
    """1 plus the number of `bounds` (ascending) that `value` is above."""
    return 1 + bisect_left(bounds, value)
