"""What bulk-loaded customers need besides their rows, computed from the produced columns themselves.

`customer_aggregates` follows the definitions in `storage.aggregates` to the cent (and the rounding of SQLite's
`round`), so `aggregates.refresh_customers` recomputes exactly what was loaded; `search_documents` builds the
documents `search_index.reindex_customers` would. All orders, lines and refunds of the customers given must
be in the same `Tables`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ecrm_desktop.storage.columnar import NAT, Column, Columns, Tables, is_null
from ecrm_desktop.storage.search_index import phone_terms

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]
_END = "\x1f"  # ends one customer's part of a joined string (order numbers never contain it)


def customer_aggregates(tables: Tables) -> tuple[Columns, dict[str, Columns]]:
    """The aggregate columns of `tables["customers"]`, and their rows of the aggregate tables
    (`customer_categories`, `category_purchases`, `recent_orders`)."""
    customer_rows = tables["customers"]["id"]
    orders, lines = tables["orders"], tables["order_lines"]
    n = customer_rows.size
    owner = _positions(customer_rows, orders["customer_id"])
    counted = (orders["cancelled_at"].view(np.int64) == NAT) & (owner >= 0)
    created = orders["created_at"].view(np.int64)
    who = owner[counted]

    n_orders = np.bincount(who, minlength=n)
    spent = _sum(who, orders["total_reporting_cents"][counted], n)
    # SQLite's round() rounds halves away from zero; amounts are never negative.
    refunded = _sum(who, np.floor(orders["refunded_cents"][counted] * orders["exchange_rate"][counted] + 0.5)
                    .astype(np.int64), n)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, who, created[counted])
    last = np.full(n, NAT)
    np.maximum.at(last, who, created[counted])
    has_orders = n_orders > 0

    line_order = _positions(orders["id"], lines["order_id"])
    line_counted = counted[line_order]
    line_owner = owner[line_order]
    items = _sum(line_owner[line_counted], lines["quantity"][line_counted], n)
    refunds, refund_lines = tables["refunds"], tables["refund_lines"]
    refund_order = _positions(orders["id"], refunds["order_id"])[_positions(refunds["id"], refund_lines["refund_id"])]
    back_counted = counted[refund_order]
    returned = _sum(owner[refund_order][back_counted], refund_lines["quantity"][back_counted], n)

    aggregates: Columns = {
        "orders_count": n_orders, "total_spent_cents": spent,
        # Python's round() of the mean, as aggregates.py computes it: halves to even.
        "aov_cents": np.where(has_orders, np.rint(spent / np.maximum(n_orders, 1)), 0).astype(np.int64),
        "first_order_at": np.where(has_orders, first, NAT).view("datetime64[s]"),
        "last_order_at": last.view("datetime64[s]"),
        "refunded_cents": refunded, "items_count": items, "returned_items": returned,
        "return_rate": np.where(items > 0, returned / np.maximum(items, 1), 0.0),
    }
    category = lines["category_id"]
    per_category = line_counted & (category >= 0)
    owner, category, order = line_owner[per_category], category[per_category], line_order[per_category]
    return aggregates, {
        "customer_categories": _customer_categories(customer_rows, owner, category, order=order,
                                                    quantity=lines["quantity"][per_category], created=created[order]),
        "category_purchases": _category_purchases(customer_rows, owner, category, created[order]),
        "recent_orders": _recent_orders(customer_rows, who, created[counted])}


def _category_purchases(customer_rows: Column, owner: IntArray, category: IntArray, created: IntArray) -> Columns:
    """Each distinct (customer, category, order time) of the given lines, in primary key order."""
    rows = np.unique(np.stack([category, created, owner], axis=1), axis=0)
    return {"category_id": rows[:, 0], "ordered_at": rows[:, 1].view("datetime64[s]"),
            "customer_id": customer_rows[rows[:, 2]]}


def _customer_categories(customer_rows: Column, owner: IntArray, category: IntArray, *, order: IntArray,
                         quantity: IntArray, created: IntArray) -> Columns:
    """Per (customer, category) of the given lines: distinct orders, items and the last order time."""
    width = int(category.max()) + 1 if category.size else 1
    keys, group = np.unique(owner * width + category, return_inverse=True)
    n_orders = int(order.max()) + 1 if order.size else 1
    distinct_orders = np.unique(group * n_orders + order) // n_orders
    last = np.full(keys.size, NAT)
    np.maximum.at(last, group, created)
    return {
        "customer_id": customer_rows[keys // width], "category_id": keys % width,
        "orders_count": np.bincount(distinct_orders, minlength=keys.size),
        "items": _sum(group, quantity, keys.size), "last_ordered_at": last.view("datetime64[s]"),
    }


def _recent_orders(customer_rows: Column, owner: IntArray, created: IntArray) -> Columns:
    """Each customer's orders numbered from the latest (1), as `storage.aggregates` numbers them."""
    by_customer = np.lexsort((-created, owner))
    owner, created = owner[by_customer], created[by_customer]
    starts = np.flatnonzero(np.append(True, owner[1:] != owner[:-1]))
    first_of_group = np.repeat(starts, np.diff(np.append(starts, owner.size)))
    return {"customer_id": customer_rows[owner], "rank": np.arange(owner.size) - first_of_group + 1,
            "ordered_at": created.view("datetime64[s]")}


def search_documents(tables: Tables, tag_names: ObjArray) -> list[list[str]]:
    """The columns (name, email, phone, tags, notes, orders) of the customers' search documents, each a
    list in customer order. Bulk-loaded customers have no notes."""
    customers = tables["customers"]
    rows = customers["id"]
    n = rows.size
    emails, phones, tags = tables["customer_emails"], tables["customer_phones"], tables["customer_tags"]
    terms = _phone_terms(np.concatenate([customers["phone"], phones["phone"]]))
    phone_docs = [terms.get(p, "") for p in customers["phone"].tolist()]
    return [
        _distinct_join(_texts(customers["first_name"]), np.arange(n), _texts(customers["last_name"])),
        _distinct_join(_texts(customers["email"]), _positions(rows, emails["customer_id"]), _texts(emails["email"])),
        _distinct_join(np.array(phone_docs, dtype=object), _positions(rows, phones["customer_id"]),
                       np.array([terms[p] for p in phones["phone"].tolist()], dtype=object)),
        _grouped(_positions(rows, tags["customer_id"]), tag_names[tags["tag_id"]], n),
        [""] * n,
        _grouped(_positions(rows, tables["orders"]["customer_id"]), tables["orders"]["number"].astype(object), n),
    ]


def _texts(values: Column) -> ObjArray:
    """The values as strings, NULL as the empty string."""
    return np.where(is_null(values), "", values).astype(object)


def _phone_terms(phones: Column) -> dict[str, str]:
    return {p: phone_terms(p) for p in set(phones.tolist()) if p}


def _distinct_join(first: ObjArray, owner: IntArray, values: ObjArray) -> list[str]:
    """Per customer, `first` then the values they own, each once, joined by spaces (empty ones left out):
    `" ".join(dict.fromkeys(...))` without a Python loop over every customer."""
    extra = (values != first[owner]) & (values != "")
    pairs = list(dict.fromkeys(zip(owner[extra].tolist(), values[extra].tolist(), strict=True)))
    joined = np.array(_grouped(np.array([o for o, _ in pairs], dtype=np.int64),
                               np.array([v for _, v in pairs], dtype=object), first.size), dtype=object)
    both = (first != "") & (joined != "")
    out = np.where(first != "", first, joined)
    out[both] = first[both] + " " + joined[both]
    return list(out.tolist())


def _grouped(owner: IntArray, values: ObjArray, n: int) -> list[str]:
    """Per customer, the values they own joined by spaces (in row order), by one string join and split."""
    if owner.size == 0:
        return [""] * n
    by_owner = np.argsort(owner, kind="stable")
    owner = owner[by_owner]
    ends = np.append(owner[1:] != owner[:-1], True)
    pieces = np.full(2 * owner.size, " ", dtype=object)
    pieces[0::2] = values[by_owner]
    pieces[1::2][ends] = _END
    docs = np.full(n, "", dtype=object)
    docs[owner[ends]] = "".join(pieces.tolist()).split(_END)[:-1]
    return list(docs.tolist())


def _positions(rows: Column, refs: Column) -> IntArray:
    """Where each referenced row number sits in the ascending `rows` (-1 for NULL references)."""
    pos = np.searchsorted(rows, refs)
    found = (refs >= 0) & (pos < rows.size)
    found[found] = rows[pos[found]] == refs[found]
    if not np.array_equal(found, refs >= 0):
        raise ValueError("a referenced row is not among the rows written with it")
    return np.where(found, pos, -1).astype(np.int64)


def _sum(group: IntArray, values: Column, size: int) -> IntArray:
    """Exact integer sums of `values` per group."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, group, values)
    return out
