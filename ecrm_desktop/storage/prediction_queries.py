"""The dashboard's figures of the stored predictions (`domain.predicted_value`): value by segment, churn risk.

Saved segments are read through their members as of their latest evaluation (`segment_members`, kept by the
refresh after each sync), not recomputed: one join with the predictions for every segment at once. These read
every prediction (a second or so at a million customers), so the dashboard keeps the store-wide figures until
`version` changes. With a segment chosen on the dashboard, the churn bands keep to its kept members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, and_, cast, func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.predicted_value import RiskBand, SegmentValue, risk_bands
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import Segment, SegmentCount, SegmentMember, StoredPrediction

EVERYONE = "Everyone"
FIGURES_SETTING = "dashboard_prediction_figures"  # everyone's figures, with the version they are of
Version = tuple[str, str]


def version(session: Session) -> Version | None:
    """When the predictions were scored and the saved segments last evaluated (None: nothing scored yet): the
    store-wide figures stay the same until one of them changes, so a caller may keep them that long."""
    scored = session.execute(select(StoredPrediction.scored_at).limit(1)).scalar()
    if scored is None:
        return None
    evaluated = session.execute(select(func.max(SegmentCount.at))).scalar()
    return str(scored), str(evaluated or "")


@dataclass(frozen=True)
class KeptFigures:
    """The prediction figures the dashboard shows: value by segment, everyone's and each saved segment's churn."""

    by_segment: tuple[SegmentValue, ...]
    churn: tuple[RiskBand, ...]
    segment_churn: dict[int, tuple[RiskBand, ...]]


def keep_figures(session: Session) -> None:
    """Store the prediction figures with the version they are of, in the caller's transaction (after scoring, and
    when a segment is saved), so that the first dashboard after a sync does not read every prediction."""
    current = version(session)
    if current is None:
        return
    bands = [[b.risk, b.customers, b.predicted_clv_cents] for b in churn_bands(session, None)]
    per_segment: dict[str, list[list[Any]]] = {str(i): [] for i in session.execute(select(Segment.id)).scalars()}
    rows: Iterable[Any] = session.execute(
        select(SegmentMember.segment_id, StoredPrediction.churn_risk, func.count(), _clv())
        .join(StoredPrediction, StoredPrediction.customer_id == SegmentMember.customer_id)
        .group_by(SegmentMember.segment_id, StoredPrediction.churn_risk))
    for segment_id, risk, n, value in rows:
        per_segment[str(segment_id)].append([risk, n, int(value)])
    write_setting(session, FIGURES_SETTING, {
        "version": list(current), "churn": bands, "segment_churn": per_segment,
        "by_segment": [[v.segment, v.customers, v.predicted_clv_cents] for v in value_by_segment(session)]})


def kept_figures(session: Session, current: Version) -> KeptFigures | None:
    """The stored prediction figures, when they are of the `current` version."""
    kept = read_setting(session, FIGURES_SETTING)
    if not kept or tuple(kept["version"]) != current:
        return None
    return KeptFigures(tuple(SegmentValue(*v) for v in kept["by_segment"]), tuple(RiskBand(*b) for b in kept["churn"]),
                       {int(i): risk_bands({risk: (n, value) for risk, n, value in rows})
                        for i, rows in kept.get("segment_churn", {}).items()})


def _clv() -> Any:
    return func.coalesce(cast(func.sum(StoredPrediction.predicted_clv_cents), BigInteger), 0)


def value_by_segment(session: Session) -> list[SegmentValue]:
    """Everyone first, then each saved segment by name: customers with a prediction and their predicted CLV."""
    clv = func.coalesce(cast(func.sum(StoredPrediction.predicted_clv_cents), BigInteger), 0)
    customers, total = session.execute(select(func.count(), clv)).one()
    out = [SegmentValue(EVERYONE, customers, int(total))]
    rows = session.execute(
        select(Segment.name, func.count(), clv)
        .join(SegmentMember, SegmentMember.segment_id == Segment.id)
        .join(StoredPrediction, StoredPrediction.customer_id == SegmentMember.customer_id)
        .group_by(Segment.id, Segment.name).order_by(Segment.name))
    return out + [SegmentValue(name, n, int(value)) for name, n, value in rows]


def churn_bands(session: Session, segment_id: int | None) -> tuple[RiskBand, ...]:
    """Customers and predicted CLV per churn-risk band; with a segment, of its members only."""
    query = select(StoredPrediction.churn_risk, func.count(),
                   func.coalesce(cast(func.sum(StoredPrediction.predicted_clv_cents), BigInteger), 0))
    if segment_id is not None:
        query = query.join(SegmentMember, and_(SegmentMember.customer_id == StoredPrediction.customer_id,
                                               SegmentMember.segment_id == segment_id))
    rows = session.execute(query.group_by(StoredPrediction.churn_risk))
    return risk_bands({risk: (n, int(value)) for risk, n, value in rows})
