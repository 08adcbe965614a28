"""The support mailbox as a ticket channel: IMAP in, SMTP out (docs/inbox-email.md)."""

from ecrm_desktop.services.mail_channel.attachments import AttachmentInfo, Attachments
from ecrm_desktop.services.mail_channel.channel import FetchReport, MailChannel, SendReport, TicketHook
from ecrm_desktop.services.mail_channel.mailbox import ConnectionTest, MailboxService

__all__ = ["AttachmentInfo", "Attachments", "ConnectionTest", "FetchReport", "MailChannel", "MailboxService",
           "SendReport", "TicketHook"]
