"""Demo support tickets: a few percent of customers write in, mostly about a real order of theirs.

A conversation has up to five messages in this order: the customer's message, the agent's reply, an
internal note, the customer's follow-up and the agent's closing reply. Recent tickets are still open or
waiting for the customer, older ones solved. Times, choices and statuses are drawn as arrays; only the texts
are put together one by one (tickets are few: about 4 per 100 customers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.storage.columnar import NAT, Columns
from ecrm_desktop.sync.emulator.catalogue import Catalogue
from ecrm_desktop.sync.emulator.customers import Customers
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.orders import CODE, Orders
from ecrm_desktop.sync.emulator.sampling import BoolArray, Choice, IntArray, ObjArray, strings
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW, HOUR, Timeline
from ecrm_desktop.sync.emulator.stores import STORES
from ecrm_desktop.sync.emulator.support_texts import SIGNATURE, TOPICS, UNSHIPPED_REPLY

TICKET_SHARE = 0.04
SECOND_TICKET = 0.15
OPEN, PENDING, SNOOZED, SOLVED = range(4)
STATUS = strings([s.value for s in (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SNOOZED,
                                    TicketStatus.SOLVED)])
LOW, NORMAL, HIGH, URGENT = range(4)
PRIORITY = strings([p.value for p in (TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.HIGH,
                                      TicketPriority.URGENT)])
FIRST_RESPONSE_HOURS = np.array([24, 8, 4, 1])
RESOLUTION_HOURS = np.array([120, 72, 24, 8])
CHANNEL = strings([TicketChannel.EMAIL.value, TicketChannel.MANUAL.value])
MANUAL_SHARE = 0.12
AGENT = 0  # row number of the user the caller names as the demo's agent

OPENING, REPLY, NOTE, FOLLOW_UP, CLOSING = range(5)  # the places in a conversation
_KIND = strings([MessageKind.INBOUND.value, MessageKind.REPLY.value, MessageKind.NOTE.value,
                 MessageKind.INBOUND.value, MessageKind.REPLY.value])
_FROM_CUSTOMER = np.array([True, False, False, True, False])
_IS_REPLY = np.array([False, True, False, False, True])
_DELIVERY = strings([None, "sent", None, None, "sent"])  # the demo's replies went out long ago
_TEXTS = [[t.openings, t.replies, t.notes, t.follow_ups, t.closings] for t in TOPICS]
SHIPPING = next(i for i, t in enumerate(TOPICS) if t.tag == "shipping")

_TOPIC_PICK = Choice([t.share for t in TOPICS])
_NEEDS_ORDER = np.array([t.needs_order for t in TOPICS])
_NO_ORDER_TOPICS = np.flatnonzero(~_NEEDS_ORDER)
_DELAY = np.array([t.days_after_order for t in TOPICS])
_URGENT = np.array([t.urgent_share for t in TOPICS])
_STORE_NAME = strings([s.name for s in STORES])
_STORE_URL = strings([s.url for s in STORES])
_SUPPORT = strings([s.support_address for s in STORES])


@dataclass(frozen=True)
class Support:
    tickets: Columns
    messages: Columns
    tags: Columns  # ticket_tags rows


def make_tickets(rng: np.random.Generator, customers: Customers, orders: Orders, *, shipments: Columns,
                 catalogue: Catalogue, timeline: Timeline, numbering: Numbering, tag_of_topic: IntArray) -> Support:
    """The block's tickets in time order, with their messages and a tag naming the topic."""
    who = np.flatnonzero(rng.random(customers.count) < TICKET_SHARE)
    who = np.sort(np.concatenate([who, who[rng.random(who.size) < SECOND_TICKET]]))
    k = who.size
    topic, order = _topics_and_orders(rng, who, customers.count, orders)
    with_order = np.flatnonzero(order >= 0)
    created = timeline.spread(customers.signup[who], np.full(k, DEMO_NOW - HOUR), rng.random(k))
    ordered_at = orders.created[order[with_order]]
    after_order = ordered_at + (rng.uniform(_DELAY[topic[with_order], 0], _DELAY[topic[with_order], 1]) * DAY)
    created[with_order] = np.minimum(after_order.astype(np.int64), np.maximum(ordered_at + 30, DEMO_NOW - 600))
    by_time = np.argsort(created, kind="stable")
    who, topic, order, created = who[by_time], topic[by_time], order[by_time], created[by_time]

    status = _statuses(rng, DEMO_NOW - created)
    urgent = rng.random(k) < _URGENT[topic]
    priority = np.where(urgent, np.where(rng.random(k) < 0.3, URGENT, HIGH),
                        np.where(rng.random(k) < 0.2, LOW, NORMAL))
    present = _conversation(rng, status)
    times = _message_times(rng, created, present)
    ticket_ids = numbering.rows("tickets", k)
    store = customers.home_store[who].copy()
    store[order >= 0] = orders.store[order[order >= 0]]
    fields = _fields(rng, who, order, store, customers=customers, orders=orders, shipments=shipments,
                     catalogue=catalogue)
    messages = _messages(rng, topic, present, times, fields, ticket_ids=ticket_ids, customer_email=customers.email[who],
                         support_email=_SUPPORT[store], numbering=numbering)
    last = times[np.arange(k), present.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)]
    return Support(
        tickets={
            "id": ticket_ids,
            "subject": strings([TOPICS[t].subjects[c % len(TOPICS[t].subjects)].format_map(f) for t, c, f in zip(
                topic.tolist(), rng.integers(0, 12, k).tolist(), fields, strict=True)]),
            "status": STATUS[status], "priority": PRIORITY[priority],
            "channel": CHANNEL[(rng.random(k) < MANUAL_SHARE).astype(np.int64)],
            "requester_email": customers.email[who],
            "requester_name": customers.first_name[who] + " " + customers.last_name[who],
            "customer_id": customers.ids[who],
            "assignee_id": np.where((status != OPEN) | (rng.random(k) < 0.3), AGENT, -1),
            "created_at": created.view("datetime64[s]"), "updated_at": last.view("datetime64[s]"),
            "first_response_at": np.where(present[:, REPLY], times[:, REPLY], NAT).view("datetime64[s]"),
            "first_response_due_at": (created + FIRST_RESPONSE_HOURS[priority] * HOUR).view("datetime64[s]"),
            "resolution_due_at": (created + RESOLUTION_HOURS[priority] * HOUR).view("datetime64[s]"),
            "solved_at": np.where(status == SOLVED, last, NAT).view("datetime64[s]"),
            "sla_due_at": np.where(status == SOLVED, NAT, np.where(
                present[:, REPLY], created + RESOLUTION_HOURS[priority] * HOUR,
                created + FIRST_RESPONSE_HOURS[priority] * HOUR)).view("datetime64[s]"),
            "snoozed_until": np.where(status == SNOOZED, DEMO_NOW + rng.integers(1, 6, k) * DAY, NAT)
            .view("datetime64[s]"),
        },
        messages=messages,
        tags={"ticket_id": ticket_ids, "tag_id": tag_of_topic[topic]},
    )


def _topics_and_orders(rng: np.random.Generator, who: IntArray, n_customers: int,
                       orders: Orders) -> tuple[IntArray, IntArray]:
    """What each ticket is about and which of the customer's orders it concerns (-1: none)."""
    topic = _TOPIC_PICK.sample(rng, who.size)
    counts, starts = orders.per_customer(n_customers)
    no_order = _NEEDS_ORDER[topic] & (counts[who] == 0)
    topic[no_order] = _NO_ORDER_TOPICS[rng.integers(0, _NO_ORDER_TOPICS.size, int(no_order.sum()))]
    pick = starts[who] + (rng.random(who.size) * counts[who]).astype(np.int64)
    return topic, np.where(_NEEDS_ORDER[topic], pick, -1)


def _statuses(rng: np.random.Generator, age: IntArray) -> IntArray:
    u = rng.random(age.size)
    return np.select(  # a few tickets fall through the cracks, though none stays forgotten past a quarter
        [age < DAY, age < 7 * DAY, age < 90 * DAY],
        [np.where(u < 0.7, OPEN, PENDING), np.select([u < 0.15, u < 0.5, u < 0.55], [OPEN, PENDING, SNOOZED], SOLVED),
         np.select([u < 0.01, u < 0.03], [OPEN, PENDING], SOLVED)],
        SOLVED)


def _conversation(rng: np.random.Generator, status: IntArray) -> BoolArray:
    """Which of the five places of a conversation each ticket has (a ticket × place matrix)."""
    k = status.size
    present = np.zeros((k, 5), dtype=bool)
    present[:, OPENING] = True
    present[:, REPLY] = (status != OPEN) | (rng.random(k) < 0.25)
    present[:, NOTE] = (status == SNOOZED) | ((status != OPEN) & (rng.random(k) < 0.25))
    present[:, FOLLOW_UP] = ((status == OPEN) & present[:, REPLY]) | ((status == SOLVED) & (rng.random(k) < 0.5))
    present[:, CLOSING] = (status == SOLVED) & present[:, FOLLOW_UP]
    return present


def _message_times(rng: np.random.Generator, created: IntArray, present: BoolArray) -> IntArray:
    """When each place of each conversation happened, squeezed into the time before "now" where needed."""
    delays = rng.lognormal(np.log(4 * HOUR), 1.0, present.shape) * present
    delays[:, OPENING] = 0.0
    offsets = np.cumsum(delays, axis=1)
    room = (DEMO_NOW - 60 - created).astype(np.float64)
    squeeze = np.minimum(1.0, room / np.maximum(offsets[:, -1], 1.0))
    return created[:, None] + (offsets * squeeze[:, None]).astype(np.int64)


def _fields(rng: np.random.Generator, who: IntArray, order: IntArray, store: IntArray, *, customers: Customers,
            orders: Orders, shipments: Columns, catalogue: Catalogue) -> list[dict[str, str]]:
    """The placeholders of each ticket's texts (see `support_texts`)."""
    k = who.size
    has = np.flatnonzero(order >= 0)
    about = order[has]
    number = np.full(k, "", dtype=object)
    number[has] = orders.columns["number"][about]
    product = catalogue.product_title[catalogue.variant_product[catalogue.popular.sample(rng, k)]]
    product[has] = orders.lines["title"][np.searchsorted(orders.line_order, about)]
    carrier, tracking, url = np.full(k, "our carrier", dtype=object), np.full(k, "", dtype=object), _STORE_URL[store]
    shipment = np.searchsorted(shipments["order_id"], orders.ids[about])
    found = shipment < shipments["order_id"].size
    found[found] = shipments["order_id"][shipment[found]] == orders.ids[about[found]]
    shipped, shipment = has[found], shipment[found]
    carrier[shipped] = shipments["carrier"][shipment]
    tracking[shipped] = shipments["tracking_number"][shipment]
    url[shipped] = shipments["tracking_url"][shipment]
    columns = {
        "first": customers.first_name[who], "number": number, "product": product, "carrier": carrier,
        "tracking": tracking, "url": url, "store": _STORE_NAME[store], "code": CODE[rng.integers(0, CODE.size, k)],
        "days": rng.integers(3, 8, k).astype(str).astype(object),
    }
    return [dict(zip(columns, values, strict=True)) for values in zip(*(c.tolist() for c in columns.values()),
                                                                         strict=True)]


def _messages(rng: np.random.Generator, topic: IntArray, present: BoolArray, times: IntArray,
              fields: list[dict[str, str]], *, ticket_ids: IntArray, customer_email: ObjArray,
              support_email: ObjArray, numbering: Numbering) -> Columns:
    """The message rows: texts from the topic's templates, mail headers threading the conversation."""
    ticket, place = np.nonzero(present)
    choice = rng.integers(0, 12, ticket.size).tolist()
    token = rng.integers(0, 2**62, ticket.size).tolist()
    body, author, message_id, in_reply_to, references = [], [], [], [], []
    thread: list[str] = []
    for i, (t, p) in enumerate(zip(ticket.tolist(), place.tolist(), strict=True)):
        f = fields[t]
        texts = _TEXTS[topic[t]][p]
        if p == REPLY and topic[t] == SHIPPING and not f["tracking"]:
            texts = (UNSHIPPED_REPLY,)
        text = texts[choice[i] % len(texts)].format_map(f)
        body.append(text + SIGNATURE.format_map(f) if p in (REPLY, CLOSING) else text)
        if p == OPENING:
            thread = []
        sender = str(customer_email[t] if _FROM_CUSTOMER[p] else support_email[t])
        author.append(None if p == NOTE else sender)
        in_reply_to.append(thread[-1] if thread and p != NOTE else None)
        references.append(" ".join(thread) if thread and p != NOTE else None)
        mid = None if p == NOTE else f"<{token[i]:016x}@{sender.split('@')[1]}>"
        message_id.append(mid)
        if mid is not None:
            thread.append(mid)
    return {
        "id": numbering.rows("ticket_messages", ticket.size), "ticket_id": ticket_ids[ticket],
        "kind": _KIND[place], "author": strings(author),
        "author_user_id": np.where(_FROM_CUSTOMER[place], -1, AGENT), "body_text": strings(body),
        "sent_at": times[ticket, place].view("datetime64[s]"), "message_id": strings(message_id),
        "in_reply_to": strings(in_reply_to), "references": strings(references),
        "delivery_state": _DELIVERY[place],
        "delivered_at": np.where(_IS_REPLY[place], times[ticket, place], NAT).view("datetime64[s]"),
    }

