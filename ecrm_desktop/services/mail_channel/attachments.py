"""Attachments of ticket messages: listed, read and saved for the inbox screen, and added to a reply before it is
sent. Their bytes stay in the encrypted database; saving one is the only way a plaintext copy reaches the disk,
and that happens only where the agent chooses."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind
from ecrm_desktop.domain.errors import NotFound, PermissionDenied, UsageError
from ecrm_desktop.services.tickets import READING_ROLES
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import MailAttachment, TicketMessage

MAX_ATTACHMENT = 25 * 1024 * 1024  # what common providers accept per message


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    message_id: int
    filename: str
    content_type: str
    size: int
    content_id: str | None


class Attachments:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def of_message(self, message_row_id: int) -> list[AttachmentInfo]:
        """The files of one ticket message, without their bytes."""
        with self.session.workspace.sessions() as s:
            rows = s.execute(select(MailAttachment.id, MailAttachment.message_id, MailAttachment.filename,
                                    MailAttachment.content_type, MailAttachment.size, MailAttachment.content_id)
                             .where(MailAttachment.message_id == message_row_id).order_by(MailAttachment.id)).all()
        return [AttachmentInfo(*row) for row in rows]

    def content(self, attachment_id: int) -> bytes:
        if self.session.role not in READING_ROLES:
            raise PermissionDenied("Your role may not read support tickets or their attachments.")
        with self.session.workspace.sessions() as s:
            data = s.execute(select(MailAttachment.content).where(MailAttachment.id == attachment_id)).scalar()
        if data is None:
            raise NotFound(f"Attachment {attachment_id} does not exist (any more).")
        return bytes(data)

    def save_to(self, attachment_id: int, path: Path) -> Path:
        """Write a decrypted copy where the agent chose (readable by them only); audited."""
        data = self.content(attachment_id)
        tmp = path.with_name(f".{path.name}.partial")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(f"Cannot write {path.name}: {exc.strerror}.") from None
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "attachment.save", "mail_attachment", attachment_id)
        return path

    def attach(self, message_row_id: int, filename: str, data: bytes, content_type: str | None = None) -> int:
        """Add a file to a reply that has not been sent yet."""
        if len(data) > MAX_ATTACHMENT:
            raise UsageError(f"{filename} is larger than {MAX_ATTACHMENT // (1024 * 1024)} MB, more than mail "
                             "servers accept.")
        name = Path(filename).name.strip()[:255] or "attachment"
        with self.session.workspace.sessions() as s, s.begin():
            message = s.get(TicketMessage, message_row_id)
            if message is None or message.kind is not MessageKind.REPLY or message.delivery_state != "queued":
                raise UsageError("Files can be added only to a reply that is still waiting to be sent.")
            row = MailAttachment(message_id=message_row_id, filename=name,
                                 content_type=(content_type or mimetypes.guess_type(name)[0]
                                               or "application/octet-stream")[:127],
                                 size=len(data), content_id=None, sha256=hashlib.sha256(data).hexdigest(),
                                 content=data)
            s.add(row)
            s.flush()
            return row.id
