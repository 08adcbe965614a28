"""A real IMAP server (Dovecot) and a real SMTP server (aiosmtpd delivering into Dovecot over LMTP) on loopback.

`mail_servers` is a session fixture for integration and GUI tests. Dovecot runs as the current user from a private
config in a temporary folder (passwd-file users, Maildir, a self-signed certificate made here), so it needs no
system configuration; `scripts/system-deps.sh` installs it. The SMTP server offers STARTTLS and AUTH (required
after STARTTLS) for the mailbox users and hands every accepted message to Dovecot's LMTP, so mail lands in the
recipient's Maildir just as with a real MTA.
"""

from __future__ import annotations

import datetime as dt
import grp
import os
import pwd
import shutil
import smtplib
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

SUPPORT = "support@shop.test"
CUSTOMER = "ada@customer.test"
OTHER = "grace@customer.test"
USERS = {SUPPORT: "support-pass-1", CUSTOMER: "customer-pass-1", OTHER: "other-pass-1"}


@dataclass
class MailServers:
    """Where the servers listen, who may sign in, and the certificate clients must trust."""

    host: str
    imap_port: int
    imaps_port: int
    smtp_port: int
    lmtp_port: int
    cafile: Path
    users: dict[str, str]
    folder: Path
    dovecot: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cafile))

    def imap(self, user: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.imaps_port, ssl=True, ssl_context=self.ssl_context(), timeout=10)
        client.login(user, self.users[user])
        return client

    def send_to_support(self, subject: str, body: str, sender: str = CUSTOMER, *, html: str | None = None,
                        headers: dict[str, str] | None = None, attachments: Sequence[tuple[str, str, bytes]] = (),
                        to: str = SUPPORT) -> str:
        """Deliver a mail from `sender` to the support mailbox over SMTP; returns its Message-ID."""
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, subject
        msg["Date"] = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        for name, value in (headers or {}).items():
            msg[name] = value
        if "Message-ID" not in msg:
            msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        for filename, mime, data in attachments:
            maintype, subtype = mime.split("/", 1)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        self.send(msg, sender)
        return str(msg["Message-ID"])

    def send(self, msg: EmailMessage, user: str) -> None:
        with smtplib.SMTP(self.host, self.smtp_port, timeout=10) as smtp:
            smtp.starttls(context=self.ssl_context())
            smtp.login(user, self.users[user])
            smtp.send_message(msg)

    def read_mailbox(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Every message in one of `user`'s folders, raw, oldest first."""
        with self.imap(user) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [fetched[uid][b"BODY[]"] for uid in sorted(fetched)]

    def wait_for(self, user: str, count: int, folder: str = "INBOX", seconds: float = 10) -> list[bytes]:
        """The folder's messages once it holds at least `count` (delivery is asynchronous)."""
        deadline = time.monotonic() + seconds
        while True:
            messages = self.read_mailbox(user, folder)
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    def empty_mailbox(self, user: str) -> None:
        """Delete every message of every folder of `user` (tests share one server)."""
        with self.imap(user) as client:
            for _flags, _delim, name in client.list_folders():
                client.select_folder(name)
                uids = client.search("ALL")
                if uids:
                    client.delete_messages(uids)
                    client.expunge()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(__import__("ipaddress").ip_address(host))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


DOVECOT_CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap lmtp
listen = {host}
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/mail/%d/%n
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    port = {lmtp}
  }}
}}
service anvil {{
  chroot =
}}
service imap {{
  process_limit = 64
}}
"""


def start_dovecot(folder: Path, host: str = "127.0.0.1") -> MailServers:
    """Start Dovecot as the current user; raises RuntimeError with the reason when it cannot."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        raise RuntimeError("Dovecot is not installed: run scripts/system-deps.sh (as root, or with sudo) to install "
                           "dovecot-imapd and dovecot-lmtpd.")
    folder.mkdir(parents=True, exist_ok=True)
    cafile, _key = self_signed_certificate(folder, host)
    (folder / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in USERS.items()))
    user, login_user = _service_users()
    uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
    (folder / "mail").mkdir(exist_ok=True)
    for path in (folder, *folder.iterdir()):
        os.chown(path, uid, gid)
    ports = {"imap": free_port(), "imaps": free_port(), "lmtp": free_port()}
    conf = folder / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(d=folder, host=host, uid=uid, gid=gid, user=user, login_user=login_user,
                                        group=grp.getgrgid(gid).gr_name, **ports))
    proc = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    servers = MailServers(host, ports["imap"], ports["imaps"], 0, ports["lmtp"], cafile, dict(USERS), folder, proc)
    deadline = time.monotonic() + 15
    while not all(_listening(host, p) for p in ports.values()):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_dovecot(servers)
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"Dovecot did not start: {(output + log).strip()[-2000:]}")
        time.sleep(0.05)
    return servers


def _service_users() -> tuple[str, str]:
    """Who Dovecot's processes run as: the current user, or as root the users the Debian package made."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me
    try:
        pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        raise RuntimeError("The dovecot and dovenull system users are missing: reinstall dovecot-core.") from None
    return "dovecot", "dovenull"


def stop_dovecot(servers: MailServers) -> None:
    proc = servers.dovecot
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.2).close()
    except OSError:
        return False
    return True


class LmtpRelay:
    """aiosmtpd handler: authenticated senders' mail goes to Dovecot's LMTP, so it lands in Maildirs."""

    def __init__(self, host: str, lmtp_port: int, users: dict[str, str]) -> None:
        self.host, self.lmtp_port, self.users = host, lmtp_port, users

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, secret = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == secret:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() not in self.users:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            with smtplib.LMTP(self.host, self.lmtp_port, timeout=10) as lmtp:
                lmtp.sendmail(envelope.mail_from or "", envelope.rcpt_tos, envelope.original_content or b"")
        except (OSError, smtplib.SMTPException) as exc:
            return f"451 4.3.0 Delivery failed: {exc.__class__.__name__}"
        return "250 Message accepted for delivery"


def start_smtp(servers: MailServers) -> Controller:
    """An SMTP submission server with STARTTLS and AUTH in front of Dovecot's LMTP."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(servers.folder / "cert.pem", servers.folder / "key.pem")
    relay = LmtpRelay(servers.host, servers.lmtp_port, servers.users)
    port = free_port()
    controller = Controller(relay, hostname=servers.host, port=port, tls_context=tls, require_starttls=True,
                            authenticator=relay.authenticate, auth_require_tls=True, auth_required=True)
    controller.start()
    servers.smtp_port = port
    return controller


@pytest.fixture(scope="session")
def mail_servers() -> Iterator[MailServers]:
    """Dovecot (IMAP, IMAPS, LMTP) and an SMTP submission server on 127.0.0.1, for the whole test session."""
    # a folder of its own (not pytest's 0700 tree) that Dovecot's unprivileged processes can enter when run as root
    folder = Path(tempfile.mkdtemp(prefix="ecrm-mail-"))
    try:
        servers = start_dovecot(folder)
    except RuntimeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(str(exc), pytrace=False)
    controller = start_smtp(servers)
    try:
        yield servers
    finally:
        controller.stop()
        stop_dovecot(servers)
        shutil.rmtree(folder, ignore_errors=True)
