"""The email channel's own state: attachments of ticket messages and how far each IMAP folder was read."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.storage.tables.base import Base


class MailAttachment(Base):
    """A file that came with (or was sent with) a ticket message. The bytes live in the encrypted database."""

    __tablename__ = "mail_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    content_id: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class MailboxFolder(Base):
    """Per IMAP folder: its UIDVALIDITY and the highest UID turned into tickets (advanced with those tickets)."""

    __tablename__ = "mailbox_folders"
    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
