"""What demo support conversations say: per topic, subjects and messages with placeholders.

Placeholders: {first} (customer's first name), {number} (order number), {product}, {code} (discount code),
{carrier}, {tracking}, {url} (of the order's shipment), {store}, {days}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    tag: str
    share: float
    needs_order: bool
    days_after_order: tuple[float, float]
    urgent_share: float  # of tickets raised as HIGH or URGENT
    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    replies: tuple[str, ...]
    follow_ups: tuple[str, ...]
    closings: tuple[str, ...]
    notes: tuple[str, ...]


SIGNATURE = "\n\nBest regards,\n{store} Customer Care"
UNSHIPPED_REPLY = ("Hi {first},\n\nthanks for your patience. Order {number} is being packed right now and "
                   "will ship within 1-2 business days; you'll get the tracking link by email.")

TOPICS: tuple[Topic, ...] = (
    Topic(
        "shipping", 0.32, True, (4.0, 12.0), 0.2,
        ("Where is my order {number}?", "Order {number} hasn't arrived yet", "Any update on my order {number}?",
         "Tracking for order {number} not updating"),
        ("Hi, I ordered on your site a while ago (order {number}) and it still hasn't arrived. Can you tell me "
         "where it is?\n\nThanks, {first}",
         "Hello, the tracking for my order {number} hasn't changed for days. Is it lost?\n\n{first}",
         "Hi there, just checking on order {number} - I need it for a birthday this weekend. Thank you!\n{first}"),
        ("Hi {first},\n\nthanks for getting in touch. Your order {number} is on its way with {carrier}; the "
         "tracking number is {tracking} and you can follow it here: {url}",
         "Hi {first},\n\nsorry for the wait! I checked order {number}: {carrier} has it ({tracking}). Their page "
         "shows the latest scan: {url}"),
        ("Thanks, I see it now. It says out for delivery.", "It still shows no movement. Can you send a new one?"),
        ("Glad to hear it is nearly there, {first}. Enjoy your order!",
         "I've asked {carrier} to investigate and will send a replacement if it hasn't moved in {days} days."),
        ("Carrier ticket opened for {tracking}.", "Parcel scanned at the regional hub; no action needed yet.",
         "Customer is a repeat buyer - offer free shipping on the next order if this drags on."),
    ),
    Topic(
        "returns", 0.2, True, (8.0, 28.0), 0.05,
        ("Return request for order {number}", "How do I return the {product}?", "Return label for order {number}"),
        ("Hi, I'd like to return the {product} from order {number}. How does that work?\n\n{first}",
         "Hello, the {product} doesn't fit me. Can I send it back? Order {number}.\n\nKind regards, {first}"),
        ("Hi {first},\n\nof course. I've sent a prepaid return label for order {number} to this address. Once "
         "the {product} is back with us we refund within 3-5 business days.",
         "Hi {first},\n\nno problem at all - returns are free within 30 days. Your label for order {number} is "
         "attached; just drop the parcel at any {carrier} point."),
        ("Thanks! Dropped it off today.", "Can I exchange it for a different size instead?"),
        ("We received your return and the refund is on its way.",
         "Exchange arranged - the new size ships tomorrow."),
        ("Return label created.", "Item back in stock after inspection."),
    ),
    Topic(
        "damaged", 0.1, True, (3.0, 9.0), 0.5,
        ("Item arrived damaged (order {number})", "Broken {product} in order {number}",
         "Damaged parcel - order {number}"),
        ("Hi, my order {number} arrived today but the {product} is damaged. I've attached photos. What can you "
         "do?\n\n{first}",
         "Hello, the box of order {number} was crushed and the {product} inside is broken. Very disappointed.\n"
         "{first}"),
        ("Hi {first},\n\nI'm so sorry about that. We'll send a replacement {product} for order {number} right "
         "away at no cost; there is no need to return the damaged one.",),
        ("Thank you, that's very kind.", "Will the replacement arrive before Friday?"),
        ("You're welcome! The replacement is on its way.", "It should arrive within {days} business days."),
        ("Replacement order created, no return needed.", "Damage claim filed with {carrier}."),
    ),
    Topic(
        "sizing", 0.1, False, (0.0, 0.0), 0.0,
        ("Which size should I take in the {product}?", "Size advice for the {product}",
         "Does the {product} run small?"),
        ("Hi, I usually wear a medium but I've read the {product} runs small. Which size would you "
         "recommend?\n\n{first}",),
        ("Hi {first},\n\nthe {product} fits true to size for most customers; if you are between sizes we "
         "suggest the larger one. Exchanges are free if it isn't right.",),
        ("Great, thanks!",),
        ("Happy shopping, {first}!",),
        ("Sizing question - consider adding a size chart note to the product page.",),
    ),
    Topic(
        "address-change", 0.08, True, (0.05, 1.0), 0.3,
        ("Change of shipping address for order {number}", "Wrong address on order {number}"),
        ("Hi, I just noticed I used my old address for order {number}. Can you still change it?\n\n{first}",),
        ("Hi {first},\n\nno problem, I've updated the shipping address on order {number} before it left our "
         "warehouse.",
         "Hi {first},\n\nunfortunately order {number} has already shipped with {carrier}, but you can redirect "
         "it here: {url}"),
        ("Perfect, thank you!",),
        ("You're welcome!",),
        ("Address updated in the store admin.",),
    ),
    Topic(
        "cancellation", 0.07, True, (0.02, 0.5), 0.3,
        ("Please cancel order {number}", "Cancel my order {number}"),
        ("Hi, I ordered the wrong item by mistake. Could you please cancel order {number}?\n\nThanks, {first}",),
        ("Hi {first},\n\ndone - order {number} is cancelled and the payment authorisation is released.",),
        ("Thank you for the quick help.",),
        ("Any time, {first}.",),
        ("Cancelled before fulfilment.",),
    ),
    Topic(
        "refund", 0.08, True, (20.0, 40.0), 0.2,
        ("Refund for order {number} not received", "When will I get my refund for {number}?"),
        ("Hi, I sent back my return for order {number} two weeks ago and haven't seen the refund yet.\n\n{first}",),
        ("Hi {first},\n\nthe refund for order {number} was issued today; depending on your bank it shows up "
         "within {days} business days.",),
        ("Got it, thanks.", "It's still not there, can you check again?"),
        ("Thanks for your patience, {first}.",),
        ("Refund issued, reference sent to customer.", "Escalated to finance to check the payout."),
    ),
    Topic(
        "discount", 0.05, False, (0.0, 0.0), 0.0,
        ("Discount code {code} not working", "Problem with code {code} at checkout"),
        ("Hi, I tried to use the code {code} but the checkout says it isn't valid. Can you help?\n\n{first}",),
        ("Hi {first},\n\n{code} only applies to full-price items; I've added a one-time 10% code to your "
         "account instead.",),
        ("That worked, thank you!",),
        ("Enjoy, {first}!",),
        ("Issued a one-time courtesy code.",),
    ),
)
