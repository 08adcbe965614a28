"""The inbox sidebar: who wrote in, as HTML with links (360° view, tracking pages, link or create a customer)."""

from __future__ import annotations

from html import escape

from ecrm_desktop.domain.enums import TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import SenderCard
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.views.format import money, status, when

RECENT = 5
STYLE = ("<style>h3{margin:0 0 2px 0} h4{margin:10px 0 2px 0;color:#555} td{padding:1px 6px 1px 0}"
         " .muted{color:#777} .action{background:#e3eefc;padding:6px}</style>")


def card_html(card: SenderCard | None) -> str:
    if card is None:
        return STYLE + "<p class='muted'>Open a ticket to see who wrote in.</p>"
    if card.profile is None:
        return STYLE + _unknown(card)
    return STYLE + _known(card, card.profile)


def _unknown(card: SenderCard) -> str:
    who = escape(card.name or card.email or "Unknown sender")
    parts = [f"<h3>{who}</h3>", f"<p>{escape(card.email or 'no email address')}</p>",
             "<p class='muted'>This sender matches no customer.</p>"]
    if card.email:
        parts.append("<p><a href='create:'>Create a customer from this sender</a></p>")
    if card.candidates:
        parts.append("<h4>Or link to an existing customer</h4><table>")
        parts += [f"<tr><td><a href='link:{c.id}'>{escape(c.display_name)}</a></td>"
                  f"<td class='muted'>{escape(c.email or '')}</td></tr>" for c in card.candidates]
        parts.append("</table>")
    return "".join(parts)


def _known(card: SenderCard, p: CustomerProfile) -> str:
    s = p.stats
    parts = [f"<h3>{escape(p.display_name)}</h3>",
             f"<p>{escape(p.email or '')}<br><a href='customer:{p.id}'>Open the 360° view</a></p>"]
    if p.next_action is not None:
        parts.append(f"<p class='action'><b>Next best action — {escape(p.next_action.text)}</b><br>"
                     f"Why: {escape(p.next_action.reason)}.</p>")
    parts.append("<h4>Lifetime</h4><table>" + "".join(
        f"<tr><td>{k}</td><td><b>{v}</b></td></tr>" for k, v in (
            ("Orders", f"{s.orders_count:,}"), ("Spent", money(s.total_spent_cents, s.currency)),
            ("Average order", money(s.aov_cents, s.currency)), ("Refunded", money(s.refunded_cents, s.currency)),
            ("Last order", when(s.last_order_at, False)), ("Customer since", when(p.created_at, False)))) + "</table>")
    if p.prediction is not None:
        f = p.prediction
        parts.append(f"<h4>Predictions</h4><p>{escape(f.explanation[:1].upper() + f.explanation[1:])}.<br>"
                     f"Predicted 12-month value {money(f.predicted_clv_cents, s.currency)}; "
                     f"chance still buying {f.still_buying}.</p>")
    if p.recommendations:
        parts.append("<h4>Recommended products</h4><p>" + escape(", ".join(p.recommendations)) + "</p>")
    parts.append(_orders(p))
    returns = [(o, r) for o in p.orders for r in o.refunds]
    if returns:
        parts.append("<h4>Returns and refunds</h4><table>" + "".join(
            f"<tr><td>{escape(o.row.number)}</td><td>{when(r.created_at, False)}</td>"
            f"<td>{money(r.amount_cents, o.row.currency)}</td><td class='muted'>{escape(r.reason or '')}</td></tr>"
            for o, r in returns[:RECENT]) + "</table>")
    open_checkouts = [c for c in p.checkouts if not c.completed]
    if open_checkouts:
        parts.append("<h4>Abandoned checkouts</h4><table>" + "".join(
            f"<tr><td>{when(c.created_at, False)}</td><td>{money(c.total_cents, c.currency)}</td>"
            f"<td class='muted'>{escape(c.summary or '')}</td></tr>" for c in open_checkouts[:RECENT]) + "</table>")
    past = [t for t in p.tickets if t.id != card.ticket_id]
    if past:
        parts.append("<h4>Other tickets</h4><table>" + "".join(
            f"<tr><td>#{t.id}</td><td>{escape(t.subject)}</td><td class='muted'>"
            f"{'open' if t.status is not TicketStatus.SOLVED else 'solved'}</td></tr>" for t in past[:RECENT])
            + "</table>")
    parts.append("<h4>Segments</h4><p>" + (escape(", ".join(card.segments)) or "<span class='muted'>none</span>")
                 + "</p>")
    if p.tags:
        parts.append("<h4>Tags</h4><p>" + escape(", ".join(t.name for t in p.tags)) + "</p>")
    parts.append(f"<h4>Email marketing</h4><p>{status(p.email_consent.value)}"
                 f"{' since ' + when(p.email_consent_at, False) if p.email_consent_at else ''}</p>")
    return "".join(parts)


def _orders(p: CustomerProfile) -> str:
    if not p.orders:
        return "<h4>Orders</h4><p class='muted'>No orders yet.</p>"
    rows = []
    for o in sorted(p.orders, key=lambda o: o.row.created_at, reverse=True)[:RECENT]:
        r = o.row
        state = "Cancelled" if r.cancelled else status(r.fulfillment_status.value)
        tracking = ""
        for sh in o.shipments[:1]:
            state = status(sh.status.value)
            label = escape(sh.tracking_number or "tracking")
            tracking = f"<a href='{escape(sh.tracking_url)}'>{label}</a>" if sh.tracking_url else label
        tracking = f" · {tracking}" if tracking else ""
        rows.append(f"<p style='margin:2px 0'><b>{escape(r.number)}</b> · {when(r.created_at, False)} · "
                    f"{money(r.total_cents, r.currency)}<br>{state}{tracking}</p>")
    return "<h4>Recent orders</h4>" + "".join(rows)
