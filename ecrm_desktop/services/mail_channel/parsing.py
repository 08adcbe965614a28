"""A raw RFC 5322 message turned into what a ticket keeps: threading headers, sender, text, safe HTML, files."""

from __future__ import annotations

import hashlib
import html as html_module
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from ecrm_desktop.domain.mail import message_ids
from ecrm_desktop.services.mail_channel.sanitise import sanitised_html

MAX_TEXT = 200_000  # characters of a body kept; a longer one is cut with a note
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class InboundMail:
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    subject: str
    sender: str  # normalised (lower-case) address
    sender_name: str | None
    recipients: list[str]
    sent_at: datetime
    text: str
    html: str | None  # already sanitised
    attachments: list[Attachment]
    raw_headers: str
    auto_submitted: bool  # an autoresponder or bounce, which must never be answered automatically

    @property
    def thread_ids(self) -> list[str]:
        """Every id this mail refers to, nearest first: In-Reply-To, then References from last to first."""
        ordered: dict[str, None] = {}
        for token in [*self.in_reply_to, *reversed(self.references)]:
            ordered.setdefault(token, None)
        return list(ordered)


def parse_mail(raw: bytes, received_at: datetime | None = None) -> InboundMail:
    """Parse a message as received from IMAP; never raises on malformed headers (they become empty values)."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    sender_name, sender = _first_address(msg, "From")
    reply_name, reply_to = _first_address(msg, "Reply-To")
    text_part, html_part = _body_part(msg, "plain"), _body_part(msg, "html")
    html = _content(html_part) if html_part is not None else None
    text = _content(text_part) if text_part is not None else (_text_of(html) if html else "")
    ids = message_ids(_header(msg, "Message-ID"))
    return InboundMail(
        message_id=ids[0] if ids else None,
        in_reply_to=message_ids(_header(msg, "In-Reply-To")),
        references=message_ids(_header(msg, "References")),
        subject=_header(msg, "Subject").strip(),
        sender=(reply_to or sender).lower(), sender_name=(reply_name if reply_to else sender_name) or None,
        recipients=[a.lower() for _n, a in getaddresses([_header(msg, "To"), _header(msg, "Cc")]) if a],
        sent_at=_date(msg) or received_at or datetime.now(UTC),
        text=_cut(text.strip()),
        html=sanitised_html(html) if html else None,
        attachments=list(_attachments(msg)),
        raw_headers="".join(f"{k}: {v}\n" for k, v in msg.raw_items()),
        auto_submitted=_auto_submitted(msg),
    )


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # the header parser's defects on hostile input
        return ""
    return "" if value is None else str(value)


def _first_address(msg: EmailMessage, name: str) -> tuple[str, str]:
    try:
        header = msg.get(name)
        addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    except (ValueError, IndexError, TypeError):
        addresses = ()
    for a in addresses:
        if a.addr_spec and "@" in a.addr_spec:
            return a.display_name, a.addr_spec
    pairs = [p for p in getaddresses([_header(msg, name)]) if "@" in p[1]]
    return pairs[0] if pairs else ("", "")


def _body_part(msg: EmailMessage, subtype: str) -> EmailMessage | None:
    try:
        part = msg.get_body(preferencelist=(subtype,))
    except (KeyError, LookupError):
        return None
    return part if isinstance(part, EmailMessage) else None


def _content(part: EmailMessage) -> str:
    try:
        value = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset or broken transfer encoding
        payload = part.get_payload(decode=True)
        value = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _text_of(html: str) -> str:
    """Readable text of an HTML-only mail, for previews, search and the plain view."""
    text = sanitised_html(html).replace("<br>", "\n").replace("</p>", "\n\n").replace("</div>", "\n")
    return _BLANK_LINES.sub("\n\n", html_module.unescape(_TAG.sub("", text)))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "\n[… the rest of this message was cut]"


def _date(msg: EmailMessage) -> datetime | None:
    try:
        value = parsedate_to_datetime(_header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _attachments(msg: EmailMessage) -> list[Attachment]:
    out = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = (part.get_filename() or "").replace("/", "_").replace("\\", "_").strip() or "attachment"
        cid = message_ids(_header(part, "Content-ID"))
        out.append(Attachment(name[:255], part.get_content_type()[:127], payload, cid[0] if cid else None))
    return out


def _auto_submitted(msg: EmailMessage) -> bool:
    auto = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    return (auto not in ("", "no")) or precedence in ("bulk", "junk", "auto_reply") or \
        bool(_header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"))
