"""Demo shipments: which orders left the warehouse, with which carrier, and whether they have arrived."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecrm_desktop.domain.enums import ShipmentStatus
from ecrm_desktop.storage.columnar import NAT, Columns
from ecrm_desktop.sync.emulator.geography import CARRIER_INDEX, CARRIERS, COUNTRIES
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.orders import UNFULFILLED, Orders
from ecrm_desktop.sync.emulator.sampling import GroupedChoice, IntArray, StrArray, strings
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW

LABEL_PRINTED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, FAILURE = range(5)
STATUS = strings([s.value for s in (ShipmentStatus.LABEL_PRINTED, ShipmentStatus.IN_TRANSIT,
                                    ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED,
                                    ShipmentStatus.FAILURE)])
FAILED_DELIVERIES = 0.004
INTERNATIONAL_EXTRA_DAYS = 4.0

_CARRIER_OF = np.array([CARRIER_INDEX[name] for c in COUNTRIES for name, _ in c.carriers], dtype=np.int64)
_CARRIER_PICK = GroupedChoice([[w for _, w in c.carriers] for c in COUNTRIES])
_CARRIER_NAME = strings([c.name for c in CARRIERS])
_TRANSIT_DAYS = np.array([c.transit_days for c in COUNTRIES])
_NUMBER_WIDTH = max(len(c.number_prefix) + c.digits + len(c.number_suffix) for c in CARRIERS)
_URL_WIDTH = max(len(c.url_prefix) for c in CARRIERS) + _NUMBER_WIDTH


@dataclass(frozen=True)
class Shipments:
    """One block's fulfillment rows, and per order when its parcel arrived (NAT: not, or not yet)."""

    delivered: IntArray
    last_event: IntArray  # per order: the latest shipping event, NAT without one
    columns: Columns


def make_shipments(rng: np.random.Generator, orders: Orders, numbering: Numbering) -> Shipments:
    """One shipment for every (partly) fulfilled order that was not handed over in a shop."""
    shipped_orders = np.flatnonzero((orders.fulfillment != UNFULFILLED) & ~orders.pos)
    k = shipped_orders.size
    country = orders.country[shipped_orders]
    carrier = _CARRIER_OF[_CARRIER_PICK.sample(rng, country)]
    shipped = orders.created[shipped_orders] + (rng.uniform(0.3, 3.0, k) * DAY).astype(np.int64)
    transit = rng.gamma(3.0, _TRANSIT_DAYS[country] / 3.0) + np.where(
        orders.domestic[shipped_orders], 0.0, INTERNATIONAL_EXTRA_DAYS)
    delivered = shipped + (np.maximum(transit, 0.5) * DAY).astype(np.int64)
    status = np.select(
        [shipped > DEMO_NOW, rng.random(k) < FAILED_DELIVERIES, delivered <= DEMO_NOW, delivered - DEMO_NOW < DAY],
        [LABEL_PRINTED, FAILURE, DELIVERED, OUT_FOR_DELIVERY], IN_TRANSIT)
    shipped_at = np.where(status == LABEL_PRINTED, NAT, shipped)
    delivered_at = np.where(status == DELIVERED, delivered, NAT)
    rows = numbering.rows("fulfillments", k)
    number, url = _tracking(rows, carrier)

    per_order_delivered = np.full(orders.count, NAT)
    per_order_delivered[shipped_orders] = delivered_at
    last_event = np.full(orders.count, NAT)
    last_event[shipped_orders] = np.maximum(shipped_at, delivered_at)
    return Shipments(delivered=per_order_delivered, last_event=last_event, columns={
        "id": rows, "order_id": orders.ids[shipped_orders],
        "external_id": numbering.external_ids("fulfillment", orders.store[shipped_orders]),
        "status": STATUS[status], "carrier": _CARRIER_NAME[carrier], "tracking_number": number,
        "tracking_url": url, "shipped_at": shipped_at.view("datetime64[s]"),
        "delivered_at": delivered_at.view("datetime64[s]"),
    })


def _tracking(rows: IntArray, carrier: IntArray) -> tuple[StrArray, StrArray]:
    """Tracking numbers in each carrier's format (labels are numbered in sequence) and their web pages."""
    number = np.empty(rows.size, dtype=f"U{_NUMBER_WIDTH}")
    url = np.empty(rows.size, dtype=f"U{_URL_WIDTH}")
    for c in np.unique(carrier).tolist():
        spec, mine = CARRIERS[c], carrier == c
        first = 10 ** (spec.digits - 1)  # serials of exactly `digits` digits
        serial = (first + rows[mine] % (9 * first)).astype(f"U{spec.digits}")
        number[mine] = np.char.add(np.char.add(spec.number_prefix, serial), spec.number_suffix)
        url[mine] = np.char.add(spec.url_prefix, number[mine])
    return number, url
