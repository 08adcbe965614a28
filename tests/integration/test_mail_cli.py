"""`ecrm inbox connect` and `ecrm inbox fetch` as IT scripts them, and a fetch killed mid-way (real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.tables import TicketMessage
from tests.integration.test_cli import ecrm
from tests.mail_support import SUPPORT, MailServers

pytestmark = pytest.mark.slow  # real mail servers

PASSWORD = "cli-mail-password-1"


@pytest.fixture
def connected(mail_servers: MailServers, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    for user in mail_servers.users:
        mail_servers.empty_mailbox(user)
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    env = {"ECRM_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(mail_servers.cafile),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = ecrm("inbox", "connect", "--imap-host", mail_servers.host, "--imap-port", str(mail_servers.imaps_port),
                  "--smtp-host", mail_servers.host, "--smtp-port", str(mail_servers.smtp_port),
                  "--smtp-security", "starttls", "--user", SUPPORT, "--address", SUPPORT, "--json",
                  workspace=folder, ECRM_MAIL_PASSWORD=mail_servers.users[SUPPORT], **env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["password_location"] == "database" and answer["idle"] is True and answer["sent_folder"] == "Sent"
    return folder, env


def test_connect_refuses_a_wrong_password_or_a_server_down(connected: tuple[Path, dict[str, str]],
                                                            mail_servers: MailServers) -> None:
    folder, env = connected
    result = ecrm("inbox", "connect", "--imap-host", mail_servers.host, "--imap-port", str(mail_servers.imaps_port),
                  "--smtp-host", mail_servers.host, "--smtp-port", str(mail_servers.smtp_port), "--user", SUPPORT,
                  "--address", "other@shop.test", workspace=folder, ECRM_MAIL_PASSWORD="wrong", **env)
    assert result.returncode == 5 and "refused the user name or password" in result.stderr
    assert "Traceback" not in result.stderr and "wrong" not in result.stderr
    result = ecrm("inbox", "connect", "--imap-host", "127.0.0.1", "--imap-port", "1", "--smtp-host", "127.0.0.1",
                  "--smtp-port", "1", "--user", SUPPORT, "--address", SUPPORT, workspace=folder,
                  ECRM_MAIL_PASSWORD="x", **env)
    assert result.returncode == 1 and "refused the connection" in result.stderr
    assert ecrm("inbox", "connect", "--imap-host", "imap.example.com", "--smtp-host", "smtp.example.com",
                "--user", SUPPORT, "--address", SUPPORT, "--security", "none", workspace=folder,
                ECRM_MAIL_PASSWORD="x", **env).returncode == 2
    assert ecrm("inbox", "fetch", workspace=folder, **env).returncode == 0  # the saved settings still work


def test_fetch_prints_a_json_summary(connected: tuple[Path, dict[str, str]], mail_servers: MailServers) -> None:
    folder, env = connected
    mail_servers.send_to_support("Broken zip", "The zip of my jacket broke.")
    mail_servers.wait_for(SUPPORT, 1)
    result = ecrm("inbox", "fetch", "--json", workspace=folder, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"status": "complete", "fetched": 1, "created": 1, "threaded": 0,
                                         "skipped": 0, "replies": {"sent": 0, "failed": 0, "errors": []}}


def test_a_killed_fetch_neither_loses_nor_duplicates_mail(connected: tuple[Path, dict[str, str]],
                                                          mail_servers: MailServers) -> None:
    folder, env = connected
    count = 80
    for i in range(count):
        mail_servers.send_to_support(f"Question {i}", f"Body {i} " + "x" * 2000)
    assert len(mail_servers.wait_for(SUPPORT, count, seconds=30)) == count
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ECRM_")} | env
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)

    def stored() -> tuple[int, int]:
        with session.workspace.sessions() as s:
            total, distinct = s.execute(select(func.count(), func.count(TicketMessage.message_id.distinct()))).one()
        return int(total), int(distinct)

    try:
        proc = subprocess.Popen([sys.executable, "-m", "ecrm_desktop", "inbox", "fetch", "--workspace", str(folder)],
                                env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while stored()[0] == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)  # killed hard once its first batch is in
        proc.wait(30)
        partial = stored()
        assert ecrm("inbox", "fetch", workspace=folder, **env).returncode == 0
        assert stored() == (count, count)
    finally:
        session.close()
    assert 0 < partial[0] < count  # it really was killed mid-way
