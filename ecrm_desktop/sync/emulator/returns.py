"""Demo returns: which delivered items come back (shoes and dresses often, books hardly ever), and the
refunds that pay for them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecrm_desktop.storage.columnar import NAT, Columns
from ecrm_desktop.sync.emulator.catalogue import CATEGORIES
from ecrm_desktop.sync.emulator.customers import Customers
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.orders import Orders
from ecrm_desktop.sync.emulator.sampling import BoolArray, Choice, IntArray, strings
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW

REASON = strings(("SIZE_TOO_SMALL", "SIZE_TOO_LARGE", "STYLE", "COLOR", "UNWANTED", "NOT_AS_DESCRIBED",
                  "DEFECTIVE", "WRONG_ITEM", "OTHER"))
DEFECTIVE = 6
_SIZED_REASONS = Choice((0.3, 0.25, 0.15, 0.1, 0.1, 0.05, 0.05, 0.0, 0.0))
_OTHER_REASONS = Choice((0.0, 0.0, 0.05, 0.05, 0.3, 0.2, 0.25, 0.1, 0.05))
NOTE = strings((
    "Exchanged for a smaller size.", "Exchanged for a larger size.", "Customer did not like the fit or style.",
    "Colour looked different from the photos.", "Changed their mind; returned unworn.",
    "Item did not match the description.", "Faulty on arrival; not restocked.",
    "We sent the wrong item; apologised and refunded.", "Returned without a reason given.",
))
_RETURN_RATE = np.array([c.return_rate for c in CATEGORIES])
_SIZED = np.array([c.variants in ("sizes", "shoes") for c in CATEGORIES])


@dataclass(frozen=True)
class Returns:
    """One block's refunds and refund lines, and per order the money returned and when."""

    refunded_cents: IntArray
    refunded_at: IntArray  # NAT for orders without a refund
    everything_returned: BoolArray
    refunds: Columns
    refund_lines: Columns


def make_returns(rng: np.random.Generator, orders: Orders, customers: Customers, *, delivered: IntArray,
                 numbering: Numbering) -> Returns:
    """Returns of delivered (or collected) items, at each category's rate times the customer's habit;
    one refund per order, paid at the discounted price."""
    handed_over = np.where(orders.pos, orders.created, delivered)
    line_order = orders.line_order
    chance = _RETURN_RATE[orders.line_category] * customers.returner[orders.customer[line_order]]
    back_at = handed_over + (rng.uniform(3.0, 30.0, orders.count) * DAY).astype(np.int64)
    possible = (handed_over != NAT) & ~orders.cancelled & (back_at < DEMO_NOW)
    returned = possible[line_order] & (rng.random(line_order.size) < chance)

    qty = orders.line_quantity
    back_qty = np.where(qty > 1, 1 + rng.binomial(np.maximum(qty - 1, 0), 0.5), 1)
    back_cents = np.rint(back_qty * orders.line_price * orders.item_share[line_order]).astype(np.int64)
    lines = np.flatnonzero(returned)
    refunded_order = np.unique(line_order[lines])  # ascending, like the lines
    k = refunded_order.size
    refund_rows = numbering.rows("refunds", k)
    refund_of_line = np.searchsorted(refunded_order, line_order[lines])
    first_line = lines[np.searchsorted(line_order[lines], refunded_order)]
    reason = np.where(_SIZED[orders.line_category[first_line]], _SIZED_REASONS.sample(rng, k),
                      _OTHER_REASONS.sample(rng, k))
    amount = np.bincount(refund_of_line, weights=back_cents[lines], minlength=k).astype(np.int64)

    refunded_cents = np.zeros(orders.count, dtype=np.int64)
    refunded_cents[refunded_order] = amount
    refunded_at = np.full(orders.count, NAT)
    refunded_at[refunded_order] = back_at[refunded_order]
    all_back = np.ones(orders.count, dtype=bool)
    np.logical_and.at(all_back, line_order, returned & (back_qty == qty))
    return Returns(
        refunded_cents=refunded_cents, refunded_at=refunded_at, everything_returned=all_back & (refunded_cents > 0),
        refunds={
            "id": refund_rows, "order_id": orders.ids[refunded_order],
            "external_id": numbering.external_ids("refund", orders.store[refunded_order]),
            "created_at": back_at[refunded_order].view("datetime64[s]"), "amount_cents": amount,
            "reason": REASON[reason], "note": NOTE[reason],
        },
        refund_lines={
            "id": numbering.rows("refund_lines", lines.size), "refund_id": refund_rows[refund_of_line],
            "order_line_id": orders.line_ids[lines], "quantity": back_qty[lines], "amount_cents": back_cents[lines],
            "restock": reason[refund_of_line] != DEFECTIVE,
        },
    )
