"""`ecrm tickets list|create|import` as IT scripts them (contract: CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli import ecrm

PASSWORD = "cli-tickets-password-1"


def test_create_list_and_import_tickets(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    created = ecrm("tickets", "create", "--subject", "Phone: parcel late", "--body", "Caller asks where it is",
                   "--email", "ada@example.com", "--priority", "high", "--json", workspace=folder,
                   ECRM_PASSWORD=PASSWORD)
    assert created.returncode == 0, created.stderr
    ticket_id = json.loads(created.stdout)["id"]
    csv = tmp_path / "export.csv"
    csv.write_text("Subject,Requester email,Status,Tags\nOld question,grace@example.com,closed,faq\n"
                   ",nobody@example.com,open,\n", encoding="utf-8")
    dry = ecrm("tickets", "import", str(csv), "--dry-run", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert dry.returncode == 3 and json.loads(dry.stdout)["imported"] == 0
    imported = ecrm("tickets", "import", str(csv), workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert imported.returncode == 3 and "line 3: the subject is empty" in imported.stderr

    listed = ecrm("tickets", "list", "--status", "open", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == [ticket_id]
    assert set(rows[0]) == {"id", "subject", "status", "priority", "channel", "requester_email", "customer_id",
                            "assignee", "tags", "message_count", "created_at", "updated_at",
                            "first_response_due_at", "resolution_due_at"}
    assert (rows[0]["priority"], rows[0]["channel"], rows[0]["message_count"]) == ("HIGH", "MANUAL", 1)
    everything = json.loads(ecrm("tickets", "list", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD).stdout)
    assert {r["subject"]: r["tags"] for r in everything} == {"Phone: parcel late": [], "Old question": ["faq"]}
    bad = ecrm("tickets", "list", "--status", "closed", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    denied = ecrm("tickets", "create", "--subject", "x", "--body", "y", workspace=folder, ECRM_PASSWORD="wrong-pass")
    assert denied.returncode == 5


def test_rules_sla_and_availability_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    assert ecrm("tickets", "sla", "set", "urgent", "--first-response", "30", "--resolution", "120",
                workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    added = ecrm("tickets", "rule", "add", "Refunds", "--keywords", "refund, money back", "--priority", "urgent",
                 "--tag", "refund", "--assign", "admin", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert added.returncode == 0, added.stderr
    bad = ecrm("tickets", "rule", "add", "Bad", "--assign", "nobody", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert bad.returncode == 2 and "not a support agent" in bad.stderr
    created = ecrm("tickets", "create", "--subject", "Money back?", "--body", "I want a REFUND", "--json",
                   workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert created.returncode == 0, created.stderr
    (row,) = json.loads(ecrm("tickets", "list", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD).stdout)
    assert (row["priority"], row["tags"], row["assignee"]) == ("URGENT", ["refund"], "admin")
    assert row["first_response_due_at"][11:16] != row["created_at"][11:16]
    listed = json.loads(ecrm("tickets", "rule", "list", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD).stdout)
    assert [(r["name"], r["keywords"]) for r in listed] == [("Refunds", ["refund", "money back"])]
    away = ecrm("tickets", "agent", "admin", "--no-available", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert away.returncode == 0, away.stderr
