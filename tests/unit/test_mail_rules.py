"""The email channel's pure rules: subject normalisation, reply subjects, message ids, settings, sanitising."""

from __future__ import annotations

import pytest

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.mail import MailSecurity, mailbox_settings, message_ids, normalised_subject, reply_subject
from ecrm_desktop.services.mail_channel.parsing import parse_mail
from ecrm_desktop.services.mail_channel.sanitise import sanitised_html


@pytest.mark.parametrize(("subject", "expected"), [
    ("Re: Where is my order?", "where is my order?"),
    ("RE: RE: Where is my  order?", "where is my order?"),
    ("Fwd: Re: Where is my order?", "where is my order?"),
    ("AW: WG: Where is my order?", "where is my order?"),
    ("SV: VS: Where is my order?", "where is my order?"),
    ("Re[2]: Where is my order?", "where is my order?"),
    ("[EXTERNAL] RE: Where is my order?", "where is my order?"),
    ("Where is my order?", "where is my order?"),
    ("Rebate question", "rebate question"),
    ("Re:", ""),
    (None, ""),
])
def test_normalised_subject(subject: str | None, expected: str) -> None:
    assert normalised_subject(subject) == expected


def test_reply_subject_does_not_stack_prefixes() -> None:
    assert reply_subject("Order 1001") == "Re: Order 1001"
    assert reply_subject("RE: Order 1001") == "RE: Order 1001"
    assert reply_subject("") == "Re: your message"


def test_message_ids_in_order_without_duplicates() -> None:
    assert message_ids("<a@x> junk <b@y>\r\n <a@x>") == ["<a@x>", "<b@y>"]
    assert message_ids(None) == []


def test_settings_default_ports_and_refuse_bad_input() -> None:
    s = mailbox_settings("help@shop.test", "", imap_host="imap.shop.test", imap_port=None,
                         smtp_host="smtp.shop.test", smtp_port=None, security=MailSecurity.SSL,
                         smtp_security=MailSecurity.STARTTLS)
    assert (s.user, s.imap_port, s.smtp_port, s.outgoing_security) == ("help@shop.test", 993, 587,
                                                                         MailSecurity.STARTTLS)
    with pytest.raises(UsageError, match="not an email address"):
        mailbox_settings("help", "u", imap_host="h", imap_port=None, smtp_host="h", smtp_port=None,
                         security=MailSecurity.SSL)
    with pytest.raises(UsageError, match="only to this computer"):
        mailbox_settings("a@b.test", "u", imap_host="imap.b.test", imap_port=143, smtp_host="localhost",
                         smtp_port=25, security=MailSecurity.NONE)
    assert mailbox_settings("a@b.test", "u", imap_host="127.0.0.1", imap_port=None, smtp_host="localhost",
                            smtp_port=None, security=MailSecurity.NONE).imap_port == 143


@pytest.mark.parametrize("hostile", [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<img src="https://tracker.test/p.gif">',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<div style="background:url(https://tracker.test/x)">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.test"></iframe>',
    '<form action="https://evil.test"><input name=p></form>',
    '<link rel=stylesheet href="https://evil.test/s.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.test">',
    '<body background="https://tracker.test/b.png">x</body>',
    '<table background="https://tracker.test/b.png"><tr><td>x</td></tr></table>',
    '<object data="https://evil.test/x.swf"></object>',
    '<base href="https://evil.test/">',
])
def test_hostile_html_loses_everything_active_or_remote(hostile: str) -> None:
    clean = sanitised_html(hostile).lower()
    for bad in ("script", "javascript", "onerror", "tracker.test", "evil.test", "style", "data:", "svg",
                "expression", "<iframe", "<form", "<input", "<meta", "<link", "<object", "<base", "background"):
        assert bad not in clean, (hostile, clean)


def test_safe_html_keeps_its_formatting_and_inline_images() -> None:
    clean = sanitised_html('<p>Hi <b>Ada</b>,</p><ul><li>one</li></ul><img src="cid:logo@shop" alt="logo">'
                           '<a href="https://shop.test/track/1">track</a>')
    assert "<b>Ada</b>" in clean and "<li>one</li>" in clean and 'src="cid:logo@shop"' in clean
    assert 'href="https://shop.test/track/1"' in clean and "noopener" in clean


def test_a_malformed_mail_still_parses() -> None:
    raw = (b"From: =?utf-8?q?broken\r\nSubject: =?x-unknown?q?abc?=\r\nReferences: <a@x> <<b@y>\r\n"
           b"Content-Type: text/plain; charset=x-nonexistent\r\n\r\nhello \xff world\r\n")
    mail = parse_mail(raw)
    assert "hello" in mail.text and mail.sender == "" and mail.message_id is None
    assert "<a@x>" in mail.references


def test_html_only_mail_gets_readable_text() -> None:
    raw = (b"From: Ada <ada@x.test>\r\nSubject: Hi\r\nMessage-ID: <m1@x.test>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hello &amp; thanks</p><script>x()</script>")
    mail = parse_mail(raw)
    assert mail.text == "Hello & thanks" and mail.sender == "ada@x.test" and mail.sender_name == "Ada"
    assert mail.html is not None and "script" not in mail.html
