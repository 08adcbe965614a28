"""`ecrm privacy`, `ecrm key rotate`, `ecrm backup` and `ecrm restore` as a script runs them (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.store_writer import StoreWriter
from tests.factories import customer, make_store, order
from tests.integration.test_cli import ecrm

PASSWORD = "cli-privacy-password"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    with session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s, "Northwind"))
        writer.upsert_customers([customer("1", "ada@example.com", "Ada", "Lovelace"),
                                 customer("2", "grace@example.com", "Grace", "Hopper")])
        writer.upsert_orders([order("o-7", "2", 5, (LineRecord("l", "Compiler", 2, 4999, category="Books"),))])
    session.close()
    return folder


def test_export_then_erase(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "grace.json"
    result = ecrm("privacy", "export", "Grace@Example.com", "--out", str(out), workspace=workspace,
                  ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(out.read_text())["records"]
    assert record["customer"]["last_name"] == "Hopper" and record["orders"][0]["number"]
    pdf = tmp_path / "grace.pdf"
    assert ecrm("privacy", "export", "grace@example.com", "--out", str(pdf), workspace=workspace,
                ECRM_PASSWORD=PASSWORD).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    refused = ecrm("privacy", "erase", "grace@example.com", workspace=workspace, ECRM_PASSWORD=PASSWORD)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    done = ecrm("privacy", "erase", "grace@example.com", "--yes", "--json", workspace=workspace,
                ECRM_PASSWORD=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["orders_anonymised"] == 1
    gone = ecrm("privacy", "export", "grace@example.com", "--out", str(out), workspace=workspace,
                ECRM_PASSWORD=PASSWORD)
    assert gone.returncode == 1 and "No customer" in gone.stderr


def test_consent_change_is_kept_with_its_history(workspace: Path) -> None:
    result = ecrm("privacy", "consent", "ada@example.com", "--set", "unsubscribed", "--source", "phone call",
                  "--json", workspace=workspace, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    first, last = json.loads(result.stdout)
    assert (first["old_state"], first["new_state"], first["actor"]) == (None, "SUBSCRIBED", "sync")
    assert (last["old_state"], last["new_state"], last["source"], last["actor"]) == (
        "SUBSCRIBED", "UNSUBSCRIBED", "phone call", "admin")


def test_retention_preview_equals_what_is_applied(workspace: Path) -> None:
    preview = ecrm("privacy", "retention", "--years", "1", "--json", workspace=workspace, ECRM_PASSWORD=PASSWORD)
    assert preview.returncode == 0, preview.stderr
    previewed = json.loads(preview.stdout)
    applied = ecrm("privacy", "retention", "--years", "1", "--apply", "--yes", "--json", workspace=workspace,
                   ECRM_PASSWORD=PASSWORD)
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)["customers"] == previewed["count"] == 2
    again = ecrm("privacy", "retention", "--years", "1", "--json", workspace=workspace, ECRM_PASSWORD=PASSWORD)
    assert json.loads(again.stdout)["count"] == 0


def test_rotate_backup_restore(workspace: Path, tmp_path: Path) -> None:
    assert ecrm("key", "rotate", workspace=workspace, ECRM_PASSWORD=PASSWORD).returncode == 0
    backup = tmp_path / "b.ecrmbackup"
    made = ecrm("backup", "--out", str(backup), "--json", workspace=workspace, ECRM_PASSWORD=PASSWORD)
    assert made.returncode == 0, made.stderr
    target = tmp_path / "restored"
    wrong = ecrm("restore", str(backup), workspace=target, ECRM_PASSWORD="not-the-password")
    assert wrong.returncode == 5 and not target.exists()
    assert ecrm("restore", str(backup), workspace=target, ECRM_PASSWORD=PASSWORD).returncode == 0
    found = ecrm("customers", "search", "Hopper", "--json", workspace=target, ECRM_PASSWORD=PASSWORD)
    assert found.returncode == 0 and "grace@example.com" in found.stdout
    refused = ecrm("restore", str(backup), workspace=target, ECRM_PASSWORD=PASSWORD)
    assert refused.returncode == 1 and "already holds" in refused.stderr
