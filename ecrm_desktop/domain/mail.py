"""The support mailbox in plain terms: connection settings, delivery states, and the rules mail threads by."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

from ecrm_desktop.domain.errors import AuthenticationFailed, EcrmError, UsageError


class MailboxError(EcrmError):
    """The mail server could not be reached or refused a step; the message says which server and what to do."""


class MailboxAuthFailed(AuthenticationFailed):
    """The mail server refused the mailbox's user name or password."""


class MailSecurity(StrEnum):
    """How a connection is protected: TLS from the first byte, STARTTLS upgrade, or none (loopback only)."""

    SSL = "ssl"
    STARTTLS = "starttls"
    NONE = "none"


class DeliveryState(StrEnum):
    """Where a reply is on its way to the customer (`ticket_messages.delivery_state`; NULL for other kinds).

    `sending` is written and committed before the SMTP conversation starts, so a crash in the middle leaves a
    row that is never sent blindly a second time: the next pass looks for it in the Sent folder first.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


DEFAULT_PORTS = {("imap", MailSecurity.SSL): 993, ("imap", MailSecurity.STARTTLS): 143,
                 ("imap", MailSecurity.NONE): 143, ("smtp", MailSecurity.SSL): 465,
                 ("smtp", MailSecurity.STARTTLS): 587, ("smtp", MailSecurity.NONE): 25}


@dataclass(frozen=True)
class MailboxSettings:
    """Everything about the support mailbox except its password (which lives in the keyring)."""

    address: str
    user: str
    imap_host: str
    imap_port: int
    smtp_host: str
    smtp_port: int
    security: MailSecurity = MailSecurity.SSL
    smtp_security: MailSecurity | None = None
    display_name: str = ""
    inbox_folder: str = "INBOX"

    @property
    def outgoing_security(self) -> MailSecurity:
        return self.smtp_security or (MailSecurity.STARTTLS if self.security is MailSecurity.STARTTLS
                                      or self.smtp_port == 587 else self.security)

    def to_json(self) -> dict[str, object]:
        return {"address": self.address, "user": self.user, "imap_host": self.imap_host,
                "imap_port": self.imap_port, "smtp_host": self.smtp_host, "smtp_port": self.smtp_port,
                "security": self.security.value,
                "smtp_security": self.smtp_security.value if self.smtp_security else None,
                "display_name": self.display_name, "inbox_folder": self.inbox_folder}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> MailboxSettings:
        smtp_security = data.get("smtp_security")
        return cls(str(data["address"]), str(data["user"]), str(data["imap_host"]), int(str(data["imap_port"])),
                   str(data["smtp_host"]), int(str(data["smtp_port"])), MailSecurity(str(data["security"])),
                   MailSecurity(str(smtp_security)) if smtp_security else None,
                   str(data.get("display_name") or ""), str(data.get("inbox_folder") or "INBOX"))


_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


def mailbox_settings(address: str, user: str, *, imap_host: str, imap_port: int | None, smtp_host: str,
                     smtp_port: int | None, security: MailSecurity, smtp_security: MailSecurity | None = None,
                     display_name: str = "") -> MailboxSettings:
    """Validated settings (ports defaulting by protocol and security), or `UsageError` saying what is wrong."""
    address, user = address.strip(), user.strip() or address.strip()
    if not _ADDRESS.match(address):
        raise UsageError(f"{address!r} is not an email address; give the support mailbox's address.")
    for label, host in (("IMAP", imap_host), ("SMTP", smtp_host)):
        if not _HOST.match(host.strip()):
            raise UsageError(f"{host!r} is not a valid {label} host name.")
    for label, port in (("IMAP", imap_port), ("SMTP", smtp_port)):
        if port is not None and not 0 < port < 65536:
            raise UsageError(f"The {label} port must be between 1 and 65535.")
    outgoing = smtp_security or security
    for host, mode in ((imap_host, security), (smtp_host, outgoing)):
        if mode is MailSecurity.NONE and not is_loopback(host.strip()):
            raise UsageError(f"An unencrypted connection is allowed only to this computer, not to {host.strip()}; "
                             "use --security ssl or starttls.")
    return MailboxSettings(address, user, imap_host.strip(), imap_port or DEFAULT_PORTS[("imap", security)],
                           smtp_host.strip(), smtp_port or DEFAULT_PORTS[("smtp", outgoing)], security,
                           smtp_security, display_name.strip())


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# Reply and forward prefixes of common mail clients and languages: Re, Fwd/Fw, AW/WG (German), SV/VS (Nordic),
# RE/TR (French), Antw (Dutch), RIF/R (Italian), RES/ENC (Portuguese), with an optional counter "Re[2]:".
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|antw|rif|res|enc|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
                     re.IGNORECASE)
_TAG = re.compile(r"^\s*\[(?:ext(?:ernal)?|spam)\]\s*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def normalised_subject(subject: str | None) -> str:
    """The subject without reply/forward prefixes and extra spaces, lower-cased: what subject fallback compares."""
    text = subject or ""
    while True:
        stripped = _PREFIX.sub("", _TAG.sub("", text))
        if stripped == text:
            break
        text = stripped
    return _SPACE.sub(" ", text).strip().casefold()


def reply_subject(subject: str | None) -> str:
    """ "Re: " and the original subject (without stacking prefixes)."""
    text = (subject or "").strip()
    return text if re.match(r"^re\s*:", text, re.IGNORECASE) else f"Re: {text}" if text else "Re: your message"


_MSGID = re.compile(r"<[^<>\s]+>")


def message_ids(header: str | None) -> list[str]:
    """The `<id@host>` tokens of a Message-ID, In-Reply-To or References header, in order, without duplicates."""
    seen: dict[str, None] = {}
    for token in _MSGID.findall(header or ""):
        seen.setdefault(token, None)
    return list(seen)
