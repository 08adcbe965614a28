"""Demo abandoned checkouts: carts left at the payment step, some of them recovered later."""

from __future__ import annotations

import numpy as np

from ecrm_desktop.storage.columnar import NAT, Columns
from ecrm_desktop.sync.emulator.catalogue import Catalogue
from ecrm_desktop.sync.emulator.customers import Customers
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.sampling import expand, strings
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW, HOUR, Timeline
from ecrm_desktop.sync.emulator.stores import STORES

ABANDONED_PER_CUSTOMER = 0.3
RECOVERED = 0.15

_CURRENCY = strings([s.currency for s in STORES])
_RECOVERY = [s.url + s.recovery_path for s in STORES]


def make_checkouts(rng: np.random.Generator, customers: Customers, catalogue: Catalogue, *, timeline: Timeline,
                   numbering: Numbering) -> Columns:
    """Abandoned checkouts of the block's customers, in time order."""
    owner, _ = expand(rng.poisson(ABANDONED_PER_CUSTOMER, customers.count))
    k = owner.size
    created = timeline.spread(customers.signup[owner], np.full(k, DEMO_NOW - HOUR), rng.random(k))
    by_time = np.argsort(created, kind="stable")
    owner, created = owner[by_time], created[by_time]
    store = customers.home_store[owner]
    item_owner, item_rank = expand(rng.integers(1, 5, k))
    variant = catalogue.popular.sample(rng, item_owner.size)
    total = np.bincount(item_owner, weights=catalogue.variant_price[store[item_owner], variant], minlength=k)
    items = np.bincount(item_owner, minlength=k)
    first_item = catalogue.product_title[catalogue.variant_product[variant[item_rank == 0]]]
    recovered = rng.random(k) < RECOVERED
    completed = np.where(recovered, np.minimum(created + rng.integers(HOUR, 3 * DAY, k), DEMO_NOW - 60), NAT)
    tokens = rng.integers(0, 2**63 - 1, k, dtype=np.int64)
    return {
        "id": numbering.rows("abandoned_checkouts", k), "store_id": store,
        "external_id": numbering.external_ids("checkout", store),
        "customer_id": customers.ids[owner], "email": customers.email[owner],
        "created_at": created.view("datetime64[s]"),
        "updated_at": np.where(recovered, completed, created).view("datetime64[s]"),
        "completed_at": completed.view("datetime64[s]"), "currency": _CURRENCY[store],
        "total_cents": total.astype(np.int64), "items_count": items,
        "summary": strings([t if n == 1 else f"{t} and {n - 1} more" for t, n in zip(
            first_item.tolist(), items.tolist(), strict=True)]),
        "recovery_url": strings([_RECOVERY[s].format(token=f"{t:016x}") for s, t in zip(
            store.tolist(), tokens.tolist(), strict=True)]),
    }
